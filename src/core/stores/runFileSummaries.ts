// Listing shared by the local stores: for each run file, read only its first 4 KB (a worker thread stats the
// files meanwhile, see statWorker.ts); a run that cannot be read lists as an error item.
//
// Why synchronous fs in small batches: for 10,000 runs each async fs call costs a thread-pool round trip and a
// promise, several times the syscall itself (measured in scripts/bench/list-show.mjs: async listing ran at
// ~3x a sync read of the same heads). Batches of BATCH files (a few ms each) with a yield in between keep the
// extension host's event loop responsive while the listing runs at the speed of the syscalls.
// Named imports: the bundle reaches a namespace import's members through a getter each, 4 calls per run file here.
import { closeSync, constants, fstatSync, openSync, promises as fsp, readSync, realpathSync } from 'node:fs';
import * as path from 'node:path';
import type { RunLayout, RunSummary } from '../runlog/model';
import { summaryFromHeadBytes } from '../runlog/headBytes';
import { SUMMARY_HEAD_BYTES, summaryFromHead } from '../runlog/summary';
import { formatRunnableTime } from '../runlog/time';
import { errnoReason, inside, OPEN_NONBLOCK, outsideMessage, yieldToLoop } from './localFiles';
import { FILE, type FileStatter, type FileTimes, OTHER, STRIDE, statFilesInline } from './statWorker';

/** One run as the store folder shows it. */
export interface RunFile {
  runId: string;
  /** The file holding the run log head (file-system: `<id>.json`; chunked-fs: `<id>/RunLog.json`). */
  file: string;
}

/**
 * The runs of a store folder as two parallel arrays (run id, file holding its head): no object per run, since a
 * listing of 10,000 runs pays for every allocation in garbage collection (see scripts/bench/list-show.mjs).
 */
export interface RunFiles {
  runIds: string[];
  files: string[];
  /** The layout of each run (a folder can hold both): set on each summary read from its file. */
  layouts?: RunLayout[];
}

/**
 * A look at a run's head beyond what it says itself, for the runs whose `layouts` entry is `layout`: may set the
 * summary's start (chunked-fs: a run whose first step is composite has its first attempt in a branch log).
 * `buf[0..n)` is the head; the buffer is reused after the call returns.
 */
export interface HeadRefiner {
  layout: RunLayout;
  refine(file: string, buf: Buffer, n: number, summary: RunSummary): void;
}

const BATCH = 200;
const OPEN_NOFOLLOW = OPEN_NONBLOCK | (constants.O_NOFOLLOW ?? 0);
const START_TIME = Buffer.from('"start_time"');
// `"start_time": "2026-11-24 22:25:32.930947"` and some room for other spacing.
const START_TIME_SPAN = 72;

/**
 * The entry names of a local store's log folder, or the one error item saying why it cannot be listed.
 * A missing folder is an empty store: runnable creates it with the first run.
 */
export async function readLogFolder(folder: string, configName: string): Promise<{ names: string[]; links: string[] } | { error: RunSummary }> {
  try {
    // With the entry types (a d_type from the same getdents, ~3 ms more for 12,000 entries): the symbolic links
    // among them are checked by the caller (linkOutside), the rest is listed by name.
    const entries = await fsp.readdir(folder, { withFileTypes: true });
    const names = new Array<string>(entries.length);
    const links: string[] = [];
    for (let i = 0; i < entries.length; i++) {
      names[i] = entries[i].name;
      if (entries[i].isSymbolicLink()) links.push(entries[i].name);
    }
    return { names, links };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { names: [], links: [] };
    return { error: errorSummary(path.basename(folder), folder, `Cannot list the run log folder ${folder}: ${errnoReason(e)}. Check \`log_folder\` in ${configName}.`) };
  }
}

/**
 * For a store folder entry that is a symbolic link: the error sentence when it leads outside the store's real
 * folder (or nowhere), else undefined (a link to another entry of the same store is read as usual).
 */
export function linkOutside(entry: string, realRoot: string, root: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(entry);
  } catch {
    return undefined; // dangling: reading it gives the store's usual "does not exist" item
  }
  return real === realRoot || inside(realRoot, real) ? undefined : outsideMessage(entry, real, root);
}

/** The real path of a store folder (itself possibly a link to a bigger disk), or its resolved path. */
export function realFolder(folder: string): string {
  try {
    return realpathSync(folder);
  } catch {
    return path.resolve(folder);
  }
}

export function errorSummary(runId: string, source: string, error: string): RunSummary {
  return { runId, status: '', tag: '', kind: 'pipeline', startTime: undefined, endTime: undefined, startMs: NaN, endMs: NaN, error, source };
}

/** The run id check every summary read from a file passes through. */
function checkedId(f: RunFile, summary: RunSummary): RunSummary {
  // runnable finds a run by its file name, so the list keys runs by it; a file holding another run id was
  // renamed or copied and would mislead every later action (retry, show).
  if (summary.runId === f.runId) return summary;
  return summary.error
    ? { ...summary, runId: f.runId }
    : { ...summary, runId: f.runId, error: `${f.file} holds run "${summary.runId}", not "${f.runId}": runnable finds runs by file name, so rename it or remove the copy.` };
}

