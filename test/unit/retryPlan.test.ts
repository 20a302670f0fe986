// planRetry over every fixture case (case.json holds the observed facts), the blocked and warning
// cases, and the plan actually run: Python with the plan's env/argv on a temp copy (real runnable when
// importable, else the test stand-in) calls the failed function with the restored inputs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { planRetry } from '../../src/core/retry/plan';
import { findModules } from '../../src/core/python/environment';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();

function caseJson(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8'));
}

const temps: string[] = [];
after(() => {
  for (const d of temps) fs.rmSync(d, { recursive: true, force: true });
});

function tempCopy(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `retry-${name}-`));
  temps.push(dir);
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

// Local-store cases with a failed task recorded in case.json (s3-minio needs a live endpoint: not here).
const LOCAL_CASES = ['ml-file-system', 'ml-chunked-fs', 'composite-chunked-fs', 'yaml-etl', 'notebook-steps', 'notebook-steps-retried', 'catalog-get', 'mocked-run'];

for (const caseName of LOCAL_CASES) {
  const c = caseJson(caseName);
  for (const [runId, run] of Object.entries<any>(c.runs)) {
    void test(`${caseName}/${runId}: plan matches case.json`, async () => {
      const cwd = path.join(FIXTURES, caseName);
      const plan = await planRetry({ cwd, runId, env: PY.env, python: PY.python });
      const ff = run.first_failed_task;
      assert.equal(plan.retryIndicator, run.next_retry_indicator);
      assert.equal(plan.env.RUNNABLE_RETRY_RUN_ID, runId);
      assert.equal(plan.env.RUNNABLE_RETRY_INDICATOR, run.next_retry_indicator);
      // the config whose store holds the run; none for runnable's defaults (yaml-etl)
      assert.equal(plan.env.RUNNABLE_CONFIGURATION_FILE, c.config ?? undefined);
      if (run.retry?.env) for (const [k, v] of Object.entries(run.retry.env)) assert.equal(plan.env[k], v, k);
      assert.equal(plan.firstFailed?.internalName, ff.internal_name);
      assert.equal(plan.firstFailed?.command, ff.command);
      assert.equal(plan.firstFailed?.commandType, ff.command_type);
      if (ff.command_type === 'python') {
        assert.equal(plan.firstFailed?.file, ff.file);
        assert.equal(plan.firstFailed?.defLine, ff.def_line);
        assert.equal(plan.firstFailed?.line, ff.break_line);
        assert.equal(plan.breakpoints[0].file, ff.file);
        assert.equal(plan.breakpoints[0].line, ff.break_line);
      } else {
        assert.deepEqual(plan.breakpoints, []);
        assert.ok(plan.warnings.some((w) => w.includes(`${ff.command_type} task`)), plan.warnings.join('|'));
      }
      assert.deepEqual(Object.keys(plan.firstFailed!.inputs).sort(), Object.keys(ff.inputs).sort());
      for (const [name, exp] of Object.entries<any>(ff.inputs)) {
        const got = plan.firstFailed!.inputs[name];
        assert.equal(got.kind, exp.kind, name);
        if (exp.kind === 'object') assert.equal(got.catalogFile, path.join(c.catalog.location, runId, exp.catalog_file));
        else assert.deepEqual(got.value, exp.value, name);
      }
      if (ff.map_iteration) assert.equal(plan.breakpoints[0].condition, `${ff.map_iteration.iterate_as} == ${ff.map_iteration.value}`);
      else assert.equal(plan.breakpoints[0]?.condition, undefined);
      if (run.retry?.skipped_on_retry) assert.deepEqual(plan.skipped, run.retry.skipped_on_retry);
      if (run.retry?.reruns) assert.deepEqual(plan.rerun, run.retry.reruns);
      if (run.retry?.not_reached) assert.deepEqual(plan.notReached, run.retry.not_reached);
      assert.ok(plan.rerun.includes(ff.internal_name));
      if (c.runs[runId].execution_mode === 'yaml') assert.deepEqual(plan.argv, ['-m', 'runnable.cli', 'execute', run.definition_file]);
      else assert.match(plan.argv[1], new RegExp(`import_module\\("${run.definition_file.split('.')[0]}"\\), "main"`));
      // the dag check ran (stand-in or real runnable) and found the pipeline unchanged
      assert.equal(plan.blocked, null);
      assert.ok(!plan.warnings.some((w) => /pipeline changed/.test(w)), plan.warnings.join('|'));
    });
  }
}

