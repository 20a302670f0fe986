// The runnable YAML language server in a real VS Code: a broken pipeline shows its problems, go to definition
// from `command:` opens the Python function, "Restart Language Server" brings the diagnostics back, and a killed
// server is restarted on its own with the open document re-synced.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import { getApi, log, waitFor, waitUntil, workspaceRoot } from './helpers';

const BROKEN = `dag:
  start_at: extract
  steps:
    extract:
      type: task
      command: etl.extract
      next: trasform
    transform:
      type: taks
      next: success
`;

/** Points the last step's `next:` at `target` (whatever an earlier test left there). */
async function setLastNext(editor: vscode.TextEditor, target: string): Promise<void> {
  const doc = editor.document;
  const line = doc.getText().split('\n').map((l) => /^\s+next: /.test(l)).lastIndexOf(true);
  assert.ok(line >= 0, 'the pipeline has a `next:` line');
  assert.ok(await editor.edit((e) => e.replace(doc.lineAt(line).range, `      next: ${target}`)), 'the edit applied');
}

/** Puts the broken pipeline back as written in before() and saves it (it is this suite's own file). */
async function restoreBroken(editor: vscode.TextEditor): Promise<void> {
  const doc = editor.document;
  await editor.edit((e) => e.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), BROKEN));
  await doc.save();
}

function runnableDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'runnable');
}

