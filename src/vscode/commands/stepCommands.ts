// Debug Step with Recorded Inputs: from a step or attempt in the Runs view, a RunRef with `stepInternalName`, or the
// palette (pick a run, then one of its Python task steps). Starts a `runnable` launch with `step` (and `attempt`),
// which stepPreparation.ts turns into the debugpy session.
import * as vscode from 'vscode';
import * as path from 'node:path';
import { chooseStepTarget, debuggableSteps, exactInputs, localRunLogFiles } from '../../core/stepDebug/stepDebug';
import { writeRegressionTest } from '../../core/stepDebug/regressionTest';
import { locateFunction } from '../../core/python/locate';
import { FailureCauses } from '../../core/stores/failureCauses';
import { resolveInterpreter } from '../python/interpreter';
import { folderOfStore, startRunnableSession } from '../debug/startSession';
import type { RetryOutcome, RetrySessions } from '../debug/retrySessions';
import { statusIcon } from '../../core/explorer/labels';
import { toRunRef, type Services } from '../services';
import { Commands } from '../../core/commandIds';
import { registerCommand } from './registerCommand';

export interface DebugStepResult extends RetryOutcome {
  started: boolean;
}

export function registerStepCommands(services: Services, sessions: RetrySessions): vscode.Disposable[] {
  /** The step (and attempt) a command was given, or the user's pick of one of the run's Python task steps. */
  const pickStep = async (arg: unknown, title: string): Promise<{ ref: { storeId: string; runId: string }; step: string; attempt?: number } | undefined> => {
    const ref = toRunRef(arg) ?? (await services.runs.pickRun({ title }));
    if (!ref) return undefined;
    const node = arg && typeof arg === 'object' ? (arg as { kind?: unknown; attempt?: { number?: unknown }; step?: { internalName?: unknown } }) : undefined;
    let step = ref.stepInternalName ?? (typeof node?.step?.internalName === 'string' ? node.step.internalName : undefined);
    const attempt = node?.kind === 'attempt' && typeof node.attempt?.number === 'number' ? node.attempt.number : undefined;
    if (!step) {
      const choices = debuggableSteps(await services.runs.getRun(ref));
      if (!choices.length) {
        void vscode.window.showInformationMessage(`Run ${ref.runId} has no Python task step with an attempt.`);
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(choices.map((c) => ({ label: `$(${statusIcon(c.step.status).id}) ${c.step.internalName}`, description: c.step.command, step: c.step })), { title, placeHolder: 'Pick a task step (its last attempt is used)' });
      if (!picked) return undefined;
      step = picked.step.internalName;
    }
    return { ref: { storeId: ref.storeId, runId: ref.runId }, step, ...(attempt !== undefined ? { attempt } : {}) };
  };

  const debugStep = async (arg?: unknown, overrides?: Record<string, unknown>): Promise<DebugStepResult | undefined> => {
    const chosen = await pickStep(arg, 'Debug a step of…');
    if (!chosen) return undefined;
    const { ref, step, attempt } = chosen;
    return startRunnableSession(services, sessions, ref, `Debug ${step} of ${ref.runId}`, { step, ...(attempt !== undefined ? { attempt } : {}), ...(overrides ?? {}) });
  };

  /**
   * Create Regression Test from This Attempt: a pytest file (and its data folder) under the folder the user
   * confirms (default tests/runnable_regressions), opened in an editor. `answers.folder` (tests) skips the question.
   */
  const createRegressionTest = async (arg?: unknown, answers?: { folder?: string }): Promise<{ file: string; dataDir: string } | undefined> => {
    const chosen = await pickStep(arg, 'Create a regression test from a step of…');
    if (!chosen) return undefined;
    const store = services.runs.store(chosen.ref.storeId);
    if (!store) return undefined;
    const run = await services.runs.getRun(chosen.ref);
    const folder = folderOfStore(store);
    const workspace = folder?.uri.fsPath ?? path.dirname(store.descriptor.configFiles[0] ?? store.descriptor.location);
    const target = await chooseStepTarget(run, chosen.step, chosen.attempt, workspace);
    if ('error' in target) {
      void vscode.window.showErrorMessage(`Cannot create a regression test: ${target.error}`);
      return undefined;
    }
    const rel = answers?.folder ?? (await vscode.window.showInputBox({
      title: `Regression test from ${target.step.internalName} (attempt ${target.attempt.number} of ${run.runId})`,
      prompt: 'Folder for the test, relative to the workspace folder',
      value: path.join('tests', 'runnable_regressions'),
      ignoreFocusOut: true,
    }));
    if (!rel) return undefined;
    const command = `${target.module}.${target.func}`;
    const interpreter = await resolveInterpreter(folder?.uri, undefined, services.log);
    // The signature says which recorded inputs the call passes; importing needs a trusted workspace (else the source is read).
    const { location, notes } = await locateFunction({ cwd: workspace, command, trusted: vscode.workspace.isTrusted, python: interpreter.path });
    if (!location) {
      void vscode.window.showErrorMessage(`Cannot create a regression test: ${command} was not found in ${workspace} (${notes.join('; ')}).`);
      return undefined;
    }
    const recordedError = await new FailureCauses(store).cause(run, target.step.internalName, target.attempt).catch(() => undefined);
    const exact = await exactInputs(await localRunLogFiles(store.descriptor, run.runId, run.layout), target.step.internalName, target.attempt.number);
    const written = await writeRegressionTest({ target, params: location.params, recordedError, testsDir: path.resolve(workspace, rel), workspace, catalog: store, exact });
    services.log.info(`Regression test for ${target.step.internalName} (attempt ${target.attempt.number} of ${run.runId}): ${written.file}, data in ${written.dataDir}${written.conftest ? `, ${written.conftest}` : ''}`);
    if (written.missing.length) void vscode.window.showWarningMessage(`The regression test for ${target.step.internalName} lacks objects the catalog did not have: ${written.missing.join(', ')}.`);
    await vscode.window.showTextDocument(vscode.Uri.file(written.file), { preview: false });
    return { file: written.file, dataDir: written.dataDir };
  };

  return [
    registerCommand(Commands.debugStep, debugStep, services.log),
    registerCommand(Commands.createRegressionTest, createRegressionTest, services.log),
  ];
}