void test('retried runs: next indicator per case.json; a succeeded run is blocked', async () => {
  for (const caseName of ['ml-file-system-retried', 'composite-chunked-fs-retried', 'yaml-etl-retried']) {
    for (const [runId, run] of Object.entries<any>(caseJson(caseName).runs)) {
      if (!run.next_retry_indicator) continue;
      const plan = await planRetry({ cwd: path.join(FIXTURES, caseName), runId, env: PY.env, python: PY.python, trusted: false });
      assert.equal(plan.retryIndicator, run.next_retry_indicator, `${caseName}/${runId}`);
      if (run.status === 'SUCCESS') assert.match(plan.blocked ?? '', /succeeded/);
    }
  }
});

void test('job: the failed function is located, but runnable does not retry jobs: blocked', async () => {
  const ff = caseJson('job').runs['backfill-job-0007'].failed_function;
  const plan = await planRetry({ cwd: path.join(FIXTURES, 'job'), runId: 'backfill-job-0007', env: PY.env, python: PY.python });
  assert.equal(plan.firstFailed?.file, ff.file);
  assert.equal(plan.firstFailed?.line, ff.break_line);
  assert.deepEqual(plan.firstFailed?.inputs, { days: { kind: 'json', value: 7 } });
  assert.match(plan.blocked ?? '', /job/);
  // A config beside it whose job executor is runnable's emulator (examples/11-jobs/emulate.yaml) is judged by that
  // executor for a job's run, not taken as "local" (its pipeline executor, which it does not set).
  const dir = tempCopy('job');
  fs.writeFileSync(path.join(dir, 'emulate.yaml'), 'job-executor:\n  type: emulator\n');
  const withEmulator = await planRetry({ cwd: dir, runId: 'backfill-job-0007', env: PY.env, python: PY.python });
  assert.equal(withEmulator.env.RUNNABLE_CONFIGURATION_FILE, undefined, withEmulator.config?.reason);
  assert.match(withEmulator.config?.reason ?? '', /Not taken: emulate\.yaml \(the emulator executor/);
  // A config made for pipelines of another executor (runnable's mocked configs) comes after the defaults for a job.
  fs.writeFileSync(path.join(dir, 'mocked.yaml'), 'pipeline-executor:\n  type: mocked\n');
  const withMocked = await planRetry({ cwd: dir, runId: 'backfill-job-0007', env: PY.env, python: PY.python });
  assert.equal(withMocked.env.RUNNABLE_CONFIGURATION_FILE, undefined, withMocked.config?.reason);
});

void test('blocked: a run that is still PROCESSING', async () => {
  const dir = tempCopy('ml-file-system');
  const f = path.join(dir, '.run_log_store/prod-failure-001.json');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"status": "FAIL"', '"status": "PROCESSING"'));
  const plan = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: PY.python });
  assert.match(plan.blocked ?? '', /still PROCESSING/);
});

void test('blocked: an unreadable run log names the file; an unknown run says where it looked', async () => {
  const dir = tempCopy('ml-file-system');
  fs.writeFileSync(path.join(dir, '.run_log_store/prod-failure-001.json'), '{"run_id": "prod-failure-001", ');
  const plan = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: PY.python });
  assert.match(plan.blocked ?? '', /cannot be read.*prod-failure-001\.json/s);
  const missing = await planRetry({ cwd: dir, runId: 'no-such-run', env: PY.env, python: PY.python });
  assert.match(missing.blocked ?? '', /not in any run log store/);
});

