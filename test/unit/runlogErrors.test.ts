// Bad run logs: empty, truncated, invalid JSON, the wrong shape, a branch log without its parent step,
// a run log caught mid-write. Each gives a clear RunLogError (or a run warning), never a crash.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { normaliseRun } from '../../src/core/runlog/normalise';
import { parseBranchLogText, parseRunLogText, parseRunLogValue } from '../../src/core/runlog/parse';
import { mergeBranchLogsRaw } from '../../src/core/runlog/rawMerge';
import { walkSteps } from '../../src/core/runlog/rules';
import { summaryFromHead } from '../../src/core/runlog/summary';
import { RunLogSchema } from '../../src/core/runlog/schema';
import { RunLogError } from '../../src/core/stores/runLogStore';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const ML_FILE = path.join(FIXTURES, 'ml-file-system/.run_log_store/prod-failure-001.json');
const MAP_DIR = path.join(FIXTURES, 'composite-chunked-fs/.run_log_store/map-fail-0001');
const MINIO_FILE = path.join(FIXTURES, 's3-minio/objects/run-logs/argo-train-7731/argo-train-7731.json');
const read = (f: string): string => fs.readFileSync(f, 'utf8');

function rejects(fn: () => unknown, file: string, ...fragments: (string | RegExp)[]): RunLogError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof RunLogError, `expected a RunLogError, got ${String(caught)}`);
  assert.equal(caught.file, file);
  assert.ok(caught.message.startsWith(`${file}: `), `message names the file: ${caught.message}`);
  for (const f of fragments) {
    if (typeof f === 'string') {
      assert.ok(caught.message.includes(f), `"${caught.message}" should include "${f}"`);
    } else {
      assert.match(caught.message, f);
    }
  }
  return caught;
}

