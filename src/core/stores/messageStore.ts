// A store that has no runs to show, only one sentence: a buffered store (in memory only), a remote store type not
// supported yet, a config that could not be used. Its listRuns returns that sentence as one error item.
import type { Run, RunSummary } from '../runlog/model';
import { errorSummary } from './runFileSummaries';
import { RunLogError, type RunLogStore, type StoreDescriptor } from './runLogStore';

export class MessageStore implements RunLogStore {
  constructor(readonly descriptor: StoreDescriptor, readonly message: string) {}

  listRuns(): Promise<RunSummary[]> {
    return Promise.resolve([errorSummary(this.descriptor.type || 'store', this.descriptor.configFiles[0] ?? this.descriptor.location, this.message)]);
  }

  getRun(): Promise<Run> {
    return Promise.reject(new RunLogError(this.message, this.descriptor.configFiles[0]));
  }

  getRawRunLog(): Promise<Record<string, unknown>> {
    return Promise.reject(new RunLogError(this.message, this.descriptor.configFiles[0]));
  }

  listCatalog(): Promise<string[]> {
    return Promise.resolve([]);
  }

  readCatalogFile(): Promise<Buffer | undefined> {
    return Promise.resolve(undefined);
  }
}
