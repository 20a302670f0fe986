// Pre-flight of the chosen interpreter: can it start debugpy's adapter, and can it import runnable?
// When not, the retry does not start: one message (not modal) names the interpreter and offers the way out --
// the install that fits the environment (core/python/environment.ts), Select Interpreter, Open Setting.
import * as vscode from 'vscode';
import { installCommand, missingPackages, missingSentence, probeEnvironment, type EnvironmentFacts } from '../../core/python/environment';
import type { Logger } from '../logger';
import type { Interpreter } from './interpreter';

export type { EnvironmentFacts } from '../../core/python/environment';

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
   * ok when a debug session can start. Otherwise the retry is refused: one message naming the interpreter, what is
   * missing and why, with the buttons that fix it (`actions`, also returned for the command's caller).
   */
  async ensureReady(interpreter: Interpreter, env: NodeJS.ProcessEnv, cwd: string | undefined, needDebugpy: boolean, needRunnable = true): Promise<{ ok: boolean; problem?: string; actions?: string[] }> {
    let facts: EnvironmentFacts;
    try {
      facts = await this.facts(interpreter.path, env, cwd);
    } catch (e) {
      const problem = `The Python interpreter ${interpreter.path} (from ${interpreter.source}) could not be run: ${e instanceof Error ? e.message : String(e)}.`;
      return { ok: false, problem, actions: this.offer(problem, interpreter, undefined) };
    }
    this.log.info(`Interpreter ${interpreter.path} (${interpreter.source}): Python ${facts.version}, debugpy ${facts.debugpy ? 'found' : 'missing'}, runnable ${facts.runnable ? 'found' : 'missing'}`);
    // Debug Step calls the function without runnable: only debugpy is needed there.
    const missing = missingPackages(facts, needDebugpy).filter((m) => needRunnable || m !== 'runnable');
    if (!missing.length) return { ok: true };
    const problem = `${missingSentence(interpreter.path, interpreter.source, missing)} ${needRunnable ? 'The retry' : 'The debug session'} did not start.`;
    return { ok: false, problem, actions: this.offer(problem, interpreter, { facts, missing }) };
  }

  /** Shows the problem with its buttons (not awaited: the refusal returns at once); returns the button labels. */
  private offer(problem: string, interpreter: Interpreter, install: { facts: EnvironmentFacts; missing: string[] } | undefined): string[] {
    const cmd = install ? installCommand(interpreter.path, install.facts, install.missing) : undefined;
    const installLabel = install ? `Install ${install.missing.join(' and ')}` : undefined;
    const select = 'Select Interpreter';
    const setting = 'Open Setting';
    const actions = [...(installLabel ? [installLabel] : []), select, setting];
    this.log.error(problem + (cmd ? ` Fix: ${cmd.command}` : ''));
    void vscode.window.showErrorMessage(problem, ...actions).then(async (choice) => {
      if (choice === installLabel && cmd) this.runInstall(cmd.command);
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

  private runInstall(command: string): void {
    const terminal = vscode.window.createTerminal({ name: 'Runnable: install' });
    terminal.show();
    terminal.sendText(command);
    this.log.info(`Install: ${command}`);
    this.clear();
  }
}