describe('runlog: bad input', () => {
  it('an empty file', () => {
    rejects(() => parseRunLogText('', 'runs/a.json'), 'runs/a.json', 'empty');
    rejects(() => parseRunLogText(' \n\t', 'runs/a.json'), 'runs/a.json', 'empty');
    rejects(() => parseBranchLogText('', 'runs/r/BranchLog-m.1.json'), 'runs/r/BranchLog-m.1.json', 'empty');
  });

  it('a truncated file (a run log still being written) names the end position', () => {
    const text = read(ML_FILE);
    const cut = text.slice(0, Math.floor(text.length / 2));
    const err = rejects(() => parseRunLogText(cut, ML_FILE), ML_FILE, 'truncated JSON', 'still be writing', `(position ${cut.length})`);
    const lines = cut.split('\n');
    assert.ok(err.message.includes(`line ${lines.length}, column ${lines[lines.length - 1].length + 1}`), err.message);
  });

  it('invalid JSON names the line, column and position', () => {
    const text = read(ML_FILE).replace('"status": "FAIL"', '"status": FAIL');
    const pos = text.indexOf('FAIL,');
    const before = text.slice(0, pos).split('\n');
    rejects(() => parseRunLogText(text, ML_FILE), ML_FILE, 'invalid JSON', `line ${before.length}, column ${before[before.length - 1].length + 1}`, `position ${pos}`);
    rejects(() => parseRunLogText('{"run_id": "x",, }', 'x.json'), 'x.json', 'invalid JSON at line 1');
  });

  it('valid JSON of the wrong shape names the JSON path', () => {
    const raw = JSON.parse(read(ML_FILE));
    raw.steps.deploy.attempts[0].status = 5;
    rejects(() => parseRunLogText(JSON.stringify(raw), ML_FILE), ML_FILE, 'not a runnable run log', 'steps.deploy.attempts[0].status: expected string, received number');

    const noId = JSON.parse(read(ML_FILE));
    delete noId.run_id;
    rejects(() => parseRunLogValue(noId, ML_FILE), ML_FILE, 'run_id: required string is missing');

    const badKind = JSON.parse(read(ML_FILE));
    badKind.parameters.rows.kind = 'pickle';
    rejects(() => parseRunLogValue(badKind, ML_FILE), ML_FILE, 'parameters.rows.kind: expected kind "json" | "object" | "metric"');

    rejects(() => parseRunLogValue([1, 2], 'list.json'), 'list.json', '(top level): expected object, received array');

    const nullCatalog = JSON.parse(read(ML_FILE));
    nullCatalog.steps.load_data.data_catalog = [{ stage: 'get' }];
    rejects(() => parseRunLogValue(nullCatalog, ML_FILE), ML_FILE, 'steps.load_data.data_catalog[0].name: required string is missing');

    const badJob = JSON.parse(read(path.join(FIXTURES, 'job/.run_log_store/backfill-job-0007.json')));
    badJob.job.attempts[0].attempt_number = 1.5;
    rejects(() => parseRunLogValue(badJob, 'job.json'), 'job.json', 'job.attempts[0].attempt_number: expected integer, received float');
  });

  it('a wrong shape inside a branch log names the quoted step key', () => {
    const file = path.join(MAP_DIR, 'BranchLog-score_all.2.json');
    const raw = JSON.parse(read(file));
    raw.steps['score_all.2.score chunk'].attempts[0].attempt_number = 'one';
    rejects(() => parseBranchLogText(JSON.stringify(raw), file), file, 'not a runnable branch log', 'steps["score_all.2.score chunk"].attempts[0].attempt_number: expected number, received string');
  });

  it('extra fields are tolerated and missing ones take runnable defaults (fast path and zod alike)', () => {
    const minimal = () => ({ run_id: 'r1', surprise: { x: 1 }, steps: { a: { name: 'a', internal_name: 'a', attempts: [{}] } } });
    assert.deepEqual(parseRunLogValue(minimal(), 'r1.json'), RunLogSchema.parse(minimal()));
    const raw = parseRunLogValue({ run_id: 'r1', surprise: { x: 1 }, steps: { a: { name: 'a', internal_name: 'a', attempts: [{}] } } }, 'r1.json');
    assert.equal(raw.status, 'FAIL');
    assert.equal(raw.tag, '');
    assert.equal(raw.job, null);
    assert.deepEqual(raw.steps.a.attempts[0].input_parameters, {});
    assert.equal(raw.steps.a.attempts[0].attempt_number, 1);
    assert.equal(raw.steps.a.step_type, 'task');
    assert.deepEqual((raw as Record<string, unknown>).surprise, { x: 1 });
    const run = normaliseRun(raw);
    assert.equal(run.pickleExtension, '.dill');
    assert.ok(Number.isNaN(run.startMs));
  });

  it('the minio double-encoded body parses from text and from the decoded value', () => {
    const text = read(MINIO_FILE);
    assert.equal(typeof JSON.parse(text), 'string');
    assert.equal(parseRunLogText(text, MINIO_FILE).run_id, 'argo-train-7731');
    assert.equal(parseRunLogValue(JSON.parse(text), MINIO_FILE).run_id, 'argo-train-7731');
    rejects(() => parseRunLogText(JSON.stringify(JSON.parse(text).slice(0, 300)), MINIO_FILE), MINIO_FILE, 'truncated JSON');
  });

  it('a branch log whose parent step is missing becomes a warning; the rest still merges', () => {
    const raw = parseRunLogText(read(path.join(MAP_DIR, 'RunLog.json')), 'RunLog.json');
    const branches = fs
      .readdirSync(MAP_DIR)
      .filter((n) => n.startsWith('BranchLog-'))
      .map((n) => parseBranchLogText(read(path.join(MAP_DIR, n)), n));
    const orphan = structuredClone(branches[0]);
    orphan.internal_name = 'ghost.7';
    orphan.steps = {};
    const run = normaliseRun(raw, [...branches, orphan]);
    assert.equal(run.warnings.length, 1);
    assert.match(run.warnings[0], /Branch log "ghost\.7" has no parent step "ghost"/);
    assert.equal(run.steps.find((s) => s.internalName === 'score_all')?.branches.length, branches.length);
    assert.ok(walkSteps(run).some((w) => w.step.internalName === 'score_all.2.score chunk'));
    const merged = mergeBranchLogsRaw(raw, [...branches, orphan]);
    assert.ok(!JSON.stringify(merged).includes('ghost.7'));
  });

  it('nested composites: a branch log attaches to a step that lives in another branch log', () => {
    const step = (internal: string, type: string, start: string, status = 'SUCCESS') => ({
      name: internal.slice(internal.lastIndexOf('.') + 1),
      internal_name: internal,
      step_type: type,
      status,
      attempts: type === 'map' || type === 'parallel' ? [] : [{ attempt_number: 1, status, start_time: start, end_time: start }],
    });
    const raw = parseRunLogValue(
      {
        run_id: 'nested',
        status: 'FAIL',
        steps: { outer: step('outer', 'parallel', '', 'FAIL'), fail: step('fail', 'fail', '2026-01-01 10:00:09') },
        run_config: {
          dag: {
            start_at: 'outer',
            nodes: {
              outer: {
                node_type: 'parallel',
                branches: {
                  a: { start_at: 'inner', nodes: { inner: { node_type: 'map', branch: { start_at: 'work', nodes: { work: { node_type: 'task', command: 'mod.work', command_type: 'python' } } } } } },
                },
              },
              fail: { node_type: 'fail' },
            },
          },
        },
      },
      'nested/RunLog.json',
    );
    const branches = [
      // listed out of order on purpose: the inner map's iterations before the branch holding the map
      { internal_name: 'outer.a.inner.0.5', status: 'FAIL', steps: { 'outer.a.inner.0.5.work': step('outer.a.inner.0.5.work', 'task', '2026-01-01 10:00:03', 'FAIL') } },
      { internal_name: 'outer.a.inner.x', status: 'SUCCESS', steps: { 'outer.a.inner.x.work': step('outer.a.inner.x.work', 'task', '2026-01-01 10:00:02') } },
      { internal_name: 'outer.a', status: 'FAIL', steps: { 'outer.a.inner': step('outer.a.inner', 'map', '', 'FAIL') } },
    ].map((b) => parseBranchLogText(JSON.stringify(b), `BranchLog-${b.internal_name}.json`));
    const run = normaliseRun(raw, branches);
    assert.deepEqual(run.warnings, []);
    assert.deepEqual(
      walkSteps(run).map((w) => [w.step.internalName, w.branchPath.map((b) => b.name).join('/')]),
      [
        ['outer', ''],
        ['outer.a.inner', 'a'],
        ['outer.a.inner.x.work', 'a/x'],
        ['outer.a.inner.0.5.work', 'a/0.5'],
        ['fail', ''],
      ],
    );
    const work = walkSteps(run).find((w) => w.step.internalName === 'outer.a.inner.0.5.work')?.step;
    assert.equal(work?.command, 'mod.work');
    assert.equal(work?.commandType, 'python');
  });

  it('steps that never started fall back to the dag order', () => {
    const raw = parseRunLogValue(
      {
        run_id: 'r',
        steps: { c: { name: 'c', internal_name: 'c' }, a: { name: 'a', internal_name: 'a' }, b: { name: 'b', internal_name: 'b', attempts: [{ start_time: '2026-01-01 00:00:00' }] } },
        run_config: { dag: { start_at: 'a', nodes: { b: { next_node: 'c' }, c: {}, a: { next_node: 'b' } } } },
      },
      'r.json',
    );
    assert.deepEqual(normaliseRun(raw).steps.map((s) => s.name), ['b', 'a', 'c']);
  });
});

