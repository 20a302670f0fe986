// runnable's `chunked-fs` run log store, read-only: `<log_folder>/<run_id>/RunLog.json` plus one
// `BranchLog-<internal branch name>.json` per branch (extensions/run_log_store/chunked_fs.py + generic_chunked.py;
// branch names contain dots and spaces, e.g. `BranchLog-score_all.2.json`, `BranchLog-train.large.json`). Reads one
// run; listing the folder (both layouts at once) is localFolderStore.ts's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Run } from '../runlog/model';
import { normaliseRun } from '../runlog/normalise';
import { parseBranchLogText, parseRunLogText } from '../runlog/parse';
import { mergeBranchLogsRaw } from '../runlog/rawMerge';
import type { RawBranchLog, RawRunLog } from '../runlog/schema';
import { FileCatalog } from './fileCatalog';
import { checkRealInside, checkRunId, errnoReason, inside, outsideMessage, readRegularFileSync, stat, yieldToLoop } from './localFiles';
import { fileIdentity, RunCache } from './runCache';
import { refineCompositeStart } from './compositeStart';
import type { HeadRefiner, MissingMessage } from './runFileSummaries';
import { RunLogError, RunNotFoundError, type RunReader, type StoreDescriptor } from './runLogStore';

export const RUN_LOG_FILE = 'RunLog.json';
export const BRANCH_LOG_PREFIX = 'BranchLog-';
const MAX_CACHED_RUNS = 16;

/** A run folder's missing RunLog.json as an error item; a plain file beside the run folders (ENOTDIR) is no run. */
export const missingRunLog: MissingMessage = (f, code) =>
  code === 'ENOTDIR'
    ? null
    : {
        source: path.dirname(f.file),
        error: `Run folder ${path.dirname(f.file)} has no ${RUN_LOG_FILE}: runnable writes it first, so the run was interrupted or copied incompletely.`,
      };

/** The list's start of a chunked run whose first step is composite comes from its branch logs (compositeStart.ts). */
export const COMPOSITE_START: HeadRefiner = { layout: 'chunked-fs', refine: refineCompositeStart };

interface ChunkedRead {
  raw: RawRunLog;
  branchLogs: RawBranchLog[];
  /** Branch log files that could not be read: the run still opens, with these as warnings. */
  warnings: string[];
  /** RunLog.json and every branch log file as read (see identity()). */
  identity: string;
}

export class ChunkedFsRunLogStore implements RunReader {
  private readonly runs = new RunCache<Run>(MAX_CACHED_RUNS);
  private readonly catalog: FileCatalog | undefined;

  constructor(readonly descriptor: StoreDescriptor) {
    this.catalog = descriptor.catalog?.type === 'file-system' ? new FileCatalog(descriptor.catalog.location) : undefined;
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<Run> {
    const dir = await this.runDir(runId);
    let identity: string;
    let read: ChunkedRead;
    if (this.runs.has(dir)) {
      // Seen before: stat every file to tell whether the cached run still holds.
      const known = await this.identity(dir);
      const hit = this.runs.get(dir, known.identity);
      if (hit) return hit;
      identity = known.identity;
      read = await this.read(dir, known.branchFiles, signal, known.skipped);
    } else {
      // First look: the identity comes from the fstat of each file as it is read (no stat pass over 1,000 files).
      const skipped: string[] = [];
      read = await this.read(dir, await this.branchFiles(dir, skipped), signal, skipped);
      identity = read.identity;
    }
    const run = normaliseRun(read.raw, read.branchLogs, path.join(dir, RUN_LOG_FILE));
    run.warnings.push(...read.warnings);
    run.layout = 'chunked-fs';
    if (run.runId !== runId) run.warnings.push(`${dir} holds run "${run.runId}", not "${runId}": runnable finds runs by folder name, so this is a renamed copy.`);
    this.runs.set(dir, identity, run);
    return run;
  }

  async getRawRunLog(runId: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const dir = await this.runDir(runId);
    const { branchFiles, skipped } = await this.identity(dir);
    const read = await this.read(dir, branchFiles, signal, skipped);
    return mergeBranchLogsRaw(read.raw, read.branchLogs);
  }

  listCatalog(runId: string, signal?: AbortSignal): Promise<string[]> {
    return this.catalog ? this.catalog.list(runId, signal) : Promise.resolve([]);
  }

  readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.catalog ? this.catalog.read(runId, name, signal) : Promise.resolve(undefined);
  }

