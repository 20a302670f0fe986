// Run-details data shaping on every run recorded under test/fixtures/runnable (and the examples): timeline rows and
// attempt bars against case.json, the graph from run_config.dag, attempt diffs of retried steps, run comparison.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { discoverStores } from '../../src/core/config/discover';
import { openStore } from '../../src/core/stores/openStore';
import type { Run } from '../../src/core/runlog/model';
import { firstFailedTask, walkSteps } from '../../src/core/runlog/rules';
import { timeToX } from '../../src/core/details/axis';
import { diffStep } from '../../src/core/details/attemptDiff';
import { compareRuns, samePipeline } from '../../src/core/details/compare';
import { NOT_RUN } from '../../src/core/details/graph';
import { shapeRunDetails } from '../../src/core/details/runDetails';
import { runsIn } from '../helpers/listing';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
// s3-minio and s3-nested hold object dumps (objects/) that need an S3 endpoint: the S3 store tests cover them.
const CASES = fs.readdirSync(FIXTURES).filter((d) => fs.existsSync(path.join(FIXTURES, d, 'case.json')) && !fs.existsSync(path.join(FIXTURES, d, 'objects')));

interface CaseRun { status: string; steps?: Record<string, { status: string; type: string; attempts: [number, string, string][] }>; job_status?: string }
interface Loaded { caseName: string; run: Run; expected: CaseRun }

async function loadCase(cwd: string): Promise<Run[]> {
  const { stores } = await discoverStores({ cwd, env: {} });
  const runs: Run[] = [];
  for (const d of stores) {
    if (d.problem) continue;
    const store = openStore(d);
    for (const s of runsIn(await store.listRuns())) if (!s.error) runs.push(await store.getRun(s.runId));
  }
  return runs;
}

const loaded: Loaded[] = [];
before(async () => {
  for (const caseName of CASES) {
    const c = JSON.parse(fs.readFileSync(path.join(FIXTURES, caseName, 'case.json'), 'utf8')) as { runs: Record<string, CaseRun> };
    for (const run of await loadCase(path.join(FIXTURES, caseName))) {
      if (c.runs[run.runId]) loaded.push({ caseName, run, expected: c.runs[run.runId] });
    }
  }
});

function get(caseName: string, runId: string): Run {
  const l = loaded.find((x) => x.caseName === caseName && x.run.runId === runId);
  assert.ok(l, `${caseName}/${runId} loaded`);
  return l.run;
}

