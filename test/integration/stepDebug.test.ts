// Debug Step with Recorded Inputs in a real VS Code: from the tree's step, a `runnable` session stops on the first
// body line of a SUCCEEDED step's function (train_model) with the inputs its attempt recorded, reports that the call
// returned the recorded outputs, removes its breakpoint, and leaves the run log store and catalog byte-for-byte as
// they were (examples/ itself is used: nothing may write to it).
import * as assert from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DebugStepResult } from '../../src/vscode/commands/stepCommands';
import type { RetryOutcome } from '../../src/vscode/debug/retrySessions';
import type { Services } from '../../src/vscode/services';
import { treeSnapshot } from '../helpers/treeSnapshot';
import { getApi, log, refOf, testPython, useTestPython, waitUntil, withTimeout, workspaceRoot } from './helpers';

/** Every file of examples/' run log store and catalog (mtime, size, content hash). */
const stores = (root: string) => ({ ...treeSnapshot(path.join(root, '.run_log_store')), ...treeSnapshot(path.join(root, '.catalog')) });

describe('Debug Step with Recorded Inputs', function () {
  this.timeout(180_000);
  let api: Services;
  useTestPython();

  before(async () => { api = await getApi(); });

  it('stops in a succeeded train_model with its recorded inputs, reports the outputs match, writes nothing to the store', async () => {
    const root = workspaceRoot();
    const before = stores(root);
    const ref = await refOf('prod-failure-001');

    const stops: { session: vscode.DebugSession; threadId: number; reason: string }[] = [];
    const ends: RetryOutcome[] = [];
    const subs = [
      vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
        createDebugAdapterTracker: (session) => ({
          onDidSendMessage: (m: { type: string; event?: string; body?: { reason: string; threadId: number } }) => {
            if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push({ session, threadId: m.body.threadId, reason: m.body.reason });
          },
        }),
      }),
      api.retryEnded!((o) => ends.push(o)),
    ];
    try {
      const result = await vscode.commands.executeCommand<DebugStepResult>('runnable.debugStep', { ref: { ...ref, stepInternalName: 'train_model' } });
      assert.ok(result?.started, `started: ${JSON.stringify(result?.blocked)}`);
      const banner = result.banner.join('\n');
      log(`    banner: ${banner}`);
      assert.match(banner, /Debug Step: train_model of run prod-failure-001, attempt 1 \(SUCCESS\), calling functions\.train_model \(functions\.py:10\)/);
      assert.match(banner, /Inputs the attempt recorded: rows \(json\), learning_rate \(json\), endpoint \(json\), data \(json\);/);
      const functions = path.join(root, 'functions.py');
      assert.strictEqual(vscode.debug.breakpoints.filter((b) => b instanceof vscode.SourceBreakpoint && b.location.uri.fsPath === functions && b.location.range.start.line === 9).length, 1, 'a session breakpoint on line 10');

      await waitUntil(() => stops.length > 0, { what: 'the debugger to stop in train_model', ms: 90_000 });
      const stop = stops[0];
      assert.strictEqual(stop.reason, 'breakpoint');
      const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 5 });
      const frame = st.stackFrames[0] as { id: number; name: string; line: number; source?: { path?: string } };
      log(`    stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
      assert.strictEqual(frame.name, 'train_model');
      assert.strictEqual(frame.line, 10);
      const { scopes } = await stop.session.customRequest('scopes', { frameId: frame.id });
      const scope = scopes.find((s: { name: string }) => /^locals$/i.test(s.name));
      const { variables } = await stop.session.customRequest('variables', { variablesReference: scope.variablesReference });
      const vars = Object.fromEntries(variables.map((v: { name: string; value: string }) => [v.name, v.value]));
      log(`    locals ${JSON.stringify(vars)}`);
      assert.strictEqual(vars.data, '[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]', 'the recorded list, floats kept');
      assert.strictEqual(vars.learning_rate, '0.5');
      assert.deepStrictEqual(Object.keys(vars).sort(), ['data', 'learning_rate'], 'only the names the signature takes');

      // Continue until the session reports its end; any further stop is logged (with its frame) and continued.
      let seen = 1;
      await stop.session.customRequest('continue', { threadId: stop.threadId });
      await waitUntil(async () => {
        if (stops.length > seen) {
          const next = stops[seen++];
          const f = (await next.session.customRequest('stackTrace', { threadId: next.threadId, startFrame: 0, levels: 1 })).stackFrames[0];
          log(`    further stop (${next.reason}) at ${f?.name} ${f?.source?.path}:${f?.line}`);
          await next.session.customRequest('continue', { threadId: next.threadId }).then(undefined, () => undefined);
        }
        return ends.some((o) => o.stepDebug?.text);
      }, { what: 'the end report of the step session', ms: 60_000 });
      assert.strictEqual(seen, 1, 'no stop after the breakpoint');
      const text = ends.find((o) => o.stepDebug?.text)!.stepDebug!.text!;
      log(`    end: ${text}`);
      assert.strictEqual(text, 'train_model returned the recorded outputs (model, score); attempt 1 recorded SUCCESS.');
      await waitUntil(() => !vscode.debug.breakpoints.some((b) => b instanceof vscode.SourceBreakpoint && b.location.uri.fsPath === functions && b.location.range.start.line === 9), { what: 'the session breakpoint to be removed', ms: 10_000 });
      assert.deepStrictEqual(stores(root), before, 'store and catalog unchanged');
    } finally {
      subs.forEach((s) => s.dispose());
    }
  });

  it('a non-Python step is refused with a sentence', async () => {
    const ref = await refOf('shell-exit-3');
    const run = await api.runs.getRun(ref);
    const shell = run.steps.find((s) => s.type === 'task' && s.commandType === 'shell');
    assert.ok(shell, 'shell-exit-3 has a shell task');
    const result = await withTimeout(Promise.resolve(vscode.commands.executeCommand<DebugStepResult>('runnable.debugStep', { ref: { ...ref, stepInternalName: shell.internalName } })), 30_000, 'the refusal');
    assert.strictEqual(result?.started, false);
    assert.match(result?.blocked ?? '', /is a shell task: Debug Step calls Python functions/);
  });
});

describe('Create Regression Test from This Attempt', function () {
  this.timeout(120_000);
  it('writes a pytest file for the failed deploy attempt, opens it, and plain pytest reports it as an expected failure', async () => {
    const ref = await refOf('prod-failure-001');
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-regression-'));
    try {
      const written = await vscode.commands.executeCommand<{ file: string; dataDir: string }>('runnable.createRegressionTest', { ref: { ...ref, stepInternalName: 'deploy' } }, { folder: out });
      assert.ok(written, 'the command returns the file it wrote');
      assert.strictEqual(path.dirname(written.file), out);
      await waitUntil(() => vscode.window.activeTextEditor?.document.uri.fsPath === written.file, { what: 'the test file to open', ms: 10_000 });
      const text = vscode.window.activeTextEditor!.document.getText();
      assert.match(text, /@pytest\.mark\.xfail\(raises=RecordedFailure, strict=True, reason="attempt 1 of prod-failure-001 failed: RuntimeError: no deployment url for churn-model"\)/);
      const r = spawnSync(testPython(), ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', out], { cwd: out, encoding: 'utf8', env: { ...process.env, PYTHONPATH: '' } });
      log(`    pytest: ${r.stdout.trim().split('\n').pop()}`);
      assert.match(r.stdout, /1 xfailed/, r.stdout + r.stderr);
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
