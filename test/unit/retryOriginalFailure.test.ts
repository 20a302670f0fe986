// The Debug Console's account of the original failure, read from the real fixture stores: the failed attempt's
// message and the tail of the step's captured output (catalog `*.execution.log`), then the whole banner.
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { test } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import { planRetry } from '../../src/core/retry/plan';
import { openStore } from '../../src/core/stores/openStore';
import { readOriginalFailure, tailLines } from '../../src/core/retry/originalFailure';
import { retryBanner } from '../../src/core/retry/retryBanner';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'runnable');

async function storeOf(folder: string, configFile: string | undefined) {
  const cwd = path.join(FIXTURES, folder);
  const { stores } = await discoverStores({ cwd, configFile, env: {} });
  return { cwd, store: openStore(stores[0]) };
}

void test('a plain step: the attempt message and the exception line from its execution log', async () => {
  const { store } = await storeOf('ml-chunked-fs', 'chunked.yaml');
  const run = await store.getRun('nightly-train-0412');
  const f = await readOriginalFailure(store, run, 'deploy');
  assert.match(f.message ?? '', /Call to the function functions\.deploy_model did not succeed/);
  assert.match(f.logFile ?? '', /^deploy[A-Z0-9]{3}\.execution\.log$/);
  assert.ok(f.logTail?.includes('RuntimeError: no deployment url for churn-model'), f.logTail?.join('\n'));
  assert.ok(!f.logTail?.some((l) => /^\s*[│╭╰]/.test(l)), 'no rich box frames in the tail');
  assert.equal(f.cause, 'RuntimeError: no deployment url for churn-model');
});

void test('a map iteration: the log of that iteration (value 2), not of its siblings', async () => {
  const { store } = await storeOf('composite-chunked-fs', 'chunked.yaml');
  const run = await store.getRun('map-fail-0001');
  const f = await readOriginalFailure(store, run, 'score_all.2.score chunk');
  assert.match(f.logFile ?? '', /^scoreallmapvariableplaceholderscorechunkvalue2[A-Z0-9]{3}\.execution\.log$/);
  assert.ok(f.logTail?.some((l) => l.includes('ValueError: chunk 2 is above threshold 0.5')), f.logTail?.join('\n'));
});

void test('an unknown step gives nothing rather than throwing', async () => {
  const { store } = await storeOf('ml-chunked-fs', 'chunked.yaml');
  const run = await store.getRun('nightly-train-0412');
  assert.deepEqual(await readOriginalFailure(store, run, 'no such step'), {});
});

void test('tailLines keeps the last non-blank lines', () => {
  assert.deepEqual(tailLines('a\n\n│ boxed │\nb  \nc\n', 2), ['b', 'c']);
});

void test('the banner names the run, indicator, skipped and re-run steps, failure and output tail', async () => {
  const { cwd, store } = await storeOf('ml-chunked-fs', 'chunked.yaml');
  const run = await store.getRun('nightly-train-0412');
  const plan = await planRetry({ cwd, runId: 'nightly-train-0412', configFile: 'chunked.yaml', env: {}, trusted: false });
  const f = await readOriginalFailure(store, run, plan.firstFailed!.internalName);
  const text = retryBanner(plan, f, '/usr/bin/python3').join('\n');
  assert.match(text, /retrying run nightly-train-0412 with retry indicator 2 \(interpreter \/usr\/bin\/python3/);
  assert.match(text, /skipped \(succeeded before\): load_data, train_model/);
  assert.match(text, /re-run: deploy\n  then \(never reached by the run\): test, notify\n/);
  assert.match(text, /first failed step: deploy \(python functions\.deploy_model\) in functions\.py:16/);
  // The user's error leads; runnable's wrapper message follows in brackets.
  assert.match(text, /original failure: RuntimeError: no deployment url for churn-model \(runnable: Call to the function functions\.deploy_model did not succeed/);
});

void test('the banner says a loop the retry enters may go on, before the steps never reached', async () => {
  const { cwd, store } = await storeOf('loop', undefined);
  const run = await store.getRun('loop-poll-0001');
  const plan = await planRetry({ cwd, runId: 'loop-poll-0001', env: {}, trusted: false });
  const text = retryBanner(plan, await readOriginalFailure(store, run, plan.firstFailed!.internalName), '/usr/bin/python3').join('\n');
  assert.match(text, /re-run: polling\.2\.poll once\n {2}loop: polling may go on from iteration 3 \(until done is true, at most 6 iterations in all\)\n {2}then \(never reached by the run\): finish\n/);
});
