// Run details of a loop node. No fixture has one (runnable itself was not runnable here), so the run log below is
// SYNTHETIC: hand-built in the shape runnable writes, derived from its source (AstraZeneca/runnable at a5979276):
// - extensions/nodes/loop.py: LoopNode (node_type "loop") holds ONE `branch` graph plus max_iterations, break_on and
//   index_as; parse_from_config builds that branch with internal_branch_name `<loop>.loop_variable_placeholder`, and
//   each iteration i gets its own branch log `<loop>.<i>` (i = 0, 1, …; `_get_iteration_branch_name` resolves the
//   placeholder through nodes.py `_resolve_iter_placeholders`), so the steps inside are `<loop>.<i>.<step>`;
//   iteration i's parameters start as a copy of iteration i-1's (fan_out) and are copied back to the parent on exit.
// - fan_in: a failed iteration ends the loop and marks the loop's step log FAIL; otherwise it stops when the
//   `break_on` parameter is true or after max_iterations.
// - runnable/datastore.py add_branch_log: a branch log is stored in its parent step's `branches` under its internal
//   name (the parent is the name minus its last segment), as for map iterations; chunked stores write it to
//   `BranchLog-<loop>.<i>` instead. run_config.dag dumps nodes with `node_type` (see the map fixture's dag).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildGraph, NOT_RUN } from '../../src/core/details/graph';
import { shapeRunDetails } from '../../src/core/details/runDetails';
import { normaliseRun } from '../../src/core/runlog/normalise';
import { parseBranchLogValue, parseRunLogValue } from '../../src/core/runlog/parse';
import { firstFailedTask } from '../../src/core/runlog/rules';
import type { Run } from '../../src/core/runlog/model';

const LOOP = 'counter_loop';
const T0 = Date.UTC(2026, 10, 24, 22, 0, 0);
/** runnable's time format: `YYYY-MM-DD HH:MM:SS.ffffff` (local time; the test only compares times with each other). */
const at = (ms: number): string => new Date(T0 + ms).toISOString().replace('T', ' ').replace('Z', '000');
const json = (value: unknown) => ({ kind: 'json', value, description: value });

function attempt(startMs: number, endMs: number, status: string, inputs: Record<string, unknown> = {}, outputs: Record<string, unknown> = {}, message = '') {
  return {
    attempt_number: 1, start_time: at(startMs), end_time: at(endMs), status, message,
    input_parameters: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, json(v)])),
    output_parameters: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, json(v)])),
    user_defined_metrics: {}, retry_indicator: '', code_identities: [],
  };
}

function stepLog(internalName: string, type: string, status: string, attempts: unknown[], branches: Record<string, unknown> = {}) {
  return { name: internalName.split('.').pop(), internal_name: internalName, status, step_type: type, message: '', mock: false, attempts, branches, data_catalog: [] };
}

/** Iteration i: `count` (reads the index from $counter, returns should_stop), then the branch's success/fail node. */
function iteration(i: number, fails: boolean) {
  const name = `${LOOP}.${i}`;
  const t = 100 + i * 100;
  const count = fails
    ? stepLog(`${name}.count`, 'task', 'FAIL', [attempt(t, t + 40, 'FAIL', { limit: 3 }, {}, 'Call to the function steps.count did not succeed.\n')])
    : stepLog(`${name}.count`, 'task', 'SUCCESS', [attempt(t, t + 40, 'SUCCESS', { limit: 3 }, { should_stop: false })]);
  const end = fails ? stepLog(`${name}.fail`, 'fail', 'SUCCESS', [attempt(t + 50, t + 51, 'SUCCESS')]) : stepLog(`${name}.success`, 'success', 'SUCCESS', [attempt(t + 50, t + 51, 'SUCCESS')]);
  return {
    internal_name: name, status: fails ? 'FAIL' : 'SUCCESS',
    steps: { [count.internal_name]: count, [end.internal_name]: end },
    parameters: { limit: json(3), ...(fails ? {} : { should_stop: json(false) }) },
  };
}

