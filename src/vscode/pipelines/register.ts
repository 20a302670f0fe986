// First contact without a failed run: "Run with runnable" / "Debug with runnable" on a pipeline file (CodeLens and
// palette), a runnable launch configuration from Run and Debug's welcome, Select Interpreter, and the walkthrough.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CONFIG_ENV, primaryConfigFile } from '../../core/config/discover';
import { configChoices, detectPipelineFile, findRunnableConfigs, pipelineArgv, pipelineShellLine, type ConfigChoice, type PipelineFile } from '../../core/pipelines/pipelineFile';
import { findParameterFiles, PARAMETERS_ENV, parametersChoices, parametersEnv, type ParametersChoice } from '../../core/pipelines/parametersFile';
import { shellQuote } from '../../core/text/shell';
import { Commands } from '../../core/commandIds';
import { initialConfiguration } from '../debug/configProvider';
import { DEBUG_TYPE } from '../../core/retry/launchArgs';
import { resolveInterpreter } from '../python/interpreter';
import type { Services } from '../services';
import { readSettings } from '../settings';
import { pipelineCwd } from './pipelineLaunch';
import { registerCommand } from '../commands/registerCommand';

export const WALKTHROUGH_ID = 'runnable.firstContact';

/** What Run with runnable did (returned for tests and callers). */
export interface PipelineRunResult {
  file: string;
  configFile?: string;
  /** The YAML pipeline's parameters file (RUNNABLE_PARAMETERS_FILE), when one was chosen. */
  parametersFile?: string;
  terminalName?: string;
  commandLine?: string;
  problem?: string;
}

class PipelineLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const found = detectPipelineFile(document.fileName, document.getText());
    if (!found) return [];
    const range = new vscode.Range(found.line, 0, found.line, 0);
    return [
      new vscode.CodeLens(range, { title: '$(play) Run with runnable', command: Commands.runPipeline, arguments: [document.uri], tooltip: 'Run this pipeline in a terminal, with a runnable config you pick' }),
      new vscode.CodeLens(range, { title: '$(debug-alt) Debug with runnable', command: Commands.debugPipeline, arguments: [document.uri], tooltip: 'Run this pipeline under the debugger (debugpy), with a runnable config you pick' }),
    ];
  }
}

/** The pipeline the command is about: its argument, else the active editor's file. */
async function pipelineOf(arg: unknown): Promise<{ file: string; found: PipelineFile } | { problem: string }> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') return { problem: 'Open a runnable pipeline file (a Python file that builds a Pipeline and calls execute, or a pipeline YAML) first.' };
  const doc = await vscode.workspace.openTextDocument(uri);
  const found = detectPipelineFile(uri.fsPath, doc.getText());
  if (!found) return { problem: `${path.basename(uri.fsPath)} is not a runnable pipeline: it should build a Pipeline (or AsyncPipeline) and call execute, or be a YAML file with \`dag:\`.` };
  return { file: uri.fsPath, found };
}

type ConfigPick = vscode.QuickPickItem & ConfigChoice;

/** Asks which runnable config to run with (the last one chosen for this file first); undefined when dismissed. */
async function chooseConfig(services: Services, file: string, cwd: string, given: unknown): Promise<{ configFile: string | undefined } | undefined> {
  if (given && typeof given === 'object' && 'configFile' in given) {
    const c = (given as { configFile?: unknown }).configFile;
    return { configFile: typeof c === 'string' && c ? path.resolve(cwd, c) : undefined };
  }
  const primary = await primaryConfigFile(cwd, readSettings(vscode.Uri.file(file)).settings.configFile, process.env);
  // What runnable reads when given no config: the terminal and the debuggee inherit this environment.
  const fallback = await primaryConfigFile(cwd, undefined, process.env);
  const key = `runnable.pipelineConfig:${file}`;
  const last = services.context.workspaceState.get<string>(key);
  // The stored answer is '' for "No config file"; undefined: never asked for this file.
  const items: ConfigPick[] = configChoices(cwd, await findRunnableConfigs(cwd), primary, fallback, last);
  if (items.length === 1) return { configFile: items[0].configFile };
  const picked = await vscode.window.showQuickPick(items, { title: `Run ${path.basename(file)} with which runnable config?`, placeHolder: 'The config is passed as RUNNABLE_CONFIGURATION_FILE', ignoreFocusOut: true });
  if (!picked) return undefined;
  await services.context.workspaceState.update(key, picked.configFile ?? '');
  return { configFile: picked.configFile };
}

