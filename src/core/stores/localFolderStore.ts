// One local run log folder, every layout: runnable's file-system store writes `<folder>/<run_id>.json`, chunked-fs
// writes `<folder>/<run_id>/RunLog.json` (+ BranchLog-*.json), and configs of both types may name the same folder
// (runnable's own examples/configs do, on the default `.run_log_store`). Whichever type the config gives it, the
// folder lists every run it holds exactly once, each summary and run saying its layout (RunSummary.layout /
// Run.layout), so a retry can pick a config of that layout (configForLayout). Read-only, like every store.
//
// The rare folder holding both `<id>.json` and `<id>/` (two runs of one id made with configs of both types) lists
// the run of the store's own layout; opening it says the other one exists.
import * as path from 'node:path';
import type { Run, RunLayout, RunSummary } from '../runlog/model';
import { COMPOSITE_START, ChunkedFsRunLogStore, missingRunLog, RUN_LOG_FILE } from './chunkedFsStore';
import { FileSystemRunLogStore } from './fileSystemStore';
import { checkRunId, stat } from './localFiles';
import { errorSummary, linkOutside, type MissingMessage, readLogFolder, realFolder, SummaryCache, summariseRunFiles } from './runFileSummaries';
import { type FileStatter, inlineStatter } from './statWorker';
import { RunNotFoundError, type RunLogStore, type StoreListing, type RunReader, type StoreDescriptor } from './runLogStore';

const JSON_SUFFIX = '.json';

export class LocalFolderRunLogStore implements RunLogStore {
  readonly watchPath: string;
  private readonly summaries = new SummaryCache();
  private readonly flat: FileSystemRunLogStore;
  private readonly chunked: ChunkedFsRunLogStore;
  /** The layout this store's type reads (file-system for a root runnable's defaults or a file-system config opened). */
  readonly preferred: RunLayout;
  private readonly missing: MissingMessage;
  /** Whether a chunked-fs config reads this folder (a folder entry is then a run, not something else). */
  private readonly chunkedReaders: boolean;

  constructor(
    readonly descriptor: StoreDescriptor,
    private readonly statter: FileStatter = inlineStatter,
  ) {
    this.watchPath = descriptor.location;
    this.flat = new FileSystemRunLogStore(descriptor);
    this.chunked = new ChunkedFsRunLogStore(descriptor);
    this.preferred = descriptor.type === 'chunked-fs' ? 'chunked-fs' : 'file-system';
    // A folder without RunLog.json is a broken chunked run only where a chunked-fs config looks; in a folder only
    // file-system configs name, it is something else (as runnable's file-system store, the list ignores it).
    const chunkedReaders = descriptor.layouts ? descriptor.layouts['chunked-fs'] !== undefined : this.preferred === 'chunked-fs';
    this.chunkedReaders = chunkedReaders;
    const folder = descriptor.location;
    this.missing = (f, code) => {
      // `<id>.json` gone between the readdir and the open: as a file-system store alone says it.
      if (path.dirname(f.file) === folder) return { source: f.file, error: `Cannot read ${f.file}: ${code === 'ENOTDIR' ? 'it is not a folder' : 'it does not exist'}.` };
      return chunkedReaders ? missingRunLog(f, code) : null;
    };
  }

