// What each retry session owns while it lives: the breakpoints we added (removed when it ends; the user's own
// stay), its Debug Console banner, and the outcome of its preparation (read back by the commands).
import * as vscode from 'vscode';
import type { RetryPlan } from '../../core/retry/types';
import { lostHistory, type AttemptHistory } from '../../core/retry/history';
import type { RunLogStore } from '../../core/stores/runLogStore';
import type { Logger } from '../logger';
import { SESSION_KEY } from './launchArgs';

export interface RetryOutcome {
  /** Set when the retry was refused (blocked plan, untrusted workspace, bad configuration, missing debugpy). */
  blocked?: string;
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
  history?: { before: AttemptHistory; store: RunLogStore };
  /** Set once the session ended and the run was re-read: attempts of the run that the retry removed or rewrote. */
  historyLost?: string[];
}

interface Entry {
  outcome: RetryOutcome;
  breakpoints: vscode.SourceBreakpoint[];
  bannerShown: boolean;
}

export class RetrySessions implements vscode.Disposable {
  private readonly entries = new Map<string, Entry>();
  /** Outcomes of sessions started with F5 are never read back: keep only the most recent ones. */
  private static readonly KEEP = 20;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: Logger) {
    this.disposables.push(
      vscode.debug.onDidStartDebugSession((s) => {
        const e = this.entryOf(s);
        if (e && !s.parentSession) e.outcome.sessionId = s.id;
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        const token = tokenOf(s);
        // Child sessions (debugpy subprocesses) carry the parent's configuration: only the root session owns the breakpoints.
        if (token && !s.parentSession) {
          this.release(token);
          void this.checkHistory(token);
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
  private async checkHistory(token: string): Promise<void> {
    const o = this.entries.get(token)?.outcome;
    const h = o?.history;
    if (!o || !h || !o.plan || o.historyLost) return;
    o.history = undefined;
    let lost: string[];
    try {
      lost = lostHistory(h.before, await h.store.getRun(o.plan.runId));
    } catch (e) {
      this.log.warn(`Could not re-read ${o.plan.runId} after its retry to check its history: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    o.historyLost = lost;
    if (!lost.length) {
      this.log.info(`Retry of ${o.plan.runId}: every earlier attempt is still in the run log, unchanged.`);
      return;
    }
    const message = `The retry of ${o.plan.runId} rewrote the run's history: ${lost.join('; ')}. A retry should only append attempts; ${o.plan.config?.file ? `the config ${o.plan.config.file}` : 'the config it ran with'} did not (a mocked executor replaces failed attempts).`;
    this.log.error(message);
    void vscode.window.showErrorMessage(message);
  }

  /** Records a refusal so the command that started the launch can report it. */
  refuse(token: string, reason: string): void {
    this.set(token, { outcome: { blocked: reason, banner: [], warnings: [] }, breakpoints: [], bannerShown: true });
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

  dispose(): void {
    for (const token of [...this.entries.keys()]) this.release(token);
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }
}

export function tokenOf(session: vscode.DebugSession): string | undefined {
  const t = (session.configuration as Record<string, unknown>)[SESSION_KEY];
  return typeof t === 'string' ? t : undefined;
}
