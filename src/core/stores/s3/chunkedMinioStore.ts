// runnable's `chunked-minio` run log store, read-only: `<bucket>/<run_id>/RunLog` plus one
// `<bucket>/<run_id>/BranchLog-<internal branch name>` per branch (no suffix, names may contain spaces; plain JSON,
// run_log_store/chunked_minio.py + generic_chunked.py). Branch logs are nested into their parent steps on read.
import { normaliseRun } from '../../runlog/normalise';
import type { Run, RunSummary } from '../../runlog/model';
import { parseBranchLogText, parseRunLogText } from '../../runlog/parse';
import { mergeBranchLogsRaw } from '../../runlog/rawMerge';
import type { RawBranchLog } from '../../runlog/schema';
import { BRANCH_HEAD_BYTES, branchHeadStart, compositeFirstStep } from '../compositeStart';
import { mapLimit } from './mapLimit';
import { S3RunLogStore, type RemoteRunEntry } from './s3RunLogStore';

export const RUN_LOG_OBJECT = 'RunLog';
export const BRANCH_LOG_PREFIX = 'BranchLog-';

export class ChunkedMinioRunLogStore extends S3RunLogStore {
  protected classify(_runId: string, file: string): 'main' | 'branch' | undefined {
    if (file === RUN_LOG_OBJECT) return 'main';
    if (file.startsWith(BRANCH_LOG_PREFIX) && !file.includes('/')) return 'branch';
    return undefined;
  }

  mainKey(runId: string): string {
    return `${this.prefix}${runId}/${RUN_LOG_OBJECT}`;
  }

  /**
   * As chunked-fs (compositeStart.ts): a run whose first step is composite has no attempt in RunLog (real runnable,
   * a Loop or Parallel first), so the list's start is the earliest first attempt among that step's branch logs,
   * already listed: one ranged GET of each, and only for such runs.
   */
  protected override async refineSummary(e: RemoteRunEntry, head: Buffer, s: RunSummary, signal?: AbortSignal): Promise<void> {
    const step = compositeFirstStep(head, head.length);
    if (step === undefined) return;
    const prefix = `${this.prefix}${e.runId}/${BRANCH_LOG_PREFIX}${step}.`;
    const starts = await mapLimit(
      e.branches.filter((b) => b.key.startsWith(prefix)),
      this.options.concurrency ?? 8,
      async (b) => {
        // An unreadable branch log is reported when the run is opened; a cancellation still rejects.
        const buf = await this.access.getRange(b.key, BRANCH_HEAD_BYTES, signal).catch((err: unknown) => {
          if (signal?.aborted) throw err;
          return undefined;
        });
        return buf && branchHeadStart(buf, buf.length);
      },
    );
    for (const best of starts) {
      if (best && !(best.ms >= s.startMs)) {
        s.startMs = best.ms;
        s.startTime = best.text;
      }
    }
  }

  protected async readRun(runId: string, signal?: AbortSignal): Promise<{ run: Run; raw: Record<string, unknown>; etag: string }> {
    const key = this.mainKey(runId);
    const [obj, { objects }] = await Promise.all([
      this.getMain(runId, signal),
      this.access.list(`${this.prefix}${runId}/${BRANCH_LOG_PREFIX}`, { signal }),
    ]);
    const raw = parseRunLogText(obj.body.toString('utf8'), this.source(key));
    const branches: RawBranchLog[] = await mapLimit(objects, this.options.concurrency ?? 8, async (o) => {
      const b = await this.access.get(o.key, signal);
      return parseBranchLogText(b.body.toString('utf8'), this.source(o.key));
    });
    return { run: normaliseRun(raw, branches, this.source(key)), raw: mergeBranchLogsRaw(raw, branches), etag: obj.etag };
  }
}
