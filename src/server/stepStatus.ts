// A step's status in the latest runs of the workspace's run log stores, for hover: found with the run explorer's
// core (config discovery, stores, run rules). Read-only; a store that cannot be read is skipped with a log line.
import { escapeMarkdown, inlineCode } from '../core/text/markdown';
import * as path from 'node:path';
import { lastAttempt } from '../core/runlog/rules';
import type { Attempt, Run, Step } from '../core/runlog/model';
import { runsOf } from '../core/stores/runLogStore';
import { StoreRegistry } from '../core/stores/storeRegistry';
import { FailureCauses } from '../core/stores/failureCauses';
import { formatRelative } from '../core/runlog/time';
import { runDagShape } from './dagShape';
import { locateInRun, type StepPath, type StepSlot } from './stepPath';

export interface StepStatusSource {
  /**
   * Lines like "failed in etl-usd-0100 (attempt 1, 3 h ago) · file-system .run_log_store"; inside a map, one summary
   * across iterations with the failed iteration's message. `dagShape` (dagShape.ts) lets SDK runs of the same pipeline count.
   */
  describe(step: StepPath, yamlFile: string | undefined, dagShape?: string): Promise<string[]>;
  invalidate(): void;
}

/** How many of each store's newest runs are read. */
const RUNS_PER_STORE = 10;
const SHOWN = 3;
const TTL_MS = 5000;

/** The Runs view's own wording (core/runlog/time.ts), so a run is "8 days ago" in both places. */
export function ago(ms: number, now = Date.now()): string {
  return formatRelative(ms, now) ?? 'time unknown';
}

/** The user's error of a failed attempt (from its captured log), when the store has it. */
type CauseOf = (step: Step, attempt: Attempt) => Promise<string | undefined>;

/**
 * Does the run come from this YAML file? runnable records the path it was given (relative to its cwd) for YAML runs;
 * an SDK run (execution_mode python, definition `module.function`) counts when its recorded dag has the YAML's shape.
 */
function runMatchesFile(run: Run, yamlFile: string | undefined, roots: readonly string[], dagShape: string | undefined, shapes: WeakMap<Run, string | undefined>): boolean {
  if (!yamlFile) return true;
  if (run.kind !== 'pipeline') return false;
  if (run.executionMode !== 'yaml') {
    if (dagShape === undefined) return false;
    if (!shapes.has(run)) shapes.set(run, runDagShape(run.runConfig));
    return shapes.get(run) === dagShape;
  }
  if (!run.definitionFile) return true;
  if (path.isAbsolute(run.definitionFile)) return path.resolve(run.definitionFile) === path.resolve(yamlFile);
  const dirs = [...roots, path.dirname(yamlFile)];
  return dirs.some((d) => path.resolve(d, run.definitionFile) === path.resolve(yamlFile)) || path.basename(run.definitionFile) === path.basename(yamlFile);
}

const verbOf = (status: string): string => status === 'FAIL' ? 'failed' : status === 'SUCCESS' ? 'succeeded' : status.toLowerCase();

