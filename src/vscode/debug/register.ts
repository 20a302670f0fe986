// The retry feature: the `runnable` debug type (configuration provider, debugpy adapter, banner tracker),
// the session bookkeeping (our breakpoints) and the retry commands.
import * as vscode from 'vscode';
import { FailedRunPicker } from '../commands/failedRunPicker';
import { registerRetryCommands } from '../commands/retryCommands';
import { EnvironmentChecker } from '../python/environmentCheck';
import { readPythonPathSetting } from '../python/interpreter';
import type { Services } from '../services';
import { replayAdapterDescriptor } from '../replay/replayAdapter';
import { DebugpyAdapterFactory } from './adapterFactory';
import { BannerTrackerFactory } from './bannerTracker';
import { initialConfiguration, RetryConfigurationProvider } from './configProvider';
import { DEBUG_TYPE } from '../../core/retry/launchArgs';
import { RetryPreparation } from './retryPreparation';
import { RetrySessions } from './retrySessions';
import { StepPreparation } from './stepPreparation';
import { registerStepCommands } from '../commands/stepCommands';
import { registerCodeAtRunCommands } from '../commands/codeAtRunCommands';
import { registerEditInputsCommands } from '../commands/editInputsCommands';
import { PipelineLaunch } from '../pipelines/pipelineLaunch';

export function registerRetry(services: Services): void {
  const { context, log } = services;
  const sessions = new RetrySessions(log);
  services.retryEnded = sessions.onDidEnd;
  const checker = new EnvironmentChecker(log);
  const preparation = new RetryPreparation(services, checker, sessions);
  const steps = new StepPreparation(services, checker, sessions, preparation);
  const pipelines = new PipelineLaunch(services, checker);
  const picker = new FailedRunPicker(services.runs);
  context.subscriptions.push(
    sessions,
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new RetryConfigurationProvider(preparation, steps, pipelines, picker)),
    // Listed in Run and Debug's dropdown without a launch.json; only provides, so resolution runs once.
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, { provideDebugConfigurations: () => [{ ...initialConfiguration }] }, vscode.DebugConfigurationProviderTriggerKind.Dynamic),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new DebugpyAdapterFactory(() => readPythonPathSetting(undefined) ?? 'python3', () => replayAdapterDescriptor(services))),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, new BannerTrackerFactory(sessions)),
    ...registerRetryCommands(services, preparation, sessions, picker),
    ...registerStepCommands(services, sessions),
    ...registerCodeAtRunCommands(services, sessions),
    ...registerEditInputsCommands(services),
  );
}
