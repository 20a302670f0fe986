// Replay in a real VS Code: "Replay Run in Debugger" on the examples' failed run starts a `runnable` replay
// session (the inline replay adapter) that stops at the failed step, `deploy`, with its recorded inputs in the
// Variables view; launch.json-style `request: "replay"` configs route to the same adapter. Nothing is written.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/vscode/commands/ids';
import type { RunRef } from '../../src/vscode/services';
import { getApi, withTimeout, workspaceRoot } from './helpers';

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  reason: string;
}

/** Every `stopped` of replay sessions started after this call, in order (trackers attach at session start). */
function watchReplay(): { nextStop: () => Promise<Stop>; dispose(): void } {
  const stops: Stop[] = [];
  const waiters: ((s: Stop) => void)[] = [];
  const tracker = vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
    createDebugAdapterTracker(session) {
      if (session.configuration.replay !== true) return undefined;
      return {
        onDidSendMessage(m: { type: string; event?: string; body?: { reason: string; threadId: number } }) {
          if (m.type !== 'event' || m.event !== 'stopped' || !m.body) return;
          const stop = { session, threadId: m.body.threadId, reason: m.body.reason };
          const w = waiters.shift();
          if (w) w(stop);
          else stops.push(stop);
        },
      };
    },
  });
  return {
    nextStop: () => (stops.length ? Promise.resolve(stops.shift()!) : new Promise<Stop>((r) => waiters.push(r))),
    dispose: () => tracker.dispose(),
  };
}

async function variablesOf(session: vscode.DebugSession, frameId: number, scope: string): Promise<Map<string, { value: string; variablesReference: number }>> {
  const { scopes } = await session.customRequest('scopes', { frameId });
  const s = scopes.find((x: { name: string }) => x.name === scope);
  assert.ok(s, `scope ${scope}`);
  const { variables } = await session.customRequest('variables', { variablesReference: s.variablesReference });
  return new Map(variables.map((v: { name: string; value: string; variablesReference: number }) => [v.name, v]));
}

async function stopSession(session: vscode.DebugSession): Promise<void> {
  const ended = new Promise<void>((r) => {
    const sub = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.id === session.id) {
        sub.dispose();
        r();
      }
    });
  });
  await vscode.debug.stopDebugging(session);
  await withTimeout(ended, 20_000, 'the replay session to end');
}

async function prodFailureRef(): Promise<RunRef> {
  const api = await getApi();
  for (const d of await api.runs.descriptors()) {
    const runs = await api.runs.listRuns(d.id);
    if (runs.some((r) => r.runId === 'prod-failure-001' && !r.error)) return { storeId: d.id, runId: 'prod-failure-001' };
  }
  throw new Error('prod-failure-001 is not in any store of the examples workspace');
}

describe('Replay a recorded run in the debugger', () => {
  it('Replay Run in Debugger stops at the failed step deploy with its recorded inputs', async () => {
    const ref = await prodFailureRef();
    const watch = watchReplay();
    try {
      const started = await vscode.commands.executeCommand<boolean>(Commands.replayRun, ref);
      assert.strictEqual(started, true);
      const stop = await withTimeout(watch.nextStop(), 30_000, 'the replay to stop');
      assert.strictEqual(stop.reason, 'exception');
      const { stackFrames } = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
      assert.deepStrictEqual(stackFrames.map((f: { name: string }) => f.name), ['deploy · attempt 1 · FAIL', 'deploy (task)', 'pipeline.main · prod-failure-001']);
      assert.strictEqual(path.basename(stackFrames[0].source.path), 'functions.py');
      const inputs = await variablesOf(stop.session, stackFrames[0].id, 'Inputs');
      assert.strictEqual(inputs.get('endpoint')?.value, '"churn-model"');
      assert.match(inputs.get('model')!.value, /catalog: model\.dill/);
      const info = await stop.session.customRequest('exceptionInfo', { threadId: stop.threadId });
      assert.match(info.description, /RuntimeError: no deployment url for churn-model/);
      // back in time: the step before deploy
      await stop.session.customRequest('stepBack', { threadId: stop.threadId });
      const b = await withTimeout(watch.nextStop(), 20_000, 'the step back');
      assert.strictEqual(b.reason, 'step');
      const st = await b.session.customRequest('stackTrace', { threadId: b.threadId, startFrame: 0, levels: 20 });
      assert.strictEqual(st.stackFrames[1].name, 'train_model (task)');
      await stopSession(stop.session);
    } finally {
      watch.dispose();
    }
  });

  it('a launch.json-style "request": "replay" config with a breakpoint on train_model stops when train_model begins', async () => {
    const root = workspaceRoot();
    const functions = vscode.Uri.file(path.join(root, 'functions.py'));
    const text = (await vscode.workspace.openTextDocument(functions)).getText().split('\n');
    const defLine = text.findIndex((l) => l.startsWith('def train_model')) + 1;
    assert.ok(defLine > 0);
    const bp = new vscode.SourceBreakpoint(new vscode.Location(functions, new vscode.Position(defLine - 1, 0)));
    vscode.debug.addBreakpoints([bp]);
    const watch = watchReplay();
    try {
      const folder = vscode.workspace.workspaceFolders![0];
      const ok = await vscode.debug.startDebugging(folder, { type: 'runnable', request: 'replay', name: 'Replay prod-failure-001', runId: 'prod-failure-001', configFile: 'runnable-config.yaml' });
      assert.strictEqual(ok, true);
      const stop = await withTimeout(watch.nextStop(), 30_000, 'the replay to stop at the breakpoint');
      const { stackFrames } = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
      assert.strictEqual(stackFrames[1].name, 'train_model (task)');
      assert.strictEqual(stop.reason, 'breakpoint');
      assert.strictEqual(stackFrames[1].line, defLine);
      await stopSession(stop.session);
    } finally {
      watch.dispose();
      vscode.debug.removeBreakpoints([bp]);
    }
  });
});