describe('run details: every fixture run', () => {
  it('loads every run case.json lists', () => {
    let expected = 0;
    for (const caseName of CASES) expected += Object.keys(JSON.parse(fs.readFileSync(path.join(FIXTURES, caseName, 'case.json'), 'utf8')).runs).length;
    assert.equal(loaded.length, expected);
    assert.ok(loaded.length >= 14, `${loaded.length} runs`);
  });

  it('timeline: a row per step with its attempts as bars (number, status, retry indicator, label), parents before children', () => {
    for (const { caseName, run, expected } of loaded) {
      const where = `${caseName}/${run.runId}`;
      const d = shapeRunDetails(run);
      const rows = new Map(d.timeline.rows.map((r) => [r.id, r]));
      assert.equal(rows.size, d.timeline.rows.length, `${where}: row ids unique`);
      if (run.kind === 'job') {
        assert.equal(d.timeline.rows.length, 1);
        assert.equal(d.timeline.rows[0].status, expected.job_status ?? expected.status);
        continue;
      }
      for (const [name, step] of Object.entries(expected.steps ?? {})) {
        const row = rows.get(name);
        assert.ok(row, `${where}: row ${name}`);
        assert.equal(row.status, step.status, `${where}: ${name} status`);
        assert.equal(row.type, step.type, `${where}: ${name} type`);
        assert.deepEqual(row.bars.map((b) => [b.attemptNumber, b.status, b.retryIndicator]), step.attempts, `${where}: ${name} bars`);
        for (const b of row.bars) assert.equal(b.label, b.retryIndicator === '' ? 'original' : `retry ${b.retryIndicator}`);
      }
      // Steps and branch rows: every walked step has a row, branches sit between their composite and their steps.
      const index = new Map(d.timeline.rows.map((r, i) => [r.id, i]));
      for (const { step, depth } of walkSteps(run)) {
        const row = rows.get(step.internalName)!;
        assert.equal(row.depth, depth * 2, `${where}: ${step.internalName} depth`);
        for (const b of step.branches) {
          const br = rows.get(b.internalName);
          assert.ok(br && br.kind === 'branch' && br.parentId === step.internalName, `${where}: branch row ${b.internalName}`);
          assert.ok(index.get(b.internalName)! > index.get(step.internalName)!);
          for (const s of b.steps) assert.equal(rows.get(s.internalName)!.parentId, b.internalName);
        }
      }
      // Bars sit on the axis, in order; a composite's span covers its children.
      for (const r of d.timeline.rows) {
        let prev = -1;
        for (const b of r.bars) {
          const x0 = timeToX(d.timeline.axis, b.startMs);
          const x1 = timeToX(d.timeline.axis, b.endMs);
          assert.ok(x0 >= 0 && x1 <= 1 && x0 <= x1, `${where}: ${r.id} bar on axis`);
          assert.ok(x0 >= prev, `${where}: ${r.id} attempts in order`);
          prev = x0;
        }
        if (r.parentId) {
          const p = rows.get(r.parentId)!;
          if (Number.isFinite(r.startMs)) assert.ok(p.startMs <= r.startMs && p.endMs >= r.endMs, `${where}: ${r.parentId} spans ${r.id}`);
        }
      }
      const ff = firstFailedTask(run);
      assert.equal(d.firstFailed, ff?.internalName);
      if (ff) assert.ok(rows.get(ff.internalName)!.failed, `${where}: first failed row marked`);
      assert.deepEqual(d.timeline.rows.filter((r) => r.failed).map((r) => r.id).sort(),
        Object.entries(expected.steps ?? {}).filter(([, s]) => s.status === 'FAIL' && s.type === 'task').map(([n]) => n).sort(), `${where}: failed rows`);
    }
  });

  it('graph: every dag node drawn, coloured by the run, failed path through the first failed task', () => {
    for (const { caseName, run, expected } of loaded) {
      const where = `${caseName}/${run.runId}`;
      const g = shapeRunDetails(run).graph;
      if (run.kind === 'job') {
        assert.match(g.problem ?? '', /job/);
        continue;
      }
      assert.equal(g.problem, undefined);
      const dag = run.runConfig.dag as { nodes: Record<string, { node_type: string }> };
      const nodes = new Map(g.nodes.map((n) => [n.id, n]));
      for (const name of Object.keys(dag.nodes)) {
        const n = nodes.get(name);
        assert.ok(n, `${where}: node ${name}`);
        assert.equal(n.type, dag.nodes[name].node_type);
        assert.equal(n.status, expected.steps?.[name]?.status ?? NOT_RUN, `${where}: ${name} colour`);
      }
      // Nodes inside composites stand for the recorded steps of their branch (map: all iterations).
      for (const n of g.nodes) {
        for (const s of n.steps) assert.ok(expected.steps?.[s], `${where}: ${n.id} -> ${s}`);
        assert.equal(Object.values(n.counts).reduce((a, b) => a + b, 0), n.steps.length);
        assert.ok(n.w > 0 && n.h > 0 && n.x >= 0 && n.y >= 0 && n.x + n.w <= g.width && n.y + n.h <= g.height, `${where}: ${n.id} inside the canvas`);
        if (n.parentId) {
          const c = g.clusters.find((k) => k.id === n.parentId)!;
          assert.ok(c && n.x >= c.x && n.x + n.w <= c.x + c.w && n.y >= c.y && n.y + n.h <= c.y + c.h, `${where}: ${n.id} inside its branch box`);
        }
      }
      for (const e of g.edges) assert.ok(nodes.has(e.from) && nodes.has(e.to) && e.points.length >= 2, `${where}: edge ${e.from}->${e.to}`);
      const ff = firstFailedTask(run);
      if (ff) {
        const onPath = g.nodes.filter((n) => n.onFailedPath);
        assert.ok(onPath.some((n) => n.steps.includes(ff.internalName)), `${where}: failed task on the failed path`);
        assert.ok(nodes.get(dag_start(run))!.onFailedPath, `${where}: the path starts at start_at`);
        assert.ok(g.edges.some((e) => e.onFailedPath && e.kind !== 'next'), `${where}: the failure edge is on the path`);
      } else {
        assert.ok(!g.nodes.some((n) => n.onFailedPath), `${where}: no failed path in a run that succeeded`);
      }
    }
  });

  it('attempt diffs: one column per attempt, changes flagged against the original; the first message carries failed and retried steps', () => {
    for (const { caseName, run } of loaded) {
      const d = shapeRunDetails(run);
      const all = run.kind === 'job' ? [{ internalName: 'job', attempts: run.job!.attempts, status: run.job!.status, depth: 0 }]
        : walkSteps(run).map((w) => ({ internalName: w.step.internalName, attempts: w.step.attempts, status: w.step.status, depth: w.depth }));
      for (const s of all) {
        const diff = diffStep(run, s.internalName)!;
        assert.equal(diff.columns.length, s.attempts.length, `${caseName}/${run.runId}: ${s.internalName}`);
        const status = diff.rows.find((r) => r.group === 'status')!;
        assert.deepEqual(status.changed, s.attempts.map((a) => a.status !== s.attempts[0].status));
        if (s.attempts.length && (s.status === 'FAIL' || s.attempts.length > 1 || s.depth === 0)) assert.deepEqual(d.steps[s.internalName], diff);
        else assert.equal(d.steps[s.internalName], undefined);
      }
    }
  });
});