const DAG = {
  start_at: 'prepare', name: '', description: '',
  nodes: {
    prepare: { node_type: 'task', name: 'prepare', next_node: LOOP, on_failure: '', command_type: 'python', command: 'steps.prepare' },
    [LOOP]: {
      node_type: 'loop', name: LOOP, is_composite: true, next_node: 'summarise', on_failure: '', overrides: {},
      branch: {
        start_at: 'count', name: '', description: '',
        nodes: {
          count: { node_type: 'task', name: 'count', next_node: 'success', on_failure: '', command_type: 'python', command: 'steps.count' },
          success: { node_type: 'success', name: 'success' },
          fail: { node_type: 'fail', name: 'fail' },
        },
      },
      max_iterations: 5, break_on: 'should_stop', index_as: 'counter',
    },
    summarise: { node_type: 'task', name: 'summarise', next_node: 'success', on_failure: '', command_type: 'python', command: 'steps.summarise' },
    success: { node_type: 'success', name: 'success' },
    fail: { node_type: 'fail', name: 'fail' },
  },
};

/** loop-fail-0001: iterations 0 and 1 succeed with should_stop false, iteration 2's `count` fails, so the loop and the run fail. */
function rawRun(): Record<string, unknown> {
  const branches = Object.fromEntries([0, 1, 2].map((i) => [`${LOOP}.${i}`, iteration(i, i === 2)]));
  return {
    run_id: 'loop-fail-0001', dag_hash: 'synthetic', tag: '', status: 'FAIL',
    steps: {
      prepare: stepLog('prepare', 'task', 'SUCCESS', [attempt(0, 50, 'SUCCESS', {}, { limit: 3 })]),
      [LOOP]: stepLog(LOOP, 'loop', 'FAIL', [], branches),
      fail: stepLog('fail', 'fail', 'SUCCESS', [attempt(500, 501, 'SUCCESS')]),
    },
    job: null,
    parameters: { limit: json(3) },
    run_config: { dag: DAG, pipeline_definition_file: 'loop_pipeline.py', execution_mode: 'python' },
  };
}

/** The file-system layout (branches nested in the loop's step log). */
function nestedRun(): Run {
  return normaliseRun(parseRunLogValue(rawRun(), 'loop-fail-0001.json'));
}

/** The chunked layout: the loop's step log without branches, each iteration in its own BranchLog-<loop>.<i>. */
function chunkedRun(): Run {
  const raw = rawRun() as { steps: Record<string, { branches: Record<string, unknown> }> };
  const branches = Object.values(raw.steps[LOOP].branches);
  raw.steps[LOOP].branches = {};
  return normaliseRun(parseRunLogValue(raw, 'RunLog.json'), branches.map((b, i) => parseBranchLogValue(b, `BranchLog-${LOOP}.${i}.json`)));
}

