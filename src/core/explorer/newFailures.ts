// Which failed runs are new since a store was first seen: the signal behind the Runs view's badge, the status bar
// item and the one notification per batch. The first listing of a store is its baseline (no signal at startup for
// runs that were already there, even when a remote store only tells their status after its first listing);
// afterwards a run is new the first time it lists as FAIL (a new run that failed, or one that was running and has
// failed since). A run listed with its status not yet known counts as nothing. No `vscode` import.
import type { RunSummary } from '../runlog/model';

export class NewFailures {
  private readonly seenFailed = new Map<string, Set<string>>();
  /**
   * Runs a store's first listing held with their status not yet known (a remote store lists before it reads the
   * summaries): when their status lands it is still part of the baseline, so a run that was already failed at
   * startup raises nothing when its summary arrives as FAIL.
   */
  private readonly baselineUnknown = new Map<string, Set<string>>();
  private unseen: Array<{ storeId: string; runId: string }> = [];

  /** Feeds one listing of a store; returns the runs that failed since the last one (none for the first). */
  observe(storeId: string, runs: readonly RunSummary[]): RunSummary[] {
    // A run whose status is not known yet is nothing: neither failed nor anything else, until its summary lands.
    const failed = runs.filter((r) => r.status === 'FAIL' && !r.error && !r.pending);
    const known = this.seenFailed.get(storeId);
    if (!known) {
      this.seenFailed.set(storeId, new Set(failed.map((r) => r.runId)));
      this.baselineUnknown.set(storeId, new Set(runs.filter((r) => r.pending).map((r) => r.runId)));
      return [];
    }
    const unknown = this.baselineUnknown.get(storeId);
    if (unknown?.size) {
      for (const r of runs) {
        if (r.pending || !unknown.has(r.runId)) continue;
        unknown.delete(r.runId);
        if (r.status === 'FAIL' && !r.error) known.add(r.runId);
      }
    }
    const fresh = failed.filter((r) => !known.has(r.runId));
    for (const r of fresh) {
      known.add(r.runId);
      this.unseen.push({ storeId, runId: r.runId });
    }
    return fresh;
  }

  /** New failed runs the user has not looked at yet, oldest signal first. */
  get pending(): ReadonlyArray<{ storeId: string; runId: string }> {
    return this.unseen;
  }

  /** Keeps only the signals of stores that still exist (a config removed takes its store's signals with it). */
  retainStores(exists: (storeId: string) => boolean): void {
    this.unseen = this.unseen.filter((u) => exists(u.storeId));
    for (const id of [...this.seenFailed.keys()]) if (!exists(id)) { this.seenFailed.delete(id); this.baselineUnknown.delete(id); }
  }

  /** The user looked (opened the Runs view, clicked the status item). */
  acknowledge(): void {
    this.unseen = [];
  }

  /** A store went away or was reconfigured: its next listing is a new baseline. */
  forget(storeId?: string): void {
    if (storeId === undefined) { this.seenFailed.clear(); this.baselineUnknown.clear(); }
    else { this.seenFailed.delete(storeId); this.baselineUnknown.delete(storeId); }
    this.unseen = storeId === undefined ? [] : this.unseen.filter((u) => u.storeId !== storeId);
  }
}
