// Edit Inputs on a sandbox copy: the json inputs a retry reads (the run's or the branch's `parameters`, as runnable's
// execution_context reads them), a schema from their types, the write into the sandbox's run log only (numbers keep
// their literals, the attempts stay as recorded), and the copy of a local run into a sandbox (the source only read).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkAgainst, inputsSchema, readEditableInputs, readEditRecords, writeEditedInputs } from '../../src/core/sandbox/editInputs';
import { copyRunToSandbox, sandboxOf } from '../../src/core/sandbox/sandboxCopy';
import { parsePyJson, PyNumber } from '../../src/core/retry/pyJson';
import type { StoreDescriptor } from '../../src/core/stores/runLogStore';
import { treeSnapshot } from '../helpers/treeSnapshot';
import { tempFolders } from '../helpers/tempFolders';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const { copy, temp } = tempFolders();

const local = (dir: string): StoreDescriptor => ({
  id: `file-system:${dir}/.run_log_store`, type: 'file-system', location: path.join(dir, '.run_log_store'), configFiles: [path.join(dir, 'local.yaml')],
  label: 'local.yaml · file-system', settings: {}, catalog: { type: 'file-system', location: path.join(dir, '.catalog') },
});

describe('Edit Inputs (sandbox copies)', () => {
  it('copies a local run into a sandbox (source untouched), reads deploy\'s json inputs, writes the edit into the sandbox run log only', async () => {
    const ws = copy(path.join(FIXTURES, 'ml-file-system'), 'edit-ws-');
    const before = { ...treeSnapshot(path.join(ws, '.run_log_store')), ...treeSnapshot(path.join(ws, '.catalog')) };
    const to = path.join(temp('edit-sb-'), 'sandbox');
    const c = await copyRunToSandbox(local(ws), 'prod-failure-001', 'file-system', to);
    assert.equal(c.copied, true);
    assert.ok(c.files >= 2, 'the run log and the catalog files');
    assert.ok(fs.existsSync(path.join(to, '.catalog', 'prod-failure-001')));
    const sb: StoreDescriptor = { ...local(to), configFiles: [c.configFile], catalog: { type: 'file-system', location: path.join(to, '.catalog') } };
    assert.equal(sandboxOf(sb), to);
    assert.equal(sandboxOf(local(ws)), undefined, 'the workspace store is not a sandbox');
    assert.equal((await copyRunToSandbox(local(ws), 'prod-failure-001', 'file-system', to)).copied, false, 'a second copy keeps the sandbox\'s');

    const file = path.join(to, '.run_log_store', 'prod-failure-001.json');
    const inputs = await readEditableInputs([file], 'prod-failure-001', 'deploy');
    assert.ok(!('error' in inputs), JSON.stringify(inputs));
    assert.equal(inputs.scope, '');
    assert.equal(inputs.attempt, 1);
    assert.deepEqual(Object.keys(inputs.values).sort(), ['data', 'endpoint', 'learning_rate', 'rows']);
    assert.equal(inputs.values.endpoint, 'churn-model');
    const schema = inputsSchema(inputs.values, 't');
    const props = schema.properties as Record<string, { type: string; items?: { type: string } }>;
    assert.equal(props.endpoint.type, 'string');
    assert.equal(props.rows.type, 'integer');
    assert.equal(props.learning_rate.type, 'number');
    assert.deepEqual(props.data, { type: 'array', items: { type: 'number' } });
    assert.equal(checkAgainst(schema, parsePyJson('{"rows": 6, "learning_rate": 0.5, "endpoint": "x", "data": [1, 2.5]}')), undefined);
    assert.match(checkAgainst(schema, parsePyJson('{"rows": 6, "learning_rate": 0.5, "endpoint": 3, "data": []}'))!, /endpoint is a number, the recorded value is a string/);
    assert.match(checkAgainst(schema, parsePyJson('{"rows": 6.5, "learning_rate": 0.5, "endpoint": "x", "data": []}'))!, /rows is a number, the recorded value is an integer/);
    assert.match(checkAgainst(schema, parsePyJson('{"rows": 6, "learning_rate": 0.5, "endpoint": "x", "data": [], "extra": 1}'))!, /has extra, which the attempt did not receive/);
    assert.match(checkAgainst(schema, parsePyJson('{"rows": 6, "learning_rate": 0.5, "data": []}'))!, /lacks endpoint/);

    const attemptsBefore = JSON.stringify(JSON.parse(fs.readFileSync(file, 'utf8')).steps);
    const record = await writeEditedInputs(to, inputs, { ...inputs.values, endpoint: 'edited-endpoint' });
    assert.deepEqual(record.changed, [{ name: 'endpoint', recorded: '"churn-model"', now: '"edited-endpoint"' }]);
    const text = fs.readFileSync(file, 'utf8');
    const after = parsePyJson(text) as { parameters: Record<string, { value: unknown; kind: string }> };
    assert.equal(after.parameters.endpoint.value, 'edited-endpoint', 'the run\'s parameters: what the retry reads');
    assert.equal(after.parameters.model.kind, 'object', 'other parameters kept');
    assert.ok((after.parameters.data.value as PyNumber[])[0] instanceof PyNumber && (after.parameters.data.value as PyNumber[])[0].literal === '0.0', '0.0 stays a float');
    assert.equal(JSON.stringify(JSON.parse(text).steps), attemptsBefore, 'the attempts are left as recorded');
    assert.deepEqual((await readEditRecords(to))['prod-failure-001'].map((r) => [r.step, r.attempt]), [['deploy', 1]]);
    assert.deepEqual({ ...treeSnapshot(path.join(ws, '.run_log_store')), ...treeSnapshot(path.join(ws, '.catalog')) }, before, 'the source store is only read');

    // Never outside the sandbox: the workspace's own run log is refused with a sentence, unchanged.
    const original = path.join(ws, '.run_log_store', 'prod-failure-001.json');
    const outside = await readEditableInputs([original], 'prod-failure-001', 'deploy');
    assert.ok(!('error' in outside));
    await assert.rejects(writeEditedInputs(to, outside, { endpoint: 'x' }), /writes only into a sandbox copy of a run; .* is not in the sandbox/);
    assert.deepEqual({ ...treeSnapshot(path.join(ws, '.run_log_store')) }, Object.fromEntries(Object.entries(before).filter(([k]) => k.includes('.run_log_store'))));
  });

  it('a map iteration\'s value is not a parameter the retry reads: said, not offered', async () => {
    const file = path.join(FIXTURES, 'docs-09-retry', '.run_log_store', 'docs-map-0001.json');
    const r = await readEditableInputs([file], 'docs-map-0001', 'per chunk.2.handle');
    assert.ok('error' in r);
    assert.match(r.error, /chunk: a map iteration's value/);
  });

  it('a step inside a parallel branch of a chunked-fs run: its branch log\'s parameters are the ones written, RunLog.json is not', async () => {
    const dir = copy(path.join(FIXTURES, 'composite-chunked-fs', '.run_log_store', 'parallel-fail-0001'), 'edit-chunked-');
    const branchFile = path.join(dir, 'BranchLog-prepare.schema.json');
    // As runnable records a branch task that received a json parameter: in the attempt and in the branch's parameters.
    const branch = JSON.parse(fs.readFileSync(branchFile, 'utf8'));
    branch.parameters = { threshold: { kind: 'json', value: 0.5, description: 0.5 } };
    branch.steps['prepare.schema.validate'].attempts[0].input_parameters = { threshold: { kind: 'json', value: 0.5, description: 0.5 } };
    fs.writeFileSync(branchFile, JSON.stringify(branch, null, 4));
    const runLogBefore = fs.readFileSync(path.join(dir, 'RunLog.json'), 'utf8');
    const files = [path.join(dir, 'RunLog.json'), path.join(dir, 'BranchLog-prepare.features.json'), branchFile];
    const inputs = await readEditableInputs(files, 'parallel-fail-0001', 'prepare.schema.validate');
    assert.ok(!('error' in inputs), JSON.stringify(inputs));
    assert.equal(inputs.file, branchFile);
    assert.equal(inputs.scope, 'prepare.schema');
    await writeEditedInputs(path.dirname(dir), inputs, { threshold: new PyNumber('0.75') });
    assert.equal(JSON.parse(fs.readFileSync(branchFile, 'utf8')).parameters.threshold.value, 0.75);
    assert.equal(fs.readFileSync(path.join(dir, 'RunLog.json'), 'utf8'), runLogBefore, 'the run\'s own parameters are not the branch\'s');
  });
});
