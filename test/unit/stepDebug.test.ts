// Debug Step with Recorded Inputs, core and launcher: over the real-runnable fixtures, the launcher calls the step's
// function with the attempt's inputs (plain, object, map iteration, branch, async `__main__`) under plain Python, and
// compares what it returned with what the attempt recorded; the store and catalog are byte-for-byte unchanged.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findRun } from '../../src/core/retry/findRun';
import { chooseStepTarget, cleanStepSession, debuggableSteps, describeStepResult, exactInputs, localRunLogFiles, prepareStepSession, readStepResult, type StepDebugTarget } from '../../src/core/stepDebug/stepDebug';
import type { Run } from '../../src/core/runlog/model';
import type { RunLogStore } from '../../src/core/stores/runLogStore';
import { openStore } from '../../src/core/stores/openStore';
import { pythonEnv } from '../standin/standinEnv';
import { treeSnapshot } from '../helpers/treeSnapshot';
import { tempFolders } from '../helpers/tempFolders';
import { writeRegressionTest } from '../../src/core/stepDebug/regressionTest';
import { locateFunction } from '../../src/core/python/locate';
import { FailureCauses } from '../../src/core/stores/failureCauses';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();
const folders = tempFolders();
const copy = (name: string): string => folders.copy(path.join(FIXTURES, name), `step-${name}-`);

/** Every file of the run log store and the catalog (mtime, size, content hash): they must not change. */
const stores = (dir: string, ...parts: string[]) => Object.assign({}, ...(parts.length ? parts : ['.run_log_store', '.catalog']).map((p) => treeSnapshot(path.join(dir, p))));

async function load(dir: string, runId: string, configFile?: string): Promise<{ run: Run; store: RunLogStore }> {
  const found = await findRun({ cwd: dir, runId, env: PY.env, ...(configFile ? { configFile: path.join(dir, configFile) } : {}) });
  assert.ok('run' in found, JSON.stringify(found));
  return { run: found.run, store: openStore(found.store) };
}

async function target(run: Run, dir: string, step: string, attempt?: number): Promise<StepDebugTarget> {
  const t = await chooseStepTarget(run, step, attempt, dir);
  assert.ok(!('error' in t), JSON.stringify(t));
  return t;
}

