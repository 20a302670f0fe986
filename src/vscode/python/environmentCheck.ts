// Pre-flight of the chosen interpreter: can it start debugpy's adapter, and can it import runnable?
// Offers the fix ("Install debugpy" in a terminal) and always names the interpreter.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import type { Logger } from '../logger';
import type { Interpreter } from './interpreter';

export interface EnvironmentFacts {
  version: string;
  debugpy: boolean;
  runnable: boolean;
}

// find_spec locates a package without importing (running) it.
const PROBE =
  'import json, sys, importlib.util as u\n' +
  'print(json.dumps({"version": sys.version.split()[0], "debugpy": u.find_spec("debugpy") is not None, "runnable": u.find_spec("runnable") is not None}))';

export function probeEnvironment(python: string, env: NodeJS.ProcessEnv, cwd: string | undefined): Promise<EnvironmentFacts> {
  return new Promise((resolve, reject) => {
    execFile(python, ['-c', PROBE], { env, cwd, timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) {
        const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'it was not found' : (stderr.trim().split('\n').pop() ?? err.message);
        reject(new Error(why));
        return;
      }
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '') as EnvironmentFacts);
      } catch {
        reject(new Error(`it printed something unexpected: ${stdout.slice(0, 200)}`));
      }
    });
  });
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
   * True when a debug session can start. Otherwise shows an error naming the interpreter and the fix.
   * A missing runnable only warns: the session would start and runnable would say what is wrong.
   */
  async ensureReady(interpreter: Interpreter, env: NodeJS.ProcessEnv, cwd: string | undefined, needDebugpy: boolean): Promise<{ ok: boolean; problem?: string; warning?: string }> {
    let facts: EnvironmentFacts;
    try {
      facts = await this.facts(interpreter.path, env, cwd);
    } catch (e) {
      const problem = `The Python interpreter ${interpreter.path} (from ${interpreter.source}) could not be run: ${e instanceof Error ? e.message : String(e)}. Set \`runnable.pythonPath\` or \`python\` in the launch configuration to a working interpreter.`;
      void vscode.window.showErrorMessage(problem);
      return { ok: false, problem };
    }
    this.log.info(`Interpreter ${interpreter.path} (${interpreter.source}): Python ${facts.version}, debugpy ${facts.debugpy ? 'found' : 'missing'}, runnable ${facts.runnable ? 'found' : 'missing'}`);
    let warning: string | undefined;
    if (!facts.runnable) {
      warning = `runnable is not importable in ${interpreter.path} (from ${interpreter.source}): the retry will fail to start. Install runnable into that environment or choose another interpreter.`;
      void vscode.window.showWarningMessage(warning);
    }
    if (needDebugpy && !facts.debugpy) {
      const problem = `debugpy is not installed in ${interpreter.path} (from ${interpreter.source}); Retry locally needs it to debug. Install it, or choose another interpreter.`;
      void vscode.window.showErrorMessage(problem, 'Install debugpy').then((choice) => {
        if (choice === 'Install debugpy') this.installDebugpy(interpreter);
      });
      return { ok: false, problem, warning };
    }
    return { ok: true, warning };
  }

  installDebugpy(interpreter: Interpreter): void {
    const terminal = vscode.window.createTerminal({ name: 'Runnable: install debugpy' });
    const quoted = /^[A-Za-z0-9_@%+=:,./-]+$/.test(interpreter.path) ? interpreter.path : `'${interpreter.path.replace(/'/g, `'\\''`)}'`;
    terminal.show();
    terminal.sendText(`${quoted} -m pip install debugpy`);
    this.log.info(`Install debugpy: ${interpreter.path} -m pip install debugpy`);
    this.clear();
  }
}