describe('language server', () => {
  let brokenFile: string;

  before(async () => {
    await getApi();
    brokenFile = path.join(workspaceRoot(), `lsp-broken-${process.pid}.yaml`);
    fs.writeFileSync(brokenFile, BROKEN);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(brokenFile, { force: true });
  });

  it('opening a broken pipeline shows its diagnostics (Problems view)', async () => {
    const uri = vscode.Uri.file(brokenFile);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitUntil(() => { const d = runnableDiagnostics(uri); return d.length >= 2 ? d : undefined; }, {
      events: [vscode.languages.onDidChangeDiagnostics], ms: 90_000, what: 'runnable diagnostics for the broken pipeline',
    });
    const byText = ds.map((d) => `${doc.getText(d.range)}: ${d.message}`).sort();
    log(`    diagnostics: ${byText.join(' | ')}`);
    const missing = ds.find((d) => doc.getText(d.range) === 'trasform');
    assert.ok(missing, 'the missing step is underlined');
    assert.match(missing.message, /not a step of this dag\. Did you mean `transform`\?/);
    assert.strictEqual(missing.severity, vscode.DiagnosticSeverity.Error);
    assert.strictEqual(missing.range.start.line, 6);
    const type = ds.find((d) => doc.getText(d.range) === 'taks');
    assert.ok(type, 'the unknown node type is underlined');
    assert.match(type.message, /Unknown node type `taks`\. Did you mean `task`\?/);
  });

  it('go to definition from `command: etl.extract` opens etl.py at the def', async () => {
    const yamlUri = vscode.Uri.file(path.join(workspaceRoot(), 'pipeline.yaml'));
    const doc = await vscode.workspace.openTextDocument(yamlUri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('command: etl.extract'));
    const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('etl.extract') + 5);
    const pyLines = fs.readFileSync(path.join(workspaceRoot(), 'etl.py'), 'utf8').split('\n');
    const defLine = pyLines.findIndex((l) => /^def extract\(/.test(l));
    assert.ok(defLine >= 0);

    const locations = await waitUntil(async () => {
      const r = await vscode.commands.executeCommand<Array<vscode.Location | vscode.LocationLink>>('vscode.executeDefinitionProvider', yamlUri, pos);
      return r && r.length ? r : undefined;
    }, { ms: 60_000, what: 'a definition for etl.extract' });
    const first = locations[0];
    const targetUri = 'targetUri' in first ? first.targetUri : first.uri;
    const targetRange = 'targetRange' in first ? first.targetRange : first.range;
    assert.strictEqual(path.basename(targetUri.fsPath), 'etl.py');
    assert.strictEqual(targetRange.start.line, defLine);

    // And the editor command a user runs (F12) opens the file there.
    editor.selection = new vscode.Selection(pos, pos);
    const opened = waitFor(vscode.window.onDidChangeActiveTextEditor, (e) => !!e && path.basename(e.document.uri.fsPath) === 'etl.py', 30_000, 'etl.py to open');
    await vscode.commands.executeCommand('editor.action.revealDefinition');
    const py = await opened;
    assert.strictEqual(py!.selection.active.line, defLine);
  });

  it('"Restart Language Server" restarts it and diagnostics come back after an edit', async () => {
    const uri = vscode.Uri.file(brokenFile);
    await vscode.commands.executeCommand(Commands.restartLanguageServer);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('next: success'));
    await editor.edit((e) => e.replace(doc.lineAt(line).range, '      next: publish'));
    const d = await waitUntil(() => runnableDiagnostics(uri).find((x) => doc.getText(x.range) === 'publish'), {
      events: [vscode.languages.onDidChangeDiagnostics], ms: 60_000, what: 'a diagnostic on the new `next: publish`',
    });
    assert.match(d.message, /`next` names `publish`, which is not a step of this dag/);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('a killed server is restarted automatically and diagnostics come back for the open document', async () => {
    const api = await getApi();
    const language = api.language;
    assert.ok(language, 'activate() returns the language client');
    const uri = vscode.Uri.file(brokenFile);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await waitUntil(() => runnableDiagnostics(uri).length >= 2, {
      events: [vscode.languages.onDidChangeDiagnostics], ms: 60_000, what: 'diagnostics before the crash',
    });
    const before = await language.serverInfo();
    assert.ok(before, 'the server is running');
    const restartsBefore = language.automaticRestarts;

    const stopped = waitFor(language.onDidChangeServerState, (s) => s === 'stopped', 30_000, 'the client to notice the dead server');
    process.kill(before.pid, 'SIGKILL');
    await stopped;
    // Edited while no server runs: only the restarted server, re-synced with the open document, can report it.
    await setLastNext(editor, 'after_crash');
    const d = await waitUntil(() => runnableDiagnostics(uri).find((x) => doc.getText(x.range) === 'after_crash'), {
      events: [vscode.languages.onDidChangeDiagnostics], ms: 60_000, what: 'a diagnostic on `next: after_crash` from the restarted server',
    });
    assert.match(d.message, /`next` names `after_crash`, which is not a step of this dag/);
    assert.ok(runnableDiagnostics(uri).some((x) => doc.getText(x.range) === 'taks'), 'the diagnostics from before the crash are back too');

    const after = await language.serverInfo();
    assert.ok(after);
    assert.notStrictEqual(after.pid, before.pid, 'a new server process serves the document');
    assert.strictEqual(language.automaticRestarts, restartsBefore + 1, 'the crash handler restarted it (not a manual restart)');
    assert.throws(() => process.kill(before.pid, 0), /ESRCH/, 'the killed process is gone');
    log(`    server pid ${before.pid} killed; restarted as ${after.pid}`);
    await restoreBroken(editor);
  });

  it('a fifth crash within 3 minutes leaves the server down until "Restart Language Server"', async () => {
    const language = (await getApi()).language!;
    const uri = vscode.Uri.file(brokenFile);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    // A manual restart forgets earlier crashes (the previous test's among them).
    await vscode.commands.executeCommand(Commands.restartLanguageServer);
    const restartsBefore = language.automaticRestarts;
    for (let crash = 1; crash <= 5; crash++) {
      const info = await language.serverInfo();
      assert.ok(info);
      const next = waitFor(language.onDidChangeServerState, (st) => st === (crash <= 4 ? 'running' : 'stopped'), 60_000, `the server after crash ${crash}`);
      process.kill(info.pid, 'SIGKILL');
      await next;
    }
    // The close handler decides before the client changes state: on the fifth crash it did not restart.
    assert.strictEqual(language.automaticRestarts, restartsBefore + 4, 'four crashes were restarted, the fifth was not');
    await assert.rejects(language.serverInfo(), /not running/i, 'no server answers after the fifth crash');

    await vscode.commands.executeCommand(Commands.restartLanguageServer);
    await setLastNext(editor, 'after_giving_up');
    await waitUntil(() => runnableDiagnostics(uri).find((x) => doc.getText(x.range) === 'after_giving_up'), {
      events: [vscode.languages.onDidChangeDiagnostics], ms: 60_000, what: 'a diagnostic on `next: after_giving_up` after the manual restart',
    });
    await restoreBroken(editor);
  });
});
