// The S3 stores among the Runs view's roots (the explorer opens them, with their credentials: credentialStore.ts).
import type { StoreDescriptor } from '../../core/stores/runLogStore';
import { isS3Store } from '../../core/stores/s3/openS3Store';
import type { S3RunLogStore } from '../../core/stores/s3/s3RunLogStore';
import type { Services } from '../services';

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