type ParametersPick = vscode.QuickPickItem & ParametersChoice;

/**
 * A YAML pipeline's parameters file (runnable execute -p, passed as RUNNABLE_PARAMETERS_FILE): '' for none, undefined
 * when dismissed. Asked only when a YAML file that could hold parameters sits beside the pipeline or in its folder,
 * the environment names one, or one was chosen before; `options.parametersFile` answers without asking (any options
 * object does: callers that pass a config and no parameters file get none).
 */
async function chooseParameters(services: Services, file: string, cwd: string, given: unknown): Promise<string | undefined> {
  if (given && typeof given === 'object') {
    const p = (given as { parametersFile?: unknown }).parametersFile;
    return typeof p === 'string' && p ? path.resolve(cwd, p) : '';
  }
  const key = `runnable.pipelineParameters:${file}`;
  const last = services.context.workspaceState.get<string>(key);
  const inherited = process.env[PARAMETERS_ENV] ? path.resolve(cwd, process.env[PARAMETERS_ENV]) : undefined;
  const files = await findParameterFiles(file, cwd);
  if (!files.length && !inherited && !last) return '';
  const items: ParametersPick[] = parametersChoices(cwd, files, inherited, last);
  const picked = await vscode.window.showQuickPick(items, { title: `Run ${path.basename(file)} with which parameters file?`, placeHolder: `runnable execute -p: passed as ${PARAMETERS_ENV}`, ignoreFocusOut: true });
  if (!picked) return undefined;
  let chosen = picked.parametersFile;
  if (picked.browse) {
    const uris = await vscode.window.showOpenDialog({ defaultUri: vscode.Uri.file(path.dirname(file)), canSelectMany: false, filters: { YAML: ['yaml', 'yml'] }, openLabel: 'Use as parameters' });
    if (!uris?.length) return undefined;
    chosen = uris[0].fsPath;
  }
  await services.context.workspaceState.update(key, chosen);
  return chosen;
}

async function runPipeline(services: Services, arg: unknown, options: unknown): Promise<PipelineRunResult | undefined> {
  const target = await pipelineOf(arg);
  if ('problem' in target) {
    void vscode.window.showErrorMessage(target.problem);
    return { file: '', problem: target.problem };
  }
  if (!vscode.workspace.isTrusted) {
    const problem = 'Run with runnable runs the pipeline\'s code, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) to run it.';
    void vscode.window.showErrorMessage(problem);
    return { file: target.file, problem };
  }
  const cwd = pipelineCwd(target.file);
  const chosen = await chooseConfig(services, target.file, cwd, options);
  if (!chosen) return undefined;
  const parametersFile = target.found.kind === 'yaml' ? await chooseParameters(services, target.file, cwd, options) : '';
  if (parametersFile === undefined) return undefined;
  const interpreter = await resolveInterpreter(vscode.Uri.file(target.file), undefined, services.log);
  const rel = path.relative(cwd, target.file) || target.file;
  const commandLine = [interpreter.path, ...pipelineArgv(target.found.kind, rel)].map(shellQuote).join(' ');
  const terminalName = `runnable: ${path.basename(target.file)}${chosen.configFile ? ` · ${path.basename(chosen.configFile)}` : ''}${parametersFile ? ` · ${path.basename(parametersFile)}` : ''}`;
  // The config and parameters go in through the terminal's environment, which every shell passes on (an inline
  // `VAR=… cmd` is sh only).
  const env = { ...(chosen.configFile ? { [CONFIG_ENV]: chosen.configFile } : {}), ...parametersEnv(parametersFile, process.env[PARAMETERS_ENV]) };
  const terminal = vscode.window.createTerminal({ name: terminalName, cwd, env });
  terminal.show();
  terminal.sendText(commandLine);
  const params = parametersFile ? `${PARAMETERS_ENV}=${shellQuote(parametersFile)} ` : '';
  services.log.info(`Run with runnable: ${params}${pipelineShellLine(interpreter.path, target.found.kind, rel, chosen.configFile)} (in ${cwd}, terminal "${terminalName}")`);
  return { file: target.file, configFile: chosen.configFile, ...(parametersFile ? { parametersFile } : {}), terminalName, commandLine };
}