void test('blocked: the pipeline changed since the run (dag computed without running it), steps named', async () => {
  const dir = tempCopy('ml-chunked-fs');
  const p = path.join(dir, 'pipeline.py');
  // as in case.json's dag_changed_retry: a step appended after notify
  fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace(
    'PythonTask(function=send_notification, name="notify"),',
    'PythonTask(function=send_notification, name="notify"),\n            PythonTask(function=run_tests, name="smoke"),',
  ));
  const marker = path.join(dir, 'prod-run-logs/nightly-train-0412/RunLog.json');
  const before = fs.readFileSync(marker, 'utf8');
  const plan = await planRetry({ cwd: dir, runId: 'nightly-train-0412', env: PY.env, python: PY.python });
  const expected = /Current hash: (\w+)/.exec(caseJson('ml-chunked-fs').runs['nightly-train-0412'].dag_changed_retry.error)![1];
  assert.match(plan.blocked ?? '', /pipeline changed/);
  assert.match(plan.blocked ?? '', /added smoke/);
  assert.match(plan.blocked ?? '', /changed notify/);
  assert.ok(plan.blocked!.includes(expected), `current hash ${expected} (observed with real runnable) in: ${plan.blocked}`);
  assert.equal(fs.readFileSync(marker, 'utf8'), before, 'nothing ran: the run log is untouched');
});

void test('untrusted: nothing imported; the dag is not checked (warning), lines come from the source', async () => {
  const plan = await planRetry({ cwd: path.join(FIXTURES, 'ml-file-system'), runId: 'prod-failure-001', env: PY.env, python: PY.python, trusted: false });
  assert.equal(plan.firstFailed?.line, 16);
  assert.equal(plan.blocked, null);
  assert.ok(plan.warnings.some((w) => /not trusted/.test(w)));
});

void test('warnings: RUNNABLE_PRM_* ignored, changed parameters file, required parameter missing', async () => {
  const dir = tempCopy('ml-file-system');
  fs.writeFileSync(path.join(dir, 'parameters.yaml'), 'rows: 6\nlearning_rate: 0.7\nendpoint: churn-model\n');
  const fn = path.join(dir, 'functions.py');
  fs.writeFileSync(fn, fs.readFileSync(fn, 'utf8').replace('def deploy_model(model: dict, endpoint: str, score: float):', 'def deploy_model(model: dict, endpoint: str, score: float, region: str):'));
  const plan = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: { ...PY.env, RUNNABLE_PRM_rows: '10' }, python: PY.python });
  assert.ok(plan.warnings.some((w) => w.includes('RUNNABLE_PRM_rows') && /ignored/.test(w)), plan.warnings.join('|'));
  assert.ok(plan.warnings.some((w) => w.includes('parameters.yaml') && w.includes('learning_rate')), plan.warnings.join('|'));
  assert.ok(plan.warnings.some((w) => w.includes('region') && /fail before calling/.test(w)), plan.warnings.join('|'));
  assert.equal(plan.blocked, null);
});

function runPlan(plan: Awaited<ReturnType<typeof planRetry>>, extraEnv: Record<string, string> = {}) {
  return spawnSync(PY.python, plan.argv, { cwd: plan.cwd, env: { ...PY.env, ...plan.env, ...extraEnv } as NodeJS.ProcessEnv, encoding: 'utf8' });
}

void test('run the plan (SDK, file-system): deploy_model is called with the restored inputs, fails again, attempt 2 appended', async () => {
  const dir = tempCopy('ml-file-system');
  const plan = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: PY.python });
  const r = runPlan(plan);
  assert.notEqual(r.status, 0);
  // Real runnable prints the task's traceback on stdout (its rich console), the stand-in on stderr: the terminal shows both.
  assert.match(r.stdout + r.stderr, /RuntimeError: no deployment url for churn-model/);
  if (PY.standin) assert.match(r.stdout, /calling functions\.deploy_model\(model=\{'weights': \[0\.0, 0\.5, 1\.0\], 'trained_on': 6\}, endpoint='churn-model', score=0\.91\)/);
  const log = JSON.parse(fs.readFileSync(path.join(dir, '.run_log_store/prod-failure-001.json'), 'utf8'));
  assert.deepEqual(log.steps.deploy.attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator]), [[1, 'FAIL', ''], [2, 'FAIL', '2']]);
  assert.equal(log.steps.load_data.attempts.length, 1, 'skipped');
  assert.equal(log.steps.train_model.attempts.length, 1, 'skipped');
});

