// runnable's `file-system` layout, read-only: one `<log_folder>/<run_id>.json` per run
// (extensions/run_log_store/file_system.py writes `json.dump(run_log.model_dump(), indent=4)`). Reads one run;
// listing the folder (both layouts at once) is localFolderStore.ts's.
import * as path from 'node:path';
import type { Run } from '../runlog/model';
import { normaliseRun } from '../runlog/normalise';
import { decodeJsonText, parseRunLogText, parseRunLogValue } from '../runlog/parse';
import { FileCatalog } from './fileCatalog';
import { checkRealInside, checkRunId, errnoReason, readText, stat } from './localFiles';
import { fileIdentity, RunCache } from './runCache';
import { RunLogError, RunNotFoundError, type RunReader, type StoreDescriptor } from './runLogStore';

// Full runs are big (a 1,000-iteration map is megabytes): keep only the few the user is looking at.
const MAX_CACHED_RUNS = 16;

export class FileSystemRunLogStore implements RunReader {
  private readonly runs = new RunCache<Run>(MAX_CACHED_RUNS);
  private readonly catalog: FileCatalog | undefined;

  constructor(readonly descriptor: StoreDescriptor) {
    this.catalog = descriptor.catalog?.type === 'file-system' ? new FileCatalog(descriptor.catalog.location) : undefined;
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<Run> {
    const file = await this.runFile(runId);
    const st = await stat(file);
    const identity = fileIdentity(st);
    const hit = this.runs.get(file, identity);
    if (hit) return hit;
    signal?.throwIfAborted();
    const run = normaliseRun(parseRunLogText(await readRunText(file), file), [], file);
    run.layout = 'file-system';
    if (run.runId !== runId) run.warnings.push(`${file} holds run "${run.runId}", not "${runId}": runnable finds runs by file name, so this is a renamed copy.`);
    this.runs.set(file, identity, run);
    return run;
  }

  async getRawRunLog(runId: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const file = await this.runFile(runId);
    signal?.throwIfAborted();
    const value = decodeJsonText(await readRunText(file), file);
    // Validate (clear errors for a bad file) but hand back the JSON as runnable wrote it, every field kept.
    parseRunLogValue(value, file);
    return value as Record<string, unknown>;
  }

  listCatalog(runId: string, signal?: AbortSignal): Promise<string[]> {
    return this.catalog ? this.catalog.list(runId, signal) : Promise.resolve([]);
  }

  readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.catalog ? this.catalog.read(runId, name, signal) : Promise.resolve(undefined);
  }

  /** The run's file, after checking the id cannot escape the folder and the file is a readable regular file. */
  private async runFile(runId: string): Promise<string> {
    checkRunId(runId);
    const file = path.join(this.descriptor.location, `${runId}.json`);
    let st;
    try {
      st = await stat(file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new RunNotFoundError(`No run "${runId}" in ${this.descriptor.label} (${file} does not exist): check the run id, \`runnable-runs list\` shows the runs.`, runId, [this.descriptor], file);
      }
      throw new RunLogError(`Cannot read ${file}: ${errnoReason(e)}.`, file);
    }
    if (!st.isFile()) throw new RunLogError(`${file} is not a regular file: runnable writes each run log as a JSON file.`, file);
    await checkRealInside(this.descriptor.location, file);
    return file;
  }

}

/** The run file's text; a file removed (or made unreadable) after its stat says so in a sentence, not an errno. */
async function readRunText(file: string): Promise<string> {
  try {
    return await readText(file);
  } catch (e) {
    throw new RunLogError(`Cannot read ${file}: ${errnoReason(e)} (it changed while it was being read; refresh to see the store as it is now).`, file);
  }
}
