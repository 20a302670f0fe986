// Finds a debugpy for a session when the interpreter may lack one: the `runnable.debugpyPath` setting, else the Python
// Debugger extension's bundled copy through its public API (ms-python.debugpy, `debug.getDebuggerPackagePath()`).
import * as vscode from 'vscode';
import { resolveDebugpyPackage } from '../../core/python/debugpySource';
import type { Logger } from '../logger';
import { readSettings } from '../settings';
import { errorMessage } from '../../core/text/errorMessage';

export const DEBUGGER_EXTENSION_ID = 'ms-python.debugpy';

/** The part of ms-python.debugpy's exported API (src/extension/apiTypes.ts there) that is used here. */
interface DebuggerExtensionApi {
  debug?: { getDebuggerPackagePath?: () => Promise<string | undefined> };
}

export interface DebugpyCandidates {
  setting?: string;
  /** The sentence saying why the setting's folder is not usable (the setting is then ignored). */
  settingProblem?: string;
  debuggerExtension?: string;
}

/** The setting's folder (resolved to the package) and the Python Debugger extension's package folder, when there. */
export async function findDebugpyCandidates(resource: vscode.Uri | undefined, log: Logger): Promise<DebugpyCandidates> {
  const out: DebugpyCandidates = {};
  const named = readSettings(resource).settings.debugpyPath;
  if (named) {
    const resolved = await resolveDebugpyPackage(named);
    if (typeof resolved === 'string') out.setting = resolved;
    else out.settingProblem = `The \`runnable.debugpyPath\` setting is not used: ${resolved.problem}`;
  }
  const ext = vscode.extensions.getExtension<DebuggerExtensionApi>(DEBUGGER_EXTENSION_ID);
  if (ext) {
    try {
      const api = ext.isActive ? ext.exports : await ext.activate();
      const dir = await api?.debug?.getDebuggerPackagePath?.();
      if (dir) {
        const resolved = await resolveDebugpyPackage(dir);
        if (typeof resolved === 'string') out.debuggerExtension = resolved;
        else log.warn(`The Python Debugger extension names a debugpy that cannot be used: ${resolved.problem}`);
      }
    } catch (e) {
      log.warn(`The Python Debugger extension is installed but its debugpy could not be read: ${errorMessage(e)}`);
    }
  }
  return out;
}