describe('runlog: summaryFromHead on bad or partial heads', () => {
  it('never throws; an unreadable head sets error naming the file', () => {
    for (const head of ['', '   ', 'garbage', '[1,2]', '{"tag": "x", "steps": {', '{"run_id": 5}']) {
      const s = summaryFromHead(head, '/store/r9.json', 1000);
      assert.ok(s.error, `error for ${JSON.stringify(head)}`);
      assert.ok(s.error.startsWith('/store/r9.json: '), s.error);
      assert.equal(s.runId, 'r9', 'run id from the file name');
      assert.equal(s.endMs, 1000);
    }
    assert.equal(summaryFromHead('', '/store/r9/RunLog.json', 0).runId, 'r9');
  });

  it('a run log cut mid-write still lists from its head', () => {
    const text = read(ML_FILE);
    for (const n of [200, 300, 1000]) {
      const s = summaryFromHead(text.slice(0, n), ML_FILE, 5);
      assert.equal(s.error, undefined, `cut at ${n}`);
      assert.equal(s.runId, 'prod-failure-001');
      assert.equal(s.status, 'FAIL');
    }
    const early = summaryFromHead(text.slice(0, 60), ML_FILE, 5);
    assert.ok(early.error?.includes('no status'), early.error);
    assert.equal(early.runId, 'prod-failure-001');
  });

  it('reads a double-encoded minio head and keys in any order', () => {
    const s = summaryFromHead(read(MINIO_FILE).slice(0, 4096), MINIO_FILE, 0);
    assert.equal(s.runId, 'argo-train-7731');
    assert.equal(s.status, 'FAIL');
    const reordered = summaryFromHead('{"steps": {}, "job": {"attempts": [{"start_time": "2026-01-01 10:00:00"}]}, "status": "SUCCESS", "run_id": "j\\"1", "tag": null}', 'x.json', 0);
    assert.equal(reordered.error, undefined);
    assert.equal(reordered.runId, 'j"1');
    assert.equal(reordered.kind, 'job');
    assert.equal(reordered.tag, '');
    assert.equal(reordered.startTime, '2026-01-01 10:00:00');
  });

  it('a job that has not started yet is told apart by run_config', () => {
    const created = (definition: string) =>
      summaryFromHead(JSON.stringify({ run_id: 'c1', dag_hash: '', tag: '', status: 'CREATED', steps: {}, job: null, parameters: {}, run_config: { [definition]: 'x.main' } }), 'c1.json', 7);
    const job = created('job_definition_file');
    assert.equal(job.kind, 'job');
    assert.equal(job.status, 'CREATED');
    assert.equal(job.startTime, undefined);
    assert.ok(Number.isNaN(job.startMs));
    assert.equal(created('pipeline_definition_file').kind, 'pipeline');
  });
});