void test('notebook-steps: a notebook step the retry reaches, and an interpreter without ploomber_engine: warned with the install command; run, it fails there as case.json observed', async (t) => {
  const c = caseJson('notebook-steps');
  const runId = 'notebook-steps-0001';
  if ((await findModules(PY.python, PY.env, FIXTURES, ['ploomber_engine'])).found.ploomber_engine) {
    t.skip('the test interpreter has ploomber_engine');
    return;
  }
  const dir = tempCopy('notebook-steps');
  const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python });
  assert.equal(plan.blocked, null, plan.blocked ?? '');
  assert.deepEqual(plan.notReached, c.runs[runId].retry.not_reached);
  const w = plan.warnings.find((x) => x.startsWith('ploomber_engine is not importable'));
  assert.ok(w, plan.warnings.join(' | '));
  assert.match(w, /runnable's notebook tasks import ploomber_engine.*: report would fail with ModuleNotFoundError/);
  assert.deepEqual(plan.missingPackages?.map((m) => [m.module, m.install]), [['ploomber_engine', 'ploomber-engine']]);
  assert.match(plan.missingPackages![0].command, /install .*ploomber-engine$/);
  // What the warning foretells, as real runnable did (case.json retry_observed): train passes, report fails, no message.
  const r = runPlan(plan, { FIXED: '1' });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout + r.stderr, /No module named 'ploomber_engine'/);
  const log = JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/${runId}.json`), 'utf8'));
  assert.deepEqual(log.steps.train.attempts.map((a: any) => [a.status, a.retry_indicator]), [['FAIL', ''], ['SUCCESS', '2']]);
  assert.deepEqual(log.steps.report.attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator, a.message]), [[1, 'FAIL', '2', '']]);
});

void test('notebook-steps: with ploomber_engine importable (a package on PYTHONPATH) the plan has no such warning', async () => {
  const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-ploomber-'));
  temps.push(fake);
  fs.mkdirSync(path.join(fake, 'ploomber_engine'));
  fs.writeFileSync(path.join(fake, 'ploomber_engine', '__init__.py'), '');
  const env = { ...PY.env, PYTHONPATH: [fake, PY.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
  const plan = await planRetry({ cwd: path.join(FIXTURES, 'notebook-steps'), runId: 'notebook-steps-0001', env, python: PY.python });
  assert.equal(plan.missingPackages, undefined);
  assert.ok(!plan.warnings.some((x) => x.includes('ploomber_engine')), plan.warnings.join(' | '));
  // A plan with no notebook step to run and a local store asks the interpreter nothing more (no need, no warning).
  const other = await planRetry({ cwd: path.join(FIXTURES, 'branch-steps'), runId: 'branch-steps-0001', env: PY.env, python: PY.python });
  assert.equal(other.missingPackages, undefined);
});

void test('catalog-get: the failed step\'s catalog gets are in the plan; run, the file comes back from the catalog and load passes', async () => {
  const c = caseJson('catalog-get');
  const runId = 'catalog-get-0001';
  const dir = tempCopy('catalog-get');
  const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python });
  assert.deepEqual(plan.firstFailed?.catalogGets, c.runs[runId].first_failed_task.catalog_gets.map((g: object) => ({ ...g, checked: true })));
  assert.ok(!plan.warnings.some((w) => /from the catalog/.test(w)), plan.warnings.join(' | '));
  assert.equal(fs.existsSync(path.join(dir, 'data')), false, 'the working copy of the file is gone');
  const r = runPlan(plan, { FIXED: '1' });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(fs.readFileSync(path.join(dir, 'data', 'rows.csv'), 'utf8'), fs.readFileSync(path.join(dir, '.catalog', runId, 'data', 'rows.csv'), 'utf8'));
  const log = JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/${runId}.json`), 'utf8'));
  assert.deepEqual(log.steps.load.attempts.map((a: any) => [a.status, a.retry_indicator]), [['FAIL', ''], ['SUCCESS', '2']]);
});

