// The Runs view in a real VS Code on examples/: roots and runs from the recorded stores, a failed run down to its
// inputs, map iterations, the filter, Open Run Log, Show Step Output and Copy Run ID.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import type { ExplorerNode } from '../../src/vscode/explorer/nodes';
import type { RunsModel } from '../../src/vscode/explorer/runsModel';
import type { Services } from '../../src/vscode/services';
import { getApi, log, waitUntil, workspaceRoot } from './helpers';

type Provider = vscode.TreeDataProvider<ExplorerNode> & { onDidChangeTreeData: vscode.Event<unknown> };

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

/** Run ids as the stores hold them on disk: `<id>.json` (file-system) or `<id>/RunLog.json` (chunked-fs). */
function runIdsOnDisk(folder: string, layout: 'file-system' | 'chunked-fs'): string[] {
  const dir = path.join(workspaceRoot(), folder);
  return fs.readdirSync(dir).filter((f) => layout === 'file-system' ? f.endsWith('.json') : fs.existsSync(path.join(dir, f, 'RunLog.json')))
    .map((f) => f.replace(/\.json$/, '')).sort();
}

describe('Runs explorer', function () {
  this.timeout(60_000);
  let api: Services;
  let provider: Provider;
  let view: vscode.TreeView<ExplorerNode>;

  const children = async (node?: ExplorerNode) => (await provider.getChildren(node)) ?? [];
  const label = async (node: ExplorerNode) => labelOf(await provider.getTreeItem(node));
  const item = async (node: ExplorerNode) => provider.getTreeItem(node);
  /** The tooltip as VS Code gets it on hover: runs, steps and attempts build theirs in resolveTreeItem. */
  const tooltip = async (node: ExplorerNode) => {
    const i = await item(node);
    return ((await provider.resolveTreeItem?.(i, node, new vscode.CancellationTokenSource().token)) ?? i).tooltip;
  };
  async function child(parent: ExplorerNode | undefined, match: string | RegExp): Promise<ExplorerNode> {
    const kids = await children(parent);
    const labels: string[] = [];
    for (const k of kids) {
      const l = await label(k);
      labels.push(l);
      if (typeof match === 'string' ? l === match : match.test(l)) return k;
    }
    throw new Error(`no child ${String(match)} under ${parent ? await label(parent) : 'the root'}; children: ${labels.join(' | ')}`);
  }
  async function labels(parent?: ExplorerNode): Promise<string[]> {
    return Promise.all((await children(parent)).map(label));
  }
  /** treeView.reveal right after the view opens can fail until the workbench has the tree: retry on its events. */
  async function reveal(node: ExplorerNode): Promise<void> {
    await waitUntil(async () => {
      try { await view.reveal(node, { select: true, focus: true, expand: true }); return true; } catch { return false; }
    }, { events: [view.onDidChangeVisibility as vscode.Event<unknown>, provider.onDidChangeTreeData], what: 'reveal in the Runs view' });
  }

  before(async () => {
    api = await getApi();
    assert.ok(api.explorer, 'registerExplorer exposes the Runs view on Services');
    provider = api.explorer.provider as Provider;
    view = api.explorer.treeView as vscode.TreeView<ExplorerNode>;
    await vscode.commands.executeCommand(Commands.clearFilter);
    await vscode.commands.executeCommand('workbench.view.extension.runnable');
  });

  after(async () => {
    await vscode.commands.executeCommand(Commands.clearFilter);
  });

  it('shows one root per store with the runs of each, newest first', async () => {
    const roots = await labels();
    log(`    roots: ${roots.join(' | ')}`);
    assert.deepStrictEqual([...roots].sort(), ['composite.yaml · chunked-fs', 'prod-chunked.yaml · chunked-fs', 'runnable-config.yaml · file-system']);
    const expected: [string, string, 'file-system' | 'chunked-fs'][] = [
      ['runnable-config.yaml · file-system', '.run_log_store', 'file-system'],
      ['prod-chunked.yaml · chunked-fs', 'prod-run-logs', 'chunked-fs'],
      ['composite.yaml · chunked-fs', 'composite-run-logs', 'chunked-fs'],
    ];
    for (const [rootLabel, folder, layout] of expected) {
      const root = await child(undefined, rootLabel);
      const runs = await children(root);
      assert.deepStrictEqual((await Promise.all(runs.map(label))).sort(), runIdsOnDisk(folder, layout), `runs of ${rootLabel}`);
      const starts = runs.map((r) => (r.kind === 'run' ? r.summary.startMs : NaN));
      assert.deepStrictEqual(starts, [...starts].sort((a, b) => b - a), `${rootLabel} lists newest first`);
      const tip = (await item(root)).tooltip as vscode.MarkdownString;
      assert.ok(tip.value.includes(path.join(workspaceRoot(), folder)), `tooltip names the store location: ${tip.value}`);
    }
  });

  it('a failed run names its failed step, and expands to the step, its attempt and its inputs with values', async () => {
    const root = await child(undefined, 'runnable-config.yaml · file-system');
    const run = await child(root, 'prod-failure-001');
    const runItem = await waitUntil(async () => {
      const i = await item(run);
      return typeof i.description === 'string' && i.description.startsWith('✗ deploy') ? i : undefined;
    }, { events: [provider.onDidChangeTreeData], what: 'the failed step in the run description' });
    // The user's error from the step's captured log leads the description and sits in the tooltip.
    assert.ok(String(runItem.description).startsWith('✗ deploy: RuntimeError: no deployment url for churn-model'), String(runItem.description));
    assert.strictEqual(runItem.tooltip, undefined, 'the run\'s tooltip is built when hovered');
    const tipText = ((await tooltip(run)) as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1');
    assert.match(tipText, /\*\*Cause\*\* RuntimeError: no deployment url for churn-model/);
    assert.strictEqual(runItem.contextValue, 'run.failed');
    assert.strictEqual((runItem.iconPath as vscode.ThemeIcon).id, 'testing-failed-icon');

    assert.deepStrictEqual(await labels(run), ['load_data', 'train_model', 'deploy', 'fail']);
    const deploy = await child(run, 'deploy');
    assert.strictEqual((await item(deploy)).contextValue, 'step.task.failed');
    const attempt = await child(deploy, '#1 ✗ FAIL');
    // The attempt says what the function raised; runnable's wrapper stays in its tooltip.
    const attemptItem = await item(attempt);
    assert.match(String(attemptItem.description), /RuntimeError: no deployment url for churn-model/);
    assert.match(((await tooltip(attempt)) as vscode.MarkdownString).value, /did not succeed/);
    assert.match(String((await item(deploy)).description), /^✗ FAIL · .*RuntimeError: no deployment url for churn-model$/);
    assert.deepStrictEqual(await labels(attempt), ['Inputs']);
    const inputs = await child(attempt, 'Inputs');
    const values = await labels(inputs);
    log(`    inputs: ${values.join(' | ')}`);
    for (const v of ['endpoint = "churn-model"', 'model → model.dill (pickled in catalog)', 'score = 0.91']) {
      assert.ok(values.includes(v), `inputs show ${v}: ${values.join(' | ')}`);
    }
    const endpoint = await child(inputs, 'endpoint = "churn-model"');
    // Reveal the run first: a deep reveal straight after the view opens can land before the workbench has the roots.
    await reveal(run);
    await reveal(endpoint);
    assert.strictEqual(view.visible, true, 'the Runs view is visible');
    // The selection reaches the extension host after the reveal resolves: wait on its event.
    await waitUntil(() => view.selection.some((n) => n.id === endpoint.id), { events: [view.onDidChangeSelection as vscode.Event<unknown>], what: 'the revealed input to be selected' });
  });

  it('a map step expands into one branch per iteration, labelled with the iteration value', async () => {
    const root = await child(undefined, 'composite.yaml · chunked-fs');
    const run = await child(root, 'map-fail-0001');
    const map = await child(run, 'score_all');
    assert.deepStrictEqual(await labels(map), ['chunk = 1', 'chunk = 2', 'chunk = 3']);
    const failed = await child(map, 'chunk = 2');
    assert.strictEqual((await item(failed)).contextValue, 'branch.failed');
    const step = await child(failed, 'score chunk');
    assert.strictEqual((await item(step)).contextValue, 'step.task.failed');
    assert.deepStrictEqual(await labels(await child(await child(step, '#1 ✗ FAIL'), 'Inputs')), ['chunk = 2']);
  });

  it('the filter narrows the runs (text in step names, status) and clears', async () => {
    await vscode.commands.executeCommand(Commands.setFilter, { text: 'deploy' });
    assert.match(view.description ?? '', /deploy/);
    const local = await child(undefined, 'runnable-config.yaml · file-system');
    assert.deepStrictEqual(await labels(local), ['prod-failure-001'], 'only the run with a deploy step');
    assert.deepStrictEqual(await labels(await child(undefined, 'prod-chunked.yaml · chunked-fs')), ['nightly-train-0412']);
    assert.match((await labels(await child(undefined, 'composite.yaml · chunked-fs')))[0], /^No runs match the filter/);

    await vscode.commands.executeCommand(Commands.setFilter, { text: '', statuses: ['SUCCESS'] });
    assert.match((await labels(local))[0], /^No runs match the filter/);

    await vscode.commands.executeCommand(Commands.clearFilter);
    assert.strictEqual(view.description, undefined);
    assert.deepStrictEqual((await labels(local)).sort(), runIdsOnDisk('.run_log_store', 'file-system'));
  });

  it('Open Run Log shows the whole run as JSON, branch logs of the chunked store merged in', async () => {
    const run = await child(await child(undefined, 'composite.yaml · chunked-fs'), 'map-fail-0001');
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.openRunLog, run);
    assert.ok(uri, 'the command returns the document it opened');
    const doc = await vscode.workspace.openTextDocument(uri);
    assert.strictEqual(doc.languageId, 'json');
    assert.strictEqual(vscode.window.activeTextEditor?.document.uri.toString(), uri.toString());
    const json = JSON.parse(doc.getText()) as { run_id: string; steps: { score_all: { branches: Record<string, { steps: Record<string, unknown> }> } } };
    assert.strictEqual(json.run_id, 'map-fail-0001');
    assert.deepStrictEqual(Object.keys(json.steps.score_all.branches).sort(), ['score_all.1', 'score_all.2', 'score_all.3']);
    assert.ok(json.steps.score_all.branches['score_all.2'].steps['score_all.2.score chunk'], 'the branch log of iteration 2 is merged');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Show Step Output opens the captured output of the failed deploy attempt', async () => {
    const run = await child(await child(undefined, 'runnable-config.yaml · file-system'), 'prod-failure-001');
    const attempt = await child(await child(run, 'deploy'), '#1 ✗ FAIL');
    const uri = await vscode.commands.executeCommand<vscode.Uri>(Commands.showStepOutput, attempt);
    assert.ok(uri, 'the command returns the document it opened');
    assert.match(uri.path, /\/prod-failure-001\/deploy[A-Z0-9]{3}\.execution\.log$/);
    const doc = await vscode.workspace.openTextDocument(uri);
    const onDisk = fs.readFileSync(path.join(workspaceRoot(), '.catalog', 'prod-failure-001', path.posix.basename(uri.path)), 'utf8');
    assert.strictEqual(doc.getText(), onDisk);
    assert.match(doc.getText(), /RuntimeError: no deployment url for churn-model/);
    // The editor shows the traceback with the user's exception line selected, not line 1 of Rich's output.
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(editor.document.uri.toString(), uri.toString());
    assert.strictEqual(editor.document.getText(editor.selection), 'RuntimeError: no deployment url for churn-model');
    await waitUntil(() => editor.visibleRanges.some((r) => r.contains(editor.selection.active)), { events: [vscode.window.onDidChangeTextEditorVisibleRanges], what: 'the exception line to be scrolled into view' });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Copy Run ID puts the run id on the clipboard', async () => {
    const run = await child(await child(undefined, 'prod-chunked.yaml · chunked-fs'), 'nightly-train-0412');
    await vscode.env.clipboard.writeText('something else');
    const copied = await vscode.commands.executeCommand<string>(Commands.copyRunId, run);
    assert.strictEqual(copied, 'nightly-train-0412');
    assert.strictEqual(await vscode.env.clipboard.readText(), 'nightly-train-0412');
  });

  it('Copy Run ID from the palette asks for a run in a quick pick over every store, newest first', async () => {
    const picked = vscode.commands.executeCommand<string>(Commands.copyRunId);
    let result: string | undefined;
    void picked.then((r) => { result = r; });
    // The quick pick fills in once the stores are listed; accept its first (active) row as a user pressing Enter would.
    await waitUntil(async () => {
      if (result) return true;
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return false;
    }, { what: 'the run quick pick to accept a run' });
    const root = await child(undefined, 'runnable-config.yaml · file-system');
    const newest = (await children(root))[0];
    assert.strictEqual(result, await label(newest), 'the first row is the newest run of the first store');
    assert.strictEqual(await vscode.env.clipboard.readText(), result);
  });

  it('follows runnable.configFile and runnable.variables, lists unreadable runs as errors naming the file, and shows a new run when it lands', async () => {
    // A store outside the repo, named through a `${tmp_logs}` placeholder; user-level settings so examples/ is untouched.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-explorer-'));
    const logs = path.join(tmp, 'logs');
    fs.mkdirSync(logs);
    const configFile = path.join(tmp, 'landing.yaml');
    fs.writeFileSync(configFile, 'run-log-store:\n  type: file-system\n  config:\n    log_folder: ${tmp_logs}\n');
    const settings = vscode.workspace.getConfiguration('runnable');
    const findRoot = async () => {
      for (const n of await children()) if ((await label(n)) === 'landing.yaml · file-system') return n;
      return undefined;
    };
    /**
     * Writes run files into the store once, then waits until the view lists `runId`. Only the store watcher
     * invalidates the cached list, so the run appearing proves the view followed the disk; the watch is live as soon
     * as the root exists (core/stores/dirWatch.ts), so one write right after the root appeared is enough.
     */
    const landAndList = async (root: ExplorerNode, files: Record<string, string>, runId: string) => {
      for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(logs, name), text);
      return waitUntil(async () => {
        for (const n of await children(root)) if ((await label(n)) === runId) return n;
        return undefined;
      }, { events: [provider.onDidChangeTreeData], what: `${runId} to be listed` });
    };
    try {
      await settings.update('variables', { tmp_logs: logs }, vscode.ConfigurationTarget.Global);
      await settings.update('configFile', configFile, vscode.ConfigurationTarget.Global);
      const root = await waitUntil(findRoot, { events: [provider.onDidChangeTreeData], what: 'a root for the configured store' });
      assert.match((await labels(root))[0], /^No runs yet/);
      // Bad input: an unreadable run lists as one error item naming its file; a half-written one says so when expanded.
      const broken = await landAndList(root, {
        'broken-run.json': '{"run_id": "broken-run", "stat',
        'half-written.json': '{"run_id": "half-written", "dag_hash": "", "tag": "", "status": "PROCESSING", "steps": {"load_data": {',
      }, 'broken-run');
      const brokenItem = await item(broken);
      assert.strictEqual(brokenItem.contextValue, 'run.error');
      assert.ok(String(brokenItem.description).includes(path.join(logs, 'broken-run.json')), `names the file: ${String(brokenItem.description)}`);
      const half = await child(root, 'half-written');
      const halfChildren = await children(half);
      assert.strictEqual(halfChildren.length, 1);
      assert.strictEqual((await item(halfChildren[0])).contextValue, 'error');
      assert.ok((await label(halfChildren[0])).includes(path.join(logs, 'half-written.json')), await label(halfChildren[0]));
      const tip = (await item(root)).tooltip as vscode.MarkdownString;
      assert.ok(tip.value.includes(logs), `the placeholder is filled from runnable.variables: ${tip.value}`);

      const recorded = fs.readFileSync(path.join(workspaceRoot(), '.run_log_store', 'prod-failure-001.json'), 'utf8');
      const landed = recorded.replace(/prod-failure-001/g, 'landed-run-01');
      await landAndList(root, { 'landed-run-01.json': landed }, 'landed-run-01');
    } finally {
      await settings.update('configFile', undefined, vscode.ConfigurationTarget.Global);
      await settings.update('variables', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    await waitUntil(async () => !(await findRoot()), { events: [provider.onDidChangeTreeData], what: 'the configured root to go away' });
  });

  it('a run that fails in a watched store raises the Runs view badge (runs already there at startup raise nothing)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-signal-'));
    const logs = path.join(tmp, 'logs');
    fs.mkdirSync(logs);
    const recorded = fs.readFileSync(path.join(workspaceRoot(), '.run_log_store', 'prod-failure-001.json'), 'utf8');
    // Already there when the store is first listed: the baseline.
    fs.writeFileSync(path.join(logs, 'old-failure-01.json'), recorded.replace(/prod-failure-001/g, 'old-failure-01'));
    const configFile = path.join(tmp, 'signal.yaml');
    fs.writeFileSync(configFile, `run-log-store:\n  type: file-system\n  config:\n    log_folder: ${logs}\n`);
    const settings = vscode.workspace.getConfiguration('runnable');
    const explorer = api.explorer!;
    const findRoot = async () => {
      for (const n of await children()) if ((await label(n)) === 'signal.yaml · file-system') return n;
      return undefined;
    };
    try {
      await settings.update('configFile', configFile, vscode.ConfigurationTarget.Global);
      const root = await waitUntil(findRoot, { events: [provider.onDidChangeTreeData], what: 'the signal store root' });
      // Whatever earlier tests signalled is looked at first.
      await vscode.commands.executeCommand(Commands.showNewFailures);
      await child(root, 'old-failure-01');
      assert.strictEqual(explorer.newFailedRuns!(), 0, 'a failed run already in the store raises nothing');
      assert.strictEqual(explorer.treeView.badge as unknown, undefined);
      // A pipeline fails now: its run log lands in the watched folder.
      fs.writeFileSync(path.join(logs, 'new-failure-01.json'), recorded.replace(/prod-failure-001/g, 'new-failure-01'));
      await waitUntil(() => explorer.newFailedRuns!() === 1, { events: [provider.onDidChangeTreeData], what: 'the new failed run to be signalled' });
      const badge = explorer.treeView.badge;
      assert.strictEqual(badge?.value, 1);
      assert.match(badge?.tooltip ?? '', /1 new failed run: new-failure-01/);
      // Looking at them (the status item's command) clears the count.
      await vscode.commands.executeCommand(Commands.showNewFailures);
      assert.strictEqual(explorer.newFailedRuns!(), 0);
      assert.strictEqual(explorer.treeView.badge as unknown, undefined);
    } finally {
      await settings.update('configFile', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    await waitUntil(async () => !(await findRoot()), { events: [provider.onDidChangeTreeData], what: 'the configured root to go away' });
  });

  it('a big store: a page of the newest 200 runs and "Show more runs"; the newest 200 failed runs name their failed step at once, older ones once expanded (no read of every run)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-explorer-'));
    const logs = path.join(tmp, 'logs');
    fs.mkdirSync(logs);
    const recorded = fs.readFileSync(path.join(workspaceRoot(), '.run_log_store', 'prod-failure-001.json'), 'utf8');
    const firstStart = /"start_time": "([^"]+)"/.exec(recorded)![1];
    const COUNT = 205;
    for (let i = 0; i < COUNT; i++) {
      const id = `big-${String(i).padStart(3, '0')}`;
      // Run i started i minutes after 2026-01-01 00:00: big-204 is the newest.
      const start = `2026-01-01 ${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00.000001`;
      fs.writeFileSync(path.join(logs, `${id}.json`), recorded.replace(/prod-failure-001/g, id).replace(firstStart, start));
    }
    const configFile = path.join(tmp, 'big.yaml');
    fs.writeFileSync(configFile, `run-log-store:\n  type: file-system\n  config:\n    log_folder: ${logs}\n`);
    const settings = vscode.workspace.getConfiguration('runnable');
    try {
      await settings.update('configFile', configFile, vscode.ConfigurationTarget.Global);
      const root = await waitUntil(async () => {
        for (const n of await children()) if ((await label(n)) === 'big.yaml · file-system') return n;
        return undefined;
      }, { events: [provider.onDidChangeTreeData], what: 'the big store root' });
      // One page (runnable.runsPageSize, 200 by default), then a row whose command lists the rest.
      const firstPage = await children(root);
      assert.strictEqual(firstPage.length, 201);
      assert.strictEqual(await label(firstPage[200]), 'Show more runs (200 of 205)');
      const more = (await item(firstPage[200])).command!;
      await vscode.commands.executeCommand(more.command, ...(more.arguments ?? []));
      const runs = await children(root);
      assert.strictEqual(runs[0], firstPage[0], 'the rows already shown keep their node');
      assert.deepStrictEqual(await Promise.all(runs.slice(0, 2).map(label)), ['big-204', 'big-203'], 'newest first');
      assert.strictEqual(runs.length, COUNT);
      const description = async (n: ExplorerNode) => String((await item(n)).description ?? '');
      // As VS Code does: the item of every run, newest first. The newest 200 get their failed step.
      for (const r of runs) await item(r);
      await waitUntil(async () => {
        for (const r of runs.slice(0, 200)) if (!(await description(r)).startsWith('✗ deploy')) return false;
        return true;
      }, { events: [provider.onDidChangeTreeData], what: 'the newest 200 failed runs to name deploy' });
      const oldest = runs[COUNT - 1];
      assert.strictEqual(await label(oldest), 'big-000');
      assert.ok(oldest.kind === 'run');
      assert.strictEqual((api.runs as RunsModel).peekRun(oldest.ref), undefined, 'the oldest run was never read');
      assert.ok(!(await description(oldest)).startsWith('✗ deploy'), await description(oldest));
      // Expanding it reads it, and its description then names the step.
      assert.ok((await labels(oldest)).includes('deploy'));
      await waitUntil(async () => (await description(oldest)).startsWith('✗ deploy'), { events: [provider.onDidChangeTreeData], what: 'the expanded old run to name deploy' });
    } finally {
      await settings.update('configFile', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    // Later suites list the workspace's stores: this one must be gone from the model first.
    await waitUntil(async () => !(await api.runs.descriptors()).some((d) => d.label === 'big.yaml · file-system'), { events: [provider.onDidChangeTreeData], what: 'the big store to go away' });
  });

  it('a buffered store says it is in memory only, and a config with an unknown store type says what runnable knows; the other roots still list', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-explorer-'));
    const settings = vscode.workspace.getConfiguration('runnable');
    const rootNamed = async (name: string) => {
      for (const n of await children()) if ((await label(n)) === name) return n;
      return undefined;
    };
    try {
      const buffered = path.join(tmp, 'unit-tests.yaml');
      fs.writeFileSync(buffered, 'run-log-store:\n  type: buffered\n');
      await settings.update('configFile', buffered, vscode.ConfigurationTarget.Global);
      const root = await waitUntil(() => rootNamed('unit-tests.yaml · buffered'), { events: [provider.onDidChangeTreeData], what: 'the buffered root' });
      assert.strictEqual((await item(root)).description, 'in memory only');
      const kids = await children(root);
      assert.strictEqual(kids.length, 1);
      assert.match(await label(kids[0]), /^In memory only: a buffered run log store keeps runs in the running process/);
      assert.ok(await rootNamed('prod-chunked.yaml · chunked-fs'), 'the other roots still list');

      const unknown = path.join(tmp, 'typo.yaml');
      fs.writeFileSync(unknown, 'run-log-store:\n  type: file-sytem\n');
      await settings.update('configFile', unknown, vscode.ConfigurationTarget.Global);
      // Two things say it: a problem item opening the config (description: the sentence), and the store's root.
      const problem = await waitUntil(async () => {
        for (const n of await children()) if ((await label(n)) === 'typo.yaml' && (await item(n)).contextValue === 'problem') return n;
        return undefined;
      }, { events: [provider.onDidChangeTreeData], what: 'the problem item of the config with an unknown store type' });
      const problemItem = await item(problem);
      log(`    problem: ${String(problemItem.description)}`);
      assert.match(String(problemItem.description), /unknown run log store type "file-sytem": runnable knows file-system, chunked-fs, minio, chunked-minio, buffered/);
      assert.strictEqual(problemItem.command?.command, 'vscode.open', 'clicking it opens the config');
      const bad = await child(undefined, 'typo.yaml · file-sytem');
      assert.strictEqual(((await item(bad)).iconPath as vscode.ThemeIcon).id, 'error');
      const badKids = await labels(bad);
      assert.strictEqual(badKids.length, 1);
      assert.match(badKids[0], /file-sytem/);
      const runs = await labels(await child(undefined, 'runnable-config.yaml · file-system'));
      assert.ok(runs.includes('prod-failure-001'), `the workspace's runs still list: ${runs.join(' | ')}`);
    } finally {
      await settings.update('configFile', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    await waitUntil(async () => !(await api.runs.descriptors()).some((d) => d.label.startsWith('typo.yaml') || d.label.startsWith('unit-tests.yaml')), { events: [provider.onDidChangeTreeData], what: 'the configured roots to go away' });
  });
});
