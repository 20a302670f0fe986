// Bench: planRetry on the examples' prod-failure-001 (file-system) and map-fail-0001 (chunked-fs, map): the whole
// plan (trusted: Python locates the function and computes the current dag, concurrently) against the untrusted plan
// (no Python), and each Python helper alone; the difference is what the interpreter start costs.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, 'out/src/core');
if (!fs.existsSync(path.join(out, 'retry/plan.js'))) { console.error('out/ is missing: run `npm run compile-tests` first.'); process.exit(2); }
const require = createRequire(import.meta.url);
const { planRetry } = require(path.join(out, 'retry/plan.js'));
const { locateWithPython } = require(path.join(out, 'python/locate.js'));
// the interpreter itself, not a launcher shim (pyenv's adds seconds per start)
const python = execFileSync(process.env.RUNNABLE_TEST_PYTHON || 'python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
let pyEnv = {};
try { execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' }); } catch { pyEnv = { PYTHONPATH: path.join(repo, 'test', 'standin') }; }
const env = { ...process.env, ...pyEnv };
const cwd = path.join(repo, 'examples');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(label, fn) {
  await fn(); // warm (module loads, fs cache)
  const xs = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(performance.now() - t0);
  }
  console.log(`${label.padEnd(58)} median ${median(xs).toFixed(1)} ms (n=${REPEAT})`);
}

for (const runId of ['prod-failure-001', 'map-fail-0001']) {
  await time(`plan ${runId}, untrusted (no Python)`, () => planRetry({ cwd, runId, env, trusted: false }));
  await time(`plan ${runId}, trusted (locate + dag check in Python)`, () => planRetry({ cwd, runId, env, python }));
}
await time('  locate functions.deploy_model with Python alone', () => locateWithPython({ cwd, command: 'functions.deploy_model', trusted: true, env, python }));
console.log(pyEnv.PYTHONPATH ? '(runnable stand-in; the real runnable imports more, so its dag check is slower)' : '(real runnable)');
