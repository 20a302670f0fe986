// `runnable-runs list`: every run of the workspace's stores, newest first (JSON or a table).
import type { RunSummary } from '../runlog/model';
import { firstFailedTask } from '../runlog/rules';
import * as path from 'node:path';
import { emptyStoreSentence } from '../explorer/emptyStore';
import { FailureCauses } from '../stores/failureCauses';
import { errorSummary } from '../stores/runFileSummaries';
import { LOCAL_LAYOUTS, type RunLogStore, type StoreListing } from '../stores/runLogStore';
import { type CliCommand, commonOptions, openWorkspaceStores } from './command';
import { mapLimit } from '../stores/localFiles';
import { formatDuration, shortTime, table } from './format';
import { listEntryJson } from './runJson';

interface Row {
  summary: RunSummary;
  store: RunLogStore;
  /** when(summary), once per row rather than per comparison. */
  at: number;
}

function when(s: RunSummary): number {
  if (s.error) return -Infinity;
  return Number.isFinite(s.startMs) ? s.startMs : Number.isFinite(s.endMs) ? s.endMs : -Infinity;
}

const FULL_PARSE_LIMIT = 200;
/** A cause line is one line of the terminal: longer errors are cut (`show` and the Runs view's tooltip have it whole). */
const CAUSE_MAX = 160;

/** One line, at most CAUSE_MAX characters. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > CAUSE_MAX ? `${flat.slice(0, CAUSE_MAX - 1)}…` : flat;
}

/** A listing as table rows: a store that cannot be listed is one ERROR row carrying its sentence. */
function rowsOf(store: RunLogStore, listing: StoreListing): RunSummary[] {
  if (listing.kind === 'runs') return listing.runs;
  const d = store.descriptor;
  const local = (LOCAL_LAYOUTS as readonly string[]).includes(d.type);
  return [errorSummary(local ? path.basename(d.location) : d.type || 'store', local ? d.location : d.configFiles[0] ?? d.location, listing.message)];
}

export const listCommand: CliCommand = {
  name: 'list',
  usage: 'list [--cwd DIR] [--config FILE] [--var NAME=VALUE]... [--json]',
  summary: 'List the runs of the workspace\'s run log stores, newest first (--config: only that config\'s store).',
  async run(input, io) {
    const options = commonOptions(input.values, io);
    const { stores, warnings, configs, reads } = await openWorkspaceStores(options, io);
    warnings.forEach((w) => io.err(`warning: ${w}`));
    const rows: Row[] = [];
    for (const store of stores) {
      for (const summary of rowsOf(store, await store.listRuns())) if (reads(store, summary.layout)) rows.push({ summary, store, at: when(summary) });
    }
    // Newest first, runs without a time (error items too) last, ties by run id in code-unit order: close to the
    // order each store's listing comes in (runFileSummaries.ts), so for one store this pass does little work.
    rows.sort((a, b) => {
      const d = b.at - a.at;
      if (d > 0 || d < 0) return d;
      const x = a.summary.runId;
      const y = b.summary.runId;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    if (options.json) {
      io.out(JSON.stringify(rows.map((r) => listEntryJson(r.summary, r.store.descriptor)), null, 2));
      return 0;
    }
    if (!rows.length) {
      if (!stores.length) {
        io.out('No run log store found: add runnable-config.yaml or pass --config.');
        return 0;
      }
      // A store only Argo configs name holds its runs on the cluster, not here (emptyStore.ts).
      const empty = stores.map((s) => emptyStoreSentence(s.descriptor, configs));
      io.out(empty.every((e) => e.elsewhere) ? empty.map((e) => e.text).join('\n') : `No runs yet in ${stores.map((s) => s.descriptor.location).join(', ')}.`);
      return 0;
    }
    const multi = stores.length > 1;
    // The table shows what a person asks first (how long, which step failed), which needs the whole run; the
    // list's own end time is the file's mtime, which copies of a store do not keep. Big stores fall back to it.
    const parseAll = rows.length <= FULL_PARSE_LIMIT;
    const causesOf = new Map<RunLogStore, FailureCauses>();
    const results = await mapLimit(rows, 8, async ({ summary: s, store }) => {
      let failed = s.error ?? '';
      let cause: string | undefined;
      let duration = Number.isFinite(s.startMs) && Number.isFinite(s.endMs) ? formatDuration(s.endMs - s.startMs) : '';
      if (!s.error && (parseAll || s.status === 'FAIL')) {
        try {
          const run = await store.getRun(s.runId);
          duration = formatDuration(run.endMs - run.startMs);
          const f = run.status === 'FAIL' ? firstFailedTask(run) : null;
          if (run.status === 'FAIL') failed = f?.internalName ?? '';
          if (f) {
            // The user's error, as the Runs view shows it: from the step's captured output in the catalog.
            let causes = causesOf.get(store);
            if (!causes) causesOf.set(store, (causes = new FailureCauses(store)));
            cause = await causes.cause(run, f.internalName, f.attempt);
          }
        } catch (e) {
          failed = (e as Error).message;
        }
      }
      const row = [s.error ? 'ERROR' : s.status, s.runId, s.tag, shortTime(s.startTime), duration];
      if (multi) row.push(store.descriptor.label);
      row.push(failed);
      return { row, cause: cause && `${s.runId}  ${failed ? `${failed}: ` : ''}${oneLine(cause)}` };
    });
    const header = ['STATUS', 'RUN ID', 'TAG', 'STARTED', 'DURATION', ...(multi ? ['STORE'] : []), 'FAILED STEP / ERROR'];
    io.out(table(header, results.map((r) => r.row)));
    // One line per failed run whose first failed step left its error in the catalog, below the table so the table's
    // columns stay one line each.
    const causes = results.flatMap((r) => (r.cause ? [r.cause] : []));
    if (causes.length) io.out(['', 'Why they failed (the error each first failed step raised):', ...causes.map((c) => `  ${c}`)].join('\n'));
    return 0;
  },
};
