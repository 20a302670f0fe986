// Bench: planRetry on the examples' prod-failure-001 (file-system) and map-fail-0001 (chunked-fs, map). Splits the
// trusted plan into our own TypeScript work (plan minus the time blocked on the Python probe) and the probe
// subprocess (locate + dag in one Python process: wall and Python's own CPU time), for a first plan (fresh cache)
// and a second plan of the same run (cache hit: no Python). CPU times are printed beside wall times: on a loaded
// machine the wall time mostly measures the wait for a core. The old way (two Python helpers) is timed alongside.
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = path.join(repo, 'out/src/core');
if (!fs.existsSync(path.join(out, 'retry/probeCache.js'))) { console.error('out/ is missing or stale: run `npm run compile-tests` first.'); process.exit(2); }
const require = createRequire(import.meta.url);
const { planRetry } = require(path.join(out, 'retry/plan.js'));
const { ProbeCache } = require(path.join(out, 'retry/probeCache.js'));
const { locateWithPython } = require(path.join(out, 'python/locate.js'));
const { currentDag } = require(path.join(out, 'retry/dagCheck.js'));
const { findRun } = require(path.join(out, 'retry/findRun.js'));
// the interpreter itself, not a launcher shim (pyenv's adds seconds per start)
const python = execFileSync(process.env.RUNNABLE_TEST_PYTHON || 'python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
let pyEnv = {};
try { execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' }); } catch { pyEnv = { PYTHONPATH: path.join(repo, 'test', 'standin') }; }
const env = { ...process.env, ...pyEnv };
const cwd = path.join(repo, 'examples');
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(1));
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Runs `fn` REPEAT times (after one warm-up); fn returns extra numbers to report (medians). */
async function time(label, fn) {
  await fn();
  const rows = [];
  for (let i = 0; i < REPEAT; i++) {
    const t0 = performance.now();
    const c0 = cpuMs();
    const extra = (await fn()) ?? {};
    rows.push({ wall: performance.now() - t0, nodeCpu: cpuMs() - c0, ...extra });
  }
  const m = (k) => median(rows.map((r) => r[k]).filter((x) => x !== undefined));
  const keys = Object.keys(rows[0]).filter((k) => k !== 'wall' && k !== 'nodeCpu');
  console.log(`${label.padEnd(52)} wall ${f(m('wall')).padStart(7)} ms  node CPU ${f(m('nodeCpu')).padStart(6)} ms${keys.map((k) => `  ${k} ${f(m(k))}`).join('')}  (median, n=${REPEAT})`);
  return Object.fromEntries(['wall', 'nodeCpu', ...keys].map((k) => [k, m(k)]));
}

const summary = [];
for (const runId of ['prod-failure-001', 'map-fail-0001']) {
  await time(`plan ${runId}, untrusted (no Python)`, async () => { await planRetry({ cwd, runId, env, trusted: false }); });
  const first = await time(`plan ${runId}, trusted, first (probe runs)`, async () => {
    const t = {};
    await planRetry({ cwd, runId, env, python, probeCache: new ProbeCache(), timings: t });
    return { probeWallMs: t.probeWallMs, probeCpuMs: t.probeCpuMs, blockedMs: t.probeBlockedMs };
  });
  const cache = new ProbeCache();
  await planRetry({ cwd, runId, env, python, probeCache: cache }); // fills the cache
  const second = await time(`plan ${runId}, trusted, again (cached probe)`, async () => {
    const t = {};
    await planRetry({ cwd, runId, env, python, probeCache: cache, timings: t });
    if (!t.probeCached) throw new Error('the second plan did not reuse the probe');
    return { blockedMs: t.probeBlockedMs };
  });
  summary.push({ runId, first, second });
}

// The old way, for comparison: two Python processes (locator, then the dag helper), concurrently as before.
const found = await findRun({ cwd, runId: 'prod-failure-001', env });
const old = await time('old: locate + dag as two Python processes', async () => { await Promise.all([
  locateWithPython({ cwd, command: 'functions.deploy_model', trusted: true, env, python }),
  currentDag({ run: found.run, cwd, python, env }),
]); });

console.log('');
for (const { runId, first, second } of summary) {
  const ours = first.wall - first.blockedMs;
  console.log(`${runId}: first plan ${f(first.wall)} ms = ours ${f(ours)} ms (node CPU ${f(first.nodeCpu)} ms) + blocked on the probe ${f(first.blockedMs)} ms`
    + ` [probe subprocess wall ${f(first.probeWallMs)} ms, Python CPU ${f(first.probeCpuMs)} ms; ratio Python/ours ${f(first.probeWallMs / ours)}x]`);
  console.log(`${' '.repeat(runId.length)}  second plan ${f(second.wall)} ms (node CPU ${f(second.nodeCpu)} ms), no Python; target for our part < 300 ms: ${ours < 300 && second.wall < 300 ? 'met' : 'NOT met'}`);
}
console.log(`old two-process locate+dag: wall ${f(old.wall)} ms (vs one probe ${f(summary[0].first.probeWallMs)} ms)`);
console.log(pyEnv.PYTHONPATH ? '(runnable stand-in; the real runnable imports more, so its probe is slower)' : '(real runnable)');
