// What each retry session owns while it lives: the breakpoints we added (removed when it ends; the user's own
// stay), its Debug Console banner, and the outcome of its preparation (read back by the commands).
import * as vscode from 'vscode';
import type { RetryPlan } from '../../core/retry/types';
import { lostHistory, type AttemptHistory } from '../../core/retry/history';
import type { Run } from '../../core/runlog/model';
import { firstFailedTask } from '../../core/runlog/rules';
import { FailureCauses } from '../../core/stores/failureCauses';
import type { RunLogStore } from '../../core/stores/runLogStore';
import { Commands } from '../../core/commandIds';
import type { Logger } from '../logger';
import { SESSION_KEY } from '../../core/retry/launchArgs';
import { cleanStepSession, describeStepResult, readStepResult, type StepDebugTarget, type StepResult } from '../../core/stepDebug/stepDebug';
import { errorMessage } from '../../core/text/errorMessage';
import { Disposable } from '../disposable';

export interface RetryOutcome {
  /** Set when the retry was refused (blocked plan, untrusted workspace, bad configuration, missing debugpy). */
  blocked?: string;
  /** The buttons the refusal offered (Install …, Select Interpreter, Open Setting). */
  actions?: string[];
  plan?: RetryPlan;
  python?: string;
  banner: string[];
  warnings: string[];
  /** Milliseconds spent in our own preparation: plan, interpreter pre-flight, launch config; `probe*`: the part of
   * the plan spent waiting on the Python probe subprocess (locate + dag), its wall and CPU time, and whether it was reused;
   * `cpuMs`: the extension host's CPU time over the whole preparation. */
  timings?: { planMs: number; preflightMs: number; totalMs: number; probeBlockedMs?: number; probeWallMs?: number; probeCpuMs?: number; probeCached?: boolean; findRunMs?: number; cpuMs?: number };
  sessionId?: string;
  /** The run's attempts before the retry and the store to re-read when the session ends (history.ts). */
  history?: { before: AttemptHistory; store: RunLogStore; /** Set when that store is one of the Runs view's. */ storeId?: string };
  /** Set once the session ended and the run was re-read: attempts of the run that the retry removed or rewrote. */
  historyLost?: string[];
  /** Debug Step sessions (stepPreparation.ts): what was called, and where the launcher writes how the call ended. */
  stepDebug?: { target: StepDebugTarget; resultFile: string; dir: string; ref: { storeId: string; runId: string }; result?: StepResult; text?: string };
  /** How the run stands once the session ended (the one notification says it). */
  ended?: { runStatus?: string; failedStep?: string; cause?: string; exitCode?: number; pausedBefore: boolean; text: string };
}

interface Entry {
  outcome: RetryOutcome;
  breakpoints: vscode.SourceBreakpoint[];
  bannerShown: boolean;
  /** What the session's adapter said (bannerTracker.ts): whether it ever paused, its exit code, its last stderr lines. */
  paused?: boolean;
  exitCode?: number;
  stderr?: string[];
}

const STDERR_LINES = 20;

