// Retry plans over workspaces recorded with real runnable in the shapes its users have (fixtures docs-09-retry,
// mixed-configs, async-pipeline, async-imported, killed-run, loop; see their case.json): documented examples in hyphenated package
// folders, several configs naming one store, an AsyncPipeline run as a script, a run killed mid-step, a loop.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { planRetry } from '../../src/core/retry/plan';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();
const temps: string[] = [];
after(() => { for (const d of temps) fs.rmSync(d, { recursive: true, force: true }); });

function tempCopy(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `real-${name}-`));
  temps.push(dir);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

interface CaseRun {
  status: string;
  first_failed_task: { internal_name: string; file: string; break_line: number; inputs: Record<string, { kind: string; value?: unknown }> };
  expected_retry_config: string | null;
  extra?: { equivalent_retry_configs?: Array<string | null> };
  retry_argv: string[];
  break_condition: string | null;
  retry: { skipped_on_retry: string[]; rerun_on_retry: string[] };
  retry_observed?: { new_steps?: string[] };
}
const caseRuns = (name: string) => Object.entries((JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8')) as { runs: Record<string, CaseRun> }).runs);
const OLD = new Date(Date.now() - 3 * 60 * 60 * 1000);

/** A copy of mixed-configs whose mixed-local-0001 records the argo executor (as a run made on Argo and read locally). */
function mixedLocalMadeByArgo(): string {
  const dir = tempCopy('mixed-configs');
  const file = path.join(dir, '.run_log_store', 'mixed-local-0001.json');
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  log.run_config.pipeline_executor.service_name = 'argo';
  fs.writeFileSync(file, JSON.stringify(log, null, 4));
  return dir;
}

for (const name of ['docs-09-retry', 'mixed-configs', 'async-pipeline', 'async-imported', 'killed-run', 'loop', 'never-called', 'nested-script']) {
  void describe(`retry plans: ${name}`, () => {
    for (const [runId, c] of caseRuns(name)) {
      void it(`${runId}: not blocked; the failed function, its stop line, inputs, config and condition as real runnable has them`, async () => {
        const dir = tempCopy(name);
        // A killed run is only offered once its log has been quiet for a while: age the copy (cpSync dated it now).
        if (c.status === 'PROCESSING') fs.utimesSync(path.join(dir, '.run_log_store', `${runId}.json`), OLD, OLD);
        const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python, generatedConfigDir: path.join(dir, '.generated') });
        assert.equal(plan.blocked, null, plan.blocked ?? '');
        const ff = c.first_failed_task;
        assert.equal(plan.firstFailed?.internalName, ff.internal_name);
        assert.equal(plan.firstFailed?.file, ff.file);
        assert.equal(plan.firstFailed?.line, ff.break_line);
        assert.deepEqual(Object.fromEntries(Object.entries(plan.firstFailed?.inputs ?? {}).map(([k, v]) => [k, { kind: v.kind, value: v.value }])),
          Object.fromEntries(Object.entries(ff.inputs).map(([k, v]) => [k, { kind: v.kind, value: v.value }])));
        const allowed = c.extra?.equivalent_retry_configs ?? [c.expected_retry_config];
        assert.ok(allowed.includes(plan.config?.file ?? null), `config ${plan.config?.file ?? 'defaults'} is one of ${JSON.stringify(allowed)}: ${plan.config?.reason}`);
        assert.equal(plan.env.RUNNABLE_CONFIGURATION_FILE, plan.config?.file ?? undefined);
        assert.equal(plan.breakpoints[0]?.condition ?? null, c.break_condition);
        assert.deepEqual([...plan.rerun].sort(), [...c.retry.rerun_on_retry].sort());
        for (const s of c.retry.skipped_on_retry) assert.ok(plan.skipped.includes(s), `${s} skipped`);
      });
    }
  });
}