describe('run details: a loop node (synthetic run log in runnable\'s shape)', () => {
  for (const [layout, load] of [['file-system', nestedRun], ['chunked', chunkedRun]] as const) {
    it(`timeline (${layout}): one branch row per iteration, in order, nested under the loop; the failing iteration's task marked`, () => {
      const run = load();
      assert.deepEqual(run.warnings, []);
      const d = shapeRunDetails(run);
      const rows = d.timeline.rows;
      assert.deepEqual(rows.map((r) => [r.id, r.kind, r.depth, r.parentId]), [
        ['prepare', 'step', 0, ''],
        [LOOP, 'step', 0, ''],
        [`${LOOP}.0`, 'branch', 1, LOOP], [`${LOOP}.0.count`, 'step', 2, `${LOOP}.0`], [`${LOOP}.0.success`, 'step', 2, `${LOOP}.0`],
        [`${LOOP}.1`, 'branch', 1, LOOP], [`${LOOP}.1.count`, 'step', 2, `${LOOP}.1`], [`${LOOP}.1.success`, 'step', 2, `${LOOP}.1`],
        [`${LOOP}.2`, 'branch', 1, LOOP], [`${LOOP}.2.count`, 'step', 2, `${LOOP}.2`], [`${LOOP}.2.fail`, 'step', 2, `${LOOP}.2`],
        ['fail', 'step', 0, ''],
      ]);
      const byId = new Map(rows.map((r) => [r.id, r]));
      assert.deepEqual([0, 1, 2].map((i) => byId.get(`${LOOP}.${i}`)!.name), ['0', '1', '2'], 'iteration rows named by their index');
      const loop = byId.get(LOOP)!;
      assert.equal(loop.type, 'loop');
      assert.equal(loop.status, 'FAIL');
      assert.ok(loop.hasChildren);
      assert.equal(loop.failed, false, 'a composite is never the failed leaf');
      assert.deepEqual(loop.bars, [], 'runnable records no attempt on the loop itself');
      // The loop's span covers its first iteration's start to its last iteration's end.
      assert.equal(loop.startMs, byId.get(`${LOOP}.0.count`)!.startMs);
      assert.equal(loop.endMs, byId.get(`${LOOP}.2.fail`)!.endMs);
      assert.deepEqual(rows.filter((r) => r.failed).map((r) => r.id), [`${LOOP}.2.count`]);
      assert.equal(d.firstFailed, `${LOOP}.2.count`);
      assert.equal(firstFailedTask(run)?.internalName, `${LOOP}.2.count`);
      // The failed iteration's attempt is shaped for the step panel, with its message.
      const diff = d.steps[`${LOOP}.2.count`];
      assert.ok(diff, 'the failed iteration\'s step is shaped for the step panel');
      assert.match(diff.rows.find((r) => r.group === 'message')?.values[0] ?? '', /steps\.count did not succeed/);
      assert.deepEqual(diff.rows.filter((r) => r.group === 'inputs').map((r) => [r.key, r.values[0]]), [['limit', '3']]);
    });
  }

  it('graph: the loop drawn once as a box with its branch ("each loop", 3 iterations), statuses gathered over the iterations', () => {
    const run = nestedRun();
    const g = buildGraph(run);
    assert.equal(g.problem, undefined);
    const nodes = new Map(g.nodes.map((n) => [n.id, n]));
    const loop = nodes.get(LOOP)!;
    assert.ok(loop.composite);
    assert.equal(loop.type, 'loop');
    assert.equal(loop.status, 'FAIL');
    const cluster = g.clusters.find((c) => c.id === `${LOOP}.*`);
    assert.ok(cluster, 'the loop\'s branch is one box');
    assert.equal(cluster.name, 'each loop');
    assert.equal(cluster.iterations, 3);
    assert.equal(cluster.status, 'FAIL');
    const count = nodes.get(`${LOOP}.*.count`)!;
    assert.deepEqual(count.steps, [0, 1, 2].map((i) => `${LOOP}.${i}.count`));
    assert.deepEqual(count.counts, { SUCCESS: 2, FAIL: 1 });
    assert.equal(count.status, 'FAIL');
    assert.equal(count.parentId, `${LOOP}.*`);
    assert.ok(count.x >= cluster.x && count.x + count.w <= cluster.x + cluster.w && count.y >= cluster.y && count.y + count.h <= cluster.y + cluster.h, 'count sits in the loop\'s box');
    // The branch's success ran in iterations 0 and 1, its fail in 2.
    assert.deepEqual(nodes.get(`${LOOP}.*.success`)!.counts, { SUCCESS: 2 });
    assert.deepEqual(nodes.get(`${LOOP}.*.fail`)!.steps, [`${LOOP}.2.fail`]);
    // After the loop failed, summarise never ran; the failed path runs prepare -> loop -> the dag's fail node.
    assert.equal(nodes.get('summarise')!.status, NOT_RUN);
    const onPath = g.nodes.filter((n) => n.onFailedPath).map((n) => n.id);
    for (const id of ['prepare', LOOP, 'fail']) assert.ok(onPath.includes(id), `${id} on the failed path (${onPath.join(', ')})`);
    assert.ok(!onPath.includes('summarise') && !onPath.includes('success'));
    assert.ok(g.edges.some((e) => e.from === 'prepare' && e.to === LOOP && e.taken && e.onFailedPath));
  });
});
