// What a sandbox holds and where it came from: `<sandbox>/.pull-manifest.json`, the ETag and size of every object
// pulled per run, so that pulling again fetches only what changed. Holds keys and ETags, never credentials.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { SandboxLayout } from './sandboxConfig';

export const MANIFEST_FILE = '.pull-manifest.json';

export interface PulledObject {
  /** S3 key (catalog objects prefixed `catalog:`). */
  key: string;
  etag: string;
  size: number;
  kind: 'run-log' | 'catalog';
  /** Relative to the sandbox. */
  localPath: string;
}

export interface PulledRun {
  /** StoreDescriptor.id of the store it came from (type + endpoint + bucket). */
  source: string;
  layout: SandboxLayout;
  pulledAt: string;
  objects: PulledObject[];
}

export interface PullManifest {
  version: 1;
  runs: Record<string, PulledRun>;
}

/** The manifest, or an empty one when there is none or it cannot be read (then everything is fetched again). */
export async function readManifest(sandbox: string): Promise<PullManifest> {
  try {
    const m = JSON.parse(await fs.readFile(path.join(sandbox, MANIFEST_FILE), 'utf8')) as PullManifest;
    if (m && m.version === 1 && m.runs && typeof m.runs === 'object') return m;
  } catch {
    /* first pull, or a damaged manifest: start over */
  }
  return { version: 1, runs: {} };
}

export async function writeManifest(sandbox: string, m: PullManifest): Promise<void> {
  const file = path.join(sandbox, MANIFEST_FILE);
  const tmp = `${file}.${process.pid}.part`;
  await fs.writeFile(tmp, JSON.stringify(m, null, 2) + '\n');
  await fs.rename(tmp, file);
}
