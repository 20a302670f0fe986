// Listing shared by the local stores: for each run file, stat it, reuse the cached summary when the file's
// identity is unchanged, else read only its first 4 KB; a run that cannot be read lists as an error item.
//
// Why synchronous fs in small batches: for 10,000 runs each async fs call costs a thread-pool round trip and a
// promise, several times the syscall itself (measured in scripts/bench/list-show.mjs: async listing ran at
// ~3x a sync read of the same heads). Batches of BATCH files (a few ms each) with a yield in between keep the
// extension host's event loop responsive while the listing runs at the speed of the syscalls.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../runlog/model';
import { SUMMARY_HEAD_BYTES, summaryFromHead } from '../runlog/summary';
import { errnoReason, OPEN_NONBLOCK, yieldToLoop } from './localFiles';

/** One run as the store folder shows it. */
export interface RunFile {
  runId: string;
  /** The file holding the run log head (file-system: `<id>.json`; chunked-fs: `<id>/RunLog.json`). */
  file: string;
}

const BATCH = 200;
const START_TIME = Buffer.from('"start_time"');
// `"start_time": "2026-11-24 22:25:32.930947"` and some room for other spacing.
const START_TIME_SPAN = 72;

/**
 * The entry names of a local store's log folder, or the one error item saying why it cannot be listed.
 * A missing folder is an empty store: runnable creates it with the first run.
 */
export async function readLogFolder(folder: string, configName: string): Promise<{ names: string[] } | { error: RunSummary }> {
  try {
    return { names: await fs.promises.readdir(folder) };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { names: [] };
    return { error: errorSummary(path.basename(folder), folder, `Cannot list the run log folder ${folder}: ${errnoReason(e)}. Check \`log_folder\` in ${configName}.`) };
  }
}

export function errorSummary(runId: string, source: string, error: string): RunSummary {
  return { runId, status: '', tag: '', kind: 'pipeline', startTime: undefined, endTime: undefined, startMs: NaN, endMs: NaN, error, source };
}

export interface ListedRun {
  summary: RunSummary;
  /** Newest first: the start, else the file's mtime; -Infinity (last) for an entry without a time. */
  sortMs: number;
  /** The file's identity when it was read (mtime, size, inode: a rewrite, an append or a rename each change it). */
  mtimeMs: number;
  size: number;
  ino: number;
}

/**
 * The summaries of one store's last listing, by file. Numbers compared in place (no identity string per run);
 * each listing builds the next map, so runs that are gone drop out without a second pass.
 */
export class SummaryCache {
  entries = new Map<string, ListedRun>();

  get size(): number {
    return this.entries.size;
  }
}

function listed(summary: RunSummary, sortMs: number, st?: fs.Stats): ListedRun {
  return { summary, sortMs: Number.isFinite(sortMs) ? sortMs : -Infinity, mtimeMs: st ? st.mtimeMs : NaN, size: st ? st.size : NaN, ino: st ? st.ino : NaN };
}

/**
 * What a missing run file means, per store layout (`code` ENOENT or ENOTDIR): an error item's source and sentence,
 * or null when the entry is not a run at all (chunked-fs: a plain file beside the run folders).
 */
export type MissingMessage = (f: RunFile, code: string) => { source: string; error: string } | null;



function missingOrUnreadable(f: RunFile, e: unknown, missing: MissingMessage | undefined): ListedRun | undefined {
  const code = (e as NodeJS.ErrnoException).code;
  if (missing && (code === 'ENOENT' || code === 'ENOTDIR')) {
    const m = missing(f, code);
    return m ? listed(errorSummary(f.runId, m.source, m.error), NaN) : undefined;
  }
  return listed(errorSummary(f.runId, f.file, `Cannot read ${f.file}: ${errnoReason(e)}.`), NaN);
}

function notRegular(f: RunFile): ListedRun {
  return listed(errorSummary(f.runId, f.file, `${f.file} is not a regular file: runnable writes each run log as a JSON file; remove or rename it.`), NaN);
}

