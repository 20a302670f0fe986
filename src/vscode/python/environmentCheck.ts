// Pre-flight of the chosen interpreter: can it import runnable, and which debugpy debugs it (the `runnable.debugpyPath`
// folder, the Python Debugger extension's, the interpreter's own: core/python/debugpySource.ts)? When one is missing the
// session does not start: one message (not modal) names the interpreter and offers the way out -- the install that fits
// the environment (core/python/environment.ts), the Python Debugger extension, a debugpy folder, Select Interpreter.
import * as vscode from 'vscode';
import { chooseDebugpy, describeDebugpy, resolveDebugpyPackage, type DebugpyChoice } from '../../core/python/debugpySource';
import { installCommand, missingPackages, missingSentence, probeEnvironment, type EnvironmentFacts } from '../../core/python/environment';
import type { Logger } from '../logger';
import { DEBUGGER_EXTENSION_ID, findDebugpyCandidates } from './debugpyLocator';
import type { Interpreter } from './interpreter';
import { errorMessage } from '../../core/text/errorMessage';

export type { EnvironmentFacts } from '../../core/python/environment';

export interface Readiness {
  ok: boolean;
  problem?: string;
  actions?: string[];
  /** The debugpy the session uses (when debugpy was asked for and ok). */
  debugpy?: DebugpyChoice;
}

/** What the message's buttons need: the folder whose settings a chosen debugpy folder goes to, and how to try again. */
export interface ReadyOptions {
  resource?: vscode.Uri;
  /** Starts the same session again (after a debugpy folder was chosen). */
  again?: () => Thenable<unknown>;
}

/** Caches facts per interpreter + PYTHONPATH for the life of the extension (owned by the retry feature, not global). */
export class EnvironmentChecker {
  private readonly cache = new Map<string, Promise<EnvironmentFacts>>();

  constructor(private readonly log: Logger) {}

