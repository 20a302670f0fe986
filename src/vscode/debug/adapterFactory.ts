// The debug adapter is debugpy's own, started from the session's interpreter: no other extension is needed. When the
// preparation chose a debugpy folder (the Python Debugger extension's, `runnable.debugpyPath`), the adapter runs from it,
// so the interpreter needs no debugpy installed (core/python/debugpySource.ts).
// Replay sessions (`"request": "replay"`, resolved to a launch with `replay: true`) go to the replay adapter (src/vscode/replay).
import * as vscode from 'vscode';
import { adapterArgs } from '../../core/python/debugpySource';
import { DEBUGPY_PACKAGE_KEY } from '../../core/retry/launchArgs';

export class DebugpyAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly fallbackPython: () => string, private readonly replay?: () => vscode.DebugAdapterDescriptor) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    if (session.configuration.replay === true && this.replay) return this.replay();
    const python = typeof session.configuration.python === 'string' && session.configuration.python ? session.configuration.python : this.fallbackPython();
    const pkg = session.configuration[DEBUGPY_PACKAGE_KEY];
    return new vscode.DebugAdapterExecutable(python, adapterArgs(typeof pkg === 'string' && pkg ? pkg : undefined));
  }
}
