// Retry locally in a real VS Code: the `runnable` debug session stops in the first failed step's function with the
// restored inputs, through the tree command, "Runnable: Retry Run" and a launch.json-style configuration.
// Retries write into the run log store, so every test runs on a fresh temporary copy of examples/ (passed as
// `cwd` + `configFile`); examples/ itself is never written. When runnable is not importable in the test
// interpreter, the stand-in under test/standin is put on PYTHONPATH through the launch `env`.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RetryCommandResult } from '../../src/vscode/commands/retryCommands';
import type { RetryOutcome } from '../../src/vscode/debug/retrySessions';
import { Commands } from '../../src/core/commandIds';
import { RetryConfigurationProvider } from '../../src/vscode/debug/configProvider';
import type { RunRef, Services } from '../../src/vscode/services';
import { acceptPicksUntil, copyExamples as copyWorkspace, getApi, log, repoRoot, testPython, waitUntil, withTimeout, workspaceRoot } from './helpers';
import type { RunsModel } from '../../src/vscode/explorer/runsModel';

interface Stop {
  session: vscode.DebugSession;
  threadId: number;
  reason: string;
}

interface Frame {
  id: number;
  name: string;
  line: number;
  source?: { path?: string };
}

/** Watches `runnable` sessions: every stop, and the end of the root session. */
function watchSessions(): { stops: Stop[]; nextStop: () => Promise<Stop>; ended: Promise<vscode.DebugSession>; started: vscode.DebugSession[]; firstAt: Map<string, number>; dispose(): void } {
  const stops: Stop[] = [];
  /** When the adapter first sent each event / response (Date.now()), for the bench line. */
  const firstAt = new Map<string, number>();
  const started: vscode.DebugSession[] = [];
  const waiters: ((s: Stop) => void)[] = [];
  let seen = 0;
  const disposables: vscode.Disposable[] = [];
  const ended = new Promise<vscode.DebugSession>((resolve) => {
    disposables.push(vscode.debug.onDidTerminateDebugSession((s) => { if (s.type === 'runnable' && !s.parentSession) resolve(s); }));
  });
  disposables.push(
    vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'runnable') started.push(s); }),
    vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker(session) {
        return {
          onDidSendMessage(m: { type: string; event?: string; command?: string; body?: { reason: string; threadId: number } }) {
            const key = m.type === 'event' ? `event:${m.event}` : `${m.type}:${m.command}`;
            if (!firstAt.has(key)) firstAt.set(key, Date.now());
            if (m.type === 'event' && m.event === 'stopped' && m.body) {
              const stop = { session, threadId: m.body.threadId, reason: m.body.reason };
              stops.push(stop);
              waiters.shift()?.(stop);
            }
          },
        };
      },
    }),
  );
  return {
    stops,
    started,
    firstAt,
    ended,
    nextStop: () => {
      if (stops.length > seen) return Promise.resolve(stops[seen++]);
      seen++;
      return new Promise<Stop>((r) => waiters.push(r));
    },
    dispose: () => disposables.forEach((d) => d.dispose()),
  };
}

async function topFrame(stop: Stop): Promise<Frame> {
  const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
  return st.stackFrames[0] as Frame;
}

async function locals(stop: Stop, frame: Frame): Promise<Record<string, string>> {
  const { scopes } = await stop.session.customRequest('scopes', { frameId: frame.id });
  const scope = scopes.find((s: { name: string }) => /^locals$/i.test(s.name));
  assert.ok(scope, `a Locals scope (got ${scopes.map((s: { name: string }) => s.name).join(', ')})`);
  const { variables } = await stop.session.customRequest('variables', { variablesReference: scope.variablesReference });
  return Object.fromEntries(variables.map((v: { name: string; value: string }) => [v.name, v.value]));
}

/** Continues until the root session ends (later stops, e.g. on a raised exception, are continued too). */
async function continueToEnd(w: ReturnType<typeof watchSessions>, first: Stop): Promise<void> {
  let stop: Stop | undefined = first;
  const ended = w.ended.then(() => undefined);
  while (stop) {
    await stop.session.customRequest('continue', { threadId: stop.threadId }).then(undefined, () => undefined);
    stop = await withTimeout(Promise.race([w.nextStop(), ended]), 60_000, 'the next stop or the end of the session');
    if (stop) log(`    continued past a further stop (${stop.reason})`);
  }
}

function ourBreakpointsAt(file: string, line: number): vscode.SourceBreakpoint[] {
  return vscode.debug.breakpoints.filter((b): b is vscode.SourceBreakpoint =>
    b instanceof vscode.SourceBreakpoint && b.location.uri.fsPath === file && b.location.range.start.line === line - 1);
}

