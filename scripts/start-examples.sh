#!/usr/bin/env bash
# `npm start`: build, install code-server if needed, and serve a real VS Code (1.100) on examples/ with
# the extension loaded from this checkout. Prints the URL to open; runs until Ctrl-C.
# Env: PORT (default: a free port), HOST (default 127.0.0.1; use 0.0.0.0 to reach it from another machine).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
npm run --silent build
bash tools/code-server/install.sh
# debugpy for "Retry locally" in the demo (the tests use the same venv).
VENV="$ROOT/.vscode-test/venv"
bash scripts/test-python.sh >/dev/null \
  || echo "[start] could not install debugpy into $VENV; Retry locally needs a Python with debugpy"

exec node --input-type=module - <<'JS'
import { EXAMPLES, startCodeServer, workbenchUrl } from './scripts/cs-lib.mjs';
const venvPython = `${process.cwd()}/.vscode-test/venv/bin/python`;
const cs = await startCodeServer({
  host: process.env.HOST ?? '127.0.0.1',
  port: process.env.PORT ? Number(process.env.PORT) : undefined,
  // Retry locally runs this interpreter (debugpy installed; runnable itself must be pip-installed into it).
  settings: { 'runnable.pythonPath': venvPython },
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping code-server');
  await cs.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
cs.child.once('exit', (c) => { if (!stopping) { console.log(`[start] code-server exited (${c}); log: ${cs.logFile}`); process.exit(1); } });
console.log(`\nRunnable extension on ${EXAMPLES} in VS Code (code-server). Open:\n\n  ${workbenchUrl(cs, { folder: EXAMPLES })}\n\n`
  + `Retry locally uses ${venvPython} (runnable.pythonPath); it needs runnable installed there.\nCtrl-C to stop.`);
JS
