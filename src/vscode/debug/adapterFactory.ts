// The debug adapter is debugpy's own, started from the retry's interpreter: no other extension is needed.
// Replay sessions (`"request": "replay"`, resolved to a launch with `replay: true`) go to the replay adapter (src/vscode/replay).
import * as vscode from 'vscode';

export class DebugpyAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly fallbackPython: () => string, private readonly replay?: () => vscode.DebugAdapterDescriptor) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    if (session.configuration.replay === true && this.replay) return this.replay();
    const python = typeof session.configuration.python === 'string' && session.configuration.python ? session.configuration.python : this.fallbackPython();
    return new vscode.DebugAdapterExecutable(python, ['-m', 'debugpy.adapter']);
  }
}
