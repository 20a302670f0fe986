// The run quick pick ("Pick a run", "Pick a failed run"): every store's runs, newest first within a store, failed
// runs naming their failed step. The rows come from core/explorer/runPick.ts; the failed steps from the Runs model's
// background reads (shared with the tree, within the same budget), so a row's detail is the tree's description.
import * as vscode from 'vscode';
import type { RunSummary } from '../../core/runlog/model';
import type { StoreDescriptor, RunLogStore } from '../../core/stores/runLogStore';
import type { FailedInfo } from '../../core/explorer/failureReads';
import type { TreeChange } from '../../core/explorer/changeBatch';
import { failedDetail, runPickRows, type PickListing } from '../../core/explorer/runPick';
import { errorMessage } from '../../core/text/errorMessage';
import type { Logger } from '../logger';
import type { RunRef } from '../services';
import { Disposable } from '../disposable';

export interface PickOptions { failedOnly?: boolean; title?: string }

/** What the picker reads: the Runs model (by its shape, so this file does not import it). */
export interface PickSource {
  state(): Promise<{ roots: { descriptor: StoreDescriptor; store?: RunLogStore }[] }>;
  settledRuns(storeId: string): Promise<RunSummary[]>;
  failedStep(ref: RunRef): FailedInfo | null | undefined;
  nameFailedSteps(refs: RunRef[]): Promise<void>;
  requestFailedStep(ref: RunRef): void;
  readonly onDidChangeTree: vscode.Event<TreeChange>;
}

/** How many failed rows name their failed step before the rows show (the rest fill in, coalesced). */
const NAMED_BEFORE_SHOWN = 50;

export class RunPicker extends Disposable {
  private readonly shownRows = this.register(new vscode.EventEmitter<{ title: string; rows: RunRef[] }>());
  /**
   * An open pick shows its rows (in order): what a user now sees and moves through. Fires once per pick, once the
   * rows have been handed to the window; the rows stay in place after it (details that fill in keep the highlighted row).
   */
  readonly onDidShowRows = this.shownRows.event;

  constructor(private readonly source: PickSource, private readonly log: Logger) {
    super();
  }

  /** Every store's listing, in the order the stores were found; a store that cannot be listed is logged and skipped. */
  async listings(): Promise<PickListing[]> {
    const out: PickListing[] = [];
    for (const root of (await this.source.state()).roots) {
      if (!root.store) continue;
      try {
        out.push({ storeId: root.descriptor.id, storeLabel: root.descriptor.label, runs: await this.source.settledRuns(root.descriptor.id) });
      } catch (e) {
        this.log.warn(`Could not list ${root.descriptor.label}: ${errorMessage(e)}`);
      }
    }
    return out;
  }

  async pick(options: PickOptions = {}): Promise<RunRef | undefined> {
    type Item = vscode.QuickPickItem & { ref: RunRef; failed: boolean };
    const title = options.title ?? (options.failedOnly ? 'Pick a failed run' : 'Pick a run');
    const qp = vscode.window.createQuickPick<Item>();
    qp.title = title;
    qp.placeholder = 'Run id, tag or store';
    qp.matchOnDescription = true;
    qp.matchOnDetail = true;
    // Details filling in must not scroll the list away from the row the user moved to.
    qp.keepScrollPosition = true;
    qp.busy = true;
    let open = true;
    let settle: (ref: RunRef | undefined) => void = () => undefined;
    const answer = new Promise<RunRef | undefined>((resolve) => { settle = resolve; });
    let changes: vscode.Disposable | undefined;
    // Listened to before anything is read: Escape while the runs are still listing cancels at once.
    qp.onDidHide(() => { open = false; changes?.dispose(); settle(undefined); qp.dispose(); });
    // Enter before the runs are listed picks nothing: the pick stays open rather than cancel.
    qp.onDidAccept(() => { const ref = qp.selectedItems[0]?.ref ?? qp.activeItems[0]?.ref; if (ref) { settle(ref); qp.hide(); } });
    qp.show();
    let items: Item[] = [];
    try {
      items = runPickRows(await this.listings(), options, Date.now()).map((r) => ({ ...r }));
      // The newest failed rows are named before they show, so the rows rarely change under the user's keys.
      await this.source.nameFailedSteps(items.filter((i) => i.failed).slice(0, NAMED_BEFORE_SHOWN).map((i) => i.ref));
    } finally {
      qp.busy = false;
    }
    if (!open) return answer;
    const describe = (): boolean => {
      let changed = false;
      for (const i of items) {
        const detail = i.failed ? failedDetail(this.source.failedStep(i.ref)) : undefined;
        if (detail !== i.detail) { i.detail = detail; changed = true; }
      }
      return changed;
    };
    describe();
    qp.items = items;
    if (!items.length) qp.placeholder = options.failedOnly ? 'No failed runs found in the workspace’s run log stores' : 'No runs found in the workspace’s run log stores';
    // The extension host hands quick pick changes to the window on its next tick (VS Code batches a pick's setters):
    // the rows are on screen, and keys the user presses move through them, only after that.
    const rows = items.map((i) => i.ref);
    setTimeout(() => { if (open) this.shownRows.fire({ title, rows }); }, 0);
    // The other failed rows name their step as the model reads them (its changes come coalesced): the list is set
    // again with the highlighted row kept.
    for (const i of items) if (i.failed && this.source.failedStep(i.ref) === undefined) this.source.requestFailedStep(i.ref);
    changes = this.source.onDidChangeTree(() => {
      if (!open || !describe()) return;
      const active = qp.activeItems;
      qp.items = items;
      qp.activeItems = active;
    });
    return answer;
  }
}
