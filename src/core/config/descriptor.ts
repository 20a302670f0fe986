// A run log store as the workspace's configs describe it: its type, where it is, which configs name it and which
// layouts they read. Discovery (discover.ts) makes these; the stores (core/stores) are opened from them.
import type { RunLayout } from '../runlog/model';

export type StoreType = 'file-system' | 'chunked-fs' | 'minio' | 'chunked-minio' | 'buffered' | (string & {});

export interface StoreDescriptor {
  /** Stable id: type + resolved location (+ endpoint/bucket for S3). Two configs naming the same store share it. */
  id: string;
  type: StoreType;
  /** Absolute folder for local stores; `s3://bucket` (with endpoint) for remote ones. */
  location: string;
  /** Config files (absolute) that point at this store; the first is used for retry. */
  configFiles: string[];
  /** Label for the tree root: config name + store type. */
  label: string;
  catalog: { type: string; location: string } | undefined;
  /** Store settings from the config (secrets masked). */
  settings: Record<string, unknown>;
  /** Set when the config could not be used (unknown store type, invalid YAML, missing file): the store lists
   * one error item with this sentence instead of runs. */
  problem?: string;
  /**
   * Local folders only: which configs read which layout of this folder. One folder named by file-system and
   * chunked-fs configs is one root (it lists every run of the folder once, whatever its layout); a run's retry
   * needs a config of the run's own layout (configForLayout). `defaults`: runnable's defaults (no config file)
   * read this layout here. Absent (remote stores, hand-made descriptors): every config reads the store's type.
   */
  layouts?: Partial<Record<RunLayout, LayoutReaders>>;
}

export interface LayoutReaders {
  /** Absolute config files, in discovery order (the primary config first). */
  configFiles: string[];
  defaults: boolean;
}

export const LOCAL_LAYOUTS: readonly RunLayout[] = ['file-system', 'chunked-fs'];

/**
 * The config a retry of a run of `layout` in this store must hand runnable: `{ configFile: undefined }` means
 * runnable's defaults; undefined means no config in the workspace reads that layout of this folder.
 */
export function configForLayout(d: StoreDescriptor, layout: RunLayout | undefined): { configFile: string | undefined } | undefined {
  if (!layout || !d.layouts) return { configFile: d.configFiles[0] };
  const readers = d.layouts[layout];
  if (!readers) return undefined;
  // As before for one-layout roots: a config naming the folder is preferred over runnable's defaults.
  if (readers.configFiles.length) return { configFile: readers.configFiles[0] };
  return readers.defaults ? { configFile: undefined } : undefined;
}