function fromHead(f: RunFile, head: string): RunSummary {
  return checkedId(f, summaryFromHead(head, f.file, NaN));
}

/**
 * What a missing run file means, per store layout (`code` ENOENT or ENOTDIR): an error item's source and sentence,
 * or null when the entry is not a run at all (chunked-fs: a plain file beside the run folders).
 */
export type MissingMessage = (f: RunFile, code: string) => { source: string; error: string } | null;

function missingOrUnreadable(f: RunFile, e: unknown, missing: MissingMessage | undefined): RunSummary | null {
  const code = (e as NodeJS.ErrnoException).code;
  if (missing && (code === 'ENOENT' || code === 'ENOTDIR')) {
    const m = missing(f, code);
    return m ? errorSummary(f.runId, m.source, m.error) : null;
  }
  if (code === 'EISDIR') return notRegular(f);
  return errorSummary(f.runId, f.file, `Cannot read ${f.file}: ${errnoReason(e)}.`);
}

function notRegular(f: RunFile): RunSummary {
  return errorSummary(f.runId, f.file, `${f.file} is not a regular file: runnable writes each run log as a JSON file; remove or rename it.`);
}

/** The stat of an open run file into `times` (the layout of statWorker.ts). */
function statHandle(fd: number, times: FileTimes, i: number): void {
  const st = fstatSync(fd);
  times[STRIDE * i] = st.mtimeMs;
  times[STRIDE * i + 1] = st.isFile() ? FILE : OTHER;
  times[STRIDE * i + 2] = st.size;
  times[STRIDE * i + 3] = st.ino;
}

/** A file that did not open (missing, no permission, a socket): its stat by path, as the stat worker takes it. */
function statByPath(file: string, times: FileTimes, i: number): void {
  times.set(statFilesInline([file]), STRIDE * i);
}

/** Whether the last summarise() read a head (its summary, even an error one, is dated by the file's mtime). */
let headRead = false;
/** How many bytes of the head the last summarise() read. */
let headLength = 0;

/**
 * Reads one run file's head (open, read, close: nothing else on this thread) into its summary; null: not a run.
 * With `times`, the file is also stat'ed into `times[STRIDE * i ..]`, on the handle it was opened with (fstat: no
 * second walk of the path) before its head is read, so the stat stands for what was read (see SummaryCache).
 */
function summarise(runId: string, file: string, buf: Buffer, missing: MissingMessage | undefined, root: string | undefined, times?: FileTimes, i = 0): RunSummary | null {
  headRead = false;
  let fd: number;
  try {
    // O_NOFOLLOW: the head file itself being a link (ELOOP) is looked at before anything is read through it.
    fd = openSync(file, root === undefined ? OPEN_NONBLOCK : OPEN_NOFOLLOW);
  } catch (e) {
    if (times) statByPath(file, times, i);
    if ((e as NodeJS.ErrnoException).code !== 'ELOOP' || root === undefined) return missingOrUnreadable({ runId, file }, e, missing);
    const outside = linkOutside(file, realFolder(root), root);
    if (outside) return errorSummary(runId, file, outside);
    try {
      fd = openSync(file, OPEN_NONBLOCK);
    } catch (e2) {
      return missingOrUnreadable({ runId, file }, e2, missing);
    }
  }
  let n: number;
  try {
    if (times) statHandle(fd, times, i);
    n = readSync(fd, buf, 0, buf.length, 0);
  } catch (e) {
    return missingOrUnreadable({ runId, file }, e, undefined);
  } finally {
    closeSync(fd);
  }
  headRead = true;
  headLength = n;
  // runnable's own layout is read from the bytes (headBytes.ts); anything else goes through the general scanner.
  const fast = summaryFromHeadBytes(buf, n, file, runId);
  if (fast) return checkedId({ runId, file }, fast);
  // runnable writes run_id, dag_hash, tag, status, then the first step's first attempt: everything the list
  // needs ends with the first "start_time" value, a few hundred bytes in. Decoding only that far spares
  // 10,000 x 4 KB of strings (and the GC they cost); the whole head is decoded when that was not enough.
  const at = buf.indexOf(START_TIME);
  const quick = at >= 0 && at + START_TIME_SPAN < n ? at + START_TIME_SPAN : n;
  const value = fromHead({ runId, file }, buf.toString('utf8', 0, quick));
  if (quick < n && (value.error || value.startTime === undefined)) return fromHead({ runId, file }, buf.toString('utf8', 0, n));
  return value;
}

/**
 * What one listing read, kept by the store for its next listing: parallel arrays, no object per run (the first
 * listing of 10,000 runs pays for every allocation). `ordered` says whether each stat was taken before its file was
 * read: only then may an unchanged identity stand for the summary (a stat racing the read could pin a stale
 * summary to a newer identity).
 */
export class SummaryCache {
  last: { files: string[]; times: FileTimes; read: (RunSummary | null)[]; dated: Uint8Array; ordered: boolean } | undefined;
}