/** A recorded message, one line, shortened (escaped for Markdown with the rest of its line). */
function quote(message: string): string {
  const line = message.trim().split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** The latest attempt end (or start) under a step, branches included; NaN when none is recorded. */
function lastActivity(step: Step): number {
  let t = NaN;
  for (const a of step.attempts) {
    const x = Number.isFinite(a.endMs) ? a.endMs : a.startMs;
    if (Number.isFinite(x) && !(x <= t)) t = x;
  }
  for (const b of step.branches) for (const s of b.steps) {
    const x = lastActivity(s);
    if (Number.isFinite(x) && !(x <= t)) t = x;
  }
  return t;
}

/** The failed task under a failed step (itself, or inside its failed branches), with its failing attempt. */
function failureOf(step: Step, where: string[] = []): { where: string[]; step: Step; attempt: Attempt } | undefined {
  if (step.status !== 'FAIL') return undefined;
  const a = lastAttempt(step);
  if (a && a.status === 'FAIL') return { where, step, attempt: a };
  for (const b of step.branches) {
    if (b.status !== 'FAIL') continue;
    for (const s of b.steps) {
      if (s.type === 'fail') continue;
      const f = failureOf(s, [...where, `${step.type === 'map' || step.type === 'loop' ? 'iteration' : 'branch'} ${b.name}`, s.name]);
      if (f) return f;
    }
  }
  return undefined;
}

/** "2 SUCCESS, 1 FAIL (iteration 2)": counts by status in first-seen order; the failed ones named (up to 3). */
function counts(items: Array<{ label: string; status: string }>, noun: string): string {
  const by = new Map<string, string[]>();
  for (const i of items) by.set(i.status, [...(by.get(i.status) ?? []), i.label]);
  return [...by].map(([status, labels]) => {
    const named = status === 'SUCCESS' ? '' : ` (${noun} ${labels.slice(0, 3).join(', ')}${labels.length > 3 ? ', ...' : ''})`;
    return `${labels.length} ${status}${named}`;
  }).join(', ');
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a composite's branches did: iterations of a map/loop, named branches of a parallel/conditional. */
function branchSummary(step: Step): string {
  const items = step.branches.map((b) => ({ label: b.name, status: b.status }));
  if (step.type === 'map' || step.type === 'loop') return `${plural(items.length, 'iteration')}: ${counts(items, 'iteration')}`;
  if (step.type === 'conditional') return items.length ? `took ${items.map((i) => `branch ${i.label}: ${i.status}`).join(', ')}` : 'no branch taken';
  return `branches: ${items.map((i) => `${i.label} ${i.status}`).join(', ')}`;
}

/** The failing attempt's message as a second line, naming where (iteration, branch, step) it failed. */
async function failureLine(step: Step, prefix: string[], causeOf: CauseOf): Promise<string | undefined> {
  const f = failureOf(step);
  if (!f) return undefined;
  const where = [...prefix, ...f.where].filter((w) => w !== '').join(' › ');
  const msg = quote((await causeOf(f.step, f.attempt)) ?? f.attempt.message) || 'no message recorded';
  return `${where ? `${where}, ` : ''}attempt ${f.attempt.number}: ${msg}`;
}

/** One run's line (and the failure's message on a second, indented line) for the step's slots in it. */
async function describeInRun(run: Run, slots: StepSlot[], store: string, causeOf: CauseOf): Promise<string | undefined> {
  const reached = slots.filter((s): s is StepSlot & { step: Step } => !!s.step);
  if (!reached.length) return undefined;
  const lines: string[] = [];
  if (slots.length === 1 && slots[0].iterations.length === 0) {
    const step = reached[0].step;
    if (step.branches.length && !step.attempts.length) {
      lines.push(`${verbOf(step.status)} in ${run.runId} · ${branchSummary(step)} · ${ago(lastActivity(step))} · ${store}`);
      const f = await failureLine(step, [], causeOf);
      if (f) lines.push(f);
    } else {
      const attempt = lastAttempt(step);
      const when = attempt ? (Number.isFinite(attempt.endMs) ? attempt.endMs : attempt.startMs) : run.startMs;
      lines.push(`${verbOf(step.status)} in ${run.runId} (attempt ${attempt?.number ?? 0}, ${ago(when)}) · ${store}`);
      if (step.status === 'FAIL' && attempt?.status === 'FAIL') {
        const text = (await causeOf(step, attempt)) ?? attempt.message;
        if (text.trim()) lines.push(quote(text));
      }
    }
  } else {
    // Inside a map/loop: one summary across its iterations ("iteration 2/1" when maps nest).
    const items = slots.map((s) => ({ label: s.iterations.join('/'), status: s.step?.status ?? 'NOT REACHED' }));
    const worst = items.some((i) => i.status === 'FAIL') ? 'FAIL' : items.every((i) => i.status === 'SUCCESS') ? 'SUCCESS' : items.find((i) => i.status !== 'SUCCESS')!.status;
    const when = Math.max(...reached.map((s) => lastActivity(s.step)).filter(Number.isFinite));
    lines.push(`${verbOf(worst)} in ${run.runId} · ${plural(slots.length, 'iteration')}: ${counts(items, 'iteration')} · ${ago(when)} · ${store}`);
    const failed = reached.find((s) => s.step.status === 'FAIL');
    const f = failed && await failureLine(failed.step, [`iteration ${failed.iterations.join('/')}`], causeOf);
    if (f) lines.push(f);
  }
  // Every part comes from a run log (ids, statuses, branch names, messages): plain text, escaped here, once.
  return lines.map(escapeMarkdown).join('\n  ');
}

export interface StoreSettings { configFile: string | undefined; variables: Record<string, string> }

export function createStepStatusSource(roots: () => readonly string[], log: (m: string) => void, settings: StoreSettings = { configFile: undefined, variables: {} }): StepStatusSource {
  let cache: { at: number; runs: Array<{ run: Run; store: string; causes: FailureCauses }> } | undefined;
  // Each root's stores, discovered and opened once (core/stores/storeRegistry.ts): a listing after the TTL re-reads
  // runs through the same stores; a watched file changing (a config among them) discovers again.
  let registries = new Map<string, Promise<{ registry: StoreRegistry; causes: Map<string, FailureCauses> }>>();
  const shapes = new WeakMap<Run, string | undefined>();

  function registryOf(cwd: string): Promise<{ registry: StoreRegistry; causes: Map<string, FailureCauses> }> {
    let r = registries.get(cwd);
    if (!r) {
      r = StoreRegistry.discover({ cwd, env: process.env, configFile: settings.configFile, variables: settings.variables }).then((registry) => ({ registry, causes: new Map() }));
      r.catch(() => registries.delete(cwd));
      registries.set(cwd, r);
    }
    return r;
  }

  async function latestRuns(): Promise<Array<{ run: Run; store: string; causes: FailureCauses }>> {
    if (cache && Date.now() - cache.at < TTL_MS) return cache.runs;
    const runs: Array<{ run: Run; store: string; causes: FailureCauses }> = [];
    for (const cwd of roots()) {
      const { registry, causes: causesOf } = await registryOf(cwd);
      for (const store of registry.stores()) {
        const d = store.descriptor;
        let causes = causesOf.get(d.id);
        if (!causes) causesOf.set(d.id, (causes = new FailureCauses(store)));
        try {
          const summaries = runsOf(await store.listRuns()).filter((s) => !s.error).slice(0, RUNS_PER_STORE);
          for (const s of summaries) {
            try { runs.push({ run: await store.getRun(s.runId), store: d.label, causes }); } catch (e) { log(`hover: cannot read run ${s.runId} in ${d.label}: ${(e as Error).message}`); }
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
    invalidate() { cache = undefined; registries = new Map(); },
    async describe(step, yamlFile, dagShape) {
      const lines: string[] = [];
      for (const { run, store, causes } of await latestRuns()) {
        if (!runMatchesFile(run, yamlFile, roots(), dagShape, shapes)) continue;
        const located = locateInRun(run.steps, step);
        const line = located.notTaken
          ? `not run in ${escapeMarkdown(run.runId)}: ${inlineCode(located.notTaken.composite.name)} took branch ${escapeMarkdown(`${located.notTaken.taken.join(', ')} · ${store}`)}`
          : await describeInRun(run, located.slots, store, (st, a) => causes.cause(run, st.internalName, a));
        if (!line) continue;
        lines.push(line);
        if (lines.length >= SHOWN) break;
      }
      return lines;
    },
  };
}
