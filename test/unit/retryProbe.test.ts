// The retry probe: one Python process answers both the locator and the dag check (same answers as the two
// separate helpers), and its cache serves a second plan without Python until a file it depends on changes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planRetry, type PlanTimings } from '../../src/core/retry/plan';
import { runProbe } from '../../src/core/retry/probe';
import { ProbeCache } from '../../src/core/retry/probeCache';
import { currentDag } from '../../src/core/retry/dagCheck';
import { locateWithPython } from '../../src/core/python/locate';
import { findRun } from '../../src/core/retry/findRun';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();
const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempCopy(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `probe-${name}-`));
  temps.push(dir);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** An interpreter wrapper that records every start in `log`, then runs the real one. */
function countingPython(dir: string): { python: string; starts: () => number } {
  const log = path.join(dir, 'starts.log');
  const python = path.join(dir, 'counting-python');
  fs.writeFileSync(python, `#!/bin/sh\necho start >> '${log}'\nexec '${PY.python}' "$@"\n`, { mode: 0o755 });
  return { python, starts: () => (fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0) };
}

void test('one probe process answers like the separate locator and dag helpers', async () => {
  const cwd = path.join(FIXTURES, 'ml-file-system');
  const found = await findRun({ cwd, runId: 'prod-failure-001', env: PY.env });
  assert.ok('run' in found, 'the fixture run is readable');
  const run = found.run;
  const [probe, located, dag] = await Promise.all([
    runProbe({ cwd, python: PY.python, env: PY.env, locate: 'functions.deploy_model', dag: { mode: 'python', definition: 'pipeline.main' } }),
    locateWithPython({ cwd, command: 'functions.deploy_model', trusted: true, env: PY.env, python: PY.python }),
    currentDag({ run, cwd, python: PY.python, env: PY.env }),
  ]);
  assert.equal(probe.failed, undefined);
  assert.deepEqual(probe.locate, located);
  assert.deepEqual(probe.dag, dag);
  assert.ok(probe.dag && 'hash' in probe.dag && probe.dag.hash === run.dagHash, 'the recorded dag_hash');
  // the files the answer depends on: the pipeline module, the function's module, the parameters file
  for (const f of ['pipeline.py', 'functions.py', 'parameters.yaml']) assert.ok(probe.files.includes(path.join(cwd, f)), `${f} in ${probe.files.join(', ')}`);
  assert.ok(typeof probe.cpuMs === 'number' && probe.cpuMs > 0, 'Python reports its CPU time');
});

void test('a trusted plan starts Python once; a second plan of the same run starts none, a changed file re-probes', async () => {
  const dir = tempCopy('ml-chunked-fs');
  const py = countingPython(dir);
  const cache = new ProbeCache();
  const plan = async () => {
    const timings = {} as PlanTimings;
    const p = await planRetry({ cwd: dir, runId: 'nightly-train-0412', env: PY.env, python: py.python, probeCache: cache, timings });
    return { p, timings };
  };
  const first = await plan();
  assert.equal(py.starts(), 1, 'locate + dag in one process');
  assert.equal(first.p.blocked, null, first.p.blocked ?? '');
  assert.equal(first.timings.probeCached, false);
  assert.equal(first.timings.probed, true);

  const second = await plan();
  assert.equal(py.starts(), 1, 'served from the cache');
  assert.equal(second.timings.probeCached, true);
  assert.deepEqual(second.p, first.p, 'the same plan');

  // the failed function's module changes (a line above the def moves the stop by one)
  const fn = path.join(dir, 'functions.py');
  fs.writeFileSync(fn, `# a new first line\n${fs.readFileSync(fn, 'utf8')}`);
  const third = await plan();
  assert.equal(py.starts(), 2, 'functions.py changed: probed again');
  assert.equal(third.p.firstFailed?.line, first.p.firstFailed!.line! + 1);

  // the parameters file changes: probed again (the warning about it comes from the plan either way)
  fs.appendFileSync(path.join(dir, 'parameters.yaml'), '\n# touched\n');
  await plan();
  assert.equal(py.starts(), 3, 'parameters.yaml changed: probed again');

  // the pipeline gains a step after a cached plan: the pre-flight still blocks, naming it
  await plan();
  assert.equal(py.starts(), 3);
  const p = path.join(dir, 'pipeline.py');
  fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(
    'PythonTask(function=send_notification, name="notify"),',
    'PythonTask(function=send_notification, name="notify"),\n            PythonTask(function=run_tests, name="smoke"),',
  ));
  const changed = await plan();
  assert.equal(py.starts(), 4);
  assert.match(changed.p.blocked ?? '', /pipeline changed.*added smoke/);
});

void test('a module saved while the probe runs: that answer is returned but not kept, the next plan probes again', async () => {
  const dir = tempCopy('ml-chunked-fs');
  const log = path.join(dir, 'starts.log');
  const fn = path.join(dir, 'functions.py');
  // The first start saves functions.py after Python has read it (before the cache looks at the files): the saved
  // content is not what the answer came from, so keeping it would serve a stale line to the next retry.
  const python = path.join(dir, 'saving-python');
  fs.writeFileSync(python, `#!/bin/sh
echo start >> '${log}'
'${PY.python}' "$@"; rc=$?
if [ ! -e '${dir}/saved' ]; then touch '${dir}/saved'; printf '# saved while the probe ran\\n' | cat - '${fn}' > '${fn}.new' && mv '${fn}.new' '${fn}'; fi
exit $rc
`, { mode: 0o755 });
  const starts = () => fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  const cache = new ProbeCache();
  const plan = () => planRetry({ cwd: dir, runId: 'nightly-train-0412', env: PY.env, python, probeCache: cache, timings: {} as PlanTimings });
  const first = await plan();
  assert.equal(starts(), 1);
  const second = await plan();
  assert.equal(starts(), 2, 'the first answer was not kept');
  assert.equal(second.firstFailed?.line, first.firstFailed!.line! + 1, 'the second plan sees the saved line');
  await plan();
  assert.equal(starts(), 2, 'an answer from unchanged files is kept');
});

void test('untrusted: no probe at all', async () => {
  const dir = tempCopy('ml-file-system');
  const py = countingPython(dir);
  const timings = {} as PlanTimings;
  const plan = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: py.python, trusted: false, probeCache: new ProbeCache(), timings });
  assert.equal(py.starts(), 0);
  assert.equal(timings.probed, false);
  assert.equal(plan.firstFailed?.line, 16);
});

void test('a probe that cannot start is not cached, and the plan falls back to the source with a note', async () => {
  const dir = tempCopy('ml-file-system');
  const cache = new ProbeCache();
  const missing = path.join(dir, 'no-such-python');
  const plan = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: missing, probeCache: cache });
  assert.equal(plan.firstFailed?.line, 16, 'static fallback');
  assert.ok(plan.warnings.some((w) => w.includes('no-such-python') && /reading the source/.test(w)), plan.warnings.join('|'));
  assert.ok(plan.warnings.some((w) => /Could not check whether the pipeline changed/.test(w)), plan.warnings.join('|'));
  const py = countingPython(dir);
  fs.renameSync(py.python, missing);
  // the interpreter now exists: a cached failure would hide it
  const again = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: missing, probeCache: cache });
  assert.equal(fs.readFileSync(path.join(dir, 'starts.log'), 'utf8').trim(), 'start');
  assert.ok(!again.warnings.some((w) => /reading the source|Could not check/.test(w)), again.warnings.join('|'));
});
