// Tells the user a run failed: when a store the Runs view watches (local) or polls (remote) gains a failed run, a
// badge on the Runs view and a status bar item count the new failed runs, and one notification per batch offers
// Retry Locally and Open Run Details. Nothing at startup for runs already there (core/explorer/newFailures.ts);
// `runnable.notifyNewFailedRuns` turns it off.
import * as vscode from 'vscode';
import { NewFailures } from '../../core/explorer/newFailures';
import { Commands } from '../../core/commandIds';
import type { Logger } from '../logger';
import { readSettings } from '../settings';
import type { RunsModel } from './runsModel';
import { registerCommand } from '../commands/registerCommand';
import { Disposable } from '../disposable';

/** A batch: failures landing within this time of each other are one notification (a pipeline fan-out, a poll page). */
const BATCH_MS = 1500;
const SHOW_NEW_FAILURES = Commands.showNewFailures;

export class FailureSignals extends Disposable {
  private readonly tracker = new NewFailures();
  private readonly item = this.register(vscode.window.createStatusBarItem('runnable.newFailures', vscode.StatusBarAlignment.Left, 50));
  private batch: Array<{ storeId: string; runId: string }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly model: RunsModel, private readonly treeView: vscode.TreeView<unknown>, private readonly log: Logger) {
    super();
    this.item.name = 'Runnable: new failed runs';
    this.item.command = SHOW_NEW_FAILURES;
    this.register(
      model.onDidList(({ storeId, runs }) => this.onList(storeId, runs)),
      // A change event means the store's list was dropped: list it again (shared with the tree when it is showing)
      // so a failure is noticed while the view is hidden too.
      model.onDidChangeStore(({ storeId }) => {
        if (storeId && this.enabled()) void model.listRuns(storeId).catch(() => undefined);
        else if (!storeId) this.show();
      }),
      treeView.onDidChangeVisibility((e) => { if (e.visible) this.acknowledge(); }),
      registerCommand(SHOW_NEW_FAILURES, async () => {
        await vscode.commands.executeCommand('runnable.runs.focus');
        this.acknowledge();
      }, this.log),
    );
  }

  private enabled(): boolean {
    return readSettings().settings.notifyNewFailedRuns;
  }

  private onList(storeId: string, runs: Parameters<NewFailures['observe']>[1]): void {
    const fresh = this.tracker.observe(storeId, runs);
    if (!fresh.length || !this.enabled()) return;
    for (const r of fresh) this.batch.push({ storeId, runId: r.runId });
    this.log.info(`New failed run(s) in ${this.model.store(storeId)?.descriptor.label ?? storeId}: ${fresh.map((r) => r.runId).join(', ')}`);
    this.show();
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.notify(), BATCH_MS);
  }

  /** The count the badge and the status item show. */
  get pending(): number {
    this.show();
    return this.tracker.pending.length;
  }

  private show(): void {
    this.tracker.retainStores((id) => this.model.store(id) !== undefined);
    const n = this.tracker.pending.length;
    if (!n) {
      this.treeView.badge = undefined;
      this.item.hide();
      return;
    }
    const names = this.tracker.pending.map((p) => p.runId);
    const tooltip = `${n} new failed run${n === 1 ? '' : 's'}: ${names.slice(-5).join(', ')}${n > 5 ? ', …' : ''}`;
    this.treeView.badge = { value: n, tooltip };
    this.item.text = `$(error) ${n} failed run${n === 1 ? '' : 's'}`;
    this.item.tooltip = `${tooltip}. Click to show them in the Runs view.`;
    this.item.show();
  }

  private notify(): void {
    const batch = this.batch;
    this.batch = [];
    if (!batch.length) return;
    const one = batch.length === 1 ? batch[0] : undefined;
    const text = one ? `Run ${one.runId} failed.` : `${batch.length} runs failed: ${batch.slice(0, 3).map((b) => b.runId).join(', ')}${batch.length > 3 ? ', …' : ''}.`;
    const actions = one ? ['Retry Locally', 'Open Run Details'] : ['Show Runs'];
    void vscode.window.showWarningMessage(text, ...actions).then((choice) => {
      if (choice === 'Retry Locally' && one) void vscode.commands.executeCommand(Commands.retryLocally, one);
      else if (choice === 'Open Run Details' && one) void vscode.commands.executeCommand(Commands.openRunDetails, one);
      else if (choice === 'Show Runs') void vscode.commands.executeCommand(SHOW_NEW_FAILURES);
    });
  }

  acknowledge(): void {
    this.tracker.acknowledge();
    this.show();
  }

  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }
}
