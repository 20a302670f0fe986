// Edit Inputs, Then Retry in the Sandbox, in a real VS Code: prod-failure-001 of examples/ is copied into a sandbox in
// a temp folder (the answer a user gives to "Copy to Sandbox and Edit"), deploy's json inputs open as a document, an
// edited endpoint is saved (a wrong type first, refused), Run Details marks the attempt, and the sandbox retry pauses
// in deploy_model with the edited value. examples/' store and catalog stay byte-for-byte as they were.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { EditInputsResult } from '../../src/vscode/commands/editInputsCommands';
import type { RetryCommandResult } from '../../src/vscode/commands/retryCommands';
import type { DetailsHandle } from '../../src/vscode/details/detailsPanel';
import type { Services } from '../../src/vscode/services';
import { treeSnapshot } from '../helpers/treeSnapshot';
import { copyExamples, getApi, log, refOf, useTestPython, waitUntil, withTimeout, workspaceRoot, watchRunnableSessions } from './helpers';

const stores = (root: string) => ({ ...treeSnapshot(path.join(root, '.run_log_store')), ...treeSnapshot(path.join(root, '.catalog')) });

describe('Edit Inputs, Then Retry in the Sandbox', function () {
  this.timeout(180_000);
  let api: Services;
  const temps: string[] = [];

  before(async () => { api = await getApi(); });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The sandbox goes first: the settings change rediscovers the stores, and a missing sandbox is dropped.
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
    api.runs.refresh();
    const left = (await api.runs.descriptors()).filter((d) => d.configFiles.some((f) => temps.some((t) => f.startsWith(t))));
    assert.deepStrictEqual(left.map((d) => d.label), [], 'no sandbox root of this suite is left for the next suites');
  });
  // Registered after the suite's own `after`: the sandbox is removed before the interpreter setting is reset.
  const py = useTestPython();

  /** Replaces the document's text and saves it, as a user typing then pressing Ctrl+S. */
  async function saveAs(doc: vscode.TextDocument, text: string): Promise<void> {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await doc.save(), 'the document saved');
  }

  it('the edited endpoint reaches deploy_model in the sandbox retry; the original store is untouched', async () => {
    const root = workspaceRoot();
    const before = stores(root);
    const ref = await refOf('prod-failure-001');
    const code = copyExamples('runnable-edit-code-', temps);
    const sandbox = path.join(code, 'sandbox-edit');

    const opened = await vscode.commands.executeCommand<EditInputsResult>('runnable.editInputs', { ...ref, stepInternalName: 'deploy' }, { sandbox, copy: true });
    assert.ok(opened?.file, opened?.refused);
    assert.ok(opened.sandboxRef && opened.sandboxRef.storeId !== ref.storeId, 'the sandbox copy, listed as its own store');
    assert.ok(opened.file.startsWith(sandbox + path.sep), 'the document lives in the sandbox');
    const doc = vscode.window.activeTextEditor?.document;
    assert.strictEqual(doc?.uri.fsPath, opened.file, 'the document is open in the editor');
    const shown = JSON.parse(doc.getText());
    log(`    document: ${doc.getText().replace(/\s+/g, ' ')}`);
    assert.strictEqual(shown.endpoint, 'churn-model');
    assert.deepStrictEqual(Object.keys(shown).sort(), ['$schema', 'data', 'endpoint', 'learning_rate', 'rows']);
    const schema = JSON.parse(fs.readFileSync(path.join(path.dirname(opened.file), shown.$schema), 'utf8'));
    assert.strictEqual(schema.properties.endpoint.type, 'string');

    // A wrong type is refused with a sentence; nothing is written.
    const sandboxLog = path.join(sandbox, '.run_log_store', 'prod-failure-001.json');
    const untouched = fs.readFileSync(sandboxLog, 'utf8');
    let saved = opened.nextSave!();
    // VS Code's JSON support validates the document against the schema beside it ($schema) as the user types.
    const typed = new vscode.WorkspaceEdit();
    typed.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), doc.getText().replace('"churn-model"', '42'));
    assert.ok(await vscode.workspace.applyEdit(typed));
    const diagnostics = await waitUntil(() => {
      const d = vscode.languages.getDiagnostics(doc.uri);
      return d.length ? d : undefined;
    }, { events: [vscode.languages.onDidChangeDiagnostics as vscode.Event<unknown>], what: 'the schema\'s diagnostic on endpoint', ms: 60_000 });
    log(`    diagnostics: ${diagnostics.map((d) => `${d.range.start.line + 1}: ${d.message}`).join(' | ')}`);
    assert.ok(diagnostics.some((d) => /string/i.test(d.message) && doc.lineAt(d.range.start.line).text.includes('endpoint')), 'an error on endpoint: a string was recorded');
    await saveAs(doc, doc.getText());
    const refused = await withTimeout(saved, 30_000, 'the refusal of a wrong type');
    assert.strictEqual(refused.ok, false);
    assert.match(refused.problem ?? '', /endpoint is a number, the recorded value is a string/);
    assert.strictEqual(fs.readFileSync(sandboxLog, 'utf8'), untouched);

    saved = opened.nextSave!();
    await saveAs(doc, doc.getText().replace('42', '"edited-endpoint"'));
    const ok = await withTimeout(saved, 30_000, 'the save to be written');
    assert.strictEqual(ok.ok, true, ok.problem);
    assert.deepStrictEqual(ok.record?.changed, [{ name: 'endpoint', recorded: '"churn-model"', now: '"edited-endpoint"' }]);
    assert.strictEqual(JSON.parse(fs.readFileSync(sandboxLog, 'utf8')).parameters.endpoint.value, 'edited-endpoint');

    // Run Details of the sandbox copy mark deploy's attempt as edited.
    const h = await vscode.commands.executeCommand<DetailsHandle>('runnable.openRunDetails', opened.sandboxRef);
    const state = await withTimeout(h.whenRendered((s) => !!s.editedShown), 45_000, 'Run Details to mark the edit');
    log(`    details: ${state.editedShown} | columns ${JSON.stringify(state.editedColumns)}`);
    assert.match(state.editedShown ?? '', /Inputs of attempt #1 edited in this sandbox: endpoint = "edited-endpoint" \(recorded "churn-model"\)/);
    assert.ok(state.editedColumns?.some((c) => /#1 .*inputs edited/.test(c)), 'the attempt column says so');
    h.panel.dispose();

    const sessions = watchRunnableSessions();
    try {
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', opened.sandboxRef, { cwd: code, env: py.env() });
      assert.strictEqual(result?.started, true, result?.blocked);
      const stop = await sessions.firstStop('the debugger to stop in deploy_model');
      const env = stop.session.configuration.env as Record<string, string>;
      assert.strictEqual(path.resolve(code, env.RUNNABLE_CONFIGURATION_FILE), path.join(sandbox, 'sandbox.yaml'), 'the retry runs with the sandbox config');
      const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 5 });
      const frame = st.stackFrames[0] as { id: number; name: string; line: number };
      assert.strictEqual(frame.name, 'deploy_model');
      const { scopes } = await stop.session.customRequest('scopes', { frameId: frame.id });
      const scope = scopes.find((s: { name: string }) => /^locals$/i.test(s.name));
      const { variables } = await stop.session.customRequest('variables', { variablesReference: scope.variablesReference });
      const vars = Object.fromEntries(variables.map((v: { name: string; value: string }) => [v.name, v.value]));
      log(`    locals ${JSON.stringify(vars)}`);
      assert.strictEqual(vars.endpoint, "'edited-endpoint'", 'the function receives the edited value');
      assert.strictEqual(vars.score, '0.91', 'the other inputs as recorded');

      await sessions.continueToEnd(stop);
      const attempts = JSON.parse(fs.readFileSync(sandboxLog, 'utf8')).steps.deploy.attempts as { input_parameters: Record<string, { value: unknown }> }[];
      assert.strictEqual(attempts.length, 2, 'the retry appended its attempt to the sandbox copy');
      assert.strictEqual(attempts[0].input_parameters.endpoint.value, 'churn-model', 'the original attempt keeps what it received');
      assert.strictEqual(attempts[1].input_parameters.endpoint.value, 'edited-endpoint', 'the retry\'s attempt records the edited value');
    } finally {
      sessions.dispose();
    }
    assert.deepStrictEqual(stores(root), before, 'examples/ store and catalog unchanged (hashes)');
  });
});