export class RetrySessions extends Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Outcomes of sessions started with F5 are never read back: keep only the most recent ones. */
  private static readonly KEEP = 20;
  private readonly ended = this.register(new vscode.EventEmitter<RetryOutcome>());
  /** Fires with a retry's outcome once its session ended and the run was re-read (`outcome.ended` says how). */
  readonly onDidEnd = this.ended.event;

  constructor(private readonly log: Logger) {
    super();
    this.register(
      vscode.debug.onDidStartDebugSession((s) => {
        const e = this.entryOf(s);
        if (e && !s.parentSession) e.outcome.sessionId = s.id;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        const token = tokenOf(s);
        // Child sessions (debugpy subprocesses) carry the parent's configuration: only the root session owns the breakpoints.
        if (token && !s.parentSession) {
          this.release(token);
          void this.reportEnd(token);
        }
      }),
    );
  }

  entryOf(session: vscode.DebugSession): Entry | undefined {
    const token = tokenOf(session);
    return token ? this.entries.get(token) : undefined;
  }

  outcome(token: string): RetryOutcome | undefined {
    return this.entries.get(token)?.outcome;
  }

  /**
   * After the retry: every attempt that was in the run log before must still be there, unchanged (a retry only
   * appends). The mocked executor replaces the failed attempt; anything that rewrites history is said loudly.
   */
  private async checkHistory(o: RetryOutcome, run: Run | undefined): Promise<void> {
    if (!run || !o.plan || o.historyLost) return;
    const h = o.history!;
    const lost = lostHistory(h.before, run);
    o.historyLost = lost;
    if (!lost.length) {
      this.log.info(`Retry of ${o.plan.runId}: every earlier attempt is still in the run log, unchanged.`);
      return;
    }
    const message = `The retry of ${o.plan.runId} rewrote the run's history: ${lost.join('; ')}. A retry should only append attempts; ${o.plan.config?.file ? `the config ${o.plan.config.file}` : 'the config it ran with'} did not (a mocked executor replaces failed attempts).`;
    this.log.error(message);
    void vscode.window.showErrorMessage(message);
  }

  /** What the adapter of a retry session said that the end report needs (called by the tracker). */
  noteAdapterMessage(session: vscode.DebugSession, m: { type?: string; event?: string; body?: { category?: string; output?: string; exitCode?: number } }): void {
    const e = this.entryOf(session);
    if (!e || m.type !== 'event') return;
    if (m.event === 'stopped') e.paused = true;
    else if (m.event === 'exited' && typeof m.body?.exitCode === 'number' && !session.parentSession) e.exitCode = m.body.exitCode;
    else if (m.event === 'output' && m.body?.category === 'stderr' && m.body.output) {
      const lines = (e.stderr ??= []);
      for (const l of m.body.output.split(/\r?\n/)) if (l.trim()) lines.push(l.trimEnd());
      if (lines.length > STDERR_LINES) lines.splice(0, lines.length - STDERR_LINES);
    }
  }

  /**
   * When a retry session ends: re-read the run, check that its history was only appended to, and say in one
   * notification how the run stands now (SUCCESS, or the step that failed with the user's error), with Open Run
   * Details and Retry Again. A session that ended before it ever paused also gives its exit code and last stderr lines.
   */
  private async reportEnd(token: string): Promise<void> {
    const e = this.entries.get(token);
    const o = e?.outcome;
    if (e && o?.stepDebug && !o.stepDebug.text) return this.reportStepEnd(o.stepDebug);
    if (!e || !o?.plan || o.ended || o.blocked) return;
    const runId = o.plan.runId;
    const store = o.history?.store;
    const storeId = o.history?.storeId;
    let run: Run | undefined;
    if (store) {
      try {
        run = await store.getRun(runId);
      } catch (err) {
        this.log.warn(`Could not re-read ${runId} after its retry: ${errorMessage(err)}`);
      }
    }
    await this.checkHistory(o, run);
    o.history = undefined;
    const failed = run?.status === 'FAIL' ? firstFailedTask(run) : null;
    const cause = failed && store && run ? await new FailureCauses(store).cause(run, failed.internalName, failed.attempt).catch(() => undefined) : undefined;
    const indicator = o.plan.retryIndicator;
    const parts: string[] = [];
    if (run?.status === 'SUCCESS') parts.push(`Retry ${indicator} of ${runId} ended: the run is now SUCCESS.`);
    else if (failed) parts.push(`Retry ${indicator} of ${runId} ended: the run failed again at ${failed.internalName}${failed.attempt.retryIndicator === indicator ? '' : ' (no new attempt)'}: ${cause ?? (failed.attempt.message.trim() || 'no message recorded')}`);
    else if (run) parts.push(`Retry ${indicator} of ${runId} ended: the run is ${run.status}.`);
    else parts.push(`Retry ${indicator} of ${runId} ended.`);
    if (!e.paused && e.exitCode !== undefined && e.exitCode !== 0) {
      const tail = (e.stderr ?? []).slice(-3).join(' | ');
      parts.push(`It exited with code ${e.exitCode} before the debugger paused${tail ? `; its last error output: ${tail}` : ''}.`);
      if (e.stderr?.length) this.log.error(`Retry ${indicator} of ${runId} stderr (last ${e.stderr.length} lines):\n${e.stderr.join('\n')}`);
    }
    const text = parts.join(' ');
    o.ended = { runStatus: run?.status, failedStep: failed?.internalName, cause, exitCode: e.exitCode, pausedBefore: !!e.paused, text };
    this.log.info(text);
    this.ended.fire(o);
    const ref = storeId ? { storeId, runId } : undefined;
    const actions = ref ? ['Open Run Details', 'Retry Again'] : [];
    const show = run?.status === 'SUCCESS' ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(text, ...actions).then((choice) => {
      if (choice === 'Open Run Details') void vscode.commands.executeCommand(Commands.openRunDetails, ref);
      else if (choice === 'Retry Again') void vscode.commands.executeCommand(Commands.retryLocally, ref);
    });
  }

  /**
   * When a Debug Step session ends: one notification saying how the call ended against what the attempt recorded
   * (returned the recorded outputs, different ones, or raised), with Open Run Details and Debug Again.
   */
  private async reportStepEnd(s: NonNullable<RetryOutcome['stepDebug']>): Promise<void> {
    s.result = await readStepResult(s.resultFile);
    s.text = describeStepResult(s.target, s.result);
    const kept = await cleanStepSession(s.dir).catch(() => undefined);
    this.log.info(`Debug Step ended: ${s.text}${kept ? ` What the function wrote is kept in ${kept}.` : ''}`);
    this.ended.fire({ banner: [], warnings: [], stepDebug: s });
    const same = s.result && !s.result.raised && (s.result.outputs ?? []).every((r) => r.match === true);
    const show = same ? vscode.window.showInformationMessage : vscode.window.showWarningMessage;
    void show(s.text, 'Open Run Details', 'Debug Again').then((choice) => {
      if (choice === 'Open Run Details') void vscode.commands.executeCommand(Commands.openRunDetails, s.ref);
      else if (choice === 'Debug Again') void vscode.commands.executeCommand(Commands.debugStep, { ...s.ref, stepInternalName: s.target.step.internalName }, { attempt: s.target.attempt.number });
    });
  }

  /** Records a refusal so the command that started the launch can report it. */
  refuse(token: string, reason: string, actions?: string[]): void {
    this.set(token, { outcome: { blocked: reason, ...(actions ? { actions } : {}), banner: [], warnings: [] }, breakpoints: [], bannerShown: true });
  }

  /** Adds the session's breakpoints now, before the adapter asks for them. */
  prepare(token: string, outcome: RetryOutcome, breakpoints: vscode.SourceBreakpoint[]): void {
    this.release(token);
    if (breakpoints.length) vscode.debug.addBreakpoints(breakpoints);
    this.set(token, { outcome, breakpoints, bannerShown: false });
  }

  private set(token: string, entry: Entry): void {
    this.entries.delete(token);
    this.entries.set(token, entry);
    for (const [t, e] of this.entries) {
      if (this.entries.size <= RetrySessions.KEEP) break;
      if (!e.breakpoints.length) this.entries.delete(t);
    }
  }

  /** Removes exactly the breakpoints this session added; keeps the outcome for the caller to read. */
  release(token: string): void {
    const e = this.entries.get(token);
    if (!e || !e.breakpoints.length) return;
    // Remove only those still present (the user may have deleted one already).
    const ours = new Set(e.breakpoints.map((b) => b.id));
    const present = vscode.debug.breakpoints.filter((b) => ours.has(b.id));
    if (present.length) vscode.debug.removeBreakpoints(present);
    this.log.info(`Removed ${present.length} breakpoint(s) added for the retry of ${e.outcome.plan?.runId ?? '?'}`);
    e.breakpoints = [];
  }

  /** Forget a finished command's outcome. */
  forget(token: string): void {
    this.release(token);
    this.entries.delete(token);
  }

  override dispose(): void {
    for (const token of [...this.entries.keys()]) this.release(token);
    this.entries.clear();
    super.dispose();
  }
}

export function tokenOf(session: vscode.DebugSession): string | undefined {
  const t = (session.configuration as Record<string, unknown>)[SESSION_KEY];
  return typeof t === 'string' ? t : undefined;
}