function dag_start(run: Run): string {
  return (run.runConfig.dag as { start_at: string }).start_at;
}

describe('run details: retried runs', () => {
  it('ml-file-system-retried deploy: attempts 1..3 labelled original, retry 2, retry 3; status and message change in retry 3', () => {
    const run = get('ml-file-system-retried', 'prod-failure-001');
    const d = shapeRunDetails(run);
    const deploy = d.timeline.rows.find((r) => r.id === 'deploy')!;
    assert.deepEqual(deploy.bars.map((b) => b.attemptNumber), [1, 2, 3]);
    assert.deepEqual(deploy.bars.map((b) => b.retryIndicator), ['', '2', '3']);
    assert.deepEqual(deploy.bars.map((b) => b.label), ['original', 'retry 2', 'retry 3']);
    assert.deepEqual(d.timeline.indicators, ['', '2', '3']);
    const diff = d.steps.deploy;
    assert.deepEqual(diff.columns.map((c) => c.label), ['original', 'retry 2', 'retry 3']);
    assert.deepEqual(diff.rows.find((r) => r.key === 'status')!.changed, [false, false, true]);
    assert.deepEqual(diff.rows.find((r) => r.key === 'message')!.changed, [false, false, true]);
    assert.ok(diff.changedKeys.includes('status') && diff.changedKeys.includes('message'));
    // Inputs restored by the retry are the same values: not flagged.
    for (const r of diff.rows.filter((x) => x.group === 'inputs')) {
      const a = run.steps.find((s) => s.name === 'deploy')!.attempts;
      const same = a.every((t) => JSON.stringify(t.inputs[r.key]) === JSON.stringify(a[0].inputs[r.key]));
      assert.equal(r.changed.some(Boolean), !same, `inputs.${r.key}`);
    }
    assert.equal(d.nextRetryIndicator, '4');
    assert.equal(d.firstFailed, undefined);
    // The retry ran seconds later: the gap is there and the retry bars do not collapse to nothing.
    const [b1, , b3] = deploy.bars;
    const ax = d.timeline.axis;
    assert.ok(timeToX(ax, b3.startMs) - timeToX(ax, b1.endMs) > 0.02);
    assert.ok(timeToX(ax, b3.endMs) - timeToX(ax, b3.startMs) > 0.001);
  });

  it('composite-chunked-fs-retried map: only the failed iteration has a retry attempt', () => {
    const run = get('composite-chunked-fs-retried', 'map-fail-0001');
    const d = shapeRunDetails(run);
    const iterRows = d.timeline.rows.filter((r) => r.parentId === 'score_all');
    assert.deepEqual(iterRows.map((r) => r.kind), iterRows.map(() => 'branch'));
    const chains = d.timeline.rows.filter((r) => /^score_all\.[^.]+\.score chunk$/.test(r.id)).map((r) => r.bars.map((b) => b.retryIndicator).join(','));
    assert.equal(chains.filter((c) => c.includes(',')).length, 1, chains.join(' | '));
  });
});

