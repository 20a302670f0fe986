// Remembers where each replay session last paused (from the adapter's custom stop event) and keeps the
// `runnable.replayOnFailedAttempt` context key true while the focused replay sits on a failed attempt.
import * as vscode from 'vscode';
import { REPLAY_STOPPED_EVENT } from '../../replay/replaySession';
import { Disposable } from '../disposable';

export interface ReplayStop {
  runId: string;
  storeId: string | undefined;
  stepInternalName: string;
  failedAttempt: boolean;
}

export const ON_FAILED_ATTEMPT_KEY = 'runnable.replayOnFailedAttempt';

export class ReplayStops extends Disposable {
  private readonly bySession = new Map<string, { session: vscode.DebugSession; stop: ReplayStop }>();
  private readonly changed = this.register(new vscode.EventEmitter<{ session: vscode.DebugSession; stop: ReplayStop }>());
  /** Fires after each replay stop was recorded (tests wait on it). */
  readonly onDidStop = this.changed.event;

  constructor() {
    super();
    this.register(
      vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
        if (e.event !== REPLAY_STOPPED_EVENT || !e.body) return;
        const stop = e.body as ReplayStop;
        this.bySession.set(e.session.id, { session: e.session, stop });
        this.updateContext();
        this.changed.fire({ session: e.session, stop });
      }),
      vscode.debug.onDidChangeActiveDebugSession(() => this.updateContext()),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.bySession.delete(s.id);
        this.updateContext();
      }),
    );
  }

  of(session: vscode.DebugSession | undefined): ReplayStop | undefined {
    return session ? this.bySession.get(session.id)?.stop : undefined;
  }

  /** A replay session by the id the workbench passes to debug menus (the same id as `vscode.DebugSession.id`). */
  session(id: string): vscode.DebugSession | undefined {
    return this.bySession.get(id)?.session;
  }

  private updateContext(): void {
    const on = this.of(vscode.debug.activeDebugSession)?.failedAttempt ?? false;
    void vscode.commands.executeCommand('setContext', ON_FAILED_ATTEMPT_KEY, on);
  }
}
