// Replay in a real VS Code: "Replay Run in Debugger" on the examples' failed run starts a `runnable` replay
// session (the inline replay adapter) that stops at the failed step, `deploy`, with its recorded inputs in the
// Variables view; launch.json-style `request: "replay"` configs route to the same adapter; "Retry Locally from This
// Failed Attempt" starts the debugpy retry (on copies of examples/); runs of minio / chunked-minio stores replay from
// moto. examples/ and the fixtures are never written.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import type { RetryCommandResult } from '../../src/vscode/commands/retryCommands';
import type { RunRef } from '../../src/vscode/services';
import { FIXTURE, OBJECTS, s3Client, seedFixture, startMoto, writeConfigs, type Moto } from '../helpers/moto';
import { copyExamples as copyWorkspace, getApi, log, refOf, repoRoot, testPython, waitUntil, withTimeout, workspaceRoot } from './helpers';

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  reason: string;
}

interface Frame {
  id: number;
  name: string;
  line: number;
  source: { name: string; path: string };
}

/** Every `stopped` of replay sessions started after this call, in order (trackers attach at session start). */
const watchReplay = (): Watched => watchRunnableSessions(true);

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

const prodFailureRef = (): Promise<RunRef> => refOf('prod-failure-001', { readable: true });

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

interface Watched {
  started: vscode.DebugSession[];
  nextStop: () => Promise<Stop>;
  dispose(): void;
}

/** The starts and stops, in order, of `runnable` sessions begun after this call: replays, or retries (the others). */
function watchRunnableSessions(replays: boolean): Watched {
  const started: vscode.DebugSession[] = [];
  const stops: Stop[] = [];
  const waiters: ((s: Stop) => void)[] = [];
  const ours = (s: vscode.DebugSession): boolean => s.type === 'runnable' && (s.configuration.replay === true) === replays;
  const disposables = [
    vscode.debug.onDidStartDebugSession((s) => { if (ours(s)) started.push(s); }),
    vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker(session) {
        if (!ours(session)) return undefined;
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
    }),
  ];
  return {
    started,
    nextStop: () => (stops.length ? Promise.resolve(stops.shift()!) : new Promise<Stop>((r) => waiters.push(r))),
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}

/** The stops and starts of `runnable` retry sessions (not replays) begun after this call. */
const watchRetry = (): Watched => watchRunnableSessions(false);

