// Pull a remote (minio / chunked-minio) run into a local sandbox: the decoded run log in file-system or chunked-fs
// layout, the run's minio catalog objects under `.catalog/<run_id>/`, and a sandbox config whose local stores point
// there, so `RUNNABLE_RETRY_RUN_ID` can retry it without touching production. Re-pulling fetches only what changed.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseBranchLogValue, parseRunLogValue, decodeJsonText } from '../runlog/parse';
import { mergeBranchLogsRaw } from '../runlog/rawMerge';
import type { RawBranchLog, RawRunLog } from '../runlog/schema';
import { RunLogError, type StoreDescriptor } from '../stores/runLogStore';
import { redact } from '../stores/s3/credentials';
import { mapLimit } from '../stores/s3/mapLimit';
import { isS3Store, openS3Store } from '../stores/s3/openS3Store';
import type { S3ObjectInfo } from '../stores/s3/s3Access';
import type { S3RunLogStore } from '../stores/s3/s3RunLogStore';
import type { S3StoreOptions } from '../stores/s3/s3StoreConfig';
import { MANIFEST_FILE, readManifest, writeManifest, type PulledObject } from './manifest';
import { writeSandboxConfig, type SandboxLayout } from './sandboxConfig';
import { errorMessage } from '../text/errorMessage';

/** The default sandbox folder inside the workspace (kept out of git by its own .gitignore). */
export const DEFAULT_SANDBOX = '.runnable-sandbox';

export interface PullProgress {
  /** Objects fetched so far / to fetch in this pull. */
  objects: number;
  totalObjects: number;
  bytes: number;
  totalBytes: number;
  /** The object being fetched (key, no credentials). */
  current?: string;
}

export interface PullRequest {
  descriptor: StoreDescriptor;
  runId: string;
  /** Sandbox folder (absolute). */
  to: string;
  /** Default: file-system (one `<id>.json` with branches nested, what runnable's file-system store keeps). */
  layout?: SandboxLayout;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** An open store to reuse (its credentials, caches); otherwise one is opened from the descriptor. */
  store?: S3RunLogStore;
  storeOptions?: S3StoreOptions;
}

export interface PullResult {
  runId: string;
  to: string;
  /** The sandbox config to retry with (RUNNABLE_CONFIGURATION_FILE). */
  configFile: string;
  /** `<to>/.run_log_store/<id>.json` or `<to>/.run_log_store/<id>/RunLog.json`. */
  runLogPath: string;
  catalogDir: string;
  layout: SandboxLayout;
  /** Objects downloaded by this pull, and those already up to date. */
  fetched: number;
  unchanged: number;
  bytes: number;
  /** Catalog files (relative to catalogDir) now in the sandbox. */
  catalogFiles: string[];
  /** Where the run came from, without credentials. */
  source: string;
  /** Catalog keys and manifest entries skipped because their path would leave the sandbox (each named). */
  warnings: string[];
}

function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}

/**
 * Checks a downloaded body against the listing: the size always, the MD5 when the ETag is one (single-part uploads;
 * multipart ETags are `<md5 of md5s>-<parts>` and are compared as strings only).
 */
function verify(o: S3ObjectInfo, got: { body: Buffer; etag: string }, where: string): void {
  if (got.etag && o.etag && got.etag !== o.etag) {
    throw new RunLogError(`${where} changed while it was being pulled (ETag ${o.etag} → ${got.etag}); pull again.`, where);
  }
  if (got.body.length !== o.size) {
    throw new RunLogError(`${where}: downloaded ${got.body.length} bytes but the store lists ${o.size}; the transfer was cut short. Pull again.`, where);
  }
  if (/^[0-9a-f]{32}$/.test(o.etag) && md5(got.body) !== o.etag) {
    throw new RunLogError(`${where}: the downloaded bytes do not match the object's ETag (MD5); the transfer was corrupted. Pull again.`, where);
  }
}

