// A Stub's attempt carries no retry indicator in runnable's log (extensions/nodes/stub.py); the model gives it the
// execution it ran in, by time (normalise.ts attributeStubAttempts). Real data: fixture stub-retried.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { normaliseRun } from '../../src/core/runlog/normalise';
import { parseRunLogText } from '../../src/core/runlog/parse';
import { findStep } from '../../src/core/runlog/rules';
import { buildTimeline } from '../../src/core/details/timeline';

const FILE = path.resolve(__dirname, '../../../test/fixtures/runnable/stub-retried/.run_log_store/r-conditional-1.json');
const raw = () => JSON.parse(fs.readFileSync(FILE, 'utf8'));
const runOf = (value: unknown) => normaliseRun(parseRunLogText(JSON.stringify(value), FILE));

void test('the stub a retry ran is that retry\'s attempt; the original run\'s attempts keep ""', () => {
  const run = runOf(raw());
  const stub = findStep(run, 'continue to')!.attempts[0];
  assert.deepEqual([stub.retryIndicator, stub.indicatorInferred], ['2', true]);
  assert.deepEqual(findStep(run, 'toss_task')!.attempts.map((a) => [a.retryIndicator, a.indicatorInferred]), [['', undefined]]);
  assert.deepEqual(findStep(run, 'conditional.heads.check_envvar')!.attempts.map((a) => a.retryIndicator), ['', '2']);
  const row = buildTimeline(run).rows.find((r) => r.id === 'continue to')!;
  assert.deepEqual(row.bars.map((b) => b.label), ['retry 2']);
});

void test('a run never retried leaves a stub as recorded; a stub after the last attempt of an execution stays with it', () => {
  // The same log before its retry: the attempts indicator 2 made are dropped, the stub moved to just after toss_task.
  const before = raw();
  const steps = before.steps;
  const branch = steps.conditional.branches['conditional.heads'].steps;
  branch['conditional.heads.check_envvar'].attempts.splice(1);
  delete branch['conditional.heads.success'];
  delete steps.success;
  steps['continue to'].attempts[0].start_time = steps['continue to'].attempts[0].end_time = '2026-12-07 22:42:03.080000';
  const original = runOf(before);
  assert.deepEqual(findStep(original, 'continue to')!.attempts.map((a) => [a.retryIndicator, a.indicatorInferred]), [['', undefined]]);
  // A retry after it (its own attempts, later): the earlier stub stays the original run's, so the history check,
  // which compares attempts before and after a retry, sees it unchanged.
  const retried = raw();
  retried.steps['continue to'].attempts[0].start_time = retried.steps['continue to'].attempts[0].end_time = '2026-12-07 22:42:03.080000';
  const after = runOf(retried);
  assert.deepEqual(findStep(after, 'continue to')!.attempts.map((a) => [a.retryIndicator, a.indicatorInferred]), [['', undefined]]);
});
