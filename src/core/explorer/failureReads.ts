// What the Runs view says about failures, read in the background and kept: the failed step (and the user's error it
// ended with) of failed runs, one read per run shared by every caller and at most a budget per store listing; and the
// causes of failed attempts. Pure (no `vscode`): the Runs model owns one and turns `named` into coalesced redraws.
import type { Attempt, Run, Step } from '../runlog/model';
import { firstFailedTask } from '../runlog/rules';

/** A failed run's first failed task (none named for a job) and the user's error it ended with. */
export interface FailedInfo { name?: string; cause?: string }

export interface RunKey { storeId: string; runId: string }

export interface FailureReadPorts {
  /** Reads the run (a few at a time; shared with the model's other readers). */
  readRun(ref: RunKey): Promise<Run>;
  /** The user's error of a failed attempt, from the step's captured log; undefined when there is none. */
  cause(ref: RunKey, run: Run, internalName: string, attempt: Attempt): Promise<string | undefined>;
  /** A background read (`request`) named this run's failed step: its row needs a redraw. */
  named(ref: RunKey): void;
}

/**
 * Failed runs per store whose failed step is read in the background, newest first, since the store was last listed.
 * A store of 10,000 runs names its newest failures at once; older ones when expanded (noteRun) or picked.
 */
export const FAILED_STEP_READS = 200;

export class FailureReads {
  /** By run key: the failed step once read; null when there is none or the run cannot be read. */
  private readonly failed = new Map<string, FailedInfo | null>();
  private readonly reading = new Map<string, Promise<void>>();
  /** Reads started per store since its budget was last reset. */
  private readonly started = new Map<string, number>();
  /** Causes of failed attempts by causeKey (undefined: read, none found). */
  private readonly causes = new Map<string, string | undefined>();

  constructor(private readonly ports: FailureReadPorts, readonly budget = FAILED_STEP_READS) {}

  /** The failed step when known (null: none, or unreadable); undefined while not read. No I/O. */
  failedStep(ref: RunKey): FailedInfo | null | undefined {
    return this.failed.get(key(ref));
  }

  /** How many reads this store's budget has left. */
  left(storeId: string): number {
    return Math.max(0, this.budget - (this.started.get(storeId) ?? 0));
  }

  /**
   * Names these runs' failed steps and resolves once all are known (the rows are then drawn once, already named).
   * Reads in flight are shared; runs past the store's budget are left out.
   */
  async nameNow(refs: RunKey[]): Promise<void> {
    await Promise.all(refs.map((r) => this.read(r, false)));
  }

  /** Starts naming this run in the background (within the budget); `named` tells when it is known. */
  request(ref: RunKey): void {
    void this.read(ref, true);
  }

  /** The run was read anyway (expanded, picked): its failed step is named whatever the budget says. */
  async noteRun(ref: RunKey, run: Run): Promise<void> {
    const k = key(ref);
    if (this.failed.has(k)) return;
    const pending = this.reading.get(k);
    if (pending) return pending;
    this.failed.set(k, await this.infoOf(ref, run));
    this.ports.named(ref);
  }

  private read(ref: RunKey, notify: boolean): Promise<void> {
    const k = key(ref);
    if (this.failed.has(k)) return Promise.resolve();
    const pending = this.reading.get(k);
    if (pending) return pending;
    if (!this.left(ref.storeId)) return Promise.resolve();
    this.started.set(ref.storeId, (this.started.get(ref.storeId) ?? 0) + 1);
    // The cause is read with the run (one catalog listing and the step's log), counted against the same budget.
    const read: Promise<void> = this.ports.readRun(ref).then((run) => this.infoOf(ref, run), () => null).then((info) => {
      // Forgotten while reading (the run changed on disk, a refresh): the answer is stale; a later read names it.
      if (this.reading.get(k) !== read) return;
      this.reading.delete(k);
      this.failed.set(k, info);
      if (notify) this.ports.named(ref);
    });
    this.reading.set(k, read);
    return read;
  }

  private async infoOf(ref: RunKey, run: Run): Promise<FailedInfo | null> {
    const f = firstFailedTask(run);
    if (!f) return null;
    const cause = await this.ports.cause(ref, run, f.internalName, f.attempt).catch(() => undefined);
    this.causes.set(causeKey(ref, f.internalName, f.attempt.number), cause);
    return { name: run.kind === 'job' ? undefined : f.internalName, cause };
  }

  /**
   * Reads the causes of these steps' failed attempts (a failed task's, not a composite's) so their rows are drawn
   * with them, never redrawn under the user's pointer. Few per expansion.
   */
  async readCauses(ref: RunKey, run: Run, steps: Step[]): Promise<void> {
    await Promise.all(steps.flatMap((s) => s.attempts.filter((a) => a.status === 'FAIL').map(async (a) => {
      const k = causeKey(ref, s.internalName, a.number);
      if (this.causes.has(k)) return;
      this.causes.set(k, await this.ports.cause(ref, run, run.kind === 'job' ? 'job' : s.internalName, a).catch(() => undefined));
    })));
  }

  /** The cause of a failed attempt once read (readCauses); undefined otherwise. */
  cause(ref: RunKey, internalName: string, attempt: number): string | undefined {
    return this.causes.get(causeKey(ref, internalName, attempt));
  }

  /** The run changed on disk: its failed step and causes are read again when next asked. */
  forgetRun(ref: RunKey): void {
    const k = key(ref);
    this.failed.delete(k);
    this.reading.delete(k);
    const prefix = `${k}\u0000`;
    for (const c of [...this.causes.keys()]) if (c.startsWith(prefix)) this.causes.delete(c);
  }

  /** Everything known of this store is dropped (it is read with other credentials, or its runs changed remotely). */
  forgetStore(storeId: string): void {
    const prefix = `${storeId}\u0000`;
    for (const m of [this.failed, this.reading, this.causes] as Map<string, unknown>[]) {
      for (const k of [...m.keys()]) if (k.startsWith(prefix)) m.delete(k);
    }
    this.started.delete(storeId);
  }

  /** The store was listed again: its budget starts over (what is known stays known). */
  resetBudget(storeId: string): void {
    this.started.delete(storeId);
  }

  clear(): void {
    this.failed.clear();
    this.reading.clear();
    this.started.clear();
    this.causes.clear();
  }
}

function key(ref: RunKey): string {
  return `${ref.storeId}\u0000${ref.runId}`;
}

function causeKey(ref: RunKey, internalName: string, attempt: number): string {
  return `${key(ref)}\u0000${internalName}#${attempt}`;
}
