// runnable's minio catalog, read-only: objects `<bucket>/<run_id>/<file>` (model.dill, `<step>XXX.execution.log`).
// catalog/minio.py builds `s3://{bucket}/{run_id}/{compute_data_folder}`.strip("."), so with the default
// compute_data_folder "." a run's files sit directly under `<run_id>/`.
import { S3Access, type S3Body, type S3ObjectInfo } from './s3Access';
import { classifyS3Error } from './s3Errors';

export interface CatalogObject extends S3ObjectInfo {
  /** Path relative to `<run_id>/`, POSIX. */
  name: string;
}

export class MinioCatalog {
  constructor(readonly access: S3Access) {}

  private runPrefix(runId: string): string {
    return `${this.access.location.prefix}${runId}/`;
  }

  /** Objects of the run's catalog folder, sorted by name; [] when the run has none. */
  async listObjects(runId: string, signal?: AbortSignal): Promise<CatalogObject[]> {
    const prefix = this.runPrefix(runId);
    const { objects } = await this.access.list(prefix, { signal });
    return objects
      .filter((o) => !o.key.endsWith('/'))
      .map((o) => ({ ...o, name: o.key.slice(prefix.length) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async list(runId: string, signal?: AbortSignal): Promise<string[]> {
    return (await this.listObjects(runId, signal)).map((o) => o.name);
  }

  /** The object, or undefined when it does not exist. */
  async read(runId: string, name: string, signal?: AbortSignal): Promise<S3Body | undefined> {
    if (name.split('/').some((p) => p === '..')) return undefined;
    try {
      return await this.access.get(this.runPrefix(runId) + name, signal);
    } catch (e) {
      if (classifyS3Error(e).kind === 'no-such-key') return undefined;
      throw e;
    }
  }

  keyOf(runId: string, name: string): string {
    return this.runPrefix(runId) + name;
  }
}