void test('catalog-get without the file in the catalog: warned before; run, the step stops before its call, as real runnable did', async () => {
  const c = caseJson('catalog-get');
  const runId = 'catalog-get-0001';
  const dir = tempCopy('catalog-get');
  fs.renameSync(path.join(dir, '.catalog', runId, 'data'), path.join(dir, '.catalog', runId, 'elsewhere'));
  const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python });
  assert.deepEqual(plan.firstFailed?.catalogGets, [{ pattern: 'data/rows.csv', files: [], checked: true }]);
  const w = plan.warnings.find((x) => /gets data\/rows\.csv from the catalog/.test(x));
  assert.ok(w, plan.warnings.join(' | '));
  assert.match(w, /\.catalog\/catalog-get-0001 holds no file matching it: runnable stops the step before its function is called/);
  const r = runPlan(plan, { FIXED: '1' });
  assert.notEqual(r.status, 0);
  assert.ok((r.stdout + r.stderr).includes(c.runs[runId].retry_observed_without_catalog_file.console));
  const log = JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/${runId}.json`), 'utf8'));
  assert.deepEqual([log.status, log.steps.load.status, log.steps.load.attempts.length], ['FAIL', 'PROCESSING', 1], 'no attempt: the function was never called');
});

void test('run the plan (map, chunked-fs): only chunk 2 re-runs; fixed, it succeeds and the run goes on', async () => {
  const dir = tempCopy('composite-chunked-fs');
  const plan = await planRetry({ cwd: dir, runId: 'map-fail-0001', env: PY.env, python: PY.python });
  const r = runPlan(plan, { ALLOW_CHUNK_TWO: '1' });
  const branch = (v: number) => JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/map-fail-0001/BranchLog-score_all.${v}.json`), 'utf8'));
  assert.deepEqual(branch(2).steps['score_all.2.score chunk'].attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator]), [[1, 'FAIL', ''], [2, 'SUCCESS', '2']]);
  assert.deepEqual(branch(2).steps['score_all.2.score chunk'].attempts[1].input_parameters.chunk.value, 2);
  assert.equal(branch(1).steps['score_all.1.score chunk'].attempts.length, 1);
  assert.equal(branch(3).steps['score_all.3.score chunk'].attempts.length, 1);
  if (PY.standin) assert.match(r.stdout, /calling steps\.score_chunk\(chunk=2\)/);
});

void test('run the plan (YAML via -m runnable.cli execute): transform gets records and currency back', async () => {
  const dir = tempCopy('yaml-etl');
  const plan = await planRetry({ cwd: dir, runId: 'etl-usd-0100', env: PY.env, python: PY.python });
  const r = runPlan(plan);
  assert.match(r.stdout + r.stderr, /ValueError: unsupported currency USD/);
  const log = JSON.parse(fs.readFileSync(path.join(dir, '.run_log_store/etl-usd-0100.json'), 'utf8'));
  const a = log.steps.transform.attempts;
  assert.deepEqual([a.length, a[1].status, a[1].retry_indicator], [2, 'FAIL', '2']);
  assert.equal(a[1].input_parameters.currency.value, 'USD');
  assert.equal(log.steps.extract.attempts.length, 1);
});

void test('run the plan (parallel and conditional branches): fixed, only the failed branch task re-runs and the run succeeds', async () => {
  for (const [runId, fix, step, branchFile] of [
    ['parallel-fail-0001', { RELAX_SCHEMA: '1' }, 'prepare.schema.validate', 'BranchLog-prepare.schema.json'],
    ['conditional-fail-0001', { BIG_MACHINE: '1' }, 'train.large.train large', 'BranchLog-train.large.json'],
  ] as const) {
    const dir = tempCopy('composite-chunked-fs');
    const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python });
    assert.equal(plan.firstFailed?.internalName, step);
    const r = runPlan(plan, fix);
    assert.equal(r.status, 0, r.stderr);
    const runDir = path.join(dir, '.run_log_store', runId);
    const branch = JSON.parse(fs.readFileSync(path.join(runDir, branchFile), 'utf8'));
    assert.deepEqual(branch.steps[step].attempts.map((a: any) => [a.status, a.retry_indicator]), [['FAIL', ''], ['SUCCESS', '2']]);
    assert.equal(JSON.parse(fs.readFileSync(path.join(runDir, 'RunLog.json'), 'utf8')).status, 'SUCCESS');
  }
});

