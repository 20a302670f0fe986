// `${command:runnable.pickFailedRun}`: VS Code replaces a command variable with the string the command returns, the
// run id. The store the run was picked from is kept here, by run id, and put into the resolved configuration as its
// declared `storeId` (configProvider.ts), so the run id is found again in that store and no other.
import type { RunsService } from '../services';

export class FailedRunPicker {
  private readonly stores = new Map<string, string>();

  constructor(private readonly runs: RunsService) {}

  /** The command: a quick pick of failed runs across all stores; the run id, or undefined when cancelled. */
  async pick(): Promise<string | undefined> {
    const ref = await this.runs.pickRun({ failedOnly: true, title: 'Pick the failed run to retry' });
    if (ref) this.stores.set(ref.runId, ref.storeId);
    return ref?.runId;
  }

  /** The store `runId` was last picked from, if it was picked here. */
  storeOf(runId: string): string | undefined {
    return this.stores.get(runId);
  }
}
