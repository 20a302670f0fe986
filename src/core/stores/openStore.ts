// StoreDescriptor -> RunLogStore. One switch on the store type; a store is opened with its credentials (the port in
// credentials.ts), which it asks again before each read.
import type { CredentialSource } from '../config/credentials';
import { LocalFolderRunLogStore } from './localFolderStore';
import { MessageStore } from './messageStore';
import { openS3Store } from './s3/openS3Store';
import type { RunLogStore, StoreDescriptor } from './runLogStore';
import type { FileStatter } from './statWorker';

export interface OpenStoreOptions {
  /** Who stats the run files of a local store while it lists (a StatWorker makes a big listing ~1.3x faster). */
  statter?: FileStatter;
  /** Where S3 stores take their credentials from (the config's keys, keys entered, the AWS profile chosen). */
  credentials?: CredentialSource;
}

export function openStore(d: StoreDescriptor, options: OpenStoreOptions = {}): RunLogStore {
  if (d.problem) return new MessageStore(d, d.problem);
  switch (d.type) {
    case 'file-system':
    case 'chunked-fs':
      // One folder, every layout: either type lists `<id>.json` runs and `<id>/RunLog.json` runs alike.
      return new LocalFolderRunLogStore(d, options.statter);
    case 'minio':
    case 'chunked-minio':
      return openS3Store(d, { credentials: options.credentials });
    case 'buffered':
      return new MessageStore(d, `${d.label}: the buffered run log store keeps runs in memory only, so there is nothing to list after the run ends. Use file-system or chunked-fs to keep runs.`);
    default:
      return new MessageStore(d, `${d.label}: unknown run log store type "${d.type}": runnable knows file-system, chunked-fs, minio, chunked-minio and buffered.`);
  }
}
