// Values and branches nested far deeper than any real pipeline (a hostile or broken run log): the json parameter
// 10,000 levels deep lists, shows and plans with a truncated value; branches nested 10,000 deep are one error item
// naming the file, and the other runs still list.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { boundDepth, depthOf, MAX_VALUE_DEPTH } from '../../src/core/runlog/depth';
import { openStore } from '../../src/core/stores/openStore';
import { RunLogError } from '../../src/core/stores/runLogStore';
import { runsIn } from '../helpers/listing';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const ML = path.join(ROOT, 'test/fixtures/runnable/ml-file-system');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The JSON text of a list nested `levels` deep (as text: JSON.stringify itself overflows on such a value). */
const nestedText = (levels: number): string => `${'['.repeat(levels)}"core"${']'.repeat(levels)}`;

function nested(levels: number): unknown {
  let v: unknown = 'core';
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

/** A copy of the ml-file-system case whose deploy step received a json input nested `levels` deep. */
function deepWorkspace(levels: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-'));
  temps.push(dir);
  fs.cpSync(ML, dir, { recursive: true });
  const file = path.join(dir, '.run_log_store/prod-failure-001.json');
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  const attempt = log.steps.deploy.attempts[0];
  attempt.input_parameters.endpoint = { kind: 'json', value: 'DEEP', description: null };
  log.parameters.endpoint = { kind: 'json', value: 'DEEP', description: null };
  fs.writeFileSync(file, JSON.stringify(log).split('"DEEP"').join(nestedText(levels)));
  return dir;
}

describe('deeply nested values and branches', () => {
  it('boundDepth keeps ordinary values as they are and cuts deep ones with a count', () => {
    const ordinary = { a: [1, { b: [2, 3] }], c: 'x' };
    assert.equal(boundDepth(ordinary), ordinary);
    assert.equal(depthOf(nested(10_000)), 10_000);
    const cut = boundDepth(nested(10_000));
    assert.equal(depthOf(cut), MAX_VALUE_DEPTH);
    let inner: unknown = cut;
    for (let i = 0; i < MAX_VALUE_DEPTH; i++) inner = (inner as unknown[])[0];
    assert.equal(inner, `… nested ${(10_000 - MAX_VALUE_DEPTH).toLocaleString('en-US')} more levels`);
  });

  it('a json input 10,000 levels deep: list, show --json and plan-retry answer with the truncated value', () => {
    const dir = deepWorkspace(10_000);
    const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args, '--cwd', dir], { encoding: 'utf8' });
    const list = run(['list', '--json']);
    assert.equal(list.status, 0, list.stderr);
    assert.equal(JSON.parse(list.stdout)[0].status, 'FAIL');
    const show = run(['show', 'prod-failure-001', '--json']);
    assert.equal(show.status, 0, show.stderr);
    const shown = JSON.parse(show.stdout) as { steps: Array<{ internalName: string; attempts: Array<{ inputs: Record<string, { value: unknown }> }> }> };
    const endpoint = shown.steps.find((s) => s.internalName === 'deploy')!.attempts[0].inputs.endpoint.value;
    assert.equal(depthOf(endpoint), MAX_VALUE_DEPTH);
    assert.match(JSON.stringify(endpoint), /… nested 9,936 more levels/);
    const text = run(['show', 'prod-failure-001']);
    assert.equal(text.status, 0, text.stderr);
    const plan = run(['plan-retry', 'prod-failure-001', '--json']);
    assert.ok(plan.status === 0 || plan.status === 3, plan.stderr);
    assert.doesNotMatch(plan.stderr, /Maximum call stack|RangeError/);
    const p = JSON.parse(plan.stdout) as { firstFailed: { internalName: string; inputs: Record<string, { value: unknown }> } };
    assert.equal(p.firstFailed.internalName, 'deploy');
    assert.match(JSON.stringify(p.firstFailed.inputs.endpoint.value), /… nested 9,936 more levels/);
  });

  it('branches nested 10,000 deep: a RunLogError naming the file; the store still lists its other runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deep-branches-'));
    temps.push(dir);
    const store = path.join(dir, '.run_log_store');
    fs.mkdirSync(store);
    fs.copyFileSync(path.join(ML, '.run_log_store/prod-failure-001.json'), path.join(store, 'prod-failure-001.json'));
    const good = JSON.parse(fs.readFileSync(path.join(store, 'prod-failure-001.json'), 'utf8'));
    // Built as text: JSON.stringify itself would overflow on the object.
    const levels = 10_000;
    const open = '{"type":"parallel","status":"FAIL","attempts":[],"branches":{"b":{"internal_name":"b","status":"FAIL","steps":{"s":';
    const leaf = '{"type":"task","status":"FAIL","attempts":[]}';
    const text = JSON.stringify({ ...good, run_id: 'deep-branches', steps: {} }).replace('"steps":{}', `"steps":{"s":${open.repeat(levels)}${leaf}${'}}}}'.repeat(levels)}}`);
    const file = path.join(store, 'deep-branches.json');
    fs.writeFileSync(file, text);
    const s = openStore({ id: 'fs', type: 'file-system', location: store, configFiles: [], label: 'deep', catalog: undefined, settings: {} } as never);
    await assert.rejects(s.getRun('deep-branches'), (e: unknown) => e instanceof RunLogError && e.message.startsWith(`${file}: `) && /nests too deeply/.test(e.message));
    const runs = runsIn(await s.listRuns());
    assert.equal(runs.find((r) => r.runId === 'prod-failure-001')?.status, 'FAIL');
  });
});
