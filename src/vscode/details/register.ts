// Run details: the "Open Run Details" (one webview tab per run, reused; also on the debug toolbar of our retry and
// replay sessions, where it opens the session's run) and "Compare Runs" commands.
import * as vscode from 'vscode';
import { Commands } from '../../core/commandIds';
import type { Services } from '../services';
import { COMPARE_VIEW_TYPE, ComparePanel } from './comparePanel';
import { DETAILS_VIEW_TYPE, RunDetailsPanel, type DetailsHandle } from './detailsPanel';
import { pickDetailsRun, pickRunPair } from './pickRuns';
import { registerCommand } from '../commands/registerCommand';

export function registerDetails(services: Services): void {
  const panels = new Map<string, RunDetailsPanel>();

  const open = registerCommand(Commands.openRunDetails, async (arg?: unknown): Promise<DetailsHandle | undefined> => {
    const picked = await pickDetailsRun(services, arg);
    if (!picked) return undefined;
    const { ref, fromSession } = picked;
    const key = `${ref.storeId}\u0000${ref.runId}`;
    const existing = panels.get(key);
    if (existing) {
      existing.reveal();
      if (ref.stepInternalName) void existing.post({ type: 'select', step: ref.stepInternalName });
      return existing;
    }
    // From a debug session (the debug toolbar): beside the paused source, without taking focus, so the editor the
    // debugger opens at its next stop does not cover the tab.
    const column = fromSession ? { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true } : vscode.ViewColumn.Active;
    const panel = vscode.window.createWebviewPanel(DETAILS_VIEW_TYPE, `Run ${ref.runId}`, column, { enableFindWidget: true });
    const details = new RunDetailsPanel(services, { storeId: ref.storeId, runId: ref.runId }, panel, () => panels.delete(key));
    panels.set(key, details);
    if (ref.stepInternalName) {
      const step = ref.stepInternalName;
      void details.whenRendered().then(() => details.post({ type: 'select', step }));
    }
    return details;
  }, services.log);

  const compare = registerCommand(Commands.compareRuns, async (arg?: unknown, selection?: unknown): Promise<ComparePanel | undefined> => {
    const pair = await pickRunPair(services, arg, selection);
    if (!pair) return undefined;
    const [a, b] = pair;
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, `Compare ${a.runId} ↔ ${b.runId}`, vscode.ViewColumn.Active, { enableFindWidget: true });
    return new ComparePanel(services, a, b, panel);
  }, services.log);

  services.context.subscriptions.push(open, compare, { dispose: () => { for (const p of [...panels.values()]) p.dispose(); } });
}