/**
 * The summaries of the run files, newest first. This thread opens, reads the first 4 KB of and closes each file
 * (what the benchmark's floor does, plus reading the head), while `statter` (a worker thread, statWorker.ts) stats
 * them for what a head cannot say: the mtime (the summary's end time, and its place in the list when the head has
 * no start time), whether the entry is a regular file at all (a FIFO or a folder named *.json lists as an error
 * item), and the file's identity.
 *
 * First listing: stats and reads run side by side (the stats cost the listing thread nothing), or, for a statter
 * with `onHandle` (no thread of its own), each file is stat'ed on the handle it is read from. Later listings
 * (a refresh): the stats come first, and only files whose identity changed, or that were never read after their
 * stat, are read again; the other summaries are the same objects as before.
 */
export async function summariseRunFiles(
  { runIds, files, layouts }: RunFiles,
  statter: FileStatter,
  cache: SummaryCache,
  signal?: AbortSignal,
  missing?: MissingMessage,
  refiner?: HeadRefiner,
  /** The store folder: a head file that is a link leading out of it lists as an error item instead of being read. */
  root?: string,
): Promise<RunSummary[]> {
  const count = files.length;
  const previous = cache.last;
  const buf = Buffer.allocUnsafe(SUMMARY_HEAD_BYTES);
  // No thread to stat on (the CLI, one-off reads): the first listing stats each file on the handle it reads.
  const onHandle = previous === undefined && statter.onHandle === true;
  let handleTimes: FileTimes | undefined;
  const readOne = (i: number): RunSummary | null => {
    const s = summarise(runIds[i], files[i], buf, missing, root, handleTimes, i);
    if (s === null) return s;
    if (layouts) s.layout = layouts[i];
    if (refiner && headRead && !s.error && (layouts ? layouts[i] : refiner.layout) === refiner.layout) refiner.refine(files[i], buf, headLength, s);
    return s;
  };
  const read = new Array<RunSummary | null>(count);
  const dated = new Uint8Array(count);
  let times: FileTimes;
  if (previous === undefined) {
    if (onHandle) handleTimes = new Float64Array(count * STRIDE);
    const timesPromise = handleTimes ? Promise.resolve(handleTimes) : statter.statFiles(files);
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % BATCH === 0) {
        await yieldToLoop();
        signal?.throwIfAborted();
      }
      read[i] = readOne(i);
      dated[i] = headRead ? 1 : 0;
    }
    times = await timesPromise;
  } else {
    times = await statter.statFiles(files);
    signal?.throwIfAborted();
    const before = new Map<string, number>();
    for (let j = 0; j < previous.files.length; j++) before.set(previous.files[j], j);
    const t0 = previous.times;
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % BATCH === 0) {
        await yieldToLoop();
        signal?.throwIfAborted();
      }
      const j = previous.ordered ? before.get(files[i]) : undefined;
      // Only a summary read from the file's head stands for it (an open or read that failed is tried again).
      const kept = j === undefined || previous.dated[j] !== 1 ? undefined : previous.read[j];
      if (
        kept &&
        times[STRIDE * i + 1] === FILE &&
        t0[STRIDE * j! + 1] === FILE &&
        times[STRIDE * i] === t0[STRIDE * j!] &&
        times[STRIDE * i + 2] === t0[STRIDE * j! + 2] &&
        times[STRIDE * i + 3] === t0[STRIDE * j! + 3]
      ) {
        read[i] = kept;
        dated[i] = 1;
        continue;
      }
      read[i] = readOne(i);
      dated[i] = headRead ? 1 : 0;
    }
  }
  signal?.throwIfAborted();
  cache.last = { files, times, read, dated, ordered: previous !== undefined || onHandle };
  const order: number[] = [];
  const sortMs = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    let s = read[i];
    if (s === null) continue;
    const kind = times[STRIDE * i + 1];
    const mtimeMs = times[STRIDE * i];
    const byTime = kind === FILE && dated[i] === 1 && Number.isFinite(mtimeMs);
    if (kind === OTHER) {
      s = read[i] = notRegular({ runId: runIds[i], file: files[i] });
      if (layouts) s.layout = layouts[i];
    } else if (byTime && s.endMs !== mtimeMs) {
      s.endMs = mtimeMs;
      s.endTime = formatRunnableTime(mtimeMs);
    }
    sortMs[i] = Number.isFinite(s.startMs) ? s.startMs : byTime ? mtimeMs : -Infinity;
    order.push(i);
  }
  // Newest first; unreadable entries (no time) last, then by run id for a stable order.
  order.sort((a, b) => {
    const d = sortMs[b] - sortMs[a];
    if (d === d && d !== 0) return d;
    if (sortMs[a] !== sortMs[b]) return sortMs[a] === -Infinity ? 1 : -1;
    const x = read[a]!.runId;
    const y = read[b]!.runId;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const summaries = new Array<RunSummary>(order.length);
  for (let k = 0; k < order.length; k++) summaries[k] = read[order[k]]!;
  return summaries;
}