  private async runDir(runId: string): Promise<string> {
    checkRunId(runId);
    const dir = path.join(this.descriptor.location, runId);
    const file = path.join(dir, RUN_LOG_FILE);
    let st;
    try {
      st = await stat(file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') {
        let dirExists = false;
        try {
          dirExists = (await stat(dir)).isDirectory();
        } catch {
          /* no such run */
        }
        if (dirExists) throw new RunLogError(`Run folder ${dir} has no ${RUN_LOG_FILE}: runnable writes it first, so the run was interrupted or copied incompletely.`, dir);
        throw new RunNotFoundError(`No run "${runId}" in ${this.descriptor.label} (${dir} does not exist): check the run id, \`runnable-runs list\` shows the runs.`, runId, [this.descriptor], dir);
      }
      throw new RunLogError(`Cannot read ${file}: ${errnoReason(e)}.`, file);
    }
    if (!st.isFile()) throw new RunLogError(`${file} is not a regular file: runnable writes the run log as a JSON file.`, file);
    // The run folder (or its RunLog.json) may be a link that leaves the store: refused, as a `..` id is.
    await checkRealInside(this.descriptor.location, file);
    return dir;
  }

  /** Identity of the whole run: RunLog.json and every branch log file (a branch finishing changes the run). */
  private async identity(dir: string): Promise<{ identity: string; branchFiles: string[]; skipped: string[] }> {
    const skipped: string[] = [];
    const branchFiles = await this.branchFiles(dir, skipped);
    // A map run has one branch log per iteration (1,000s): sync stats in batches, as for the list.
    const parts: string[] = [];
    const all = [RUN_LOG_FILE, ...branchFiles];
    for (let i = 0; i < all.length; i++) {
      if (i > 0 && i % 256 === 0) await yieldToLoop();
      try {
        parts.push(`${all[i]}@${fileIdentity(fs.statSync(dir + path.sep + all[i]))}`);
      } catch {
        parts.push(`${all[i]}@?`);
      }
    }
    return { identity: parts.join('|'), branchFiles, skipped };
  }

  /**
   * The run folder's branch log files, sorted. A branch log that is a link leaving the store is left out with a
   * warning (the run opens without that branch's steps, like an unreadable branch log); a folder removed since
   * runDir() looked says so in a sentence.
   */
  private async branchFiles(dir: string, warnings?: string[]): Promise<string[]> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw new RunLogError(`Cannot list the run folder ${dir}: ${errnoReason(e)} (it changed while it was being read; refresh to see the store as it is now).`, dir);
    }
    const out: string[] = [];
    let realRoot: string | undefined;
    for (const e of entries) {
      const n = e.name;
      if (!n.startsWith(BRANCH_LOG_PREFIX) || !n.endsWith('.json')) continue;
      if (e.isSymbolicLink()) {
        const file = dir + path.sep + n;
        realRoot ??= await fs.promises.realpath(this.descriptor.location).catch(() => path.resolve(this.descriptor.location));
        const real = await fs.promises.realpath(file).catch(() => undefined);
        if (real === undefined || !inside(realRoot, real)) {
          warnings?.push(real === undefined ? `Cannot read ${file}: it is a symbolic link to nothing.` : outsideMessage(file, real, this.descriptor.location));
          continue;
        }
      }
      out.push(n);
    }
    return out.sort();
  }

  private async read(dir: string, branchFiles: string[], signal?: AbortSignal, skipped: string[] = []): Promise<ChunkedRead> {
    const runFile = path.join(dir, RUN_LOG_FILE);
    signal?.throwIfAborted();
    // The same identity string as identity() builds, from the stats of the files as they were opened.
    const parts: string[] = [];
    let st: fs.Stats | undefined;
    let text: string;
    try {
      text = readRegularFileSync(runFile, (s) => (st = s));
    } catch (e) {
      if (e instanceof RunLogError) throw e;
      throw new RunLogError(`Cannot read ${runFile}: ${errnoReason(e)} (it changed while it was being read; refresh to see the store as it is now).`, runFile);
    }
    const raw = parseRunLogText(text, runFile);
    parts.push(`${RUN_LOG_FILE}@${st ? fileIdentity(st) : '?'}`);
    const warnings: string[] = [...skipped];
    const branchLogs: RawBranchLog[] = [];
    for (let i = 0; i < branchFiles.length; i++) {
      if (i > 0 && i % 64 === 0) {
        await yieldToLoop();
        signal?.throwIfAborted();
      }
      const file = dir + path.sep + branchFiles[i];
      st = undefined;
      try {
        branchLogs.push(parseBranchLogText(readRegularFileSync(file, (s) => (st = s)), file));
      } catch (e) {
        warnings.push(e instanceof RunLogError ? e.message : `Cannot read ${file}: ${errnoReason(e)}.`);
      }
      parts.push(`${branchFiles[i]}@${st ? fileIdentity(st) : '?'}`);
    }
    return { raw, branchLogs, warnings, identity: parts.join('|') };
  }
}