void test('map breakpoint condition follows the signature (**kwargs), a reused indicator warns, checkDag:false skips the helper', async () => {
  const dir = tempCopy('composite-chunked-fs');
  const f = path.join(dir, 'steps.py');
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('def score_chunk(chunk: int):\n    threshold = 0.5', 'def score_chunk(**params):\n    chunk = params["chunk"]\n    threshold = 0.5'));
  const plan = await planRetry({ cwd: dir, runId: 'map-fail-0001', env: PY.env, python: PY.python, trusted: false, retryIndicator: '' });
  assert.deepEqual(plan.breakpoints, [{ file: 'steps.py', line: 10, condition: 'params.get("chunk") == 2' }]);
  assert.deepEqual(plan.firstFailed?.inputs, { chunk: { kind: 'json', value: 2 } });
  assert.equal(plan.retryIndicator, '');
  assert.ok(plan.warnings.some((w) => /already on attempts/.test(w)), plan.warnings.join('|'));
  // a changed dag goes unnoticed when the check is skipped (runnable itself still refuses the retry)
  const p = path.join(dir, 'map_pipeline.py');
  fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('name="summarise"', 'name="summary"'));
  assert.equal((await planRetry({ cwd: dir, runId: 'map-fail-0001', env: PY.env, python: PY.python, checkDag: false })).blocked, null);
  assert.match((await planRetry({ cwd: dir, runId: 'map-fail-0001', env: PY.env, python: PY.python })).blocked ?? '', /added summary; removed summarise; changed score_all/);
});

