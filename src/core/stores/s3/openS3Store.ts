// The entry openStore.ts calls for `minio` / `chunked-minio` descriptors. Constructing a store sends nothing:
// the SDK is loaded and the endpoint contacted on the first listing.
import type { StoreDescriptor } from '../runLogStore';
import { ChunkedMinioRunLogStore } from './chunkedMinioStore';
import { MinioRunLogStore } from './minioStore';
import type { S3RunLogStore } from './s3RunLogStore';
import type { S3StoreOptions } from './s3StoreConfig';

export function openS3Store(descriptor: StoreDescriptor, options: S3StoreOptions = {}): S3RunLogStore {
  return descriptor.type === 'chunked-minio' ? new ChunkedMinioRunLogStore(descriptor, options) : new MinioRunLogStore(descriptor, options);
}

export function isS3Store(store: unknown): store is S3RunLogStore {
  return store instanceof MinioRunLogStore || store instanceof ChunkedMinioRunLogStore;
}
