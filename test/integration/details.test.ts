// Run details in a real VS Code on examples/: the panel opens for the failed prod-failure-001 and its page reports
// (message round-trip) the failed step drawn and selected; the graph tab marks the failed path; selecting a step
// from the extension reaches the page; a map run nests its iterations; the page follows a run changing on disk (a
// retry appending an attempt); Compare Runs on two runs of one pipeline; from a replay session (the debug toolbar's
// entry passes no argument), the command opens the run the session replays; Compare Runs' second pick lists
// summaries and reads only the runs picked, refusing those of another pipeline.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import type { RenderedState } from '../../src/core/details/messages';
import type { DetailsHandle } from '../../src/vscode/details/detailsPanel';
import type { RunRef, Services } from '../../src/vscode/services';
import { debugSessionRun } from '../../src/vscode/details/pickRuns';
import { acceptPicksUntil, getApi, log, refOf, waitFor, waitUntil, withTimeout, workspaceRoot } from './helpers';

describe('Run details webview', function () {
  this.timeout(90_000);
  let api: Services;
  const refOfReadable = (runId: string) => refOf(runId, { readable: true });

  async function open(runId: string): Promise<DetailsHandle> {
    const handle = await vscode.commands.executeCommand<DetailsHandle | undefined>(Commands.openRunDetails, await refOfReadable(runId));
    assert.ok(handle, `${Commands.openRunDetails} returned the panel of ${runId}`);
    return handle;
  }

  const rendered = (h: DetailsHandle, what: string, p: (s: RenderedState) => boolean): Promise<RenderedState> =>
    withTimeout(h.whenRendered(p), 45_000, what);

  before(async () => {
    api = await getApi();
  });

  /** Starts a replay session with `start` and resolves once it is the active debug session (and, with `paused`, once
   * it stopped at its first failed attempt and the debugger showed the source: when a user reaches the toolbar). */
  async function activeReplay(runId: string, start: () => Thenable<boolean>, paused = false): Promise<vscode.DebugSession> {
    const started = waitFor(vscode.debug.onDidStartDebugSession, (s) => s.configuration.replay === true && s.configuration.runId === runId, 30_000, `the replay of ${runId} to start`);
    let stopped!: () => void;
    const stop = new Promise<void>((r) => { stopped = r; });
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker: (s) => (s.configuration.replay === true
        ? { onDidSendMessage: (m: { type?: string; event?: string }) => { if (m.type === 'event' && m.event === 'stopped') stopped(); } }
        : undefined),
    });
    try {
      assert.strictEqual(await start(), true, 'the replay session started');
      const session = await started;
      await waitUntil(() => vscode.debug.activeDebugSession?.id === session.id, { events: [vscode.debug.onDidChangeActiveDebugSession], ms: 30_000, what: 'the replay to be the active session' });
      if (paused) {
        await withTimeout(stop, 30_000, 'the replay to stop at the failed attempt');
        await waitUntil(() => vscode.window.activeTextEditor?.document.uri.path.endsWith('/functions.py'), { events: [vscode.window.onDidChangeActiveTextEditor], ms: 30_000, what: 'the debugger to show functions.py' });
      }
      return session;
    } finally {
      tracker.dispose();
    }
  }

  async function stopSession(session: vscode.DebugSession): Promise<void> {
    const ended = waitFor(vscode.debug.onDidTerminateDebugSession, (s) => s.id === session.id, 20_000, 'the replay session to end');
    await vscode.debug.stopDebugging(session);
    await ended;
  }

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens prod-failure-001 with the failed step drawn and selected', async () => {
    const h = await open('prod-failure-001');
    const state = await rendered(h, 'the first render of prod-failure-001', (s) => s.view === 'details');
    log(`details rendered: ${JSON.stringify(state)}`);
    const run = await api.runs.getRun(h.ref);
    assert.equal(state.runId, 'prod-failure-001');
    assert.equal(state.tab, 'timeline');
    assert.deepEqual(state.failedRows, ['deploy']);
    assert.equal(state.selectedStep, 'deploy', 'the first failed task is selected on open');
    // The user's error from deploy's captured log, not runnable's "did not succeed" wrapper: in the header and the step panel.
    assert.equal(state.causeShown, 'RuntimeError: no deployment url for churn-model');
    assert.equal(state.stepCauseShown, 'RuntimeError: no deployment url for churn-model');
    // One row per recorded step (no composites here) and one bar per attempt.
    assert.equal(state.timelineRows, run.steps.length);
    assert.equal(state.timelineBars, run.steps.reduce((n, s) => n + s.attempts.length, 0));
    assert.ok(h.panel.visible && h.panel.title.includes('prod-failure-001'));
    // Opening again reuses the panel.
    const again = await vscode.commands.executeCommand<DetailsHandle>(Commands.openRunDetails, h.ref);
    assert.strictEqual(again, h);
  });

  it('graph tab: every dag node drawn, the failed path from start to deploy', async () => {
    const h = await open('prod-failure-001');
    await rendered(h, 'details', (s) => s.view === 'details');
    await h.post({ type: 'tab', tab: 'graph' });
    const state = await rendered(h, 'the graph tab', (s) => s.tab === 'graph');
    const run = await api.runs.getRun(h.ref);
    const dag = run.runConfig.dag as { start_at: string; nodes: Record<string, unknown> };
    assert.equal(state.graphNodes, Object.keys(dag.nodes).length);
    assert.ok(state.failedPathNodes.includes(dag.start_at) && state.failedPathNodes.includes('deploy'), state.failedPathNodes.join(', '));
    assert.ok(!state.failedPathNodes.includes('success'), 'success never ran');
    await h.post({ type: 'select', step: 'train_model' });
    const sel = await rendered(h, 'train_model selected', (s) => s.selectedStep === 'train_model');
    assert.equal(sel.tab, 'graph');
    await h.post({ type: 'tab', tab: 'timeline' });
    await rendered(h, 'back to the timeline', (s) => s.tab === 'timeline');
  });

  it('map-fail-0001: iterations nested, the failing iteration marked', async () => {
    const h = await open('map-fail-0001');
    const state = await rendered(h, 'map-fail-0001', (s) => s.view === 'details' && s.runId === 'map-fail-0001');
    const run = await api.runs.getRun(h.ref);
    const map = run.steps.find((s) => s.type === 'map')!;
    const failing = map.branches.flatMap((b) => b.steps).filter((s) => s.status === 'FAIL' && s.type === 'task').map((s) => s.internalName);
    assert.deepEqual(state.failedRows, failing);
    // steps + branch rows + the steps inside each iteration
    const stepsInside = map.branches.reduce((n, b) => n + b.steps.length, 0);
    assert.equal(state.timelineRows, run.steps.length + map.branches.length + stepsInside);
    assert.equal(state.selectedStep, failing[0]);
  });

  it('follows the run on disk: a retry appending a successful deploy attempt re-draws without the failure', async () => {
    // A temp run beside the examples' runs (removed after), so the recorded ones stay untouched.
    const dir = path.join(workspaceRoot(), '.run_log_store');
    const runId = 'details-update-0001';
    const file = path.join(dir, `${runId}.json`);
    const log0 = JSON.parse(fs.readFileSync(path.join(dir, 'prod-failure-001.json'), 'utf8'));
    log0.run_id = runId;
    fs.writeFileSync(file, JSON.stringify(log0, null, 2));
    try {
      const ref = await waitUntil(async () => refOfReadable(runId).catch(() => undefined), { events: [api.runs.onDidChange], ms: 45_000, what: `${runId} listed` });
      const h = await vscode.commands.executeCommand<DetailsHandle>(Commands.openRunDetails, ref);
      const first = await rendered(h, 'the temp run', (s) => s.view === 'details' && s.runId === runId);
      assert.deepEqual(first.failedRows, ['deploy']);
      // What a retry with indicator "2" writes: a new attempt on deploy, the step and the run now SUCCESS.
      const deploy = log0.steps.deploy;
      const a1 = deploy.attempts[0];
      deploy.attempts.push({ ...a1, attempt_number: 2, status: 'SUCCESS', message: '', retry_indicator: '2' });
      deploy.status = 'SUCCESS';
      log0.status = 'SUCCESS';
      fs.writeFileSync(file, JSON.stringify(log0, null, 2));
      const next = await rendered(h, 'the re-draw after the retry', (s) => s.renderCount > first.renderCount && s.failedRows.length === 0);
      assert.equal(next.timelineBars, first.timelineBars + 1);
      assert.ok(h.panel.title.includes(runId) && !h.panel.title.includes('failed'));
      h.panel.dispose();
    } finally {
      fs.rmSync(file, { force: true });
      // Leave the Runs model as the other suites expect it: the temp run gone.
      await waitUntil(async () => !(await refOfReadable(runId).then(() => true, () => false)), { events: [api.runs.onDidChange], ms: 45_000, what: `${runId} gone` });
    }
  });

  it('debug toolbar: Open Run Details with no argument opens the run the active replay session replays', async () => {
    // No panel left from the tests above: the command must open (not reuse) the replayed run's tab.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const ref = await refOfReadable('prod-failure-001');
    const session = await activeReplay(ref.runId, () => vscode.commands.executeCommand<boolean>(Commands.replayRun, ref), true);
    try {
      const h = await vscode.commands.executeCommand<DetailsHandle | undefined>(Commands.openRunDetails);
      assert.ok(h, 'the command opened a panel from the debug session, with no quick pick');
      assert.deepEqual({ storeId: h.ref.storeId, runId: h.ref.runId }, ref);
      const tabs = (): string => vscode.window.tabGroups.all.map((g) => `${g.viewColumn}${g.isActive ? '*' : ''}:[${g.tabs.map((t) => `${t.label}${t.isActive ? '*' : ''}`).join(', ')}]`).join(' ');
      log(`details from the replay: visible=${h.panel.visible} column=${h.panel.viewColumn} tabs ${tabs()}`);
      const state = await rendered(h, 'the details of the replayed run', (s) => s.view === 'details' && s.runId === ref.runId).catch((e: Error) => {
        throw new Error(`${e.message} (panel visible=${h.panel.visible}, column=${h.panel.viewColumn}, tabs ${tabs()})`);
      });
      assert.deepEqual(state.failedRows, ['deploy']);
      // Beside the paused source, which keeps the focus.
      assert.ok(h.panel.visible);
      assert.notEqual(h.panel.viewColumn, vscode.window.activeTextEditor?.viewColumn);
      assert.ok(vscode.window.activeTextEditor?.document.uri.path.endsWith('/functions.py'));
      h.panel.dispose();
    } finally {
      await stopSession(session);
    }
  });

  it('a launch.json replay naming no store: the session\'s run is found in the store of its configFile', async () => {
    const ref = await refOfReadable('prod-failure-001');
    const folder = vscode.workspace.workspaceFolders![0];
    const session = await activeReplay(ref.runId, () => vscode.debug.startDebugging(folder, { type: 'runnable', request: 'replay', name: 'Replay prod-failure-001 (no store)', runId: ref.runId, configFile: 'runnable-config.yaml' }));
    try {
      assert.equal(session.configuration.storeId, undefined, 'the resolved configuration names no store');
      assert.deepEqual(await debugSessionRun(api), ref);
      // Not one of ours: no run, whatever its configuration says.
      assert.equal(await debugSessionRun(api, { id: 'other', type: 'debugpy', name: 'other', configuration: session.configuration, parentSession: undefined } as unknown as vscode.DebugSession), undefined);
    } finally {
      await stopSession(session);
    }
  });

  it('Compare Runs from one run: the pick lists every run, reads only the picked ones, and refuses another pipeline\'s', async () => {
    // nightly-train-0412's store lists it alone; prod-failure-001 (same dag_hash) comes after two runs of other
    // pipelines in the examples' own store, and the composite runs after that.
    const first = await refOfReadable('nightly-train-0412');
    const base = await api.runs.getRun(first);
    // The pick's rows, as the command lists them: first's store, then the others, each as listed; same kind, readable.
    const descriptors = await api.runs.descriptors();
    const rows: Array<{ ref: RunRef }> = [];
    for (const d of [...descriptors.filter((x) => x.id === first.storeId), ...descriptors.filter((x) => x.id !== first.storeId)]) {
      for (const r of await api.runs.listRuns(d.id).catch(() => [])) {
        if (r.error || r.kind !== 'pipeline' || (d.id === first.storeId && r.runId === first.runId)) continue;
        rows.push({ ref: { storeId: d.id, runId: r.runId } });
      }
    }
    // Enter on the top row each time: every row of another pipeline is refused (and dropped) until one of base's.
    const same = await Promise.all(rows.map(async (r) => {
      const run = await api.runs.getRun(r.ref);
      return (!!base.dagHash && run.dagHash === base.dagHash) || (!!base.definitionFile && run.definitionFile === base.definitionFile);
    }));
    const k = same.indexOf(true);
    log(`compare pick rows: ${rows.map((r, i) => `${r.ref.runId}${same[i] ? ' (same)' : ''}`).join(', ')}`);
    assert.ok(k > 0 && k < rows.length - 1, 'runs of other pipelines are listed before and after the first of the same pipeline');

    const runs = api.runs as { getRun: typeof api.runs.getRun };
    const original = runs.getRun;
    const read: string[] = [];
    // Reads made by the command itself (its frames are on the stack), not the Runs view's background reads of failed runs.
    runs.getRun = (ref) => {
      if (/pickRunPair|otherRuns/.test(new Error().stack ?? '')) read.push(ref.runId);
      return original.call(api.runs, ref);
    };
    let panel: { panel: vscode.WebviewPanel; a: RunRef; b: RunRef } | undefined;
    let done = false;
    try {
      const command = Promise.resolve(vscode.commands.executeCommand<typeof panel>(Commands.compareRuns, first)).then((p) => { panel = p; done = true; }, () => { done = true; });
      await acceptPicksUntil(() => done, 'the second-run pick to be answered');
      await command;
    } finally {
      runs.getRun = original;
    }
    assert.ok(panel, 'the comparison opened');
    assert.deepEqual([panel.a, panel.b].map((r) => r.runId), [first.runId, rows[k].ref.runId]);
    // Read: the first run, then each picked one (refused until the match); never the runs listed after it.
    assert.deepEqual(read, [first.runId, ...rows.slice(0, k + 1).map((r) => r.ref.runId)]);
    panel.panel.dispose();
  });

  it('Compare Runs: prod-failure-001 and nightly-train-0412 (same dag_hash) side by side', async () => {
    const a = await refOfReadable('prod-failure-001');
    const b = await refOfReadable('nightly-train-0412');
    const panel = await vscode.commands.executeCommand<{ whenRendered(): Promise<RenderedState>; panel: vscode.WebviewPanel } | undefined>(Commands.compareRuns, undefined, [a, b]);
    assert.ok(panel, 'compare returned its panel');
    const state = await withTimeout(panel.whenRendered(), 45_000, 'the comparison');
    assert.equal(state.view, 'compare');
    assert.equal(state.runId, 'prod-failure-001 nightly-train-0412');
    panel.panel.dispose();
  });
});
