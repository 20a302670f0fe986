// Which debugpy a debug session uses, and how its adapter is started. No `vscode` import.
//
// debugpy need not be installed in the user's interpreter: the adapter run as a folder (`python <pkg>/adapter`) puts
// its own parent on sys.path, and it starts the debuggee as `python <pkg> --connect …`, which does the same. That is how
// the Python Debugger extension (ms-python.debugpy) runs its bundled copy, whose folder its API names
// (`debug.getDebuggerPackagePath()`). So a uv venv without pip, or any interpreter without debugpy, still debugs.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export type DebugpyOrigin = 'setting' | 'debugger-extension' | 'interpreter';

export interface DebugpyChoice {
  origin: DebugpyOrigin;
  /** The `debugpy` package folder (holding `__init__.py` and `adapter/`); undefined: the interpreter's own. */
  packageDir?: string;
}

/** Where each candidate came from, for messages: "the Python Debugger extension's debugpy (/…/debugpy)". */
export function describeDebugpy(choice: DebugpyChoice): string {
  switch (choice.origin) {
    case 'setting': return `the debugpy folder named by \`runnable.debugpyPath\` (${choice.packageDir})`;
    case 'debugger-extension': return `the Python Debugger extension's debugpy (${choice.packageDir})`;
    default: return 'the interpreter\'s own debugpy';
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDebugpyPackage(dir: string): Promise<boolean> {
  return (await isFile(path.join(dir, '__init__.py'))) && (await isDir(path.join(dir, 'adapter'))) && (await isFile(path.join(dir, '__main__.py')));
}

/**
 * The debugpy package folder that `given` names: the package itself (`…/libs/debugpy`, what the Python Debugger
 * extension returns) or a folder holding it (`pip install --target DIR debugpy`, a site-packages); else `problem`, the
 * sentence saying why it is not one.
 */
export async function resolveDebugpyPackage(given: string): Promise<string | { problem: string }> {
  const abs = path.resolve(given);
  if (!(await isDir(abs))) return { problem: `${abs} is not a folder.` };
  if (await isDebugpyPackage(abs)) return abs;
  const inner = path.join(abs, 'debugpy');
  if (await isDebugpyPackage(inner)) return inner;
  return { problem: `${abs} holds no debugpy package (a \`debugpy\` folder with \`__init__.py\`, \`__main__.py\` and \`adapter/\`): name the folder \`pip install --target FOLDER debugpy\` wrote.` };
}

/**
 * The debugpy to use, first that is there: the folder the user named (setting), the Python Debugger extension's
 * bundled copy, the interpreter's own. undefined: none, the session cannot start.
 */
export function chooseDebugpy(candidates: { setting?: string; debuggerExtension?: string; interpreterHasDebugpy: boolean }): DebugpyChoice | undefined {
  if (candidates.setting) return { origin: 'setting', packageDir: candidates.setting };
  if (candidates.debuggerExtension) return { origin: 'debugger-extension', packageDir: candidates.debuggerExtension };
  if (candidates.interpreterHasDebugpy) return { origin: 'interpreter' };
  return undefined;
}

/** The adapter's arguments after the interpreter: the package's `adapter` folder as a script, else `-m debugpy.adapter`. */
export function adapterArgs(packageDir: string | undefined): string[] {
  return packageDir ? [path.join(packageDir, 'adapter')] : ['-m', 'debugpy.adapter'];
}
