// The extension loads in a real VS Code on examples/, activates, and registers every command it declares.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import { EXTENSION_ID, getApi, getExtension, log, waitUntil, workspaceRoot } from './helpers';

interface Manifest {
  contributes?: { commands?: { command: string }[]; views?: Record<string, { id: string }[]> };
}

describe('activation', () => {
  it('the extension under test is loaded from the repo and examples/ is open', () => {
    const ext = getExtension();
    assert.strictEqual(ext.packageJSON.name, 'runnable-retry');
    assert.match(workspaceRoot(), /[/\\]examples$/);
  });

  it('activates by itself on examples/ (workspaceContains runnable-config.yaml) and returns Services', async () => {
    const ext = getExtension();
    // No activate() call: the activation events must do it on their own.
    await waitUntil(() => ext.isActive, { ms: 60_000, what: `${EXTENSION_ID} to activate from its activation events` });
    const api = await getApi();
    assert.strictEqual(api.context.extension.id, EXTENSION_ID);
    assert.ok(api.runs && typeof api.runs.listRuns === 'function', 'Services.runs is not a RunsService');
    assert.ok(api.log && typeof api.log.info === 'function', 'Services.log is not a logger');
    log(`    activated in VS Code ${vscode.version} (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'} UI, remote ${vscode.env.remoteName ?? 'none'})`);
  });

  it('every command in contributes.commands is registered', async () => {
    const declared = ((getExtension().packageJSON as Manifest).contributes?.commands ?? []).map((c) => c.command);
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepStrictEqual(missing, [], `declared in package.json but not registered: ${missing.join(', ')}`);
  });

  it('every runnable.* command it registers is an id from src/core/commandIds.ts', async () => {
    await getApi();
    const known = new Set<string>(Object.values(Commands));
    // VS Code itself registers <viewId>.focus / .resetViewLocation / ... for the contributed views.
    const viewIds = ((getExtension().packageJSON as Manifest).contributes?.views?.runnable ?? []).map((v) => v.id);
    const stray = (await vscode.commands.getCommands(true))
      .filter((c) => c.startsWith('runnable.') && !known.has(c) && !viewIds.some((v) => c.startsWith(`${v}.`)));
    assert.deepStrictEqual(stray, [], `registered but missing from ids.ts: ${stray.join(', ')}`);
  });

  it('the Runnable container and its Runs view open', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.runnable');
    await vscode.commands.executeCommand('runnable.runs.focus');
  });
});
