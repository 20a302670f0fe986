// A step's status in the latest runs of the workspace's run log stores, for hover: found with the run explorer's
// core (config discovery, stores, run rules). Read-only; a store that cannot be read is skipped with a log line.
import * as path from 'node:path';
import { discoverStores } from '../core/config/discover';
import { findStep, lastAttempt } from '../core/runlog/rules';
import type { Run } from '../core/runlog/model';
import { openStore } from '../core/stores/openStore';

export interface StepStatusSource {
  /** Lines like "FAIL in etl-usd-0100 (attempt 1, 3 h ago) · file-system .run_log_store". */
  describe(internalName: string, yamlFile: string | undefined): Promise<string[]>;
  invalidate(): void;
}

/** How many of each store's newest runs are read. */
const RUNS_PER_STORE = 10;
const SHOWN = 3;
const TTL_MS = 5000;

export function ago(ms: number, now = Date.now()): string {
  if (!Number.isFinite(ms)) return 'time unknown';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400 * 2) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** Does the run come from this YAML file? runnable records the path it was given (relative to its cwd). */
function runMatchesFile(run: Run, yamlFile: string | undefined, roots: readonly string[]): boolean {
  if (!yamlFile) return true;
  if (run.kind !== 'pipeline' || run.executionMode !== 'yaml') return false;
  if (!run.definitionFile) return true;
  if (path.isAbsolute(run.definitionFile)) return path.resolve(run.definitionFile) === path.resolve(yamlFile);
  const dirs = [...roots, path.dirname(yamlFile)];
  return dirs.some((d) => path.resolve(d, run.definitionFile) === path.resolve(yamlFile)) || path.basename(run.definitionFile) === path.basename(yamlFile);
}

export interface StoreSettings { configFile: string | undefined; variables: Record<string, string> }

export function createStepStatusSource(roots: () => readonly string[], log: (m: string) => void, settings: StoreSettings = { configFile: undefined, variables: {} }): StepStatusSource {
  let cache: { at: number; runs: Array<{ run: Run; store: string }> } | undefined;

  async function latestRuns(): Promise<Array<{ run: Run; store: string }>> {
    if (cache && Date.now() - cache.at < TTL_MS) return cache.runs;
    const runs: Array<{ run: Run; store: string }> = [];
    for (const cwd of roots()) {
      const found = await discoverStores({ cwd, env: process.env, configFile: settings.configFile, variables: settings.variables });
      for (const d of found.stores) {
        const store = openStore(d);
        try {
          const summaries = (await store.listRuns()).filter((s) => !s.error).slice(0, RUNS_PER_STORE);
          for (const s of summaries) {
            try { runs.push({ run: await store.getRun(s.runId), store: d.label }); } catch (e) { log(`hover: cannot read run ${s.runId} in ${d.label}: ${(e as Error).message}`); }
          }
        } catch (e) {
          log(`hover: cannot list runs of ${d.label}: ${(e as Error).message}`);
        }
      }
    }
    runs.sort((a, b) => (b.run.startMs || 0) - (a.run.startMs || 0));
    cache = { at: Date.now(), runs };
    return runs;
  }

  return {
    invalidate() { cache = undefined; },
    async describe(internalName, yamlFile) {
      const lines: string[] = [];
      for (const { run, store } of await latestRuns()) {
        if (!runMatchesFile(run, yamlFile, roots())) continue;
        const step = findStep(run, internalName);
        if (!step) continue;
        const attempt = lastAttempt(step);
        const when = attempt ? (Number.isFinite(attempt.endMs) ? attempt.endMs : attempt.startMs) : run.startMs;
        const verb = step.status === 'FAIL' ? 'failed' : step.status === 'SUCCESS' ? 'succeeded' : step.status.toLowerCase();
        lines.push(`${verb} in ${run.runId} (attempt ${attempt?.number ?? 0}, ${ago(when)}) · ${store}`);
        if (lines.length >= SHOWN) break;
      }
      return lines;
    },
  };
}