describe('run details: composite runs', () => {
  it('map-fail-0001: iterations nested under score_all, the map branch drawn once with every iteration counted', () => {
    const run = get('composite-chunked-fs', 'map-fail-0001');
    const d = shapeRunDetails(run);
    const rows = d.timeline.rows;
    const iters = rows.filter((r) => r.parentId === 'score_all');
    assert.deepEqual(iters.map((r) => r.id), ['score_all.1', 'score_all.2', 'score_all.3'].filter((id) => iters.some((r) => r.id === id)));
    assert.equal(iters.length, 3);
    for (const it_ of iters) {
      assert.equal(it_.depth, 1);
      const inner = rows.filter((r) => r.parentId === it_.id);
      assert.deepEqual(inner.map((r) => r.name).filter((n) => n === 'score chunk'), ['score chunk']);
      assert.ok(inner.every((r) => r.depth === 2));
    }
    const node = d.graph.nodes.find((n) => n.id === 'score_all.*.score chunk')!;
    assert.equal(node.steps.length, 3);
    assert.equal(node.status, 'FAIL');
    assert.equal(node.counts.FAIL, 1);
    assert.equal(node.counts.SUCCESS, 2);
    assert.ok(node.onFailedPath);
    assert.equal(d.graph.clusters.find((c) => c.id === 'score_all.*')!.iterations, 3);
    // summarise never ran: not coloured, not on the path.
    const summarise = d.graph.nodes.find((n) => n.id === 'summarise')!;
    assert.equal(summarise.status, NOT_RUN);
    assert.equal(summarise.onFailedPath, false);
  });

  it('parallel-fail-0001: each branch its own box; only the failing branch is on the failed path', () => {
    const d = shapeRunDetails(get('composite-chunked-fs', 'parallel-fail-0001'));
    const clusters = d.graph.clusters.filter((c) => c.id.startsWith('prepare.'));
    assert.deepEqual(clusters.map((c) => c.name).sort(), ['features', 'schema']);
    const validate = d.graph.nodes.find((n) => n.id === 'prepare.schema.validate')!;
    const extract = d.graph.nodes.find((n) => n.id === 'prepare.features.extract')!;
    assert.notEqual(validate.status, extract.status);
    const failing = validate.status === 'FAIL' ? validate : extract;
    const ok = failing === validate ? extract : validate;
    assert.ok(failing.onFailedPath && !ok.onFailedPath);
    // Branches side by side, not overlapping.
    const [a, b] = clusters;
    assert.ok(a.x + a.w <= b.x || b.x + b.w <= a.x);
  });

  it('conditional-fail-0001: the taken case ran, the other is drawn not run', () => {
    const d = shapeRunDetails(get('composite-chunked-fs', 'conditional-fail-0001'));
    assert.equal(d.graph.nodes.find((n) => n.id === 'train.large.train large')!.status, 'FAIL');
    assert.equal(d.graph.nodes.find((n) => n.id === 'train.small.train small')!.status, NOT_RUN);
    assert.equal(d.graph.clusters.find((c) => c.id === 'train.small')!.status, NOT_RUN);
    assert.ok(d.timeline.rows.some((r) => r.id === 'train.large' && r.kind === 'branch'));
    assert.ok(!d.timeline.rows.some((r) => r.id === 'train.small'));
  });
});

describe('run details: compare runs', () => {
  it('the original and the retried prod-failure-001: same dag_hash, deploy FAIL vs SUCCESS, steps only the retry ran', () => {
    const a = get('ml-file-system', 'prod-failure-001');
    const b = get('ml-file-system-retried', 'prod-failure-001');
    const c = compareRuns(a, b);
    assert.equal(c.samePipelineBy, 'dag_hash');
    const deploy = c.steps.find((s) => s.internalName === 'deploy')!;
    assert.equal(deploy.a!.status, 'FAIL');
    assert.equal(deploy.b!.status, 'SUCCESS');
    assert.ok(deploy.statusDiffers);
    assert.deepEqual(deploy.b!.indicators, ['', '2', '3']);
    const test_ = c.steps.find((s) => s.internalName === 'test')!;
    assert.equal(test_.a, undefined);
    assert.equal(test_.b!.status, 'SUCCESS');
    assert.ok(c.steps.find((s) => s.internalName === 'load_data')!.statusDiffers === false);
    assert.equal(c.differences, c.parameters.filter((p) => p.differs).length + c.steps.filter((s) => s.statusDiffers).length);
    assert.ok(c.differences >= 2);
  });

  it('a run compared with itself has no differences; different pipelines are refused with both names', () => {
    const a = get('composite-chunked-fs', 'map-fail-0001');
    assert.equal(compareRuns(a, a).differences, 0);
    const other = get('composite-chunked-fs', 'parallel-fail-0001');
    assert.equal(samePipeline(a, other), undefined);
    assert.throws(() => compareRuns(a, other), /map-fail-0001 and parallel-fail-0001 are not of the same pipeline/);
  });

  it('diffStep: a job reads its own attempts; an unknown step is undefined', () => {
    const job = loaded.find((l) => l.run.kind === 'job')!.run;
    assert.equal(diffStep(job, 'job')!.columns.length, job.job!.attempts.length);
    assert.equal(diffStep(get('ml-file-system', 'prod-failure-001'), 'nope'), undefined);
  });
});
