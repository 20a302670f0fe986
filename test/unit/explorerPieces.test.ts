// The Runs view's pure pieces over the real fixture stores: labels of values and attempts, the filter, and
// finding a step's execution log in the catalog (map iterations, parallel branches, retries, jobs).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import type { Run } from '../../src/core/runlog/model';
import { findStep, firstFailedTask } from '../../src/core/runlog/rules';
import { openStore } from '../../src/core/stores/openStore';
import { attemptText, compactJson, formatDuration, paramText, runDescription, statusKey } from '../../src/core/explorer/labels';
import { describeFilter, matchesSummary, normaliseFilter, stepNamesMatchText } from '../../src/core/explorer/runFilter';
import { executionLogCandidates, iterateAsOf, pickLogForAttempt, templatedStepName } from '../../src/core/runlog/stepLog';
import { runsIn } from '../helpers/listing';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

async function load(fixture: string, runId: string): Promise<{ run: Run; files: string[]; read: (f: string) => string }> {
  const cwd = path.join(FIXTURES, fixture);
  const { stores } = await discoverStores({ cwd, env: {} });
  for (const d of stores) {
    const store = openStore(d);
    const runs = runsIn(await store.listRuns());
    if (!runs.some((r) => r.runId === runId && !r.error)) continue;
    const run = await store.getRun(runId);
    const files = await store.listCatalog(runId);
    const catalogDir = path.join(d.catalog!.location, runId);
    return { run, files, read: (f) => fs.readFileSync(path.join(catalogDir, f), 'utf8') };
  }
  throw new Error(`${runId} not found in ${fixture}`);
}

void describe('explorer labels', () => {
  void it('parameters of the failed deploy step read as name = value, objects name their pickle', async () => {
    const { run } = await load('ml-file-system', 'prod-failure-001');
    const deploy = findStep(run, 'deploy')!;
    const inputs = deploy.attempts[0].inputs;
    assert.equal(paramText('endpoint', inputs.endpoint, run.pickleExtension).label, 'endpoint = "churn-model"');
    assert.equal(paramText('model', inputs.model, run.pickleExtension).label, 'model → model.dill (pickled in catalog)');
    assert.equal(paramText('score', inputs.score, run.pickleExtension).label, 'score = 0.91');
    assert.equal(paramText('data', inputs.data).label, 'data = [0, 1, 2, 3, 4, 5]');
  });

  void it('long values are truncated in the label and complete in the tooltip', () => {
    const value = Array.from({ length: 60 }, (_, i) => i);
    const t = paramText('big', { kind: 'json', value });
    assert.ok(t.label.length <= 'big = '.length + 80 && t.label.endsWith('…'), t.label);
    assert.ok(t.truncated);
    assert.deepEqual(JSON.parse(t.full), value);
    assert.equal(compactJson({ a: [1, 'x'], b: null }), '{"a": [1, "x"], "b": null}');
  });

  void it('attempts show number, status, retry indicator, duration and the failure', async () => {
    const { run } = await load('ml-file-system-retried', 'prod-failure-001');
    const [a1, a2, a3] = findStep(run, 'deploy')!.attempts;
    assert.equal(attemptText(a1).label, '#1 ✗ FAIL');
    assert.match(attemptText(a1).description, /^\d+ ms · Call to the function functions\.deploy_model did not succeed\.$/);
    assert.match(attemptText(a2).description, /^retry 2 · \d+ ms · Call to/);
    assert.equal(attemptText(a3).label, '#3 ✓ SUCCESS');
    assert.match(attemptText(a3).description, /^retry 3 · \d+ ms$/);
  });

  void it('a failed run names its first failed step first in the description', async () => {
    const { run } = await load('ml-file-system', 'prod-failure-001');
    const summary = { runId: run.runId, status: run.status, tag: 'nightly', kind: run.kind, startTime: run.startTime, endTime: run.endTime, startMs: run.startMs, endMs: run.endMs, source: '' };
    const d = runDescription(summary, run.startMs + 3 * 3600_000, firstFailedTask(run)!.internalName, run.endMs - run.startMs);
    assert.match(d, /^✗ deploy · nightly · 3 h ago · \d+ ms$/);
    assert.equal(runDescription(summary, run.startMs + 3 * 3600_000), 'nightly · 3 h ago', 'no duration before the run is read');
    assert.equal(formatDuration(84), '84 ms');
    assert.equal(formatDuration(61_500), '1 min 2 s');
    assert.equal(statusKey('FAIL'), 'failed');
  });
});