// A retry writes into the run log store, so each replay reads prod-failure-001 through a temporary copy of examples/
// (a launch.json-style replay config naming the copy's config): the retry it starts then runs in that copy too.
describe('Retry locally from a paused replay', function () {
  this.timeout(180_000);
  const temps: string[] = [];
  let interpreter: string;

  before(async () => {
    await getApi();
    // The handler passes no launch overrides, so the stand-in (when runnable is not importable) comes through the
    // interpreter setting: a wrapper that puts test/standin on PYTHONPATH, as the retry UI test does.
    const python = testPython();
    interpreter = python;
    try {
      execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' });
    } catch {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-replay-python-'));
      temps.push(dir);
      interpreter = path.join(dir, 'python-with-standin');
      const standin = path.join(repoRoot(), 'test', 'standin');
      fs.writeFileSync(interpreter, `#!/bin/sh\nPYTHONPATH='${standin}'\${PYTHONPATH:+:\$PYTHONPATH} exec '${python}' "$@"\n`, { mode: 0o755 });
    }
    log(`    interpreter ${interpreter}`);
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', interpreter, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  const copyExamples = (): string => copyWorkspace('runnable-replay-retry-', temps);

  async function replayIn(tmp: string, runId: string, watch: ReturnType<typeof watchReplay>, extra: Record<string, unknown> = {}): Promise<Stop> {
    const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders![0], {
      type: 'runnable', request: 'replay', name: `Replay ${runId} (copy)`, runId, cwd: tmp, configFile: 'runnable-config.yaml', ...extra,
    });
    assert.strictEqual(ok, true);
    return withTimeout(watch.nextStop(), 30_000, `the replay of ${runId} to stop`);
  }

  /** What VS Code passes from the call stack menu on a frame (callStackView): the frame's source URI, then its context. */
  function frameMenuArgs(stop: Stop, frame: Frame): [string, Record<string, unknown>] {
    const uri = /^[a-z][\w+.-]*:\/\//.test(frame.source.path) ? frame.source.path : vscode.Uri.file(frame.source.path).toString();
    const threadId = `thread:${stop.session.id}:${stop.threadId}`;
    return [uri, {
      sessionId: stop.session.id, threadId, frameId: `stackframe:${threadId}:0:${frame.source.name}`, frameName: frame.name,
      frameLocation: { range: { startLineNumber: frame.line, startColumn: 1, endLineNumber: frame.line, endColumn: 1 }, source: frame.source },
    }];
  }

  async function topOf(stop: Stop): Promise<Frame> {
    const { stackFrames } = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
    return stackFrames[0] as Frame;
  }

  /** The retry stops in the copy's deploy_model with the replayed attempt's recorded inputs restored in Python. */
  async function expectRetryOf(result: RetryCommandResult | undefined, retries: ReturnType<typeof watchRetry>, tmp: string, recorded: Map<string, { value: string }>): Promise<Stop> {
    assert.ok(result, 'the handler returns the retry\'s outcome');
    assert.strictEqual(result.blocked, undefined, `not blocked: ${result.blocked}`);
    assert.strictEqual(result.started, true);
    assert.strictEqual(result.runId, 'prod-failure-001');
    assert.deepStrictEqual(result.plan?.skipped, ['load_data', 'train_model']);
    assert.strictEqual(retries.started.length, 1, 'one retry session');
    const retry = retries.started[0];
    assert.strictEqual(retry.type, 'runnable');
    assert.strictEqual(retry.configuration.runId, 'prod-failure-001');
    assert.strictEqual(retry.configuration.env?.RUNNABLE_RETRY_RUN_ID, 'prod-failure-001');
    assert.strictEqual(retry.configuration.configFile, path.join(tmp, 'runnable-config.yaml'), 'the retry reads the config the replay read');
    assert.strictEqual(retry.configuration.cwd, tmp);

    const stop = await withTimeout(retries.nextStop(), 90_000, 'the retry to stop in the failed step');
    assert.strictEqual(stop.reason, 'breakpoint');
    const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
    const frame = st.stackFrames[0] as { id: number; name: string; line: number; source?: { path?: string } };
    log(`    retry stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
    const lines = fs.readFileSync(path.join(tmp, 'functions.py'), 'utf8').split('\n');
    const def = lines.findIndex((l) => l.startsWith('def deploy_model('));
    const body = lines.findIndex((l, i) => i > def && l.trim() !== '' && !l.trim().startsWith('"""')) + 1;
    assert.strictEqual(frame.name, 'deploy_model');
    assert.strictEqual(frame.line, body, 'the first line of deploy_model\'s body');
    assert.ok(decodeURIComponent(frame.source?.path ?? '').includes(path.basename(tmp)), 'the copy\'s functions.py');
    const { scopes } = await stop.session.customRequest('scopes', { frameId: frame.id });
    const localsScope = scopes.find((s: { name: string }) => /^locals$/i.test(s.name));
    const { variables } = await stop.session.customRequest('variables', { variablesReference: localsScope.variablesReference });
    const locals = Object.fromEntries(variables.map((v: { name: string; value: string }) => [v.name, v.value])) as Record<string, string>;
    log(`    locals ${JSON.stringify(locals)}; recorded ${[...recorded].map(([k, v]) => `${k}=${v.value}`).join(', ')}`);
    // The recorded inputs of the replayed attempt, restored in Python: json values by value, the object from its pickle.
    assert.strictEqual(locals.endpoint, `'${JSON.parse(recorded.get('endpoint')!.value) as string}'`);
    assert.strictEqual(locals.score, recorded.get('score')!.value);
    assert.match(recorded.get('model')!.value, /catalog: model\.dill/);
    assert.strictEqual(locals.model, "{'weights': [0.0, 0.5, 1.0], 'trained_on': 6}", 'the pickled model, restored from the copy\'s catalog');
    return stop;
  }

  it('the manifest offers "Retry Locally from This Failed Attempt" on the debug toolbar and the call stack menu while a replay sits on a failed attempt', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot(), 'package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
    for (const menu of ['debug/callstack/context', 'debug/toolBar']) {
      const entry = manifest.contributes.menus[menu]?.find((m) => m.command === Commands.retryFromReplay);
      assert.ok(entry, `${menu} offers ${Commands.retryFromReplay}`);
      assert.match(entry.when ?? '', /debugType == runnable && runnable\.replayOnFailedAttempt/);
    }
  });

  it('debug toolbar (VS Code passes null): the focused replay paused at deploy starts a debugpy retry of prod-failure-001 that stops in deploy_model with the restored inputs; the replay stays paused on the failed attempt', async () => {
    const tmp = copyExamples();
    const replays = watchReplay();
    const retries = watchRetry();
    let replay: vscode.DebugSession | undefined;
    try {
      const stop = await replayIn(tmp, 'prod-failure-001', replays);
      replay = stop.session;
      assert.strictEqual(stop.reason, 'exception');
      const top = await topOf(stop);
      assert.strictEqual(top.name, 'deploy · attempt 1 · FAIL');
      const recorded = await variablesOf(replay, top.id, 'Inputs');
      await waitUntil(() => vscode.debug.activeDebugSession?.id === replay!.id, { events: [vscode.debug.onDidChangeActiveDebugSession], what: 'the replay to be the focused session' });

      const result = await vscode.commands.executeCommand<RetryCommandResult | undefined>(Commands.retryFromReplay, null);
      const retryStop = await expectRetryOf(result, retries, tmp, recorded);

      // The handler leaves the replay paused where it was: still on deploy's failed attempt beside the live retry.
      const still = await replay.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 1 });
      assert.strictEqual(still.stackFrames[0].name, 'deploy · attempt 1 · FAIL', 'the replay was not ended or moved');
      await stopSession(retryStop.session.parentSession ?? retryStop.session);
      await stopSession(replay);
      replay = undefined;
    } finally {
      retries.dispose();
      replays.dispose();
      if (replay) await vscode.debug.stopDebugging(replay);
    }
  });

  it('call stack menu on the frame of a replay that is not focused: that replay\'s run is retried (the toolbar, for the focused replay paused on a successful attempt, starts nothing)', async () => {
    const tmp = copyExamples();
    const replays = watchReplay();
    const retries = watchRetry();
    const sessions: vscode.DebugSession[] = [];
    try {
      // First a replay paused on the entry of another run (a successful attempt): VS Code focuses it, the first session
      // to stop, and keeps that focus when the second replay stops on prod-failure-001's failed attempt.
      const other = await replayIn(tmp, 'etl-usd-0100', replays, { stopOnEntry: true });
      sessions.push(other.session);
      assert.strictEqual(other.reason, 'entry');
      assert.match((await topOf(other)).name, /· SUCCESS$/);
      const failed = await replayIn(tmp, 'prod-failure-001', replays);
      sessions.push(failed.session);
      assert.strictEqual(failed.reason, 'exception');
      const top = await topOf(failed);
      const recorded = await variablesOf(failed.session, top.id, 'Inputs');
      await waitUntil(() => vscode.debug.activeDebugSession?.id === other.session.id, { events: [vscode.debug.onDidChangeActiveDebugSession], what: 'the etl-usd-0100 replay to be the focused session' });

      const fromToolbar = await vscode.commands.executeCommand<RetryCommandResult | undefined>(Commands.retryFromReplay, null);
      assert.strictEqual(fromToolbar, undefined, 'the focused replay is not on a failed attempt: nothing to retry');
      assert.strictEqual(retries.started.length, 0, 'no retry session');

      const result = await vscode.commands.executeCommand<RetryCommandResult | undefined>(Commands.retryFromReplay, ...frameMenuArgs(failed, top));
      const retryStop = await expectRetryOf(result, retries, tmp, recorded);
      await stopSession(retryStop.session.parentSession ?? retryStop.session);
    } finally {
      retries.dispose();
      replays.dispose();
      for (const s of sessions) await stopSession(s).catch(() => undefined);
    }
  });
});

interface FailedTaskCase {
  internal_name: string;
  inputs: Record<string, { kind: 'json' | 'metric' | 'object'; value: unknown; catalog_file?: string }>;
  error: string;
}

/** The input parameters of a step's first attempt in the fixture object the store holds (minio bodies are double-encoded). */
function recordedInputs(runId: string, store: string, step: string): Record<string, unknown> {
  const file = store === 'minio' ? path.join(OBJECTS, 'run-logs', runId, `${runId}.json`) : path.join(OBJECTS, 'chunked-run-logs', runId, 'RunLog');
  let body: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (typeof body === 'string') body = JSON.parse(body);
  return (body as { steps: Record<string, { attempts: { input_parameters: Record<string, unknown> }[] }> }).steps[step].attempts[0].input_parameters;
}

// Replay runs in the extension host through RunsService, so a run of a minio / chunked-minio store replays from the
// store itself: run log, captured output and catalog paths over S3 (a real moto endpoint, seeded from the fixture).
describe('Replay over a remote store (moto)', function () {
  this.timeout(120_000);
  let moto: Moto | undefined;
  let tmp: string;
  const cases = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'case.json'), 'utf8')) as {
    runs: Record<string, { store: string; definition_file: string; first_failed_task: FailedTaskCase }>;
  };

  before(async () => {
    const api = await getApi();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-replay-remote-'));
    moto = await startMoto();
    await seedFixture(s3Client(moto.endpoint));
    const configs = await writeConfigs(tmp, moto.endpoint);
    api.runs.addConfigFile?.(configs.minio);
    api.runs.addConfigFile?.(configs.chunked);
    log(`    moto at ${moto.endpoint}; configs in ${tmp}`);
  });

  after(async () => {
    await moto?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    // The added configs are gone, so rediscovery drops their roots: nothing of this suite is left for the next.
    const api = await getApi();
    api.runs.refresh();
    const left = (await api.runs.descriptors()).filter((d) => d.configFiles.some((f) => f.startsWith(tmp)));
    assert.deepStrictEqual(left.map((d) => d.label), []);
  });

  for (const runId of ['argo-train-7731', 'argo-train-7732']) {
    it(`Replay Run in Debugger on ${runId} (remote) stops at its failed attempt with the inputs its stored attempt records and the error case.json names`, async () => {
      const api = await getApi();
      const c = cases.runs[runId];
      const failed = c.first_failed_task;
      const store = await waitUntil(async () => (await api.runs.descriptors()).find((d) => d.type === c.store && d.configFiles.some((f) => f.startsWith(tmp))),
        { events: [api.runs.onDidChange], what: `the ${c.store} root of the moto configs` });
      const watch = watchReplay();
      try {
        const started = await vscode.commands.executeCommand<boolean>(Commands.replayRun, { storeId: store.id, runId });
        assert.strictEqual(started, true);
        const stop = await withTimeout(watch.nextStop(), 30_000, `the replay of ${runId} to stop`);
        assert.strictEqual(stop.reason, 'exception');
        const { stackFrames } = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
        assert.deepStrictEqual(stackFrames.map((f: { name: string }) => f.name), [
          `${failed.internal_name} · attempt 1 · FAIL`, `${failed.internal_name} (task)`, `${c.definition_file} · ${runId}`,
        ]);
        const inputs = await variablesOf(stop.session, stackFrames[0].id, 'Inputs');
        // Every input parameter the stored attempt records (the body as seeded into moto), in the recorded order.
        assert.deepStrictEqual([...inputs.keys()], Object.keys(recordedInputs(runId, c.store, failed.internal_name)));
        for (const [name, p] of Object.entries(failed.inputs)) {
          const shown = inputs.get(name);
          assert.ok(shown, `${name} among the inputs`);
          if (p.kind !== 'object') {
            assert.strictEqual(shown.value, JSON.stringify(p.value), `${name} as recorded`);
            continue;
          }
          assert.strictEqual(shown?.value, `object · catalog: ${p.catalog_file}`);
          // Where the pickle lies: the minio catalog's bucket, under the run.
          const { variables } = await stop.session.customRequest('variables', { variablesReference: shown.variablesReference });
          const where = variables.find((v: { name: string }) => v.name === 'path')?.value as string | undefined;
          assert.match(where ?? '', new RegExp(`/${runId}/${p.catalog_file!.replace('.', '\\.')}$`), `${name}'s catalog path`);
        }
        // The cause comes from the step's captured output, read from the minio catalog.
        const info = await stop.session.customRequest('exceptionInfo', { threadId: stop.threadId });
        assert.ok(String(info.description).includes(failed.error), `exception details name ${failed.error}: ${info.description}`);
        await stopSession(stop.session);
      } finally {
        watch.dispose();
      }
    });
  }
});