/** Runs the launcher as the debug session does (plain Python here: the debugger is VS Code's part). */
async function call(t: StepDebugTarget, store: RunLogStore, dir: string, env: Record<string, string> = {}, run?: Run) {
  const exact = run ? await exactInputs(await localRunLogFiles(store.descriptor, run.runId, run.layout), t.step.internalName, t.attempt.number) : undefined;
  const session = await prepareStepSession(t, store, dir, { exact });
  folders.track(session.dir);
  const r = spawnSync(PY.python, [session.launcher, session.specFile], { cwd: session.workDir, env: { ...PY.env, ...env } as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { session, r, result: await readStepResult(session.resultFile) };
}

describe('Debug Step with Recorded Inputs', () => {
  it('a succeeded step (train_model): called with the recorded data and learning_rate; its outputs match the recorded model and score', async () => {
    const dir = copy('ml-file-system');
    const before = stores(dir);
    const { run, store } = await load(dir, 'prod-failure-001');
    const t = await target(run, dir, 'train_model');
    assert.deepEqual([t.module, t.func, t.attempt.number, t.attempt.status], ['functions', 'train_model', 1, 'SUCCESS']);
    // Without the run log's own text, JSON read in JavaScript gives 0 for 0.0; the launcher reads the exact values.
    const { r, result, session } = await call(t, store, dir, {}, run);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /calling functions\.train_model\(data=\[0\.0, 1\.0, 2\.0, 3\.0, 4\.0, 5\.0\], learning_rate=0\.5\)/);
    assert.deepEqual(result?.outputs?.map((o) => [o.name, o.match]), [['model', true], ['score', true]]);
    assert.equal(describeStepResult(t, result), 'train_model returned the recorded outputs (model, score); attempt 1 recorded SUCCESS.');
    assert.deepEqual(session.inputs.map((i) => i.name).sort(), ['data', 'endpoint', 'learning_rate', 'rows']);
    assert.deepEqual(stores(dir), before, 'store and catalog unchanged');
  });

  it('a failed step with an object input (deploy): the model is unpickled from the catalog and the recorded error is raised again', async () => {
    const dir = copy('ml-file-system');
    const { run, store } = await load(dir, 'prod-failure-001');
    const t = await target(run, dir, 'deploy');
    const { r, result, session } = await call(t, store, dir);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /calling functions\.deploy_model\(model=\{'weights': \[0\.0, 0\.5, 1\.0\], 'trained_on': 6\}, endpoint='churn-model', score=0\.91\)/);
    assert.deepEqual([result?.raised?.type, result?.raised?.message], ['RuntimeError', 'no deployment url for churn-model']);
    assert.match(describeStepResult(t, result), /^deploy raised RuntimeError: no deployment url for churn-model \(attempt 1 recorded FAIL/);
    assert.ok(session.inputs.some((i) => i.name === 'model' && i.kind === 'object'), JSON.stringify(session.inputs));
    // Fixed (the environment the function reads), the same inputs give a deployment url.
    const fixed = await call(t, store, dir, { DEPLOY_URL: 'https://models' });
    assert.equal(fixed.r.status, 0, fixed.r.stderr);
    assert.match(fixed.result?.returned ?? '', /https:\/\/models\/churn-model\?score=0\.91/);
    assert.match(describeStepResult(t, fixed.result), /deployment = 'https:\/\/models\/churn-model\?score=0\.91', recorded \?|not compared: deployment/);
  });

  it('a map iteration (score_all.2) gets its chunk; a parallel branch step is found by its internal name', async () => {
    const dir = copy('composite-chunked-fs');
    const before = stores(dir, '.run_log_store');
    const { run, store } = await load(dir, 'map-fail-0001', 'chunked.yaml');
    const choices = debuggableSteps(run).map((c) => c.step.internalName);
    assert.ok(choices.includes('score_all.2.score chunk') && choices.includes('score_all.1.score chunk'), choices.join(', '));
    const t = await target(run, dir, 'score_all.2.score chunk');
    const failed = await call(t, store, dir);
    assert.deepEqual([failed.result?.raised?.type, failed.result?.raised?.message], ['ValueError', 'chunk 2 is above threshold 0.5']);
    const one = await call(await target(run, dir, 'score_all.1.score chunk'), store, dir, {}, run);
    assert.equal(one.r.status, 0, one.r.stderr);
    assert.match(one.r.stdout, /calling steps\.score_chunk\(chunk=1\)/);
    assert.deepEqual(stores(dir, '.run_log_store'), before);

    const par = await load(dir, 'parallel-fail-0001', 'chunked.yaml');
    const v = await call(await target(par.run, dir, 'prepare.schema.validate'), par.store, dir, { RELAX_SCHEMA: '1' });
    assert.equal(v.r.status, 0, v.r.stderr);
    assert.equal(v.result?.returned, 'True');
  });

  it('an AsyncPipeline run as a script: __main__.parse resolves to the workspace script, the coroutine is awaited', async () => {
    const dir = copy('async-pipeline');
    const { run, store } = await load(dir, 'async-flow-0001');
    const t = await target(run, dir, 'parse');
    assert.match(t.module, /flows/);
    assert.ok(t.note && /__main__\.parse/.test(t.note), t.note);
    const { r, result } = await call(t, store, dir);
    assert.match(r.stdout, /calling .*\.parse\(payload='payload-17'\)/);
    assert.ok(result && (result.raised || result.outputs), JSON.stringify(result));
  });

  it('an AsyncPipeline whose tasks are imported (async-imported): pipelines.steps.publish is called with its recorded input', async () => {
    const dir = copy('async-imported');
    const { run, store } = await load(dir, 'async-imported-0001');
    const t = await target(run, dir, 'publish');
    assert.equal(t.module, 'pipelines.steps');
    // As runnable passes it (seen in the retry under the debugger): floats stay floats, keys in the run log's order.
    const failed = await call(t, store, dir, {}, run);
    assert.match(failed.r.stdout, /calling pipelines\.steps\.publish\(converted=\{'USD': 108\.0, 'GBP': 85\.0\}\)/);
    assert.match(JSON.stringify(failed.result?.raised ?? ''), /ConnectionError.*fx feed rejected 2 rates/);
    const fixed = await call(t, store, dir, { FX_PUBLISH_OK: 'true' }, run);
    assert.equal(fixed.r.status, 0, fixed.r.stderr);
    assert.equal(fixed.result?.raised, undefined, JSON.stringify(fixed.result));
  });

  it('says why when a step cannot be debugged', async () => {
    const dir = copy('ml-file-system');
    const { run } = await load(dir, 'prod-failure-001');
    assert.deepEqual(await chooseStepTarget(run, 'nope', undefined, dir), { error: 'Run prod-failure-001 has no step "nope".' });
    assert.match((await chooseStepTarget(run, 'fail', undefined, dir) as { error: string }).error, /fail step: only task steps/);
    assert.match((await chooseStepTarget(run, 'deploy', 7, dir) as { error: string }).error, /has no attempt 7 \(it has 1\)/);
    assert.match((await chooseStepTarget(run, 'test', undefined, dir) as { error: string }).error, /never ran/);
  });
});

describe('Create Regression Test from This Attempt', () => {
  const pytest = (cwd: string, env: Record<string, string> = {}) =>
    spawnSync(PY.python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'tests/runnable_regressions'], { cwd, env: { ...process.env, ...env, PYTHONPATH: '' } as NodeJS.ProcessEnv, encoding: 'utf8' });

  async function generate(dir: string, runId: string, step: string, configFile?: string) {
    const { run, store } = await load(dir, runId, configFile);
    const t = await target(run, dir, step);
    const { location } = await locateFunction({ cwd: dir, command: `${t.module}.${t.func}`, trusted: false });
    assert.ok(location, `${t.module}.${t.func} located`);
    const recordedError = await new FailureCauses(store).cause(run, t.step.internalName, t.attempt);
    const exact = await exactInputs(await localRunLogFiles(store.descriptor, run.runId, run.layout), t.step.internalName, t.attempt.number);
    return writeRegressionTest({ target: t, params: location.params, recordedError, testsDir: path.join(dir, 'tests', 'runnable_regressions'), workspace: dir, catalog: store, exact });
  }

  it('a succeeded train_model passes and a failed deploy is a strict xfail under plain pytest; fixed, deploy reports XPASS', async () => {
    const dir = copy('ml-file-system');
    const before = stores(dir);
    const ok = await generate(dir, 'prod-failure-001', 'train_model');
    const failed = await generate(dir, 'prod-failure-001', 'deploy');
    const text = fs.readFileSync(failed.file, 'utf8');
    assert.match(text, /from functions import deploy_model/);
    assert.match(text, /deploy_model\(model=recorded_input\("model"\), endpoint=recorded_input\("endpoint"\), score=recorded_input\("score"\)\)/);
    assert.match(text, /except RuntimeError as e:\n {8}if "no deployment url for churn-model" not in str\(e\):/);
    assert.match(fs.readFileSync(ok.file, 'utf8'), /model, score = train_model\(data=recorded_input\("data"\), learning_rate=recorded_input\("learning_rate"\)\)\n {4}assert model == recorded_output\("model"\)\n {4}assert score == recorded_output\("score"\)/);
    assert.match(fs.readFileSync(path.join(ok.dataDir, 'values.json'), 'utf8'), /"input\.data": \{"kind": "json", "value": \[0\.0, 1\.0, 2\.0, 3\.0, 4\.0, 5\.0\]\}/, 'exact floats');
    assert.ok(ok.conftest && !failed.conftest, 'one conftest.py');
    const r = pytest(dir);
    assert.match(r.stdout, /1 passed, 1 xfailed/, r.stdout + r.stderr);
    const fixed = pytest(dir, { DEPLOY_URL: 'https://models' });
    assert.match(fixed.stdout, /1 failed, 1 passed/, fixed.stdout);
    assert.match(fixed.stdout, /XPASS\(strict\)/, fixed.stdout);
    assert.deepEqual(stores(dir), before, 'store and catalog unchanged');
  });

  it('a failed map iteration (score_all.2): xfail on its ValueError; a different error fails the test', async () => {
    const dir = copy('composite-chunked-fs');
    const g = await generate(dir, 'map-fail-0001', 'score_all.2.score chunk', 'chunked.yaml');
    assert.match(fs.readFileSync(g.file, 'utf8'), /score_chunk\(chunk=recorded_input\("chunk"\)\)/);
    assert.match(pytest(dir).stdout, /1 xfailed/);
    // The function now fails differently: that is a real failure, not the recorded one.
    const steps = path.join(dir, 'steps.py');
    fs.writeFileSync(steps, fs.readFileSync(steps, 'utf8').replace('threshold = 0.5\n', 'threshold = 0.5\n    raise TypeError("another bug")\n'));
    assert.match(pytest(dir).stdout, /1 failed/);
  });
});

describe('Debug Step session folder', () => {
  it('is removed after the call unless the function wrote into its working folder', async () => {
    const dir = copy('ml-file-system');
    const { run, store } = await load(dir, 'prod-failure-001');
    const t = await target(run, dir, 'train_model');
    const quiet = await prepareStepSession(t, store, dir);
    assert.equal(await cleanStepSession(quiet.dir), undefined);
    assert.equal(fs.existsSync(quiet.dir), false);
    const writes = await prepareStepSession(t, store, dir);
    folders.track(writes.dir);
    fs.writeFileSync(path.join(writes.workDir, 'model.bin'), 'x');
    assert.equal(await cleanStepSession(writes.dir), writes.workDir);
    assert.ok(fs.existsSync(path.join(writes.workDir, 'model.bin')));
  });
});
