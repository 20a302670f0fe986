// The sandbox: a folder (`.runnable-sandbox/` by default) with its own runnable config (sandbox.yaml) whose file-system
// store and catalog hold copies of runs, so that retrying them, or editing what a retry receives, never writes to the
// store a run came from. Pull fills it from S3 (core/pull); this copies a run of a local store into it.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SANDBOX_CONFIG, writeSandboxConfig, type SandboxLayout } from '../pull/sandboxConfig';
import { RunLogError, type StoreDescriptor } from '../stores/runLogStore';

/** The sandbox folder a store is, when it is one: a local store at `<dir>/.run_log_store` named by `<dir>/sandbox.yaml`. */
export function sandboxOf(d: StoreDescriptor): string | undefined {
  if (d.type !== 'file-system' && d.type !== 'chunked-fs') return undefined;
  const cfg = d.configFiles.find((f) => path.basename(f) === SANDBOX_CONFIG && path.resolve(path.dirname(f), '.run_log_store') === path.resolve(d.location));
  return cfg ? path.dirname(cfg) : undefined;
}

/** `child` is inside `parent` (both resolved), not the same folder. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return !!rel && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** Regular files only: a symbolic link in a store is not followed into the sandbox (it is named in `skipped`). */
async function copyTree(from: string, to: string, skipped: string[]): Promise<number> {
  const st = await fs.lstat(from);
  if (st.isSymbolicLink()) {
    skipped.push(from);
    return 0;
  }
  if (st.isFile()) {
    await fs.mkdir(path.dirname(to), { recursive: true });
    await fs.copyFile(from, to);
    return 1;
  }
  if (!st.isDirectory()) return 0;
  let n = 0;
  for (const name of await fs.readdir(from)) n += await copyTree(path.join(from, name), path.join(to, name), skipped);
  return n;
}

export interface SandboxCopy {
  sandbox: string;
  configFile: string;
  /** False when the sandbox already held the run (then nothing was copied: its edits and retries are kept). */
  copied: boolean;
  files: number;
  skipped: string[];
}

/**
 * Copies one run of a local store (its run log in its layout, and `<catalog>/<run_id>/` of a file-system catalog)
 * into the sandbox `to`, and writes the sandbox config. The source is only read. A sandbox already holding the run
 * keeps its copy.
 */
export async function copyRunToSandbox(d: StoreDescriptor, runId: string, layout: SandboxLayout, to: string): Promise<SandboxCopy> {
  if (d.type !== 'file-system' && d.type !== 'chunked-fs') throw new RunLogError(`${d.label} is a ${d.type} store: pull the run to the sandbox instead (Pull Run to Local Sandbox).`, d.location);
  if (/[/\\]|^\.\.?$/.test(runId)) throw new RunLogError(`"${runId}" is not a run id that can be a file name.`, d.location);
  const sandbox = path.resolve(to);
  if (sandboxOf(d) === sandbox) throw new RunLogError(`${runId} is already in the sandbox ${sandbox}.`, d.location);
  const configFile = await writeSandboxConfig(sandbox, layout, `${d.label} (${d.location})`, { dryRun: true });
  const runLog = layout === 'file-system' ? `${runId}.json` : runId;
  const target = path.join(sandbox, '.run_log_store', runLog);
  if (await fs.lstat(target).then(() => true, () => false)) {
    await writeSandboxConfig(sandbox, layout, `${d.label} (${d.location})`);
    return { sandbox, configFile, copied: false, files: 0, skipped: [] };
  }
  await writeSandboxConfig(sandbox, layout, `${d.label} (${d.location})`);
  const skipped: string[] = [];
  let files = await copyTree(path.join(d.location, runLog), target, skipped);
  if (d.catalog?.type === 'file-system') {
    const catalog = path.join(d.catalog.location, runId);
    if (await fs.lstat(catalog).then(() => true, () => false)) files += await copyTree(catalog, path.join(sandbox, '.catalog', runId), skipped);
  }
  return { sandbox, configFile, copied: true, files, skipped };
}
