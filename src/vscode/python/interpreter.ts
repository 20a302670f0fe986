// Which Python runs a retry: the launch configuration's `python`, else the Python extension's active
// environment (when that extension is installed), else the `runnable.pythonPath` setting, else `python3`.
import * as vscode from 'vscode';
import type { Logger } from '../logger';
import { readSettings } from '../settings';
import { errorMessage } from '../../core/text/errorMessage';

export interface Interpreter {
  path: string;
  /** Where the choice came from, for messages ("the Python extension's active environment"). */
  source: string;
}

const PYTHON_EXTENSION_ID = 'ms-python.python';

/** `runnable.pythonPath`, read through the one typed settings reader. */
export function readPythonPathSetting(resource: vscode.Uri | undefined): string | undefined {
  return readSettings(resource).settings.pythonPath;
}

async function fromPythonExtension(resource: vscode.Uri | undefined, log: Logger): Promise<string | undefined> {
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return undefined;
  try {
    // Loaded only when the extension is present: the API module activates it.
    const { PythonExtension } = await import('@vscode/python-extension');
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(resource);
    const resolved = await api.environments.resolveEnvironment(active);
    return resolved?.executable.uri?.fsPath ?? active.path;
  } catch (e) {
    log.warn(`Python extension present but its active environment could not be read: ${errorMessage(e)}`);
    return undefined;
  }
}

export async function resolveInterpreter(resource: vscode.Uri | undefined, explicit: string | undefined, log: Logger): Promise<Interpreter> {
  if (explicit?.trim()) return { path: explicit.trim(), source: 'the launch configuration\'s `python`' };
  const ext = await fromPythonExtension(resource, log);
  if (ext) return { path: ext, source: 'the Python extension\'s active environment' };
  const setting = readPythonPathSetting(resource);
  if (setting) return { path: setting, source: 'the `runnable.pythonPath` setting' };
  return { path: 'python3', source: 'the default (`python3` on PATH)' };
}