  facts(python: string, env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<EnvironmentFacts> {
    const key = `${python}\0${env.PYTHONPATH ?? ''}\0${cwd ?? ''}`;
    let p = this.cache.get(key);
    if (!p) {
      p = probeEnvironment(python, env, cwd);
      this.cache.set(key, p);
      // A failed probe is retried next time (the user may have just fixed it).
      p.catch(() => this.cache.delete(key));
    }
    return p;
  }

  /** Forget everything (after "Install debugpy"). */
  clear(): void {
    this.cache.clear();
  }

  /**
   * ok when a debug session can start, with the debugpy it uses. Otherwise the session is refused: one message naming
   * the interpreter, what is missing and why, with the buttons that fix it (`actions`, also returned for the caller).
   */
  async ensureReady(interpreter: Interpreter, env: NodeJS.ProcessEnv, cwd: string | undefined, needDebugpy: boolean, needRunnable = true, options: ReadyOptions = {}): Promise<Readiness> {
    const sessionKind = needRunnable ? 'The retry' : 'The debug session';
    let facts: EnvironmentFacts;
    const candidates = needDebugpy ? findDebugpyCandidates(options.resource, this.log) : Promise.resolve(undefined);
    try {
      facts = await this.facts(interpreter.path, env, cwd);
    } catch (e) {
      const problem = `The Python interpreter ${interpreter.path} (from ${interpreter.source}) could not be run: ${errorMessage(e)}. Select an interpreter that exists, or set \`runnable.pythonPath\`.`;
      return { ok: false, problem, actions: this.offer(problem, interpreter, undefined, options) };
    }
    const found = await candidates;
    if (found?.settingProblem) {
      this.log.warn(found.settingProblem);
      void vscode.window.showWarningMessage(found.settingProblem);
    }
    const debugpy = needDebugpy ? chooseDebugpy({ setting: found?.setting, debuggerExtension: found?.debuggerExtension, interpreterHasDebugpy: facts.debugpy }) : undefined;
    this.log.info(`Interpreter ${interpreter.path} (${interpreter.source}): Python ${facts.version}, debugpy ${facts.debugpy ? 'found' : 'missing'}, runnable ${facts.runnable ? 'found' : 'missing'}${debugpy ? `; debugging with ${describeDebugpy(debugpy)}` : ''}`);
    // Debug Step calls the function without runnable: only debugpy is needed there.
    const missing = missingPackages({ ...facts, debugpy: facts.debugpy || !!debugpy }, needDebugpy).filter((m) => needRunnable || m !== 'runnable');
    if (!missing.length) return { ok: true, debugpy };
    const debuggerHint = missing.includes('debugpy')
      ? ' Install debugpy into it, install the Python Debugger extension (its debugpy is used without installing anything into the interpreter), or choose a folder holding debugpy.'
      : '';
    const problem = `${missingSentence(interpreter.path, interpreter.source, missing)} ${sessionKind} did not start.${debuggerHint}`;
    return { ok: false, problem, actions: this.offer(problem, interpreter, { facts, missing }, options) };
  }

  /** Shows the problem with its buttons (not awaited: the refusal returns at once); returns the button labels. */
  private offer(problem: string, interpreter: Interpreter, install: { facts: EnvironmentFacts; missing: string[] } | undefined, options: ReadyOptions): string[] {
    const cmd = install ? installCommand(interpreter.path, install.facts, install.missing) : undefined;
    const installLabel = install ? `Install ${install.missing.join(' and ')}` : undefined;
    const needsDebugpy = !!install?.missing.includes('debugpy');
    const extensionLabel = needsDebugpy && !vscode.extensions.getExtension(DEBUGGER_EXTENSION_ID) ? 'Install Python Debugger Extension' : undefined;
    const folderLabel = needsDebugpy ? 'Use a debugpy Folder…' : undefined;
    const select = 'Select Interpreter';
    const setting = 'Open Setting';
    const actions = [installLabel, extensionLabel, folderLabel, select, ...(needsDebugpy ? [] : [setting])].filter((a): a is string => !!a);
    this.log.error(problem + (cmd ? ` Fix: ${cmd.command}` : ''));
    void vscode.window.showErrorMessage(problem, ...actions).then(async (choice) => {
      if (choice === installLabel && cmd) this.install(cmd.command);
      else if (choice === extensionLabel) {
        await vscode.commands.executeCommand('workbench.extensions.installExtension', DEBUGGER_EXTENSION_ID).then(
          () => void vscode.window.showInformationMessage('The Python Debugger extension is installed: start the session again to debug with its debugpy.'),
          (e: unknown) => void vscode.window.showErrorMessage(`The Python Debugger extension (${DEBUGGER_EXTENSION_ID}) could not be installed: ${errorMessage(e)}. Install debugpy into the interpreter instead, or choose a debugpy folder.`),
        );
      } else if (choice === folderLabel) await this.chooseFolder(options);
      else if (choice === select) {
        // The Python extension's picker when it is there; else our own setting, which is what we would use.
        const commands = await vscode.commands.getCommands(true);
        if (commands.includes('python.setInterpreter')) await vscode.commands.executeCommand('python.setInterpreter');
        else await vscode.commands.executeCommand('workbench.action.openSettings', 'runnable.pythonPath');
        this.clear();
      } else if (choice === setting) {
        await vscode.commands.executeCommand('workbench.action.openSettings', 'runnable.pythonPath');
        this.clear();
      }
    });
    return actions;
  }

  /** Asks for a folder holding debugpy, saves it as `runnable.debugpyPath` (this workspace) and starts the session again. */
  private async chooseFolder(options: ReadyOptions): Promise<void> {
    const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: 'Folder holding debugpy (`pip install --target FOLDER debugpy`, or a debugpy package folder)', openLabel: 'Use This debugpy' });
    if (!picked?.[0]) return;
    const resolved = await resolveDebugpyPackage(picked[0].fsPath);
    if (typeof resolved !== 'string') {
      void vscode.window.showErrorMessage(`${resolved.problem} Nothing was changed.`);
      return;
    }
    const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await vscode.workspace.getConfiguration('runnable', options.resource).update('debugpyPath', picked[0].fsPath, target);
    this.log.info(`runnable.debugpyPath set to ${picked[0].fsPath} (debugpy at ${resolved})`);
    if (options.again) await options.again();
  }

  /** Runs an install command in a terminal of its own, and forgets what was known of the interpreters. */
  install(command: string): void {
    const terminal = vscode.window.createTerminal({ name: 'Runnable: install' });
    terminal.show();
    terminal.sendText(command);
    this.log.info(`Install: ${command}`);
    this.clear();
  }
}
