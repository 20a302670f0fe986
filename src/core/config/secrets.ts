// Store credentials travel with a StoreDescriptor as a non-enumerable property: JSON.stringify, util.inspect,
// labels and logs never see them, while the S3 stores (and only they) read them through storeSecrets().
import type { StoreDescriptor } from '../stores/runLogStore';
import type { S3Secrets } from './storeSettings';

export interface StoreSecrets {
  runLogStore?: S3Secrets;
  catalog?: S3Secrets;
}

const KEY = Symbol('runnable.storeSecrets');

export function attachSecrets(d: StoreDescriptor, secrets: StoreSecrets): StoreDescriptor {
  Object.defineProperty(d, KEY, { value: secrets, enumerable: false, writable: false, configurable: false });
  return d;
}

/** Credentials of the run log store and catalog (minio defaults applied), or `{}` for local stores. */
export function storeSecrets(d: StoreDescriptor): StoreSecrets {
  return ((d as unknown as Record<symbol, unknown>)[KEY] as StoreSecrets | undefined) ?? {};
}
