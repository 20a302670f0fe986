#!/usr/bin/env bash
# The real VS Code tier, offline: code-server (npm, VS Code 1.100) + Debian Chromium + debugpy in a venv.
# 1) the mocha integration suite inside the node extension host, 2) the UI tests (test/e2e/*.mjs).
# Prints `vscode: N passed, N failed`; exits non-zero on any failure. VSCT_TIER=integration|e2e runs one of them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
t0=$(date +%s)

bash tools/code-server/install.sh

# debugpy for the Retry-locally / launch-config tests; PyYAML for test/standin (the runnable stand-in); moto[server].
# A RUNNABLE_TEST_PYTHON already set (an interpreter with the real runnable, debugpy and PyYAML) is kept: the same
# tests then run against real runnable instead of the stand-in.
RUNNABLE_TEST_PYTHON="${RUNNABLE_TEST_PYTHON:-$(bash scripts/test-python.sh)}"
export RUNNABLE_TEST_PYTHON
# The Python Debugger extension's test double with a real debugpy made by `pip install --target` (its bundled/libs
# folder is also the debugpy folder the `runnable.debugpyPath` test names).
DEBUGGER_EXTENSION="$(bash scripts/test-debugger-extension.sh)"
export RUNNABLE_TEST_DEBUGPY_TARGET="$DEBUGGER_EXTENSION/bundled/libs"

# The AWS default chain's last step asks EC2 instance metadata (169.254.169.254 unless told otherwise): the tests stay
# on loopback, on a port that refuses at once. The unit tests do the same (test/helpers/moto.ts).
export AWS_EC2_METADATA_SERVICE_ENDPOINT="${AWS_EC2_METADATA_SERVICE_ENDPOINT:-http://127.0.0.1:1}"

# Standalone `npm run test:vscode` after an edit: rebuild whatever is older than its sources.
# (`npm test` has just built both, so this finds nothing.)
if [ ! -f dist/extension.js ] || [ -n "$(find src package.json -newer dist/extension.js -type f -print -quit)" ]; then
  npm run --silent build
fi
if [ ! -f out/test/integration/index.js ] || [ -n "$(find src test -name '*.ts' -newer out/test/integration/index.js -print -quit)" ]; then
  npm run --silent compile-tests || echo "[vscode] compile-tests reported type errors (see above); running what was emitted"
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
rc=0
tier="${VSCT_TIER:-all}"   # integration | e2e | vsix | all
if [ "$tier" = all -o "$tier" = integration ]; then node scripts/run-integration.mjs 2>&1 | tee -a "$log" || rc=1; fi
# Second integration run: a workspace with no runnable file (Kubernetes and GitHub Actions YAML) beside a stand-in
# carrying Red Hat YAML's id (test/integration/yamlNeighbours.test.ts); only when VSCT_GREP, if set, selects it.
plain="YAML neighbours: a plain YAML workspace beside Red Hat YAML"
if [ "$tier" = all -o "$tier" = integration ] && { [ -z "${VSCT_GREP:-}" ] || [[ "$plain" =~ ${VSCT_GREP} ]]; }; then
  VSCT_WORKSPACE="$ROOT/test/fixtures/plain-yaml-workspace" VSCT_EXTENSIONS=test/fixtures/redhat-yaml-standin VSCT_GREP="$plain" \
    node scripts/run-integration.mjs 2>&1 | tee -a "$log" || rc=1
fi
# A second, short pass with the Python Debugger extension (test double) installed: its tests are skipped above.
DEBUGGER_GREP='with the Python Debugger extension'
if [ "$tier" = all -o "$tier" = integration ] && { [ -z "${VSCT_GREP:-}" ] || [[ "$DEBUGGER_GREP" == *"${VSCT_GREP}"* ]] || [[ "${VSCT_GREP}" == *"$DEBUGGER_GREP"* ]]; }; then
  VSCT_GREP="$DEBUGGER_GREP" VSCT_EXTRA_EXTENSIONS="$DEBUGGER_EXTENSION" node scripts/run-integration.mjs 2>&1 | tee -a "$log" || rc=1
fi
if [ "$tier" = all -o "$tier" = e2e ]; then node scripts/e2e-ui.mjs 2>&1 | tee -a "$log" || rc=1; fi
# The packaged VSIX installed into code-server as a user would (icon, Runnable container, walkthrough).
if [ "$tier" = all ] || [ "$tier" = vsix ]; then node scripts/vsix-ui.mjs 2>&1 | tee -a "$log" || rc=1; fi
read -r p f < <(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | awk '{p+=$1; f+=$3} END {print p+0, f+0}')
[ "$p" -gt 0 ] || rc=1
[ "$f" -eq 0 ] || rc=1
echo "vscode: $p passed, $f failed ($(( $(date +%s) - t0 ))s)"
exit $rc
