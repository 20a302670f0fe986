// "Debug with runnable": a `runnable` launch with `pipelineFile` becomes a debugpy launch of the pipeline itself (the
// script, or `runnable execute` for a YAML pipeline) with the chosen config as RUNNABLE_CONFIGURATION_FILE.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { detectPipelineFile, pipelineArgv } from '../../core/pipelines/pipelineFile';
import { CONFIG_ENV } from '../../core/config/discover';
import { PARAMETERS_ENV, parametersEnv } from '../../core/pipelines/parametersFile';
import { describeDebugpy } from '../../core/python/debugpySource';
import { DEBUGPY_PACKAGE_KEY, withoutSessionKey } from '../../core/retry/launchArgs';
import type { EnvironmentChecker } from '../python/environmentCheck';
import { resolveInterpreter } from '../python/interpreter';
import type { Services } from '../services';

/** The folder a pipeline runs from: its workspace folder, else its own folder. */
export function pipelineCwd(file: string): string {
  return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(file))?.uri.fsPath ?? path.dirname(file);
}

export class PipelineLaunch {
  constructor(private readonly services: Services, private readonly checker: EnvironmentChecker) {}

  /** Second resolve phase for `pipelineFile` configurations; undefined (after saying why) when it cannot start. */
  async toDebugpyLaunch(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    const refuse = (reason: string, shown = false): undefined => {
      this.services.log.warn(`Debug with runnable refused: ${reason}`);
      if (!shown) void vscode.window.showErrorMessage(reason);
      return undefined;
    };
    if (!vscode.workspace.isTrusted) return refuse('Debug with runnable runs the pipeline\'s code, so it is disabled in an untrusted workspace. Trust this workspace (Manage Workspace Trust) to run it.');
    const base = folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd();
    const file = path.resolve(base, String(config.pipelineFile));
    let text: string;
    try {
      text = Buffer.from(await vscode.workspace.fs.readFile(vscode.Uri.file(file))).toString('utf8');
    } catch {
      return refuse(`The pipeline file ${file} could not be read: check \`pipelineFile\` in the launch configuration.`);
    }
    const found = detectPipelineFile(file, text);
    if (!found) return refuse(`${file} is not a runnable pipeline (a Python file that builds a Pipeline and calls execute, or a YAML file with \`dag:\`): open a pipeline file and use Debug with runnable there.`);
    const cwd = typeof config.cwd === 'string' && config.cwd ? path.resolve(base, config.cwd) : pipelineCwd(file);
    const configFile = typeof config.configFile === 'string' && config.configFile ? path.resolve(cwd, config.configFile) : undefined;
    const interpreter = await resolveInterpreter(folder?.uri ?? vscode.Uri.file(file), typeof config.python === 'string' ? config.python : undefined, this.services.log);
    const configEnv = config.env as Record<string, string> | undefined ?? {};
    // A YAML pipeline's parameters file (runnable execute -p) as runnable also reads it: RUNNABLE_PARAMETERS_FILE.
    const parametersFile = typeof config.parametersFile === 'string' && config.parametersFile ? path.resolve(cwd, config.parametersFile) : undefined;
    const env: Record<string, string> = {
      ...configEnv,
      ...(configFile ? { [CONFIG_ENV]: configFile } : {}),
      ...(parametersFile ? parametersEnv(parametersFile, process.env[PARAMETERS_ENV]) : {}),
    };
    const ready = await this.checker.ensureReady(interpreter, { ...process.env, ...env }, cwd, true, true, {
      resource: vscode.Uri.file(file),
      again: () => vscode.debug.startDebugging(folder, withoutSessionKey(config)),
    });
    if (!ready.ok) return refuse(ready.problem ?? 'The Python interpreter is not ready.', true);
    const argv = pipelineArgv(found.kind, path.relative(cwd, file) || file);
    const launch: vscode.DebugConfiguration = {
      ...config,
      type: config.type,
      request: 'launch',
      name: config.name ?? `Debug with runnable: ${path.basename(file)}`,
      python: interpreter.path,
      cwd,
      env,
      ...(argv[0] === '-m' ? { module: argv[1], args: argv.slice(2) } : { program: file, args: [] }),
      justMyCode: config.justMyCode ?? true,
      // runnable is library code: an exception leaving a task stops in the user's function, not in runnable.
      rules: [...(Array.isArray(config.rules) ? config.rules as unknown[] : []), { module: 'runnable', include: false }],
      console: config.console ?? 'internalConsole',
      ...(ready.debugpy?.packageDir ? { [DEBUGPY_PACKAGE_KEY]: ready.debugpy.packageDir } : {}),
    };
    delete launch.pipelineFile;
    delete launch.configFile;
    delete launch.parametersFile;
    this.services.log.info(`Debug with runnable: ${interpreter.path} ${argv.join(' ')} in ${cwd}; env keys: ${Object.keys(env).sort().join(', ') || 'none'}${ready.debugpy ? `; ${describeDebugpy(ready.debugpy)}` : ''}`);
    return launch;
  }
}
