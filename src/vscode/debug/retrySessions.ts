// What each retry session owns while it lives: the breakpoints we added (removed when it ends; the user's own
// stay), its Debug Console banner, and the outcome of its preparation (read back by the commands).
import * as vscode from 'vscode';
import type { RetryPlan } from '../../core/retry/types';
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
        if (token && !s.parentSession) this.release(token);
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
