// The S3 stores among the Runs view's roots, and keeping entered credentials applied to them: the explorer opens
// stores itself (openStore), so after each change the stores without their entered keys get them and re-list once.
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import { isS3Store } from '../../core/stores/s3/openS3Store';
import type { S3RunLogStore } from '../../core/stores/s3/s3RunLogStore';
import type { Services } from '../services';
import type { CredentialStore } from './credentialStore';

export const REMOTE_TYPES = new Set(['minio', 'chunked-minio']);

export function isRemote(d: StoreDescriptor): boolean {
  return REMOTE_TYPES.has(d.type) && !d.problem;
}

export async function remoteDescriptors(services: Services): Promise<StoreDescriptor[]> {
  return (await services.runs.descriptors()).filter(isRemote);
}

export function s3StoreOf(services: Services, storeId: string): S3RunLogStore | undefined {
  const s = services.runs.store(storeId);
  return isS3Store(s) ? s : undefined;
}

/**
 * Gives every open S3 store the credentials entered for it. Returns true when a store had already sent requests
 * without them (its listing must be re-read: the caller refreshes). A store instance is handled once (`applied`).
 */
export async function applyEnteredCredentials(services: Services, creds: CredentialStore, applied: WeakSet<object>): Promise<boolean> {
  let stale = false;
  for (const d of await remoteDescriptors(services)) {
    const store = s3StoreOf(services, d.id);
    if (!store || applied.has(store)) continue;
    applied.add(store);
    const entered = await creds.get(d.id);
    if (entered) {
      if (store.requestCount > 0) stale = true;
      store.setEnteredCredentials(entered);
    }
  }
  return stale;
}
