// runnable's file-system catalog, read-only: `<catalog_location>/<run_id>/` holds the step outputs runnable captured
// (`*.execution.log`) and object parameters pickled as `<name>.dill`.
import * as path from 'node:path';
import { checkRealInside, checkRunId, inside, readdir, stat } from './localFiles';
import { RunLogError } from './runLogStore';
import * as fs from 'node:fs';

export class FileCatalog {
  constructor(private readonly location: string) {}

  /** Files of the run's catalog folder, relative POSIX paths, sorted; [] when the run has no catalog folder. */
  async list(runId: string, signal?: AbortSignal): Promise<string[]> {
    checkRunId(runId);
    const root = path.join(this.location, runId);
    const out: string[] = [];
    const walk = async (dir: string, rel: string): Promise<void> => {
      signal?.throwIfAborted();
      let entries;
      try {
        entries = await readdir(dir);
      } catch {
        return;
      }
      for (const e of entries) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (e.isDirectory()) await walk(path.join(dir, e.name), r);
        else if (e.isFile()) out.push(r);
      }
    };
    await walk(root, '');
    return out.sort();
  }

  /** One catalog file's bytes; undefined when it is absent. Names that leave the run's folder are refused. */
  async read(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    checkRunId(runId);
    const root = path.join(this.location, runId);
    const file = inside(root, name);
    if (!file) throw new RunLogError(`Refusing catalog file "${name}": it points outside the catalog folder of run ${runId}.`);
    try {
      if (!(await stat(file)).isFile()) return undefined;
    } catch {
      return undefined;
    }
    // A catalog file that is a link leading out of the catalog folder is refused, like a `..` name.
    await checkRealInside(this.location, file);
    signal?.throwIfAborted();
    return fs.promises.readFile(file, { signal });
  }
}