function fromHead(f: RunFile, head: string, st: fs.Stats): ListedRun {
  let summary = summaryFromHead(head, f.file, st.mtimeMs);
  // runnable finds a run by its file name, so the list keys runs by it; a file holding another run id was
  // renamed or copied and would mislead every later action (retry, show).
  if (summary.runId !== f.runId) {
    summary = summary.error
      ? { ...summary, runId: f.runId }
      : { ...summary, runId: f.runId, error: `${f.file} holds run "${summary.runId}", not "${f.runId}": runnable finds runs by file name, so rename it or remove the copy.` };
  }
  return listed(summary, Number.isFinite(summary.startMs) ? summary.startMs : st.mtimeMs, st);
}

function summarise(f: RunFile, previous: Map<string, ListedRun>, buf: Buffer, missing: MissingMessage | undefined): ListedRun | undefined {
  // Seen before: one stat tells whether the cached summary still holds.
  const seen = previous.get(f.file);
  if (seen) {
    let st: fs.Stats;
    try {
      st = fs.statSync(f.file);
    } catch (e) {
      return missingOrUnreadable(f, e, missing);
    }
    if (st.isFile() && st.mtimeMs === seen.mtimeMs && st.size === seen.size && st.ino === seen.ino) return seen;
  }
  // New or changed: open, fstat the open file (cheaper than a path stat, and the identity matches what is read),
  // read the head.
  let fd: number;
  try {
    fd = fs.openSync(f.file, OPEN_NONBLOCK);
  } catch (e) {
    return missingOrUnreadable(f, e, missing);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) return notRegular(f);
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, buf.length, 0);
    } catch (e) {
      return listed(errorSummary(f.runId, f.file, `Cannot read ${f.file}: ${errnoReason(e)}.`), st.mtimeMs);
    }
    // runnable writes run_id, dag_hash, tag, status, then the first step's first attempt: everything the list
    // needs ends with the first "start_time" value, a few hundred bytes in. Decoding only that far spares
    // 10,000 x 4 KB of strings (and the GC they cost); the whole head is decoded when that was not enough.
    const at = buf.indexOf(START_TIME);
    const quick = at >= 0 && at + START_TIME_SPAN < n ? at + START_TIME_SPAN : n;
    let value = fromHead(f, buf.toString('utf8', 0, quick), st);
    if (quick < n && (value.summary.error || value.summary.startTime === undefined)) value = fromHead(f, buf.toString('utf8', 0, n), st);
    return value;
  } finally {
    fs.closeSync(fd);
  }
}

export async function summariseRunFiles(files: RunFile[], cache: SummaryCache, signal?: AbortSignal, missing?: MissingMessage): Promise<RunSummary[]> {
  const buf = Buffer.allocUnsafe(SUMMARY_HEAD_BYTES);
  const previous = cache.entries;
  const next = new Map<string, ListedRun>();
  const out: ListedRun[] = [];
  for (let i = 0; i < files.length; i++) {
    if (i > 0 && i % BATCH === 0) {
      await yieldToLoop();
      signal?.throwIfAborted();
    }
    const f = files[i];
    const l = summarise(f, previous, buf, missing);
    if (!l) continue;
    out.push(l);
    // Only what was read from a file whose identity is known is worth keeping (errors are re-read next time).
    if (l.mtimeMs === l.mtimeMs) next.set(f.file, l);
  }
  cache.entries = next;
  // Newest first; unreadable entries (no time) last, then by run id for a stable order.
  out.sort((a, b) => (a.sortMs === b.sortMs ? (a.summary.runId < b.summary.runId ? -1 : a.summary.runId > b.summary.runId ? 1 : 0) : b.sortMs - a.sortMs));
  const summaries = new Array<RunSummary>(out.length);
  for (let i = 0; i < out.length; i++) summaries[i] = out[i].summary;
  return summaries;
}