void test('parallel-root-params: a branch task missing a run parameter is explained (runnable starts Parallel branches empty); the step never reached is named', async () => {
  const c = caseJson('parallel-root-params');
  const runId = 'parallel-rootparams-0001';
  const run = c.runs[runId];
  const plan = await planRetry({ cwd: path.join(FIXTURES, 'parallel-root-params'), runId, env: PY.env, python: PY.python });
  assert.equal(plan.blocked, null);
  assert.equal(plan.firstFailed?.internalName, run.first_failed_task.internal_name);
  assert.deepEqual(plan.skipped, run.retry.skipped_on_retry);
  assert.deepEqual(plan.rerun, run.retry.reruns);
  assert.deepEqual(plan.notReached, run.retry.not_reached);
  const w = plan.warnings.find((x) => x.includes('requires rows'));
  assert.ok(w, plan.warnings.join(' | '));
  assert.match(w, /rows is a parameter of the run, but runnable starts each branch of a Parallel \(train all\) with none of the run's parameters/);
  assert.match(w, /unless the function stops requiring it/);
});

void test('branch-steps: the plan names the steps the run never reached, inside the Parallel branch first, then after it', async () => {
  const c = caseJson('branch-steps');
  const runId = 'branch-steps-0001';
  const run = c.runs[runId];
  const plan = await planRetry({ cwd: path.join(FIXTURES, 'branch-steps'), runId, env: PY.env, python: PY.python });
  assert.equal(plan.blocked, null, plan.blocked ?? '');
  assert.deepEqual(plan.skipped, run.retry.skipped_on_retry);
  assert.deepEqual(plan.rerun, run.retry.reruns);
  assert.deepEqual(plan.notReached, ['fan.a.three', 'after']);
  assert.equal(plan.breakpoints[0]?.line, run.first_failed_task.break_line);
  assert.ok(!plan.warnings.some((w) => /pipeline changed/.test(w)), plan.warnings.join(' | '));
});

void test('never-called: the secrets the retry\'s steps ask for are checked against the retry config\'s service, as real runnable reads them (case.json)', async () => {
  const c = caseJson('never-called');
  const cwd = path.join(FIXTURES, 'never-called');
  const env = { ...PY.env };
  delete env.MY_SECRET;
  delete env.OTHER_SECRET;
  // nc-secret-0002 (env-secrets): s3 asks for OTHER_SECRET, which this environment lacks; its inputs are the run's.
  const missing = await planRetry({ cwd, runId: 'nc-secret-0002', env, python: PY.python });
  const [[step, names]] = Object.entries<string[]>(c.runs['nc-secret-0002'].missing_secrets_without_env);
  const w = missing.warnings.find((x) => x.includes('secrets service'));
  assert.ok(w?.includes(`${step} (${names.join(', ')})`) && w.includes('env-secrets reads the environment'), missing.warnings.join('|'));
  assert.deepEqual(missing.missingSecrets, [{ step, names }]);
  assert.ok(missing.firstFailed?.inputsFrom?.includes("the run's parameters"), missing.firstFailed?.inputsFrom);
  assert.ok(!missing.warnings.some((x) => /recorded inputs do not hold/.test(x)), missing.warnings.join('|'));
  // Set (as the observed retry had it): no warning.
  const set = await planRetry({ cwd, runId: 'nc-secret-0002', env: { ...env, OTHER_SECRET: 'also' }, python: PY.python });
  assert.ok(!set.warnings.some((x) => x.includes('secrets service')), set.warnings.join('|'));
  assert.equal(set.missingSecrets, undefined);
  // nc-dotenv-0001: the dotenv config is chosen, and secrets.env has what s3 (never reached) asks for.
  const dotenv = await planRetry({ cwd, runId: 'nc-dotenv-0001', env, python: PY.python });
  assert.equal(dotenv.env.RUNNABLE_CONFIGURATION_FILE, c.runs['nc-dotenv-0001'].expected_retry_config);
  assert.match(dotenv.config!.reason, /secrets service is dotenv, as the run recorded/);
  assert.ok(!dotenv.warnings.some((x) => x.includes('secrets service')), dotenv.warnings.join('|'));
  // Named runnable-config.yaml (what real runnable then failed with: case.json retry_observed_with_runnable_config):
  // s3's OTHER_SECRET is foretold missing.
  const named = await planRetry({ cwd, runId: 'nc-dotenv-0001', env, python: PY.python, retryConfigFile: 'runnable-config.yaml' });
  assert.deepEqual(c.runs['nc-dotenv-0001'].retry_observed_with_runnable_config.attempts_after.s3, [[1, 'FAIL', '2']]);
  assert.ok(named.warnings.some((x) => x.includes('s3 (OTHER_SECRET)')), named.warnings.join('|'));
});

void test('never-called: run, the retry through the env-secrets config stops s3 before its call as real runnable did; through the chosen dotenv config it passes', async () => {
  const c = caseJson('never-called');
  const runId = 'nc-dotenv-0001';
  const env = { ...PY.env };
  delete env.MY_SECRET;
  delete env.OTHER_SECRET;
  const attemptsOf = (dir: string) => {
    const log = JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/${runId}.json`), 'utf8'));
    return { status: log.status, s2: log.steps.s2.attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator]), s3: log.steps.s3?.attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator]), s3Attempt: log.steps.s3?.attempts[0] };
  };
  const named = tempCopy('never-called');
  fs.writeFileSync(path.join(named, 'ok.flag'), '');
  const badPlan = await planRetry({ cwd: named, runId, env, python: PY.python, retryConfigFile: 'runnable-config.yaml' });
  const bad = spawnSync(PY.python, badPlan.argv, { cwd: named, env: { ...env, ...badPlan.env } as NodeJS.ProcessEnv, encoding: 'utf8' });
  assert.notEqual(bad.status, 0, bad.stdout + bad.stderr);
  const seen = attemptsOf(named);
  const observed = c.runs[runId].retry_observed_with_runnable_config;
  assert.equal(seen.status, observed.final_status);
  assert.deepEqual({ s2: seen.s2, s3: seen.s3 }, observed.attempts_after);
  assert.equal(seen.s3Attempt.message, '');
  assert.deepEqual(seen.s3Attempt.input_parameters, {});

  const chosen = tempCopy('never-called');
  fs.writeFileSync(path.join(chosen, 'ok.flag'), '');
  const plan = await planRetry({ cwd: chosen, runId, env, python: PY.python });
  const ok = spawnSync(PY.python, plan.argv, { cwd: chosen, env: { ...env, ...plan.env } as NodeJS.ProcessEnv, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(ok.stdout.includes(c.runs[runId].retry_observed.console), ok.stdout);
  const after = attemptsOf(chosen);
  assert.equal(after.status, 'SUCCESS');
  assert.deepEqual({ s2: after.s2, s3: after.s3 }, c.runs[runId].retry_observed.attempts_after);
});

void test('mocked-run: a run made by the mocked executor: the plan says the skipped steps may never have run and which function the failed attempt ran; run, it fails as real runnable did', async () => {
  const c = caseJson('mocked-run');
  const runId = 'mocked-0001';
  const run = c.runs[runId];
  const dir = tempCopy('mocked-run');
  const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python });
  assert.ok(plan.warnings.some((w) => w.includes('made by the mocked executor') && w.includes(`skips ${run.retry.skipped_on_retry.join(', ')} as succeeded`)), plan.warnings.join('|'));
  assert.ok(plan.warnings.some((w) => w.includes(`ran ${run.first_failed_task.ran_command} (the mocked executor's patch), not ${run.first_failed_task.command}`)), plan.warnings.join('|'));
  assert.ok(plan.warnings.some((w) => w.includes(`requires ${run.first_failed_task.missing_inputs.join(', ')}`)), plan.warnings.join('|'));
  // The patched mocked config, named: what it would do, from mocked.py (no skipping, fresh step logs, the patch runs).
  const mocked = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python, retryConfigFile: 'mock-fail.yaml' });
  assert.match(mocked.config?.confirm ?? '', /skips nothing: .*\(the failed attempts are lost\), runs the patched step \(transform\)/);
  assert.deepEqual(run.retry_observed_mocked.attempts_after.transform, [[1, 'FAIL', '2']]);
  const r = runPlan(plan);
  assert.equal(r.status, run.retry_observed.exit_code, r.stdout + r.stderr);
  const log = JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/${runId}.json`), 'utf8'));
  assert.equal(log.status, run.retry_observed.final_status);
  for (const [step, attempts] of Object.entries<unknown[]>(run.retry_observed.attempts_after)) {
    assert.deepEqual(log.steps[step].attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator]), attempts, step);
  }
  assert.equal(fs.existsSync(path.join(dir, 'extract.marker')), run.retry_observed.extract_marker_written);
});

void test('nested-script: a pipeline run as `python flows/pipe.py` imported its siblings from flows/: the retry puts flows/ on PYTHONPATH, and runs as real runnable did (a jobs-only config beside it is not taken)', async () => {
  const c = caseJson('nested-script');
  const runId = 'nested-0001';
  const run = c.runs[runId];
  const dir = tempCopy('nested-script');
  // runnable's examples/11-jobs/emulate.yaml: only a job executor; it says nothing about how a pipeline ran.
  fs.writeFileSync(path.join(dir, 'emulate.yaml'), 'job-executor:\n  type: emulator\n');
  const plan = await planRetry({ cwd: dir, runId, env: PY.env, python: PY.python });
  assert.equal(plan.blocked, null, plan.blocked ?? '');
  assert.equal(plan.env.PYTHONPATH?.split(path.delimiter)[0], path.join(dir, 'flows'));
  assert.equal(plan.env.RUNNABLE_CONFIGURATION_FILE, undefined, plan.config?.reason);
  assert.equal(plan.firstFailed?.file, run.first_failed_task.file);
  assert.ok(!plan.warnings.some((w) => /Could not check|No source file/.test(w)), plan.warnings.join('|'));
  const r = runPlan(plan, { FIXED: '1' });
  assert.equal(r.status, run.retry_observed.exit_code, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(run.retry_observed.console), r.stdout);
  const log = JSON.parse(fs.readFileSync(path.join(dir, `.run_log_store/${runId}.json`), 'utf8'));
  assert.equal(log.status, run.retry_observed.final_status);
  for (const [step, attempts] of Object.entries<unknown[]>(run.retry_observed.attempts_after)) {
    assert.deepEqual(log.steps[step].attempts.map((a: any) => [a.attempt_number, a.status, a.retry_indicator]), attempts, step);
  }
});