void describe('loops', () => {
  it('the loop the retry enters may go on past the failed iteration: the plan says from which and until what; real runnable ran it (case.json)', async () => {
    const [[runId, c]] = caseRuns('loop');
    const plan = await planRetry({ cwd: path.join(FIXTURES, 'loop'), runId, env: PY.env, python: PY.python });
    assert.deepEqual(plan.loopsGoOn, [{ loop: 'polling', from: 3, breakOn: 'done', maxIterations: 6 }]);
    // What real runnable's retry did: iteration 3 ran, which no log or dag of the failed run names.
    assert.ok(c.retry_observed?.new_steps?.includes('polling.3.poll once'));
    assert.ok(!plan.notReached.includes('polling.3.poll once'));
    assert.deepEqual(plan.notReached, ['finish']);
    // A plan with no loop in it says nothing of loops (the JSON keeps its shape).
    const other = await planRetry({ cwd: path.join(FIXTURES, 'docs-09-retry'), runId: 'docs-linear-0001', env: PY.env, python: PY.python, trusted: false });
    assert.equal(other.loopsGoOn, undefined);
  });
});

void describe('retry config chosen from the run', () => {
  it('mocked, argo and container configs on the same store are never taken; the pre-flight says which was and why', async () => {
    const dir = tempCopy('mixed-configs');
    const plan = await planRetry({ cwd: dir, runId: 'mixed-local-0001', env: PY.env, python: PY.python });
    assert.ok(!/mocked|argo|container/.test(plan.config?.file ?? ''), plan.config?.file ?? '');
    assert.match(plan.config!.reason, /Not taken: .*configs\/mocked\.yaml \(.*mocked/);
    assert.match(plan.config!.reason, /configs\/chunked\.yaml \(its chunked-fs store cannot read this file-system run\)/);
  });

  it('a config naming an executor runnable does not have (its examples/configs/retry-config.yaml: `retry`) is not taken, and says why', async () => {
    const dir = tempCopy('mixed-configs');
    // As runnable's own examples/configs/retry-config.yaml: real runnable refuses it ("Could not find the service of kind: retry").
    fs.writeFileSync(path.join(dir, 'configs', 'retry-config.yaml'), 'run-log-store:\n  type: file-system\npipeline-executor:\n  type: retry\n  config:\n    run_id: parallel-fail\n');
    const plan = await planRetry({ cwd: dir, runId: 'mixed-local-0001', env: PY.env, python: PY.python });
    assert.equal(plan.config?.file, 'configs/local.yaml', plan.config?.reason);
    assert.match(plan.config!.reason, /configs\/retry-config\.yaml \(retry is not one of runnable's executors \(local, local-container, emulator, argo, mocked\): runnable stops with "Could not find the service of kind: retry"/);
  });

  it('the chunked-fs run in the same folder is retried through the chunked-fs config', async () => {
    const dir = tempCopy('mixed-configs');
    const plan = await planRetry({ cwd: dir, runId: 'mixed-chunked-0001', env: PY.env, python: PY.python });
    assert.equal(plan.config?.file, 'configs/chunked.yaml', plan.config?.reason);
  });

  it('a chunked-fs config with enable_parallel (branches in a multiprocessing Pool) comes after one without; alone, it is taken and the plan says so', async () => {
    const dir = tempCopy('mixed-configs');
    // As runnable's examples/configs/parallel_enabled.yaml beside chunked-fs-run_log.yaml; named to sort first.
    fs.writeFileSync(path.join(dir, 'configs', 'a-parallel.yaml'), 'pipeline-executor:\n  type: local\n  config:\n    enable_parallel: true\nrun-log-store:\n  type: chunked-fs\ncatalog:\n  type: file-system\n');
    const plan = await planRetry({ cwd: dir, runId: 'mixed-chunked-0001', env: PY.env, python: PY.python });
    assert.equal(plan.config?.file, 'configs/chunked.yaml', plan.config?.reason);
    assert.match(plan.config!.reason, /Preferred over configs\/a-parallel\.yaml \(enable_parallel/);
    fs.rmSync(path.join(dir, 'configs', 'chunked.yaml'));
    const alone = await planRetry({ cwd: dir, runId: 'mixed-chunked-0001', env: PY.env, python: PY.python });
    assert.equal(alone.config?.file, 'configs/a-parallel.yaml', alone.config?.reason);
    assert.match(alone.config!.reason, /enable_parallel: map and parallel branches run in worker processes/);
  });

  it('a mocked config named for the retry comes back as a confirmation that says what it would do', async () => {
    const dir = tempCopy('mixed-configs');
    const plan = await planRetry({ cwd: dir, runId: 'mixed-local-0001', env: PY.env, python: PY.python, retryConfigFile: 'configs/mocked.yaml' });
    // extensions/pipeline_executor/mocked.py: no skip logic, a fresh step log per step, unpatched tasks mocked.
    assert.match(plan.config?.confirm ?? '', /mocked executor runs nothing: it writes a new log for every step \(the failed attempts are lost\) and marks each task SUCCESS without running it, so the run ends SUCCESS/);
    // With patches (runnable's examples/08-mocking shape) the patched steps do run: the sentence names them.
    fs.writeFileSync(path.join(dir, 'configs', 'patched.yaml'), 'pipeline-executor:\n  type: mocked\n  config:\n    patches:\n      step 2:\n        command: examples.common.functions.raise_ex\n');
    const patched = await planRetry({ cwd: dir, runId: 'mixed-local-0001', env: PY.env, python: PY.python, retryConfigFile: 'configs/patched.yaml' });
    assert.match(patched.config?.confirm ?? '', /skips nothing: it writes a new log for every step it reaches \(the failed attempts are lost\), runs the patched step \(step 2\) with its patch/);
  });

  it('a run made by argo, read through a local store: a local config is written for the retry, and the plan says so', async () => {
    const dir = mixedLocalMadeByArgo();
    // With a local config on the store it is taken (see the next test); without one, a config is written.
    fs.rmSync(path.join(dir, 'configs', 'local.yaml'));
    fs.writeFileSync(path.join(dir, 'runnable-config.yaml'), fs.readFileSync(path.join(dir, 'configs', 'argo.yaml')));
    const plan = await planRetry({ cwd: dir, runId: 'mixed-local-0001', env: PY.env, python: PY.python, generatedConfigDir: path.join(dir, '.generated') });
    assert.match(plan.config?.reason ?? '', /written for this retry.*made by the argo executor/);
    assert.match(plan.config?.generated ?? '', /pipeline-executor:\n {2}type: local/);
    assert.ok(plan.config?.file && fs.readFileSync(path.resolve(dir, plan.config.file), 'utf8') === plan.config.generated);
  });
});

void describe('argo runs read through a local store', () => {
  it('a local config on the store that holds the run is taken, and the pre-flight says the run was made by argo', async () => {
    const dir = mixedLocalMadeByArgo();
    const plan = await planRetry({ cwd: dir, runId: 'mixed-local-0001', env: PY.env, python: PY.python });
    assert.equal(plan.config?.file, 'configs/local.yaml');
    assert.match(plan.config?.reason ?? '', /made by the argo executor.*runs the local executor/);
  });
});

void describe('dead runs', () => {
  it('a PROCESSING run whose log is being written is refused with the time of its last write', async () => {
    const dir = tempCopy('killed-run');
    // The log was written 2 minutes before "now" (both given: nothing here depends on how fast the machine is).
    const written = new Date('2026-12-01T10:00:00Z');
    fs.utimesSync(path.join(dir, '.run_log_store', 'killed-run-0001.json'), written, written);
    const plan = await planRetry({ cwd: dir, runId: 'killed-run-0001', env: PY.env, python: PY.python, now: written.getTime() + 2 * 60_000 });
    assert.match(plan.blocked ?? '', /still PROCESSING: its log last changed at .* \(2 min ago\)/);
  });

  it('a quiet one is offered with a warning naming the unfinished step and when the log last changed', async () => {
    const dir = tempCopy('killed-run');
    fs.utimesSync(path.join(dir, '.run_log_store', 'killed-run-0001.json'), OLD, OLD);
    const plan = await planRetry({ cwd: dir, runId: 'killed-run-0001', env: PY.env, python: PY.python, now: OLD.getTime() + 180 * 60_000 });
    assert.equal(plan.blocked, null);
    assert.ok(plan.warnings.some((w) => /last changed at .* \(180 min ago\): it looks dead.*the unfinished step crunch/.test(w)), plan.warnings.join(' | '));
  });
});

void describe('async pipelines run as scripts', () => {
  it('the script that defines the __main__ functions is re-run; a second one that fits is offered as a choice', async () => {
    const dir = tempCopy('async-pipeline');
    const one = await planRetry({ cwd: dir, runId: 'async-flow-0001', env: PY.env, python: PY.python });
    assert.deepEqual(one.argv, ['flows/async_flow.py']);
    assert.equal(one.script, 'flows/async_flow.py');
    fs.copyFileSync(path.join(dir, 'flows', 'async_flow.py'), path.join(dir, 'flows', 'copy_flow.py'));
    const two = await planRetry({ cwd: dir, runId: 'async-flow-0001', env: PY.env, python: PY.python });
    assert.deepEqual(two.scriptChoices, ['flows/async_flow.py', 'flows/copy_flow.py']);
    assert.match(two.blocked ?? '', /2 scripts define fetch, parse/);
    const picked = await planRetry({ cwd: dir, runId: 'async-flow-0001', env: PY.env, python: PY.python, script: 'flows/copy_flow.py' });
    assert.equal(picked.blocked, null);
    assert.equal(picked.firstFailed?.file, 'flows/copy_flow.py');
  });
});

void describe('async pipelines whose tasks are imported from the project (runnable\'s examples/async shape)', () => {
  it('the script that imports every task function and builds the pipeline is re-run, with the project on PYTHONPATH', async () => {
    const dir = tempCopy('async-imported');
    const plan = await planRetry({ cwd: dir, runId: 'async-imported-0001', env: { ...PY.env, PYTHONPATH: '/opt/site' }, python: PY.python });
    assert.equal(plan.blocked, null, plan.blocked ?? '');
    // preview_fx.py imports fetch_rates and convert only: it cannot be the run's script.
    assert.deepEqual(plan.argv, ['pipelines/nightly_fx.py']);
    assert.equal(plan.env.PYTHONPATH, `${dir}${path.delimiter}/opt/site`);
    assert.equal(plan.firstFailed?.command, 'pipelines.steps.publish');
  });

  it('of two scripts importing the functions, the one whose steps are exactly the run\'s is taken; two such are offered', async () => {
    const dir = tempCopy('async-imported');
    const nightly = fs.readFileSync(path.join(dir, 'pipelines', 'nightly_fx.py'), 'utf8');
    // Same imports, one more step (as runnable's async_sequential.py beside async_tasks.py).
    fs.writeFileSync(path.join(dir, 'pipelines', 'weekly_fx.py'), nightly.replace(
      'AsyncPythonTask(name="publish", function=publish),',
      'AsyncPythonTask(name="publish", function=publish),\n            AsyncPythonTask(name="archive", function=convert),',
    ));
    const one = await planRetry({ cwd: dir, runId: 'async-imported-0001', env: PY.env, python: PY.python });
    assert.deepEqual(one.argv, ['pipelines/nightly_fx.py'], one.blocked ?? '');
    fs.writeFileSync(path.join(dir, 'pipelines', 'nightly_copy.py'), nightly.replace('from pipelines.steps import convert, fetch_rates, publish', 'from pipelines.steps import (\n    convert,\n    fetch_rates,\n    publish,\n)'));
    const two = await planRetry({ cwd: dir, runId: 'async-imported-0001', env: PY.env, python: PY.python });
    assert.deepEqual(two.scriptChoices, ['pipelines/nightly_copy.py', 'pipelines/nightly_fx.py']);
    assert.match(two.blocked ?? '', /2 scripts import convert, fetch_rates, publish/);
  });
});

void describe('a map whose parameter the run never had (map-no-parameter, a YAML run without -p)', () => {
  it('the dead run is not offered: the plan says why a retry stops at the same place and what to do', async () => {
    const dir = tempCopy('map-no-parameter');
    fs.utimesSync(path.join(dir, '.run_log_store', 'map-noparam-0001.json'), OLD, OLD);
    const plan = await planRetry({ cwd: dir, runId: 'map-noparam-0001', env: PY.env, python: PY.python, now: OLD.getTime() + 60 * 60_000 });
    assert.match(plan.blocked ?? '', /Map score regions iterates on the parameter regions, which run map-noparam-0001 never had \(its parameters: none\)/);
    assert.match(plan.blocked ?? '', /Run the pipeline again with regions set/);
  });

  it('with the parameter in the run, the same map is retried (and the YAML dag, map branch included, is the recorded one)', async () => {
    const dir = tempCopy('map-no-parameter');
    const file = path.join(dir, '.run_log_store', 'map-noparam-0001.json');
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    log.parameters = { regions: { kind: 'json', value: ['emea', 'apac'], description: ['emea', 'apac'] } };
    fs.writeFileSync(file, JSON.stringify(log, null, 4));
    fs.utimesSync(file, OLD, OLD);
    const plan = await planRetry({ cwd: dir, runId: 'map-noparam-0001', env: PY.env, python: PY.python, now: OLD.getTime() + 60 * 60_000 });
    assert.equal(plan.blocked, null, plan.blocked ?? '');
    assert.deepEqual(plan.argv, ['-m', 'runnable.cli', 'execute', 'pipeline.yaml']);
  });
});

void describe('a map inside a Parallel over a value its own branch returned (map-in-parallel)', () => {
  it('is refused, fresh or dead: the map reads the run\'s parameters, the value is in the branch\'s, and a retry stops there again', async () => {
    for (const age of [0, 60]) {
      const dir = tempCopy('map-in-parallel');
      fs.utimesSync(path.join(dir, '.run_log_store', 'map-in-parallel-0001.json'), OLD, OLD);
      const plan = await planRetry({ cwd: dir, runId: 'map-in-parallel-0001', env: PY.env, python: PY.python, now: OLD.getTime() + age * 60_000 });
      assert.match(plan.blocked ?? '', /Map fan\.a\.per chunk iterates on the parameter chunks, which a step of branch fan\.a returned/);
      assert.match(plan.blocked ?? '', /Return chunks from a step before the composite that holds the map/);
      assert.doesNotMatch(plan.blocked ?? '', /Wait for it to finish/, 'the run stopped there: nothing to wait for');
      assert.deepEqual(plan.skipped, ['fan.a.make chunks']);
    }
  });
});

void describe('a retry never rewrites history', () => {
  it('an appended attempt keeps the history; a mocked retry that replaces the FAIL attempt is reported', async () => {
    const { attemptHistory, lostHistory } = await import('../../src/core/retry/history');
    const { openStore } = await import('../../src/core/stores/openStore');
    const { discoverStores } = await import('../../src/core/config/discover');
    const dir = tempCopy('mixed-configs');
    const d = (await discoverStores({ cwd: dir, env: {} })).stores.find((s) => s.type === 'file-system')!;
    const read = () => openStore(d).getRun('mixed-local-0001');
    const before = attemptHistory(await read());
    assert.ok(before['publish#1'], 'the failed attempt is in the history');
    const file = path.join(dir, '.run_log_store', 'mixed-local-0001.json');
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    // What runnable's local executor does: a second attempt appended.
    log.steps.publish.attempts.push({ ...log.steps.publish.attempts[0], attempt_number: 2, status: 'SUCCESS', retry_indicator: '2' });
    fs.writeFileSync(file, JSON.stringify(log, null, 4));
    assert.deepEqual(lostHistory(before, await read()), []);
    // What the mocked executor does: attempt 1 FAIL becomes attempt 1 SUCCESS with the new indicator.
    log.steps.publish.attempts = [{ ...log.steps.publish.attempts[0], status: 'SUCCESS', retry_indicator: '2' }];
    fs.writeFileSync(file, JSON.stringify(log, null, 4));
    assert.deepEqual(lostHistory(before, await read()), ['attempt 1 of publish (FAIL) was rewritten: it now says SUCCESS, indicator 2', 'attempt 2 of publish (SUCCESS, indicator 2) is gone'].slice(0, 1));
  });
});
