// A store that has no runs to show, only one sentence: a buffered store (in memory only), an unknown store type, a
// config that could not be used. Its listing is `unavailable` with that sentence.
import type { Run } from '../runlog/model';
import { RunLogError, type RunLogStore, type StoreDescriptor, type StoreListing } from './runLogStore';

export class MessageStore implements RunLogStore {
  constructor(readonly descriptor: StoreDescriptor, readonly message: string) {}

  listRuns(): Promise<StoreListing> {
    return Promise.resolve({ kind: 'unavailable', message: this.message });
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
