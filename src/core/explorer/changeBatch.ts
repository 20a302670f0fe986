// Gathers the Runs view's changes over a short window and delivers them as one: everything, or the stores and the
// runs touched (a run of a store that is redrawn anyway is left out). One redraw per burst keeps an open context
// menu open and the user's row where it is. Pure (no `vscode`); the timer functions are injectable for tests.
import type { RunKey } from './failureReads';

export interface TreeChange {
  /** Everything (rediscovery, refresh, filter, page size). */
  all: boolean;
  /** Stores whose rows are listed again. */
  stores: string[];
  /** Runs whose own row changed (a failed step named), in stores not listed again. */
  runs: RunKey[];
}

/** How long changes gather before they are delivered: short enough to feel immediate, long enough for a burst. */
export const CHANGE_BATCH_MS = 100;

export class ChangeBatch {
  private everything = false;
  private readonly stores = new Set<string>();
  private readonly runs = new Map<string, RunKey>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deliver: (change: TreeChange) => void,
    private readonly delayMs = CHANGE_BATCH_MS,
    private readonly timers: { set: typeof setTimeout; clear: typeof clearTimeout } = { set: setTimeout, clear: clearTimeout },
  ) {}

  all(): void { this.everything = true; this.arm(); }

  store(storeId: string): void { this.stores.add(storeId); this.arm(); }

  run(ref: RunKey): void { this.runs.set(`${ref.storeId}\u0000${ref.runId}`, { storeId: ref.storeId, runId: ref.runId }); this.arm(); }

  /** Delivers what has gathered now (nothing when nothing has). */
  flush(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    if (!this.everything && !this.stores.size && !this.runs.size) return;
    const change: TreeChange = this.everything
      ? { all: true, stores: [], runs: [] }
      : { all: false, stores: [...this.stores], runs: [...this.runs.values()].filter((r) => !this.stores.has(r.storeId)) };
    this.everything = false;
    this.stores.clear();
    this.runs.clear();
    this.deliver(change);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    this.timer ??= this.timers.set(() => this.flush(), this.delayMs);
  }
}