describe('Retry locally (runnable debug type)', function () {
  this.timeout(180_000);
  let api: Services;
  let python: string;
  /** Extra env for every retry: the stand-in when runnable is not importable. */
  let pyEnv: Record<string, string> = {};
  /** RUNNABLE_TEST_PYTHON imports the real runnable (else the stand-in is on pyEnv's PYTHONPATH). */
  let realRunnable = false;
  const temps: string[] = [];

  before(async () => {
    api = await getApi();
    python = testPython();
    realRunnable = false;
    try {
      execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' });
      realRunnable = true;
    } catch {
      realRunnable = false;
    }
    if (!realRunnable) pyEnv = { PYTHONPATH: path.join(repoRoot(), 'test', 'standin') };
    log(`    interpreter ${python}; ${realRunnable ? 'real runnable' : 'stand-in test/standin (runnable not importable)'}`);
    // Global (user) settings: the workspace's .vscode folder is never written.
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', python, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
  });

  /** A fresh copy of examples/ to retry in. */
  const copyExamples = (): string => copyWorkspace('runnable-retry-', temps);

  async function refFor(runId: string): Promise<RunRef> {
    for (const d of await api.runs.descriptors()) {
      const runs = await api.runs.listRuns(d.id).catch(() => []);
      if (runs.some((r) => r.runId === runId)) return { storeId: d.id, runId };
    }
    throw new Error(`no store in examples/ lists ${runId}`);
  }

  /** Launch overrides pointing the retry at the copy: same config, relative to the copy. */
  function overridesFor(ref: RunRef, tmp: string, env: Record<string, string>): Record<string, unknown> {
    const config = api.runs.store(ref.storeId)?.descriptor.configFiles[0];
    return {
      cwd: tmp,
      ...(config ? { configFile: path.join(tmp, path.relative(workspaceRoot(), config)) } : {}),
      env: { ...pyEnv, ...env },
    };
  }

  async function expectDeployStop(w: ReturnType<typeof watchSessions>, tmp: string, first?: Stop): Promise<Stop> {
    const stop = first ?? await withTimeout(w.nextStop(), 90_000, 'the debugger to stop in the failed step');
    assert.strictEqual(stop.reason, 'breakpoint');
    const frame = await topFrame(stop);
    log(`    stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
    assert.strictEqual(frame.name, 'deploy_model');
    assert.strictEqual(frame.line, 16, 'the first line of deploy_model\'s body, after its docstring');
    assert.strictEqual(path.posix.basename(frame.source?.path ?? ''), 'functions.py');
    assert.ok(decodeURIComponent(frame.source?.path ?? '').includes(path.basename(tmp)), 'the copy\'s functions.py, not examples/');
    const vars = await locals(stop, frame);
    log(`    locals ${JSON.stringify(vars)}`);
    assert.strictEqual(vars.model, "{'weights': [0.0, 0.5, 1.0], 'trained_on': 6}", 'the pickled model, restored from the catalog');
    assert.strictEqual(vars.endpoint, "'churn-model'");
    assert.strictEqual(vars.score, '0.91');
    return stop;
  }

  it('Retry locally on prod-failure-001 stops in deploy_model with its restored inputs, then cleans up', async () => {
    const tmp = copyExamples();
    const ref = await refFor('prod-failure-001');
    const userFile = path.join(workspaceRoot(), 'functions.py');
    const userBp = new vscode.SourceBreakpoint(new vscode.Location(vscode.Uri.file(userFile), new vscode.Position(9, 0)));
    vscode.debug.addBreakpoints([userBp]);
    const w = watchSessions();
    const endReports: RetryOutcome[] = [];
    const endSub = api.retryEnded!((o) => endReports.push(o));
    try {
      // DEPLOY_URL lets the step succeed once continued, so the retried run completes.
      const t0 = Date.now();
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', { ref }, overridesFor(ref, tmp, { DEPLOY_URL: 'http://deploy.test' }));
      const launched = Date.now() - t0;
      assert.ok(result, 'the command returns its outcome');
      assert.strictEqual(result.blocked, undefined, `not blocked: ${result.blocked}`);
      assert.strictEqual(result.started, true);
      assert.strictEqual(result.plan?.retryIndicator, '2');
      assert.deepStrictEqual(result.plan?.skipped, ['load_data', 'train_model']);
      log(`    prepared in ${result.timings?.totalMs.toFixed(0)} ms (plan ${result.timings?.planMs.toFixed(0)}, pre-flight ${result.timings?.preflightMs.toFixed(0)})`);
      const banner = result.banner.join('\n');
      assert.match(banner, /retrying run prod-failure-001 with retry indicator 2/);
      assert.match(banner, /skipped.*load_data, train_model/);
      assert.match(banner, /Call to the function functions\.deploy_model did not succeed/, 'the original failure message');
      assert.match(banner, /deploy[A-Z0-9]{3}\.execution\.log/, 'the tail of the step\'s captured output from the catalog');
      assert.match(banner, /RuntimeError: no deployment url for churn-model/, 'the original exception, from the captured output');

      const ours = path.join(tmp, 'functions.py');
      const firstStop = await withTimeout(w.nextStop(), 90_000, 'the first stop');
      const toStop = Date.now() - t0;
      const own = result.timings?.totalMs ?? NaN;
      // Read by scripts/bench/retry-stop.mjs (timings are measured here, asserted nowhere).
      log(`[bench] retry-stop command_to_stopped_ms=${toStop} ours_ms=${own.toFixed(0)} plan_ms=${result.timings?.planMs.toFixed(0)} preflight_ms=${result.timings?.preflightMs.toFixed(0)} rest_ms=${(toStop - own).toFixed(0)} launched_ms=${launched}`
        + ` adapter_up_ms=${(w.firstAt.get('response:initialize') ?? NaN) - t0} debuggee_up_ms=${(w.firstAt.get('event:process') ?? NaN) - t0}`
        + ` probe_blocked_ms=${(result.timings?.probeBlockedMs ?? NaN).toFixed(0)} probe_wall_ms=${(result.timings?.probeWallMs ?? NaN).toFixed(0)} probe_cpu_ms=${(result.timings?.probeCpuMs ?? NaN).toFixed(0)} probe_cached=${result.timings?.probeCached ? 1 : 0}`
        + ` find_run_ms=${(result.timings?.findRunMs ?? NaN).toFixed(0)} ours_cpu_ms=${(result.timings?.cpuMs ?? NaN).toFixed(0)}`);
      const stop = await expectDeployStop(w, tmp, firstStop);
      assert.strictEqual(ourBreakpointsAt(ours, 16).length, 1, 'our breakpoint is set while the session runs');
      await continueToEnd(w, stop);
      await withTimeout(w.ended, 60_000, 'the session to end');
      assert.deepStrictEqual(ourBreakpointsAt(ours, 16), [], 'our breakpoint is removed when the session ends');
      assert.ok(vscode.debug.breakpoints.includes(userBp), 'the user\'s own breakpoint stays');
      // The retry really ran in the copy: the run log there records the new attempt, examples/ does not.
      const copied = fs.readFileSync(path.join(tmp, '.run_log_store', 'prod-failure-001.json'), 'utf8');
      assert.match(copied, /"retry_indicator": "2"/);
      const original = fs.readFileSync(path.join(workspaceRoot(), '.run_log_store', 'prod-failure-001.json'), 'utf8');
      assert.doesNotMatch(original, /"retry_indicator": "2"/);
      // The one end notification says how the run stands now, read from the store the retry wrote (the copy).
      const report = await waitUntil(() => endReports.find((o) => o.sessionId === result.sessionId), { what: 'the end report of the retry' });
      assert.strictEqual(report.ended?.runStatus, 'SUCCESS', report.ended?.text);
      assert.match(report.ended?.text ?? '', /^Retry 2 of prod-failure-001 ended: the run is now SUCCESS\.$/);
    } finally {
      endSub.dispose();
      w.dispose();
      vscode.debug.removeBreakpoints([userBp]);
    }
  });

  it('Runnable: Retry Run and a launch.json-style configuration stop at the same place', async () => {
    const ref = await refFor('prod-failure-001');
    for (const how of ['retryRun', 'launch.json'] as const) {
      const tmp = copyExamples();
      const w = watchSessions();
      try {
        const overrides = overridesFor(ref, tmp, { DEPLOY_URL: 'http://deploy.test' });
        if (how === 'retryRun') {
          const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryRun', ref, overrides);
          assert.strictEqual(result?.started, true, `started (blocked: ${result?.blocked})`);
        } else {
          const folder = vscode.workspace.workspaceFolders?.[0];
          const started = await vscode.debug.startDebugging(folder, {
            type: 'runnable', request: 'launch', name: 'Retry prod-failure-001', runId: 'prod-failure-001', ...overrides,
          });
          assert.strictEqual(started, true);
        }
        const stop = await expectDeployStop(w, tmp);
        assert.strictEqual(w.started[0]?.configuration.env.RUNNABLE_RETRY_RUN_ID, 'prod-failure-001');
        await continueToEnd(w, stop);
        await withTimeout(w.ended, 60_000, 'the session to end');
        assert.deepStrictEqual(ourBreakpointsAt(path.join(tmp, 'functions.py'), 16), [], `${how}: our breakpoint is removed`);
      } finally {
        w.dispose();
      }
    }
  });

  it('a launch configuration with runId ${command:runnable.pickFailedRun} asks in a quick pick, answered through the UI', async () => {
    const tmp = copyExamples();
    const ref = await refFor('prod-failure-001');
    // The pick lists failed runs store by store, in list order: where prod-failure-001 sits decides how far to move.
    const rows: RunRef[] = [];
    for (const d of await api.runs.descriptors()) {
      const runs = await api.runs.listRuns(d.id).catch(() => []);
      for (const r of runs) if (!r.error && r.status === 'FAIL') rows.push({ storeId: d.id, runId: r.runId });
    }
    const index = rows.findIndex((r) => r.runId === ref.runId && r.storeId === ref.storeId);
    assert.ok(index >= 0, `prod-failure-001 is among the failed runs (${rows.map((r) => r.runId).join(', ')})`);
    const w = watchSessions();
    try {
      const folder = vscode.workspace.workspaceFolders?.[0];
      const { cwd, configFile, env } = overridesFor(ref, tmp, { DEPLOY_URL: 'http://deploy.test' }) as { cwd: string; configFile: string; env: Record<string, string> };
      let started: boolean | undefined;
      // The pick says when it has listed its rows (what a user now sees): moves made before that would do nothing.
      const shown = new Promise<RunRef[]>((resolve) => {
        const d = (api.runs as RunsModel).picker.onDidShowRows((e) => { d.dispose(); resolve(e.rows); });
      });
      void Promise.resolve(vscode.debug.startDebugging(folder, {
        type: 'runnable', request: 'launch', name: 'Retry a picked run', runId: '${command:runnable.pickFailedRun}', cwd, configFile, env,
      })).then((ok) => { started = ok; }, () => { started = false; });
      // As a user would: once the rows are listed, move down to the run and press Enter. (Moves made while the pick
      // is still listing do nothing, and a repeated gesture would then land on another row.)
      const listed = await withTimeout(shown, 60_000, 'the failed-run quick pick to list its rows');
      assert.strictEqual(listed.length, rows.length, 'the pick lists the failed runs counted above');
      assert.deepStrictEqual(listed.map((r) => r.runId), rows.map((r) => r.runId), 'in the order counted above');
      for (let i = 0; i < index; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
      await acceptPicksUntil(() => started !== undefined || w.started.length > 0, 'the failed-run quick pick to be answered and the session to start', 90_000);
      const stop = await expectDeployStop(w, tmp);
      const session = w.started[0];
      assert.strictEqual(session.configuration.runId, 'prod-failure-001', 'the picked run id replaced ${command:runnable.pickFailedRun}');
      assert.strictEqual(session.configuration.env.RUNNABLE_RETRY_RUN_ID, 'prod-failure-001');
      await continueToEnd(w, stop);
      await withTimeout(w.ended, 60_000, 'the session to end');
      assert.strictEqual(started, true);
      assert.deepStrictEqual(ourBreakpointsAt(path.join(tmp, 'functions.py'), 16), [], 'our breakpoint is removed');
    } finally {
      w.dispose();
    }
  });

  it('a pipeline that gained a step since the run is refused before launching, naming the step; no session starts', async () => {
    const tmp = copyExamples();
    const pipeline = path.join(tmp, 'pipeline.py');
    const src = fs.readFileSync(pipeline, 'utf8');
    const edited = src.replace(
      'PythonTask(function=send_notification, name="notify"),',
      'PythonTask(function=send_notification, name="notify"),\n            PythonTask(function=run_tests, name="smoke_check"),',
    );
    assert.notStrictEqual(edited, src, 'the copy\'s pipeline.py gained a step');
    fs.writeFileSync(pipeline, edited);
    const runLog = path.join(tmp, '.run_log_store', 'prod-failure-001.json');
    const logBefore = fs.readFileSync(runLog, 'utf8');
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    try {
      const before = vscode.debug.breakpoints.length;
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', ref, overridesFor(ref, tmp, { DEPLOY_URL: 'http://deploy.test' }));
      log(`    refused: ${result?.blocked}`);
      assert.strictEqual(result?.started, false);
      assert.match(result?.blocked ?? '', /prod-failure-001 cannot be retried: The pipeline changed since run prod-failure-001 \(added smoke_check[;)]/);
      assert.match(result?.blocked ?? '', /Restore the pipeline as it was, or start a new run/);
      assert.deepStrictEqual(w.started, [], 'no debug session started');
      assert.strictEqual(vscode.debug.breakpoints.length, before, 'no breakpoint left behind');
      assert.strictEqual(fs.readFileSync(runLog, 'utf8'), logBefore, 'nothing ran: the copy\'s run log is untouched');
    } finally {
      w.dispose();
    }
  });

  it('Retry Without Debugging runs the retry to the end with no stop and no breakpoint', async () => {
    const tmp = copyExamples();
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    try {
      const before = vscode.debug.breakpoints.length;
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryWithoutDebugging', ref, overridesFor(ref, tmp, { DEPLOY_URL: 'http://deploy.test' }));
      assert.strictEqual(result?.started, true, `started (blocked: ${result?.blocked})`);
      assert.strictEqual(vscode.debug.breakpoints.length, before, 'no breakpoint added');
      await withTimeout(w.ended, 90_000, 'the session to end');
      assert.deepStrictEqual(w.stops, []);
      const log = JSON.parse(fs.readFileSync(path.join(tmp, '.run_log_store', 'prod-failure-001.json'), 'utf8'));
      assert.strictEqual(log.status, 'SUCCESS', 'the retried run succeeded');
      const deploy = log.steps.deploy.attempts;
      assert.deepStrictEqual(deploy.map((a: { retry_indicator: string; status: string }) => [a.retry_indicator, a.status]), [['', 'FAIL'], ['2', 'SUCCESS']]);
    } finally {
      w.dispose();
    }
  });

  it('the map run map-fail-0001 stops in score_chunk on the failed iteration (chunk == 2)', async () => {
    const tmp = copyExamples();
    const ref = await refFor('map-fail-0001');
    const w = watchSessions();
    try {
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', ref, overridesFor(ref, tmp, { ALLOW_CHUNK_TWO: '1' }));
      assert.strictEqual(result?.started, true, `started (blocked: ${result?.blocked})`);
      const stop = await withTimeout(w.nextStop(), 90_000, 'the stop in score_chunk');
      assert.strictEqual(stop.reason, 'breakpoint');
      const frame = await topFrame(stop);
      log(`    stopped at ${frame.name}:${frame.line}`);
      assert.strictEqual(frame.name, 'score_chunk');
      assert.strictEqual(frame.line, 10);
      assert.strictEqual((await locals(stop, frame)).chunk, '2');
      await continueToEnd(w, stop);
      await withTimeout(w.ended, 60_000, 'the session to end');
      assert.strictEqual(w.stops.filter((s) => s.reason === 'breakpoint').length, 1, 'the conditional breakpoint fires only for the failed iteration');
    } finally {
      w.dispose();
    }
  });

  it('a run that is still PROCESSING is refused with the reason and starts no session', async () => {
    const tmp = copyExamples();
    const file = path.join(tmp, '.run_log_store', 'prod-failure-001.json');
    const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    raw.status = 'PROCESSING';
    fs.writeFileSync(file, JSON.stringify(raw, null, 2));
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    try {
      const before = vscode.debug.breakpoints.length;
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', ref, overridesFor(ref, tmp, {}));
      assert.strictEqual(result?.started, false);
      assert.match(result?.blocked ?? '', /prod-failure-001 cannot be retried: .*(running|PROCESSING)/i);
      assert.deepStrictEqual(w.started, [], 'no debug session started');
      assert.strictEqual(vscode.debug.breakpoints.length, before, 'no breakpoint left behind');
    } finally {
      w.dispose();
    }
  });

  it('a fixed function that raises again: the session stops at the raise in the user\'s code, and the end report names the cause', async () => {
    const tmp = copyExamples();
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    const endReports: RetryOutcome[] = [];
    const endSub = api.retryEnded!((o) => endReports.push(o));
    try {
      // No DEPLOY_URL: deploy_model raises again after the stop at its first line.
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', { ref }, overridesFor(ref, tmp, {}));
      assert.strictEqual(result?.started, true, result?.blocked);
      const first = await expectDeployStop(w, tmp);
      await first.session.customRequest('continue', { threadId: first.threadId });
      const raised = await withTimeout(w.nextStop(), 60_000, 'the stop at the raise');
      assert.strictEqual(raised.reason, 'exception');
      const top = await topFrame(raised);
      assert.strictEqual(top.source?.path && path.basename(top.source.path), 'functions.py', `stopped in ${top.source?.path}`);
      const source = fs.readFileSync(path.join(tmp, 'functions.py'), 'utf8').split('\n');
      assert.match(source[top.line - 1], /raise RuntimeError/, `the raise line, not runnable's frames: ${source[top.line - 1]}`);
      const info = await raised.session.customRequest('exceptionInfo', { threadId: raised.threadId });
      assert.match(String(info.description ?? info.exceptionId), /no deployment url for churn-model|RuntimeError/);
      await continueToEnd(w, raised);
      const report = await waitUntil(() => endReports.find((o) => o.sessionId === result!.sessionId), { what: 'the end report of the retry' });
      assert.strictEqual(report.ended?.runStatus, 'FAIL');
      assert.strictEqual(report.ended?.failedStep, 'deploy');
      assert.strictEqual(report.ended?.cause, 'RuntimeError: no deployment url for churn-model');
      assert.match(report.ended?.text ?? '', /^Retry 2 of prod-failure-001 ended: the run failed again at deploy: RuntimeError: no deployment url for churn-model$/);
    } finally {
      endSub.dispose();
      w.dispose();
    }
  });

  it('Retry With… DEPLOY_URL=… (the function checks it) ends SUCCESS and the end report says so; the answers are offered again next time', async () => {
    const ref = await refFor('prod-failure-001');
    const endReports: RetryOutcome[] = [];
    const endSub = api.retryEnded!((o) => endReports.push(o));
    const runOnce = async (answer: (done: () => boolean) => Promise<void>, answers?: { env: Record<string, string>; retryIndicator: string }): Promise<RetryOutcome> => {
      const tmp = copyExamples();
      const w = watchSessions();
      try {
        let result: RetryCommandResult | undefined;
        let done = false;
        const p = Promise.resolve(vscode.commands.executeCommand<RetryCommandResult>(Commands.retryWith, ref, overridesFor(ref, tmp, {}), answers))
          .then((r) => { result = r; }).finally(() => { done = true; });
        await answer(() => done);
        await p;
        assert.strictEqual(result?.started, true, result?.blocked);
        const stop = await expectDeployStop(w, tmp);
        await continueToEnd(w, stop);
        const report = await waitUntil(() => endReports.find((o) => o.sessionId === result!.sessionId), { what: 'the end report' });
        const written = JSON.parse(fs.readFileSync(path.join(tmp, '.run_log_store', 'prod-failure-001.json'), 'utf8'));
        assert.strictEqual(written.status, 'SUCCESS');
        return report;
      } finally {
        w.dispose();
      }
    };
    try {
      // First time with the answers given (as another command would): they are remembered for this run.
      const first = await runOnce(async () => undefined, { env: { DEPLOY_URL: 'http://deploy.test' }, retryIndicator: '' });
      assert.strictEqual(first.ended?.runStatus, 'SUCCESS', first.ended?.text);
      assert.match(first.ended?.text ?? '', /ended: the run is now SUCCESS/);
      // Second time through the UI: Enter on each input box and on "Retry Now" takes last time's answers, which the
      // boxes offer (without DEPLOY_URL deploy_model would raise and the run stay FAIL).
      const second = await runOnce((done) => acceptPicksUntil(done, 'Retry With… (remembered answers) to be accepted'));
      assert.strictEqual(second.ended?.runStatus, 'SUCCESS', second.ended?.text);
    } finally {
      endSub.dispose();
    }
  });

  it('an interpreter without debugpy is refused, naming the interpreter and the fix, and starts nothing', async function () {
    // With the Python Debugger extension installed its debugpy is used instead (the test below).
    if (vscode.extensions.getExtension('ms-python.debugpy')) this.skip();
    const tmp = copyExamples();
    const venv = path.join(tmp, '.bare-venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const bare = path.join(venv, 'bin', 'python');
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    try {
      const before = vscode.debug.breakpoints.length;
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', ref, { ...overridesFor(ref, tmp, {}), python: bare });
      assert.strictEqual(result?.started, false);
      // With the stand-in on PYTHONPATH the bare venv imports runnable; the real runnable lives in another venv.
      const missing = realRunnable ? 'runnable and debugpy are' : 'debugpy is';
      assert.ok(result?.blocked?.includes(`${missing} not importable in ${bare}`), result?.blocked);
      assert.match(result?.blocked ?? '', /The retry did not start/);
      // The way out, as buttons on the one message: the install for this environment, the Python Debugger extension
      // (its debugpy needs no install into the interpreter), a folder holding debugpy, another interpreter.
      assert.deepStrictEqual(result?.actions?.slice(1), ['Install Python Debugger Extension', 'Use a debugpy Folder…', 'Select Interpreter']);
      assert.match(result?.actions?.[0] ?? '', realRunnable ? /^Install runnable and debugpy$/ : /^Install debugpy$/);
      assert.deepStrictEqual(w.started, [], 'no debug session started');
      assert.strictEqual(vscode.debug.breakpoints.length, before, 'no breakpoint left behind');
    } finally {
      w.dispose();
    }
  });

  /**
   * A venv without debugpy (and without pip: uv makes such venvs) retries anyway with a debugpy from elsewhere: the
   * debugger stops in deploy_model with its restored inputs, and nothing was installed into the venv.
   */
  async function retryWithoutInterpreterDebugpy(expectedBanner: RegExp): Promise<vscode.DebugSession> {
    const tmp = copyExamples();
    const venv = path.join(tmp, '.venv-without-debugpy');
    const bare = path.join(venv, 'bin', 'python');
    const purelib = (py: string) => execFileSync(py, ['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])'], { encoding: 'utf8' }).trim();
    if (realRunnable) {
      // The real runnable lives in the test interpreter's own venv, beside debugpy: the bare venv gets that venv's
      // packages except debugpy and pip, linked into its own site-packages (so debugpy counts them as library code).
      execFileSync(python, ['-m', 'venv', '--without-pip', venv]);
      const from = purelib(python);
      const to = purelib(bare);
      for (const name of fs.readdirSync(from)) if (!/^(debugpy|pip)\b/i.test(name) && !fs.existsSync(path.join(to, name))) fs.symlinkSync(path.join(from, name), path.join(to, name));
    } else {
      // The base interpreter's packages (PyYAML, which the runnable stand-in reads YAML with), but no debugpy and no pip.
      execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
    }
    assert.throws(() => execFileSync(bare, ['-c', 'import debugpy'], { stdio: 'ignore', env: { ...process.env, ...pyEnv } }), 'the venv has no debugpy (nor has the base python3)');
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    try {
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', ref, { ...overridesFor(ref, tmp, { DEPLOY_URL: 'http://deploy.test' }), python: bare });
      assert.strictEqual(result?.blocked, undefined, `not blocked: ${result?.blocked}`);
      assert.strictEqual(result?.started, true);
      assert.match(result.banner.join('\n'), expectedBanner);
      const stop = await expectDeployStop(w, tmp);
      const session = w.started[0];
      assert.strictEqual(session.configuration.python, bare, 'the venv runs the retry');
      await continueToEnd(w, stop);
      await withTimeout(w.ended, 60_000, 'the session to end');
      assert.throws(() => execFileSync(bare, ['-c', 'import debugpy'], { stdio: 'ignore', env: { ...process.env, ...pyEnv } }), 'still no debugpy in the venv');
      assert.match(fs.readFileSync(path.join(tmp, '.run_log_store', 'prod-failure-001.json'), 'utf8'), /"retry_indicator": "2"/);
      return session;
    } finally {
      w.dispose();
    }
  }

  it('a venv without debugpy retries with the debugpy folder `runnable.debugpyPath` names (pip install --target) and stops in deploy_model', async function () {
    const target = process.env.RUNNABLE_TEST_DEBUGPY_TARGET;
    if (!target || !fs.existsSync(path.join(target, 'debugpy'))) {
      log('    (skipped: RUNNABLE_TEST_DEBUGPY_TARGET is not a `pip install --target` folder; scripts/test-vscode.sh sets it)');
      this.skip();
    }
    await vscode.workspace.getConfiguration('runnable').update('debugpyPath', target, vscode.ConfigurationTarget.Global);
    try {
      const session = await retryWithoutInterpreterDebugpy(/Debugging with the debugpy folder named by `runnable\.debugpyPath`/);
      assert.strictEqual(session.configuration.runnableDebugpyPackage, path.join(target!, 'debugpy'));
    } finally {
      await vscode.workspace.getConfiguration('runnable').update('debugpyPath', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('with the Python Debugger extension installed, a venv without debugpy retries with the extension\'s debugpy (its API) and stops in deploy_model', async function () {
    const ext = vscode.extensions.getExtension<{ debug: { getDebuggerPackagePath(): Promise<string | undefined> } }>('ms-python.debugpy');
    if (!ext) {
      log('    (skipped: ms-python.debugpy is not installed; scripts/test-vscode.sh runs this test again with its test double)');
      this.skip();
    }
    const pkg = await (await ext.activate()).debug.getDebuggerPackagePath();
    assert.ok(pkg && fs.existsSync(path.join(pkg, 'adapter')), `the extension names a debugpy package: ${pkg}`);
    const session = await retryWithoutInterpreterDebugpy(/Debugging with the Python Debugger extension's debugpy/);
    assert.strictEqual(session.configuration.runnableDebugpyPackage, pkg, 'the adapter ran from the extension\'s debugpy');
  });

  it('an interpreter with debugpy but without runnable is refused before launch, with the buttons, and starts nothing', async () => {
    const tmp = copyExamples();
    const venv = path.join(tmp, '.no-runnable-venv');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const bare = path.join(venv, 'bin', 'python');
    // The tests' real debugpy, and nothing else, on that interpreter's path.
    const debugpyDir = execFileSync(python, ['-c', 'import debugpy, os; print(os.path.dirname(debugpy.__file__))'], { encoding: 'utf8' }).trim();
    const pp = path.join(tmp, '.debugpy-only');
    fs.mkdirSync(pp);
    fs.symlinkSync(debugpyDir, path.join(pp, 'debugpy'));
    const ref = await refFor('prod-failure-001');
    const w = watchSessions();
    try {
      const result = await vscode.commands.executeCommand<RetryCommandResult>('runnable.retryLocally', ref, { ...overridesFor(ref, tmp, {}), python: bare, env: { PYTHONPATH: pp } });
      assert.strictEqual(result?.started, false);
      assert.ok(result?.blocked?.includes(`runnable is not importable in ${bare}`), result?.blocked);
      assert.ok(!result?.blocked?.includes('debugpy'), `only runnable is missing: ${result?.blocked}`);
      assert.deepStrictEqual(result?.actions, ['Install runnable', 'Select Interpreter', 'Open Setting']);
      assert.deepStrictEqual(w.started, [], 'no debug session started');
    } finally {
      w.dispose();
    }
  });

  it('Copy Retry Command gives a shell line that retries the run outside VS Code', async () => {
    const tmp = copyExamples();
    const ref = await refFor('prod-failure-001');
    const text = await vscode.commands.executeCommand<string>('runnable.copyRetryCommand', ref, { ...overridesFor(ref, tmp, {}), env: {} });
    log(`    ${text}`);
    assert.ok(text);
    assert.match(text, /RUNNABLE_RETRY_RUN_ID=prod-failure-001 RUNNABLE_RETRY_INDICATOR=2 RUNNABLE_CONFIGURATION_FILE=\S+ \S+ -c '.*"pipeline".*"main".*'$/);
    const out = execFileSync('sh', ['-c', text], { env: { ...process.env, ...pyEnv, DEPLOY_URL: 'http://deploy.test' }, encoding: 'utf8' });
    log(`    its output ends: ${out.trim().split('\n').slice(-1)[0]}`);
    assert.match(fs.readFileSync(path.join(tmp, '.run_log_store', 'prod-failure-001.json'), 'utf8'), /"retry_indicator": "2"/);
  });

  /** A fresh copy of one of the real-runnable fixture workspaces (test/fixtures/runnable/<name>). */
  function copyFixture(name: string): string {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `runnable-fixture-${name}-`));
    temps.push(tmp);
    fs.cpSync(path.join(repoRoot(), 'test', 'fixtures', 'runnable', name), tmp, { recursive: true });
    return tmp;
  }

  /**
   * Retry Locally on a copy of a fixture: the session stops in `fn` at `file`:`line` (the path's ending), `check`
   * looks at the frame's locals, the session runs to its end, and `after` looks at the run log written.
   */
  async function retryStopsIn(
    tmp: string,
    runId: string,
    env: Record<string, string>,
    stop: { fn: string; line: number; file: string },
    check: (vars: Record<string, string>) => void,
    after: (log: any) => void,
  ): Promise<void> {
    const w = watchSessions();
    try {
      const started = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'runnable', request: 'launch', name: `Retry ${runId}`, runId, cwd: tmp, env: { ...pyEnv, ...env },
      });
      assert.strictEqual(started, true);
      const stopped = await withTimeout(w.nextStop(), 90_000, `the debugger to stop in ${stop.fn}`);
      const frame = await topFrame(stopped);
      log(`    stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
      assert.strictEqual(frame.name, stop.fn);
      assert.strictEqual(frame.line, stop.line);
      assert.ok(decodeURIComponent(frame.source?.path ?? '').endsWith(stop.file));
      check(await locals(stopped, frame));
      await continueToEnd(w, stopped);
      await withTimeout(w.ended, 60_000, 'the session to end');
      after(JSON.parse(fs.readFileSync(path.join(tmp, '.run_log_store', `${runId}.json`), 'utf8')));
    } finally {
      w.dispose();
    }
  }

  it('a documented example in a hyphenated package (examples/09-retry/map.py) stops in handle on the failed chunk with its input', async () => {
    await retryStopsIn(copyFixture('docs-09-retry'), 'docs-map-0001', { should_pass: 'true' }, { fn: 'handle', line: 12, file: path.join('examples', '09-retry', 'map.py') },
      (vars) => assert.strictEqual(vars.chunk, '2', 'the failed iteration, as runnable passes it'),
      (after) => {
        assert.strictEqual(after.status, 'SUCCESS', 'the fixed retry (should_pass=true) ends SUCCESS');
        const handle = after.steps['per chunk'].branches['per chunk.2'].steps['per chunk.2.handle'].attempts;
        assert.deepStrictEqual(handle.map((a: { status: string }) => a.status), ['FAIL', 'SUCCESS'], 'the FAIL attempt kept, one appended');
      });
  });

  it('an AsyncPipeline whose tasks are imported from the project (async-imported) re-runs its script and stops in publish', async () => {
    // pyEnv may carry a PYTHONPATH of its own (the stand-in): the project folder must still come first.
    await retryStopsIn(copyFixture('async-imported'), 'async-imported-0001', { FX_PUBLISH_OK: 'true' }, { fn: 'publish', line: 17, file: path.join('pipelines', 'steps.py') },
      (vars) => assert.strictEqual(vars.converted, "{'USD': 108.0, 'GBP': 85.0}", 'the recorded input, as runnable passes it'),
      (after) => {
        assert.strictEqual(after.status, 'SUCCESS', 'the fixed retry (FX_PUBLISH_OK=true) ends SUCCESS');
        assert.deepStrictEqual(after.steps.publish.attempts.map((a: { status: string }) => a.status), ['FAIL', 'SUCCESS'], 'the FAIL attempt kept, one appended');
        assert.deepStrictEqual(after.steps['fetch rates'].attempts.length, 1, 'fetch rates skipped');
      });
  });

  it('a pipeline run as `python flows/pipe.py` (its siblings imported from flows/) stops in train with its input', async () => {
    await retryStopsIn(copyFixture('nested-script'), 'nested-0001', { FIXED: '1' }, { fn: 'train', line: 9, file: path.join('flows', 'steps.py') },
      (vars) => assert.strictEqual(vars.rows, '40', 'the recorded input, as runnable passes it'),
      (after) => {
        assert.strictEqual(after.status, 'SUCCESS', 'the fixed retry (FIXED=1) ends SUCCESS');
        assert.deepStrictEqual(after.steps.report.attempts.map((a: { status: string }) => a.status), ['SUCCESS'], 'report, never reached, ran');
      });
  });

  it('a step runnable stopped before calling (its secret was missing) stops in s3 with the run\'s parameters once the secret is set', async () => {
    await retryStopsIn(copyFixture('never-called'), 'nc-secret-0002', { OTHER_SECRET: 'also' }, { fn: 's3', line: 17, file: 'steps.py' },
      (vars) => assert.deepStrictEqual([vars.x, vars.y], ['5', '6'], 'the parameters the failed attempt never recorded, as runnable passes them'),
      (after) => {
        assert.strictEqual(after.status, 'SUCCESS');
        assert.deepStrictEqual(after.steps.s3.attempts.map((a: { status: string; message: string }) => [a.status, a.message]), [['FAIL', ''], ['SUCCESS', '']]);
      });
  });

  it('a launch.json configFile naming a mocked config asks first; Enter (Cancel) starts nothing and the FAIL attempt stays', async () => {
    const tmp = copyFixture('mixed-configs');
    const file = path.join(tmp, '.run_log_store', 'mixed-local-0001.json');
    const before = fs.readFileSync(file, 'utf8');
    const w = watchSessions();
    try {
      let done = false;
      const starting = Promise.resolve(vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
        type: 'runnable', request: 'launch', name: 'Retry mixed-local-0001', runId: 'mixed-local-0001', cwd: tmp, configFile: path.join(tmp, 'configs', 'mocked.yaml'), env: pyEnv,
      })).finally(() => { done = true; });
      await acceptPicksUntil(() => done, 'the mocked-config confirmation to be answered');
      assert.strictEqual(await starting, false, 'no session');
      assert.deepStrictEqual(w.started, []);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), before, 'the run log is untouched: its FAIL attempt intact');
    } finally {
      w.dispose();
    }
  });

  it('the runnable debug type offers an initial configuration that picks a failed run', () => {
    const pkg = vscode.extensions.getExtension('runnable-tools.runnable-retry')?.packageJSON as { contributes: { debuggers: { type: string; initialConfigurations: { runId: string }[] }[] } };
    const dbg = pkg.contributes.debuggers.find((d) => d.type === 'runnable');
    assert.strictEqual(dbg?.initialConfigurations[0].runId, '${command:runnable.pickFailedRun}');
    // "create a launch.json file" writes initialConfigurations plus what an Initial provider returns: ours returns
    // none, so the file gets the configuration once.
    assert.strictEqual(dbg?.initialConfigurations.length, 1);
    assert.strictEqual((RetryConfigurationProvider.prototype as vscode.DebugConfigurationProvider).provideDebugConfigurations, undefined);
  });
});
