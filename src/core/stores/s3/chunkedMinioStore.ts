// runnable's `chunked-minio` run log store, read-only: `<bucket>/<run_id>/RunLog` plus one
// `<bucket>/<run_id>/BranchLog-<internal branch name>` per branch (no suffix, names may contain spaces; plain JSON,
// run_log_store/chunked_minio.py + generic_chunked.py). Branch logs are nested into their parent steps on read.
import { normaliseRun } from '../../runlog/normalise';
import type { Run } from '../../runlog/model';
import { parseBranchLogText, parseRunLogText } from '../../runlog/parse';
import { mergeBranchLogsRaw } from '../../runlog/rawMerge';
import type { RawBranchLog } from '../../runlog/schema';
import { mapLimit } from './mapLimit';
import { S3RunLogStore } from './s3RunLogStore';

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
