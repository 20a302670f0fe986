// runnable's `minio` run log store, read-only: one object `<bucket>/<run_id>/<run_id>.json` per run whose body is a
// JSON string holding the run log (run_log_store/minio.py writes json.dumps(run_log.model_dump_json())).
import { normaliseRun } from '../../runlog/normalise';
import type { Run } from '../../runlog/model';
import { parseRunLogText } from '../../runlog/parse';
import { S3RunLogStore } from './s3RunLogStore';

export class MinioRunLogStore extends S3RunLogStore {
  protected classify(runId: string, file: string): 'main' | undefined {
    return file === `${runId}.json` ? 'main' : undefined;
  }

  mainKey(runId: string): string {
    return `${this.prefix}${runId}/${runId}.json`;
  }

  protected async readRun(runId: string, signal?: AbortSignal): Promise<{ run: Run; raw: Record<string, unknown>; etag: string }> {
    const key = this.mainKey(runId);
    const obj = await this.getMain(runId, signal);
    // parseRunLogText decodes the outer JSON string and then the run log inside it.
    const raw = parseRunLogText(obj.body.toString('utf8'), this.source(key));
    return { run: normaliseRun(raw, [], this.source(key)), raw: raw as Record<string, unknown>, etag: obj.etag };
  }
}
