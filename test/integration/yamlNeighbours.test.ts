// YAML that is not runnable's costs nothing, and Red Hat YAML gets no duplicates from us. Two workspaces:
// - examples/ (the main run, no Red Hat YAML): the server reports YAML syntax errors and offers outline and folding;
// - test/fixtures/plain-yaml-workspace (second run, scripts/test-vscode.sh, with a stand-in carrying Red Hat YAML's id
//   and activation event, since the real one is on neither npm nor Debian): a Kubernetes YAML activates Red Hat YAML
//   but not this extension; once activated, the server keeps runnable's diagnostics and leaves the rest to it.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { getApi, getExtension, log, waitUntil, workspaceRoot } from './helpers';

const RED_HAT_YAML = 'redhat.vscode-yaml';
const PLAIN = 'plain-yaml-workspace';

// A syntax error (unclosed flow mapping) and a runnable mistake (`next` naming no step).
const BROKEN = `dag:
  start_at: extract
  steps:
    extract:
      type: task
      command: etl.extract
      next: trasform
    transform:
      type: stub
      labels: {a: 1
      next: success
`;

const isPlain = (): boolean => path.basename(workspaceRoot()) === PLAIN;

/** Closes every editor, reverting the untitled pipelines first (closing a dirty editor would ask to save it). */
async function closeAll(): Promise<void> {
  for (const doc of vscode.workspace.textDocuments.filter((d) => d.isUntitled && d.isDirty)) {
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

async function brokenPipeline(): Promise<{ doc: vscode.TextDocument; diagnostics: vscode.Diagnostic[] }> {
  const doc = await vscode.workspace.openTextDocument({ language: 'yaml', content: BROKEN });
  await vscode.window.showTextDocument(doc);
  const diagnostics = await waitUntil(() => {
    const ds = vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'runnable');
    return ds.some((d) => doc.getText(d.range) === 'trasform') ? ds : undefined;
  }, { events: [vscode.languages.onDidChangeDiagnostics], ms: 90_000, what: 'runnable diagnostics for the broken pipeline' });
  log(`    diagnostics: ${diagnostics.map((d) => `${String(d.code)}@${doc.getText(d.range)}`).join(', ')}`);
  return { doc, diagnostics };
}

describe('YAML neighbours: without Red Hat YAML (examples/)', function () {
  before(function () { if (isPlain()) this.skip(); });
  after(closeAll);

  it('the server reports YAML syntax errors and offers outline and folding', async () => {
    assert.strictEqual(vscode.extensions.getExtension(RED_HAT_YAML), undefined, 'no Red Hat YAML in this run');
    const api = await getApi();
    const { diagnostics } = await brokenPipeline();
    assert.ok(diagnostics.some((d) => d.code === 'yaml-syntax'), 'the syntax error is ours to report');
    assert.strictEqual(api.language?.besideYamlExtension, false);
    assert.strictEqual(api.language?.serverCapabilities?.documentSymbolProvider, true);
    assert.strictEqual(api.language?.serverCapabilities?.foldingRangeProvider, true);
    const pipeline = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'pipeline.yaml'));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', pipeline.uri);
    assert.ok(symbols?.length, 'the outline shows the dag');
  });
});

describe('YAML neighbours: a plain YAML workspace beside Red Hat YAML', function () {
  before(function () { if (!isPlain()) this.skip(); });
  after(closeAll);

  it('a Kubernetes YAML activates Red Hat YAML (onLanguage:yaml) and not this extension', async () => {
    const ours = getExtension();
    const redHat = vscode.extensions.getExtension(RED_HAT_YAML);
    assert.ok(redHat, `${RED_HAT_YAML} (stand-in) is installed`);
    assert.strictEqual(ours.isActive, false, 'nothing activated us on startup (no runnable config, store or catalog here)');
    const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'k8s', 'deployment.yaml'));
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'yaml');
    // The same activation event (onLanguage:yaml) activates every extension that declares it: once Red Hat YAML is
    // active, we would be too if we still declared it.
    await waitUntil(() => redHat.isActive, { ms: 60_000, what: `${RED_HAT_YAML} to activate on the YAML file` });
    const workflow = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), '.github', 'workflows', 'ci.yml'));
    await vscode.window.showTextDocument(workflow);
    assert.strictEqual(ours.isActive, false, 'a Kubernetes or GitHub Actions YAML does not activate the runnable extension');
    const registered = await vscode.commands.getCommands(true);
    assert.ok(!registered.includes('runnable.refresh'), 'no runnable command was registered');
  });

  it('activated (a runnable command), the server keeps runnable diagnostics and leaves syntax errors, outline and folding to Red Hat YAML', async () => {
    const api = await getApi();
    const { doc, diagnostics } = await brokenPipeline();
    assert.ok(!diagnostics.some((d) => d.code === 'yaml-syntax'), 'no syntax error from us');
    assert.strictEqual(api.language?.besideYamlExtension, true);
    assert.strictEqual(api.language?.serverCapabilities?.documentSymbolProvider, false);
    assert.strictEqual(api.language?.serverCapabilities?.foldingRangeProvider, false);
    // The stand-in provides nothing, so anything here would be ours.
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[] | undefined>('vscode.executeDocumentSymbolProvider', doc.uri);
    assert.deepStrictEqual(symbols ?? [], []);
  });

  it('Red Hat YAML gets runnable\'s JSON schema for pipelines and configs by content (registerContributor), none for other YAML', async () => {
    interface Contributor { schema: string; requestSchema(resource: string): string | undefined; requestSchemaContent(uri: string): string }
    const api = vscode.extensions.getExtension<{ contributors: Contributor[] }>(RED_HAT_YAML)!.exports;
    const runnable = await waitUntil(() => api.contributors.find((c) => c.schema === 'runnable'), { ms: 30_000, what: 'our schema contributor' });
    const pipeline = await vscode.workspace.openTextDocument({ language: 'yaml', content: BROKEN });
    const config = await vscode.workspace.openTextDocument({ language: 'yaml', content: 'run-log-store:\n  type: chunked-fs\n' });
    const k8s = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'k8s', 'deployment.yaml'));
    const pipelineSchema = runnable.requestSchema(pipeline.uri.toString());
    const configSchema = runnable.requestSchema(config.uri.toString());
    assert.strictEqual(runnable.requestSchema(k8s.uri.toString()), undefined, 'a Kubernetes YAML is not ours');
    assert.ok(pipelineSchema && configSchema && pipelineSchema !== configSchema);
    assert.strictEqual(vscode.Uri.parse(pipelineSchema).scheme, 'runnable', 'Red Hat YAML asks us for the content of runnable: URIs');
    const p = JSON.parse(runnable.requestSchemaContent(pipelineSchema)) as { title: string; required: string[] };
    const c = JSON.parse(runnable.requestSchemaContent(configSchema)) as { title: string; properties: Record<string, unknown> };
    assert.deepStrictEqual([p.title, p.required], ['runnable pipeline', ['dag']]);
    assert.strictEqual(c.title, 'runnable configuration');
    assert.ok(c.properties['run-log-store']);
  });
});
