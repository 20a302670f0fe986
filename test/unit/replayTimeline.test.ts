// The pure replay timeline over the fixture runs: attempts in recorded start order (retries after the original
// run), one composite entry per time replay enters a map, threads per iteration, and the moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { findRun } from '../../src/core/retry/findRun';
import { END, PIPELINE_THREAD, Timeline } from '../../src/core/replay/timeline';
import type { Run } from '../../src/core/runlog/model';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

async function run(fixture: string, runId: string): Promise<Run> {
  const found = await findRun({ cwd: path.join(FIXTURES, fixture), runId, env: {} });
  if ('error' in found) throw new Error(found.error);
  return found.run;
}

const label = (t: Timeline, i: number): string => {
  const e = t.events[i];
  return e.kind === 'composite' ? `[${e.step.internalName}]` : `${e.step.internalName}#${e.attempt!.number}`;
};

test('retried map run: the retry re-enters the map after the original run ended', async () => {
  const t = new Timeline(await run('composite-chunked-fs-retried', 'map-fail-0001'));
  const order = t.events.map((_, i) => label(t, i));
  // The retry (indicator 2) skipped score chunk of iterations 1 and 3 (their last attempt succeeded) but re-ran
  // the terminal nodes: recorded in the fixture.
  assert.deepEqual(order.slice(order.indexOf('fail#1')), [
    'fail#1', '[score_all]', 'score_all.1.success#2', 'score_all.2.score chunk#2', 'score_all.2.fail#2', 'score_all.3.success#2', 'fail#2',
  ]);
  assert.equal(order.filter((x) => x === '[score_all]').length, 2);
  // times never go backwards across attempts
  const times = t.events.filter((e) => e.kind === 'attempt').map((e) => e.startMs);
  assert.deepEqual(times, [...times].sort((a, b) => a - b));
});

test('map run: Step Over/Into/Out/Back and thread positions', async () => {
  const t = new Timeline(await run('composite-chunked-fs', 'map-fail-0001'));
  assert.deepEqual(t.events.map((_, i) => label(t, i)), [
    'make_chunks#1', '[score_all]', 'score_all.1.score chunk#1', 'score_all.1.success#1', 'score_all.2.score chunk#1',
    'score_all.2.fail#1', 'score_all.3.score chunk#1', 'score_all.3.success#1', 'fail#1',
  ]);
  assert.equal(t.next(1), 8, 'over the map');
  assert.equal(t.stepIn(1), 2, 'into the map');
  assert.equal(t.stepOut(4), 8, 'out of the map');
  assert.equal(t.stepBack(8), 1, 'back to the map, not into it');
  assert.equal(t.stepBack(2), 1);
  assert.equal(t.next(8), END);
  assert.equal(t.stepOut(0), END);
  const it3 = t.threads.find((x) => x.name === 'score_all [3]')!;
  assert.equal(t.threadPosition(it3.id, 4), 6, 'an iteration that has not started shows its first step');
  assert.equal(t.threadPosition(PIPELINE_THREAD, 5), 1);
  assert.equal(t.continueFrom(-1, (e) => e.attempt?.status === 'FAIL'), 4);
  assert.equal(t.reverseFrom(4, () => false), 0);
});
