// Listing shared by the local stores: for each run file, stat it, reuse the cached summary when the file's
// identity is unchanged, else read only its first 4 KB; a run that cannot be read lists as an error item.
import type { RunSummary } from '../runlog/model';
import { summaryFromHead } from '../runlog/summary';
import { errnoReason, mapLimit, readHead, stat } from './localFiles';
import { fileIdentity, type RunCache } from './runCache';

/** One run as the store folder shows it. `problem` is set when the folder itself says the run is unreadable. */
export interface RunFile {
  runId: string;
  /** The file holding the run log head (file-system: `<id>.json`; chunked-fs: `<id>/RunLog.json`). */
  file: string;
  problem?: string;
}

// Enough requests in flight to keep libuv's 4 threads busy, few enough not to hit the fd limit.
const CONCURRENCY = 64;

export function errorSummary(runId: string, source: string, error: string): RunSummary {
  return { runId, status: '', tag: '', kind: 'pipeline', startTime: undefined, endTime: undefined, startMs: NaN, endMs: NaN, error, source };
}

interface Listed {
  summary: RunSummary;
  sortMs: number;
}

export async function summariseRunFiles(files: RunFile[], cache: RunCache<Listed>, signal?: AbortSignal): Promise<RunSummary[]> {
  const listed = await mapLimit(files, CONCURRENCY, async (f): Promise<Listed> => {
    if (f.problem) return { summary: errorSummary(f.runId, f.file, f.problem), sortMs: NaN };
    let st;
    try {
      st = await stat(f.file);
    } catch (e) {
      return { summary: errorSummary(f.runId, f.file, `Cannot read ${f.file}: ${errnoReason(e)}.`), sortMs: NaN };
    }
    if (!st.isFile()) {
      return { summary: errorSummary(f.runId, f.file, `${f.file} is not a regular file: runnable writes each run log as a JSON file; remove or rename it.`), sortMs: NaN };
    }
    const identity = fileIdentity(st);
    const hit = cache.get(f.file, identity);
    if (hit) return hit;
    let value: Listed;
    try {
      const head = await readHead(f.file);
      let summary = summaryFromHead(head, f.file, st.mtimeMs);
      // runnable finds a run by its file name, so the list keys runs by it; a file holding another run id was
      // renamed or copied and would mislead every later action (retry, show).
      if (summary.runId !== f.runId) {
        summary = summary.error
          ? { ...summary, runId: f.runId }
          : { ...summary, runId: f.runId, error: `${f.file} holds run "${summary.runId}", not "${f.runId}": runnable finds runs by file name, so rename it or remove the copy.` };
      }
      value = { summary, sortMs: Number.isFinite(summary.startMs) ? summary.startMs : st.mtimeMs };
    } catch (e) {
      value = { summary: errorSummary(f.runId, f.file, `Cannot read ${f.file}: ${errnoReason(e)}.`), sortMs: st.mtimeMs };
    }
    cache.set(f.file, identity, value);
    return value;
  }, signal);
  cache.retain(new Set(files.map((f) => f.file)));
  // Newest first; unreadable entries (no time) last, then by run id for a stable order.
  listed.sort((a, b) => {
    const am = Number.isFinite(a.sortMs) ? a.sortMs : -Infinity;
    const bm = Number.isFinite(b.sortMs) ? b.sortMs : -Infinity;
    return bm - am || a.summary.runId.localeCompare(b.summary.runId);
  });
  return listed.map((l) => l.summary);
}

export type { Listed as ListedRun };
