// Red Hat YAML (redhat.vscode-yaml), which most YAML users have: when it is installed it owns YAML syntax errors,
// outline and folding, so the runnable language server offers only what is runnable's own (src/server/server.ts).
import * as vscode from 'vscode';

export const RED_HAT_YAML = 'redhat.vscode-yaml';

/** Installed and enabled (not necessarily active yet: it activates on the first YAML file, as we do). */
export function hasYamlExtension(): boolean {
  return vscode.extensions.getExtension(RED_HAT_YAML) !== undefined;
}