async function writeAtomic(file: string, data: Buffer | string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.part`;
  await fs.writeFile(tmp, data);
  await fs.rename(tmp, file);
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.stat(file);
    return true;
  } catch {
    return false;
  }
}

/** Decodes a run log body (minio's double-encoded string or plain JSON) to the JSON value as runnable wrote it. */
function decodeBody(text: string, where: string): unknown {
  const v = decodeJsonText(text, where);
  return typeof v === 'string' ? decodeJsonText(v, where) : v;
}

/**
 * Every path a pull writes or deletes stays inside the sandbox, and never goes through a symbolic link: the
 * workspace ships `.runnable-sandbox/` (and could ship `.catalog/<run>` as a link to ~/), so a link anywhere from the
 * sandbox root down to the target is refused, and so is a path that resolves outside it (`..` in a key or manifest).
 * Checked component by component with lstat, so the link itself is found, not its target.
 */
async function guardPath(root: string, target: string, what: string): Promise<string> {
  const rel = path.relative(root, target);
  if (rel === '' || rel.startsWith(`..${path.sep}`) || rel === '..' || path.isAbsolute(rel)) {
    throw new RunLogError(`${what} would be written at ${target}, outside the sandbox ${root}; refused.`);
  }
  let cur = root;
  for (const part of ['', ...rel.split(path.sep)]) {
    cur = part ? path.join(cur, part) : cur;
    const st = await fs.lstat(cur).catch(() => undefined);
    if (!st) break;
    if (st.isSymbolicLink()) {
      throw new RunLogError(`${cur} is a symbolic link inside the sandbox; a pull never writes or deletes through links (it could point anywhere). Remove it and pull again.`);
    }
  }
  return target;
}

/** A catalog object's name as a relative path inside the run's catalog folder, or undefined when it would leave it. */
function catalogRelative(name: string): string | undefined {
  const parts = name.split('/');
  if (!name || name.startsWith('/') || parts.some((p) => p === '..' || p === '.' || p === '' || p.includes('\\'))) return undefined;
  return path.join(...parts);
}

/** Refuses run ids that would escape the sandbox folders. */
function checkRunId(runId: string): void {
  if (!runId || runId === '.' || runId === '..' || /[\\/]/.test(runId)) {
    throw new RunLogError(`"${runId}" is not a run id (run ids name one folder/object prefix, without / or \\).`);
  }
}

export async function pullRun(req: PullRequest): Promise<PullResult> {
  const { descriptor, runId, signal } = req;
  checkRunId(runId);
  if (descriptor.type !== 'minio' && descriptor.type !== 'chunked-minio') {
    throw new RunLogError(`${descriptor.label} is a ${descriptor.type} store, already local: retry its runs in place. Pull works on minio and chunked-minio stores.`);
  }
  const store = req.store ?? openS3Store(descriptor, req.storeOptions);
  if (!isS3Store(store)) throw new RunLogError(`${descriptor.label}: not an S3 store.`);
  const to = path.resolve(req.to);
  const layout: SandboxLayout = req.layout ?? 'file-system';
  const source = store.displayLocation;
  const logFolder = path.join(to, '.run_log_store');
  const catalogDir = path.join(to, '.catalog', runId);
  const runLogPath = layout === 'file-system' ? path.join(logFolder, `${runId}.json`) : path.join(logFolder, runId, 'RunLog.json');

  try {
    // Checked before anything is written: a sandbox holds one layout.
    const configFile = await writeSandboxConfig(to, layout, source, { dryRun: true });

    const runObjects = await store.runObjects(runId, signal);
    const main = runObjects.find((o) => o.key === store.mainKey(runId));
    if (!main) {
      throw new RunLogError(`Run "${runId}" is not in ${source} (no ${store.mainKey(runId)}). Check the run id with "runnable-runs list".`);
    }
    const catalog = await store.catalog();
    const listed = catalog ? await catalog.listObjects(runId, signal) : [];
    const warnings: string[] = [];
    // A key with `..` (or an empty segment) cannot be a file of this run's catalog folder: skipped and named, the
    // rest is pulled.
    const catalogObjects = listed.filter((o) => {
      if (catalogRelative(o.name) !== undefined) return true;
      warnings.push(`Skipped catalog object ${o.key}: its name would leave the run's catalog folder.`);
      return false;
    });

    const manifest = await readManifest(to);
    const previous = manifest.runs[runId];
    const sameSource = previous?.source === descriptor.id && previous.layout === layout;
    const known = new Map<string, PulledObject>(sameSource ? previous.objects.map((o) => [o.key, o]) : []);

    const logUnchanged =
      sameSource &&
      (await exists(runLogPath)) &&
      runObjects.length === previous.objects.filter((o) => o.kind === 'run-log').length &&
      runObjects.every((o) => known.get(o.key)?.etag === o.etag && known.get(o.key)?.size === o.size);
    const catalogTodo: typeof catalogObjects = [];
    for (const o of catalogObjects) {
      const k = known.get(`catalog:${o.key}`);
      const local = path.join(catalogDir, catalogRelative(o.name)!);
      const st = await fs.stat(local).catch(() => undefined);
      if (!k || k.etag !== o.etag || k.size !== o.size || !st || st.size !== o.size) catalogTodo.push(o);
    }
    const logTodo = logUnchanged ? [] : runObjects;
    const todo = [...logTodo, ...catalogTodo];
    const progress: PullProgress = { objects: 0, totalObjects: todo.length, bytes: 0, totalBytes: todo.reduce((n, o) => n + o.size, 0) };
    req.onProgress?.({ ...progress });
    const tick = (o: S3ObjectInfo): void => {
      progress.objects++;
      progress.bytes += o.size;
      req.onProgress?.({ ...progress, current: o.key });
    };

    if (logTodo.length) {
      const bodies = await mapLimit(logTodo, 4, async (o) => {
        const got = await store.getObject(o.key, signal);
        const where = store.source(o.key);
        verify(o, got, where);
        tick(o);
        return { o, value: decodeBody(got.body.toString('utf8'), where), where };
      });
      const mainBody = bodies.find((b) => b.o === main)!;
      // Validated so that a corrupt run is refused before it reaches the sandbox; the original JSON is what is written
      // (the schema keeps only the fields we read, runnable needs them all).
      parseRunLogValue(mainBody.value, mainBody.where);
      const branchBodies = bodies.filter((b) => b.o !== main);
      branchBodies.forEach((b) => parseBranchLogValue(b.value, b.where));
      if (layout === 'file-system') {
        const full = branchBodies.length
          ? mergeBranchLogsRaw(mainBody.value as RawRunLog, branchBodies.map((b) => b.value as RawBranchLog))
          : (mainBody.value as Record<string, unknown>);
        await writeAtomic(await guardPath(to, runLogPath, 'The run log'), JSON.stringify(full, null, 4));
      } else {
        const dir = path.join(logFolder, runId);
        await fs.rm(await guardPath(to, dir, 'The run\'s log folder'), { recursive: true, force: true });
        await writeAtomic(await guardPath(to, runLogPath, 'The run log'), JSON.stringify(mainBody.value, null, 4));
        for (const b of branchBodies) {
          const name = b.o.key.slice(b.o.key.lastIndexOf('/') + 1);
          await writeAtomic(await guardPath(to, path.join(dir, `${name}.json`), `Branch log ${b.o.key}`), JSON.stringify(b.value, null, 4));
        }
      }
    }

    await mapLimit(catalogTodo, 4, async (o) => {
      const got = await catalog!.read(runId, o.name, signal);
      const where = `catalog object ${o.key}`;
      if (!got) throw new RunLogError(`${where} disappeared while pulling; pull again.`);
      verify(o, got, where);
      await writeAtomic(await guardPath(to, path.join(catalogDir, catalogRelative(o.name)!), `Catalog object ${o.key}`), got.body);
      tick(o);
    });

    // Catalog files that were pulled before but are gone from the store now.
    const remote = new Set(catalogObjects.map((o) => `catalog:${o.key}`));
    for (const k of known.values()) {
      if (k.kind !== 'catalog' || remote.has(k.key) || !k.localPath) continue;
      // The manifest is a file in the workspace: an entry naming a path outside the sandbox is never deleted.
      const target = path.resolve(to, k.localPath);
      const ok = await guardPath(to, target, `Manifest entry ${k.key}`).then(() => true, (e: unknown) => {
        warnings.push(`Did not delete ${k.localPath} (manifest entry ${k.key}): ${errorMessage(e)}`);
        return false;
      });
      if (ok) await fs.rm(target, { force: true });
    }

    manifest.runs[runId] = {
      source: descriptor.id,
      layout,
      pulledAt: new Date().toISOString(),
      objects: [
        ...runObjects.map((o) => ({ key: o.key, etag: o.etag, size: o.size, kind: 'run-log' as const, localPath: path.relative(to, runLogPath) })),
        ...catalogObjects.map((o) => ({ key: `catalog:${o.key}`, etag: o.etag, size: o.size, kind: 'catalog' as const, localPath: path.relative(to, path.join(catalogDir, o.name)) })),
      ],
    };
    await guardPath(to, configFile, 'The sandbox config');
    await guardPath(to, path.join(to, MANIFEST_FILE), 'The pull manifest');
    await writeSandboxConfig(to, layout, source);
    await writeManifest(to, manifest);
    return {
      runId,
      to,
      configFile,
      runLogPath,
      catalogDir,
      layout,
      fetched: todo.length,
      unchanged: runObjects.length + catalogObjects.length - todo.length,
      bytes: progress.bytes,
      catalogFiles: catalogObjects.map((o) => o.name),
      source,
      warnings,
    };
  } catch (e) {
    // Messages built here may quote paths and keys; never credentials.
    if (e instanceof RunLogError && !(e.name === 'AbortError')) {
      const clean = redact(e.message, store.secrets);
      if (clean !== e.message) throw new RunLogError(clean, e.file);
    }
    throw e;
  }
}