  async listRuns(signal?: AbortSignal): Promise<StoreListing> {
    const folder = this.descriptor.location;
    const listed = await readLogFolder(folder, this.descriptor.configFiles[0] ?? 'runnable-config.yaml');
    // The folder itself cannot be listed (a file or a FIFO where it should be, no permission): the store is unavailable.
    if ('error' in listed) return { kind: 'unavailable', message: listed.error.error! };
    let names = listed.names;
    // An entry that is a link leading out of the store folder (a run file or a chunked run folder) is an error
    // item, never read: like a run id with `..`, it would make the store show what it does not hold.
    const escapes: RunSummary[] = [];
    if (listed.links.length) {
      const realRoot = realFolder(folder);
      const out = new Set<string>();
      for (const name of listed.links) {
        const why = linkOutside(folder + path.sep + name, realRoot, folder);
        if (why === undefined) continue;
        out.add(name);
        const flat = name.endsWith(JSON_SUFFIX);
        if (flat || this.chunkedReaders) {
          const s = errorSummary(flat ? name.slice(0, -JSON_SUFFIX.length) : name, folder + path.sep + name, why);
          s.layout = flat ? 'file-system' : 'chunked-fs';
          escapes.push(s);
        }
      }
      if (out.size) names = names.filter((n) => !out.has(n));
    }
    const prefix = folder + path.sep;
    const suffix = path.sep + RUN_LOG_FILE;
    // Names only (no Dirent, no stat per entry, as each store did alone): `<id>.json` is a file-system run,
    // anything else may be a chunked run folder (opening `<name>/RunLog.json` tells: ENOTDIR for a plain file).
    const count = names.length;
    const runIds = new Array<string>(count);
    const files = new Array<string>(count);
    const layouts = new Array<RunLayout>(count);
    let flatCount = 0;
    for (let i = 0; i < count; i++) {
      const name = names[i];
      if (name.endsWith(JSON_SUFFIX)) {
        runIds[i] = name.slice(0, -JSON_SUFFIX.length);
        files[i] = prefix + name;
        layouts[i] = 'file-system';
        flatCount++;
      } else {
        runIds[i] = name;
        files[i] = prefix + name + suffix;
        layouts[i] = 'chunked-fs';
      }
    }
    if (flatCount > 0 && flatCount < count) {
      // Both layouts in one folder: an id in both keeps the store's own (the other is named when the run is opened).
      const drop = this.preferred === 'file-system' ? 'chunked-fs' : 'file-system';
      const other = new Set<string>();
      for (let i = 0; i < count; i++) if (layouts[i] !== drop) other.add(runIds[i]);
      for (let i = count - 1; i >= 0; i--) {
        if (layouts[i] === drop && other.has(runIds[i])) {
          runIds.splice(i, 1);
          files.splice(i, 1);
          layouts.splice(i, 1);
        }
      }
    }
    const listedRuns = await summariseRunFiles({ runIds, files, layouts }, this.statter, this.summaries, signal, this.missing, COMPOSITE_START, folder);
    return { kind: 'runs', runs: escapes.length ? [...listedRuns, ...escapes] : listedRuns };
  }

  async getRun(runId: string, signal?: AbortSignal): Promise<Run> {
    const { layout, both } = await this.layoutOf(runId);
    const run = await this.store(layout).getRun(runId, signal);
    if (both) {
      const other = layout === 'file-system' ? 'chunked-fs' : 'file-system';
      const note = `${this.descriptor.location} also holds a ${other} run "${runId}" (${this.runPath(runId, other)}); this is the ${layout} one, which a ${layout} config reads.`;
      if (!run.warnings.includes(note)) run.warnings.push(note);
    }
    return run;
  }

  async getRawRunLog(runId: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    return this.store((await this.layoutOf(runId)).layout).getRawRunLog(runId, signal);
  }

  listCatalog(runId: string, signal?: AbortSignal): Promise<string[]> {
    return this.flat.listCatalog(runId, signal);
  }

  readCatalogFile(runId: string, name: string, signal?: AbortSignal): Promise<Buffer | undefined> {
    return this.flat.readCatalogFile(runId, name, signal);
  }

  private store(layout: RunLayout): RunReader {
    return layout === 'file-system' ? this.flat : this.chunked;
  }

  private runPath(runId: string, layout: RunLayout): string {
    return layout === 'file-system' ? path.join(this.descriptor.location, runId + JSON_SUFFIX) : path.join(this.descriptor.location, runId, RUN_LOG_FILE);
  }

  /** Which layout holds the run: the store's own when it does (or when neither does, for its error), else the other. */
  private async layoutOf(runId: string): Promise<{ layout: RunLayout; both: boolean }> {
    checkRunId(runId);
    const flat = await present(path.join(this.descriptor.location, runId + JSON_SUFFIX));
    const folder = await present(path.join(this.descriptor.location, runId), true);
    if (!flat && !folder) {
      throw new RunNotFoundError(
        `No run "${runId}" in ${this.descriptor.label} (neither ${this.runPath(runId, 'file-system')} nor ${this.runPath(runId, 'chunked-fs')} exists): check the run id, \`runnable-runs list\` shows the runs.`,
        runId,
        [this.descriptor],
        this.runPath(runId, this.preferred),
      );
    }
    if (flat && folder) return { layout: this.preferred, both: true };
    return { layout: flat ? 'file-system' : 'chunked-fs', both: false };
  }
}

async function present(p: string, folder = false): Promise<boolean> {
  try {
    const st = await stat(p);
    return !folder || st.isDirectory();
  } catch {
    return false;
  }
}
