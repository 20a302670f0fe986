// Debug Step with Recorded Inputs: from a step or attempt in the Runs view, a RunRef with `stepInternalName`, or the
// palette (pick a run, then one of its Python task steps). Starts a `runnable` launch with `step` (and `attempt`),
// which stepPreparation.ts turns into the debugpy session.
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { debuggableSteps } from '../../core/stepDebug/stepDebug';
import { DEBUG_TYPE, SESSION_KEY } from '../debug/launchArgs';
import type { RetryOutcome, RetrySessions } from '../debug/retrySessions';
import { statusIcon } from '../explorer/labels';
import { toRunRef, type Services } from '../services';
import { Commands } from './ids';

export interface DebugStepResult extends RetryOutcome {
  started: boolean;
}

export function registerStepCommands(services: Services, sessions: RetrySessions): vscode.Disposable[] {
  const debugStep = async (arg?: unknown, overrides?: Record<string, unknown>): Promise<DebugStepResult | undefined> => {
    const ref = toRunRef(arg) ?? (await services.runs.pickRun({ title: 'Debug a step of…' }));
    if (!ref) return undefined;
    const node = arg && typeof arg === 'object' ? (arg as { kind?: unknown; attempt?: { number?: unknown }; step?: { internalName?: unknown } }) : undefined;
    let step = ref.stepInternalName ?? (typeof node?.step?.internalName === 'string' ? node.step.internalName : undefined);
    const attempt = node?.kind === 'attempt' && typeof node.attempt?.number === 'number' ? node.attempt.number : undefined;
    if (!step) {
      const run = await services.runs.getRun(ref);
      const choices = debuggableSteps(run);
      if (!choices.length) {
        void vscode.window.showInformationMessage(`Run ${ref.runId} has no Python task step with an attempt to debug.`);
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        choices.map((c) => ({ label: `$(${statusIcon(c.step.status).id}) ${c.step.internalName}`, description: c.step.command, detail: c.where ? `in ${c.where}` : undefined, step: c.step })),
        { title: `Debug a step of ${ref.runId} with its recorded inputs`, placeHolder: 'Pick a task step (its last attempt\'s inputs are used)' },
      );
      if (!picked) return undefined;
      step = picked.step.internalName;
    }
    const token = randomUUID();
    const store = services.runs.store(ref.storeId);
    const anchor = store?.descriptor.configFiles[0] ?? store?.descriptor.location;
    const folder = (anchor && vscode.workspace.getWorkspaceFolder(vscode.Uri.file(anchor))) || vscode.workspace.workspaceFolders?.[0];
    const config: vscode.DebugConfiguration = {
      type: DEBUG_TYPE,
      request: 'launch',
      name: `Debug ${step} of ${ref.runId}`,
      runId: ref.runId,
      storeId: ref.storeId,
      step,
      ...(attempt !== undefined ? { attempt } : {}),
      ...(overrides ?? {}),
      [SESSION_KEY]: token,
    };
    try {
      const started = await vscode.debug.startDebugging(folder, config);
      return { ...(sessions.outcome(token) ?? { banner: [], warnings: [] }), started };
    } finally {
      const outcome = sessions.outcome(token);
      if (outcome && !outcome.sessionId) sessions.release(token);
    }
  };
  return [vscode.commands.registerCommand(Commands.debugStep, debugStep)];
}