async function debugPipeline(services: Services, arg: unknown, options: unknown): Promise<boolean> {
  const target = await pipelineOf(arg);
  if ('problem' in target) {
    void vscode.window.showErrorMessage(target.problem);
    return false;
  }
  const cwd = pipelineCwd(target.file);
  const chosen = await chooseConfig(services, target.file, cwd, options);
  if (!chosen) return false;
  const parametersFile = target.found.kind === 'yaml' ? await chooseParameters(services, target.file, cwd, options) : '';
  if (parametersFile === undefined) return false;
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(target.file));
  return vscode.debug.startDebugging(folder, {
    type: DEBUG_TYPE,
    request: 'launch',
    name: `Debug with runnable: ${path.basename(target.file)}`,
    pipelineFile: target.file,
    ...(chosen.configFile ? { configFile: chosen.configFile } : {}),
    ...(parametersFile ? { parametersFile } : {}),
  });
}

/** Adds runnable launch configurations (retry a failed run; debug the open pipeline) to the folder's launch.json. */
async function createLaunchConfiguration(): Promise<vscode.DebugConfiguration[] | undefined> {
  const editorUri = vscode.window.activeTextEditor?.document.uri;
  const folder = (editorUri && vscode.workspace.getWorkspaceFolder(editorUri)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showErrorMessage('Open the folder of a runnable project first: launch configurations live in its .vscode/launch.json.');
    return undefined;
  }
  const wanted: vscode.DebugConfiguration[] = [{ ...initialConfiguration }];
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && doc.uri.scheme === 'file' && detectPipelineFile(doc.fileName, doc.getText())) {
    const rel = path.relative(folder.uri.fsPath, doc.fileName).split(path.sep).join('/');
    wanted.push({ type: DEBUG_TYPE, request: 'launch', name: `Runnable: Debug ${path.basename(doc.fileName)}`, pipelineFile: `\${workspaceFolder}/${rel}` });
  }
  const launch = vscode.workspace.getConfiguration('launch', folder.uri);
  const existing = launch.get<vscode.DebugConfiguration[]>('configurations') ?? [];
  const added = wanted.filter((w) => !existing.some((e) => e.name === w.name));
  if (added.length) await launch.update('configurations', [...existing, ...added], vscode.ConfigurationTarget.WorkspaceFolder);
  await vscode.window.showTextDocument(vscode.Uri.joinPath(folder.uri, '.vscode', 'launch.json'), { preview: false });
  return added;
}

async function selectInterpreter(): Promise<string> {
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes('python.setInterpreter')) {
    await vscode.commands.executeCommand('python.setInterpreter');
    return 'python.setInterpreter';
  }
  await vscode.commands.executeCommand('workbench.action.openSettings', 'runnable.pythonPath');
  return 'runnable.pythonPath';
}

export function registerPipelines(services: Services): void {
  const { context } = services;
  context.subscriptions.push(
    vscode.languages.registerCodeLensProvider([{ scheme: 'file', language: 'python' }, { scheme: 'file', language: 'yaml' }], new PipelineLensProvider()),
    registerCommand(Commands.runPipeline, (arg?: unknown, options?: unknown) => runPipeline(services, arg, options), services.log),
    registerCommand(Commands.debugPipeline, (arg?: unknown, options?: unknown) => debugPipeline(services, arg, options), services.log),
    registerCommand(Commands.createLaunchConfiguration, createLaunchConfiguration, services.log),
    registerCommand(Commands.selectInterpreter, selectInterpreter, services.log),
    registerCommand(Commands.getStarted, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', `${context.extension.id}#${WALKTHROUGH_ID}`, false), services.log),
  );
  // Run and Debug's welcome (package.json viewsWelcome on `debug`) shows once the extension runs in this window.
  void vscode.commands.executeCommand('setContext', 'runnable.active', true);
}