void describe('explorer filter', () => {
  void it('matches status and tag on the summary, text on step and branch names', async () => {
    const { run } = await load('composite-chunked-fs', 'map-fail-0001');
    const f = normaliseFilter({ statuses: ['fail', ''], tag: ' ', text: ' score ' });
    assert.deepEqual(f, { statuses: ['FAIL'], text: 'score' });
    assert.equal(describeFilter(f), 'status FAIL · "score"');
    const summary = { runId: run.runId, status: run.status, tag: '', kind: run.kind, startTime: undefined, endTime: undefined, startMs: NaN, endMs: NaN, source: '' };
    assert.equal(matchesSummary(summary, f), true);
    assert.equal(matchesSummary(summary, { statuses: ['SUCCESS'] }), false);
    assert.equal(matchesSummary({ ...summary, error: 'bad' }, { statuses: ['FAIL'] }), false);
    assert.equal(stepNamesMatchText(run, 'SCORE CHUNK'), true);
    assert.equal(stepNamesMatchText(run, 'deploy'), false);
  });
});

void describe('step output in the catalog', () => {
  void it('finds the log of a map iteration step (placeholder + value) and the map variable name', async () => {
    const { run, files } = await load('composite-chunked-fs', 'map-fail-0001');
    assert.deepEqual(templatedStepName(run, 'score_all.2.score chunk'), { templated: 'score_all.map_variable_placeholder.score chunk', mapValues: ['2'] });
    assert.deepEqual(executionLogCandidates(run, 'score_all.2.score chunk', files), ['scoreallmapvariableplaceholderscorechunkvalue218R.execution.log']);
    assert.deepEqual(executionLogCandidates(run, 'score_all.3.success', files), ['scoreallmapvariableplaceholdersuccessvalue3LFV.execution.log']);
    assert.deepEqual(executionLogCandidates(run, 'make_chunks', files), ['makechunksDC5.execution.log']);
    assert.equal(iterateAsOf(run, findStep(run, 'score_all')!), 'chunk');
  });

  void it('finds parallel and conditional branch step logs', async () => {
    const p = await load('composite-chunked-fs', 'parallel-fail-0001');
    assert.deepEqual(executionLogCandidates(p.run, 'prepare.schema.validate', p.files), ['prepareschemavalidateX69.execution.log']);
    const c = await load('composite-chunked-fs', 'conditional-fail-0001');
    assert.deepEqual(executionLogCandidates(c.run, 'train.large.train large', c.files), ['trainlargetrainlargeQGM.execution.log']);
    // `fail` must not pick up `failvalue…` of a map step or `trainlargefail…`
    assert.deepEqual(executionLogCandidates(c.run, 'fail', c.files), ['failG5F.execution.log']);
  });

  void it('after retries, picks the log of each attempt from its content', async () => {
    const { run, files, read } = await load('ml-file-system-retried', 'prod-failure-001');
    const deploy = findStep(run, 'deploy')!;
    const candidates = executionLogCandidates(run, 'deploy', files);
    assert.equal(candidates.length, 3);
    const logs = candidates.map((name) => ({ name, text: read(name) }));
    const picked = deploy.attempts.map((a) => pickLogForAttempt(a, logs));
    assert.equal(new Set(picked).size, 3, `each attempt gets its own log: ${picked.join(', ')}`);
    // The succeeded attempt's log has no traceback; the failed ones do.
    assert.doesNotMatch(read(picked[2]!), /Traceback/);
    assert.match(read(picked[0]!), /Traceback/);
    assert.match(read(picked[1]!), /^\[22:25:42\]/);
  });

  void it('a job run finds the job log', async () => {
    const { run, files } = await load('job', 'backfill-job-0007');
    assert.deepEqual(executionLogCandidates(run, undefined, files), files.filter((f) => /^job[A-Z0-9]{3}\.execution\.log$/.test(f)));
    assert.equal(executionLogCandidates(run, undefined, files).length, 1);
  });
});
