// Fast glue tier: RetrySessions (src/vscode/debug/retrySessions.ts) under plain Node with the `vscode` fake. What a
// retry session owns while it lives: the breakpoints its preparation added (released when the root session ends,
// never by a debugpy child session, and only ours), and its outcome, re-read from the real run log when it ends.
import '../fakes/install';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import { debug, fakeDebug, Location, memoryLogger, Position, SourceBreakpoint, Uri, fake } from '../fakes/vscode';
import type * as vscode from 'vscode';
import { RetrySessions, type RetryOutcome } from '../../src/vscode/debug/retrySessions';
import { SESSION_KEY } from '../../src/core/retry/launchArgs';
import { attemptHistory } from '../../src/core/retry/history';
import { StoreRegistry } from '../../src/core/stores/storeRegistry';
import type { RetryPlan } from '../../src/core/retry/types';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/runnable/ml-file-system');
const RUN_ID = 'prod-failure-001';

const bp = (line: number) => new SourceBreakpoint(new Location(Uri.file(path.join(FIXTURE, 'functions.py')), new Position(line, 0))) as unknown as vscode.SourceBreakpoint;
const plan = (runId: string) => ({ runId, retryIndicator: '7', config: { file: 'local.yaml' } }) as unknown as RetryPlan;
const launch = (token: string) => ({ type: 'runnable', request: 'launch', name: 'Retry', [SESSION_KEY]: token });

async function realHistory(): Promise<NonNullable<RetryOutcome['history']>> {
  const registry = await StoreRegistry.discover({ cwd: FIXTURE, env: {} });
  const { run, store } = await registry.findRun(RUN_ID);
  return { before: attemptHistory(run), store, storeId: store.descriptor.id };
}

describe('glue: retry sessions', () => {
  const all: RetrySessions[] = [];
  const sessions = () => { const s = new RetrySessions(memoryLogger() as never); all.push(s); return s; };
  beforeEach(() => { fake.reset(); fakeDebug.reset(); });
  after(() => all.forEach((s) => s.dispose()));

  it('adds the breakpoints at prepare; only the root session owns them: a child ending keeps them, the root ending removes ours only', async () => {
    const s = sessions();
    const users = bp(3);
    debug.addBreakpoints([users as never]);
    const ours = [bp(10), bp(20)];
    s.prepare('tok-a', { plan: plan(RUN_ID), banner: [], warnings: [] }, ours);
    assert.deepEqual(debug.breakpoints.map((b) => b.id), [users, ...ours].map((b) => b.id));

    const root = fakeDebug.start(launch('tok-a'));
    // debugpy's subprocess sessions carry the parent's configuration (and its token).
    const child = fakeDebug.start(launch('tok-a'), root);
    assert.equal(s.outcome('tok-a')?.sessionId, root.id, 'the root session is the one recorded');
    fakeDebug.end(child);
    assert.equal(debug.breakpoints.length, 3, 'a child session ending keeps the retry\'s breakpoints');

    // The user deleted one of ours meanwhile: only the one still there is removed, the user's own stays.
    debug.removeBreakpoints([ours[0] as never]);
    fakeDebug.end(root);
    assert.deepEqual(debug.breakpoints.map((b) => b.id), [users.id]);
  });

  it('when the root session ends, re-reads the run, checks its history and says how it stands in one notification', async () => {
    const s = sessions();
    const history = await realHistory();
    s.prepare('tok-b', { plan: plan(RUN_ID), history, banner: [], warnings: [] }, [bp(5)]);
    const ended = new Promise<RetryOutcome>((resolve) => s.onDidEnd(resolve));
    const root = fakeDebug.start(launch('tok-b'));
    s.noteAdapterMessage(root as never, { type: 'event', event: 'output', body: { category: 'stderr', output: 'Traceback (most recent call last):\nValueError: bad rows\n' } });
    s.noteAdapterMessage(root as never, { type: 'event', event: 'exited', body: { exitCode: 1 } });
    fakeDebug.end(root);
    const o = await ended;
    // The fixture's run failed at deploy; the retry (indicator 7) appended no attempt.
    assert.equal(o.ended?.runStatus, 'FAIL');
    assert.equal(o.ended?.failedStep, 'deploy');
    assert.equal(o.ended?.exitCode, 1);
    assert.equal(o.ended?.pausedBefore, false);
    assert.match(o.ended!.text, /^Retry 7 of prod-failure-001 ended: the run failed again at deploy \(no new attempt\): /);
    assert.match(o.ended!.text, /It exited with code 1 before the debugger paused; its last error output: Traceback \(most recent call last\): \| ValueError: bad rows\./);
    assert.deepEqual(o.historyLost, [], 'every earlier attempt is still there');
    assert.equal(debug.breakpoints.length, 0);
    assert.deepEqual(fake.messages.map((m) => [m.level, m.text]), [['warn', o.ended!.text]]);
  });

  it('a session that paused reports no exit code line; a refused launch reports nothing when its session ends', async () => {
    const s = sessions();
    s.prepare('tok-c', { plan: plan(RUN_ID), history: await realHistory(), banner: [], warnings: [] }, []);
    const ended = new Promise<RetryOutcome>((resolve) => s.onDidEnd(resolve));
    const root = fakeDebug.start(launch('tok-c'));
    s.noteAdapterMessage(root as never, { type: 'event', event: 'stopped' });
    s.noteAdapterMessage(root as never, { type: 'event', event: 'exited', body: { exitCode: 1 } });
    fakeDebug.end(root);
    const o = await ended;
    assert.equal(o.ended?.pausedBefore, true);
    assert.doesNotMatch(o.ended!.text, /exited with code/);

    s.refuse('tok-d', 'Run x cannot be retried: it succeeded.');
    let fired = false;
    s.onDidEnd(() => { fired = true; });
    fakeDebug.end(fakeDebug.start(launch('tok-d')));
    await new Promise((r) => setImmediate(r));
    assert.equal(fired, false);
    assert.equal(s.outcome('tok-d')?.blocked, 'Run x cannot be retried: it succeeded.');
  });

  it('keeps 20 outcomes (F5 outcomes nobody reads back): the oldest without breakpoints go, one still holding breakpoints stays', () => {
    const s = sessions();
    const held = bp(1);
    s.prepare('held', { plan: plan('held'), banner: [], warnings: [] }, [held]);
    for (let i = 0; i < 25; i++) s.refuse(`r${i}`, `refused ${i}`);
    assert.equal(s.outcome('r0'), undefined, 'the oldest went');
    // 20 in all: the held entry and the 19 latest refusals.
    assert.equal(s.outcome('r5'), undefined);
    assert.equal(s.outcome('r6')?.blocked, 'refused 6');
    assert.equal(s.outcome('r24')?.blocked, 'refused 24');
    assert.equal(s.outcome('held')?.plan?.runId, 'held', 'an entry holding breakpoints is not dropped');
    // A launch that never started (startRunnableSession's finally) releases its breakpoints; the outcome stays readable.
    s.release('held');
    assert.equal(debug.breakpoints.length, 0);
    assert.equal(s.outcome('held')?.plan?.runId, 'held');
    // Preparing the same token again replaces the earlier breakpoints instead of adding twice.
    s.prepare('again', { banner: [], warnings: [] }, [bp(2)]);
    s.prepare('again', { banner: [], warnings: [] }, [bp(3)]);
    assert.equal(debug.breakpoints.length, 1);
    s.forget('again');
    assert.equal(debug.breakpoints.length, 0);
    assert.equal(s.outcome('again'), undefined);
  });
});
