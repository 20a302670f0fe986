// retryNeeds (core/retry/needs.ts): the packages a retry needs beside runnable, from the steps it will run and the
// store it writes, read from real runnable run logs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { retryNeeds } from '../../src/core/retry/needs';
import { findStep, retrySkipPlan } from '../../src/core/runlog/rules';
import { FailureCauses, NOTEBOOK_NO_ERROR } from '../../src/core/stores/failureCauses';
import { StoreRegistry } from '../../src/core/stores/storeRegistry';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

async function found(name: string, runId: string) {
  const registry = await StoreRegistry.discover({ cwd: path.join(FIXTURES, name), env: {} });
  return registry.findRun(runId);
}

void test('a notebook step the run never reached needs ploomber_engine; a local store needs nothing more', async () => {
  const { run, store } = await found('notebook-steps', 'notebook-steps-0001');
  const needs = retryNeeds(run, retrySkipPlan(run), store.descriptor);
  assert.deepEqual(needs.map((n) => [n.module, n.install, n.neededBy]), [['ploomber_engine', 'ploomber-engine', ['report']]]);
});

void test('a notebook step the retry would skip (it succeeded) needs nothing; S3 store and catalog need boto3', async () => {
  const { run, store } = await found('notebook-steps', 'notebook-steps-0001');
  const skip = retrySkipPlan(run);
  // as if report had run and succeeded: not re-run, not unreached
  const none = retryNeeds(run, { ...skip, notReached: [], notReachedNodes: [] }, store.descriptor);
  assert.deepEqual(none, []);
  const s3 = retryNeeds(run, { ...skip, notReached: [], notReachedNodes: [] }, { ...store.descriptor, type: 'chunked-minio', catalog: { type: 'minio', location: 's3://catalog' } });
  assert.deepEqual(s3.map((n) => [n.module, n.install, n.neededBy]), [['boto3', 'cloudpathlib[s3]', ['the chunked-minio run log store', 'the minio catalog']]]);
});

void test('a failed notebook step the retry re-runs needs ploomber_engine (notebook-steps-retried: report FAIL in the log)', async () => {
  const { run, store } = await found('notebook-steps-retried', 'notebook-steps-0001');
  const skip = retrySkipPlan(run);
  assert.deepEqual([skip.skipped, skip.rerun, skip.notReached], [['prepare', 'train'], ['report'], []]);
  assert.deepEqual(retryNeeds(run, skip, store.descriptor).map((n) => [n.module, n.neededBy]), [['ploomber_engine', ['report']]]);
});

void test('the failed notebook attempt with no message and an empty log: its cause says runnable kept no error; a python failure keeps its own', async () => {
  const { run, store } = await found('notebook-steps-retried', 'notebook-steps-0001');
  const causes = new FailureCauses(store);
  const report = findStep(run, 'report')!;
  assert.equal(report.attempts[0].message, '');
  assert.equal(await causes.cause(run, 'report', report.attempts[0]), NOTEBOOK_NO_ERROR);
  const train = findStep(run, 'train')!;
  assert.equal(await causes.cause(run, 'train', train.attempts[0]), 'ValueError: cannot train on 3 rows');
  assert.equal(await causes.cause(run, 'train', train.attempts[1]), undefined, 'a SUCCESS attempt has no cause');
});
