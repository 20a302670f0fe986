// Writes a retry's banner (run, indicator, skipped and re-run steps, original failure) to the Debug Console
// as soon as the session talks, so it is there before the debugger stops in the failed step.
import * as vscode from 'vscode';
import type { RetrySessions } from './retrySessions';

export class BannerTrackerFactory implements vscode.DebugAdapterTrackerFactory {
  constructor(private readonly sessions: RetrySessions) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker | undefined {
    if (session.parentSession) return undefined;
    const entry = this.sessions.entryOf(session);
    if (!entry) return undefined;
    const show = (force: boolean): void => {
      if (entry.bannerShown) return;
      // The Debug Console writes into the focused session: wait until ours is (it is before any stop).
      if (!force && vscode.debug.activeDebugSession?.id !== session.id) return;
      entry.bannerShown = true;
      for (const line of entry.outcome.banner) vscode.debug.activeDebugConsole.appendLine(line);
    };
    return {
      onDidSendMessage: (m: { type?: string; event?: string; body?: { category?: string; output?: string; exitCode?: number } }) => {
        this.sessions.noteAdapterMessage(session, m);
        show(m.type === 'event' && m.event === 'stopped');
      },
      // When the fixed function raises again, stop where the user's code raised (debugpy's "User Uncaught
      // Exceptions": an exception leaving user code into library code, runnable being library code through the
      // launch's `rules`), not at runnable's ExecutionFailedError frames. Added to whatever filters the user chose.
      onWillReceiveMessage: (m: { type?: string; command?: string; arguments?: { filters?: string[] } }) => {
        if (m.type !== 'request' || m.command !== 'setExceptionBreakpoints') return;
        const filters = m.arguments?.filters ?? [];
        if (filters.includes('userUnhandled') || (entry.outcome.plan === undefined && entry.outcome.stepDebug === undefined)) return;
        void session.customRequest('setExceptionBreakpoints', { filters: [...filters, 'userUnhandled'] }).then(undefined, () => undefined);
      },
    };
  }
}
