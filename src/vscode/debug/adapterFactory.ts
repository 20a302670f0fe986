// The debug adapter is debugpy's own, started from the retry's interpreter: no other extension is needed.
import * as vscode from 'vscode';

export class DebugpyAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(private readonly fallbackPython: () => string) {}

  createDebugAdapterDescriptor(session: vscode.DebugSession): vscode.DebugAdapterDescriptor {
    const python = typeof session.configuration.python === 'string' && session.configuration.python ? session.configuration.python : this.fallbackPython();
    return new vscode.DebugAdapterExecutable(python, ['-m', 'debugpy.adapter']);
  }
}
