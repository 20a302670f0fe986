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
import { checkRunId, errnoReason, readRegularFileSync, stat, yieldToLoop } from './localFiles';
import { fileIdentity, RunCache } from './runCache';
import { refineCompositeStart } from './compositeStart';
import type { HeadRefiner, MissingMessage } from './runFileSummaries';
import { RunLogError, type RunReader, type StoreDescriptor } from './runLogStore';

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
      read = await this.read(dir, known.branchFiles, signal);
    } else {
      // First look: the identity comes from the fstat of each file as it is read (no stat pass over 1,000 files).
      read = await this.read(dir, await this.branchFiles(dir), signal);
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
    const { branchFiles } = await this.identity(dir);
    const read = await this.read(dir, branchFiles, signal);
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
        throw new RunLogError(`No run "${runId}" in ${this.descriptor.label} (${dir} does not exist): check the run id, \`runnable-runs list\` shows the runs.`, dir);
      }
      throw new RunLogError(`Cannot read ${file}: ${errnoReason(e)}.`, file);
    }
    if (!st.isFile()) throw new RunLogError(`${file} is not a regular file: runnable writes the run log as a JSON file.`, file);
    return dir;
  }

  /** Identity of the whole run: RunLog.json and every branch log file (a branch finishing changes the run). */
  private async identity(dir: string): Promise<{ identity: string; branchFiles: string[] }> {
    const branchFiles = await this.branchFiles(dir);
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
    return { identity: parts.join('|'), branchFiles };
  }

  private async branchFiles(dir: string): Promise<string[]> {
    const names = await fs.promises.readdir(dir);
    return names.filter((n) => n.startsWith(BRANCH_LOG_PREFIX) && n.endsWith('.json')).sort();
  }

  private async read(dir: string, branchFiles: string[], signal?: AbortSignal): Promise<ChunkedRead> {
    const runFile = path.join(dir, RUN_LOG_FILE);
    signal?.throwIfAborted();
    // The same identity string as identity() builds, from the stats of the files as they were opened.
    const parts: string[] = [];
    let st: fs.Stats | undefined;
    const raw = parseRunLogText(readRegularFileSync(runFile, (s) => (st = s)), runFile);
    parts.push(`${RUN_LOG_FILE}@${st ? fileIdentity(st) : '?'}`);
    const warnings: string[] = [];
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
