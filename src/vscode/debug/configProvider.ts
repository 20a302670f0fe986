// The `runnable` debug type's DebugConfigurationProvider, resolved in two phases like vscode-python-debugger:
// defaults first (before `${...}` substitution), then the retry plan and the debugpy launch.
import * as vscode from 'vscode';
import type { FailedRunPicker } from '../commands/failedRunPicker';
import { Commands } from '../../core/commandIds';
import { DEBUG_TYPE, SESSION_KEY } from '../../core/retry/launchArgs';
import type { RetryPreparation } from './retryPreparation';
import type { StepPreparation } from './stepPreparation';
import type { PipelineLaunch } from '../pipelines/pipelineLaunch';

export const initialConfiguration: vscode.DebugConfiguration = {
  type: DEBUG_TYPE,
  request: 'launch',
  name: 'Runnable: Retry a failed run',
  runId: `\${command:${Commands.pickFailedRun}}`,
  stopAtFailedStep: true,
};

export class RetryConfigurationProvider implements vscode.DebugConfigurationProvider {
  constructor(
    private readonly preparation: RetryPreparation,
    private readonly steps?: StepPreparation,
    private readonly pipelines?: PipelineLaunch,
    private readonly picker?: FailedRunPicker,
  ) {}

  // No provideDebugConfigurations here: "create a launch.json file" writes package.json's initialConfigurations and
  // what an Initial provider returns, so providing the same configuration again wrote it twice. The Run and Debug
  // dropdown's entry comes from the Dynamic provider in register.ts.

  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.DebugConfiguration {
    // F5 with no launch.json: behave like the initial configuration (pick a failed run).
    const base = !config.type && !config.request && !config.name ? { ...initialConfiguration } : config;
    // Child sessions that debugpy starts for subprocesses arrive as `attach` requests: pass them through.
    if (base.request === 'attach') return base;
    // Replay sessions are served by the replay adapter (src/vscode/replay): nothing to plan or launch. VS Code only
    // starts `launch`/`attach` requests, so `"request": "replay"` becomes a launch marked `replay: true`.
    // "Debug with runnable" on a pipeline file: no run to retry, the pipeline itself runs under debugpy.
    if (base.pipelineFile !== undefined && base.request !== 'replay') return { ...base, type: DEBUG_TYPE, request: 'launch', name: base.name ?? 'Runnable: Debug a pipeline' };
    if (base.request === 'replay' || base.replay === true) return { ...base, request: 'launch', replay: true, name: base.name ?? 'Runnable: Replay a run', cwd: base.cwd ?? folder?.uri.fsPath };
    return {
      ...base,
      type: DEBUG_TYPE,
      request: base.request ?? 'launch',
      name: base.name ?? initialConfiguration.name,
      runId: base.runId ?? initialConfiguration.runId,
      cwd: base.cwd ?? folder?.uri.fsPath,
      stopAtFailedStep: base.stopAtFailedStep ?? true,
      ...(base.step !== undefined ? { cwd: base.cwd } : {}),
      justMyCode: base.justMyCode ?? true,
      console: base.console ?? 'internalConsole',
    };
  }

  async resolveDebugConfigurationWithSubstitutedVariables(
    folder: vscode.WorkspaceFolder | undefined,
    config: vscode.DebugConfiguration,
    token?: vscode.CancellationToken,
  ): Promise<vscode.DebugConfiguration | undefined> {
    if (config.request === 'attach' || config.subProcessId !== undefined) return config;
    if (config.pipelineFile !== undefined && this.pipelines) return this.pipelines.toDebugpyLaunch(folder, config);
    // A cancelled `${command:runnable.pickFailedRun}` leaves no run id: stop quietly.
    if (config.runId === undefined || config.runId === null) return undefined;
    // A run id picked through `${command:runnable.pickFailedRun}` came from one store: the configuration names it.
    const picked = config.storeId === undefined && typeof config.runId === 'string' ? this.picker?.storeOf(config.runId) : undefined;
    if (picked) config = { ...config, storeId: picked };
    if (config.replay === true) return config;
    if (typeof config[SESSION_KEY] !== 'string') config = { ...config };
    // `step`: Debug Step with Recorded Inputs (one function, the attempt's inputs), not a retry of the run.
    if (config.step !== undefined && this.steps) return this.steps.toDebugpyLaunch(folder, config);
    return this.preparation.toDebugpyLaunch(folder, config, token);
  }
}
