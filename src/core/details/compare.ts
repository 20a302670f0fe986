// "Compare Runs": two runs of one pipeline side by side — parameters, then every step's status, attempts and
// duration — with the differences marked.
import type { Run } from '../runlog/model';
import { walkSteps } from '../runlog/rules';
import { formatDuration, formatParam } from './format';

export interface CompareSide {
  runId: string;
  status: string;
  tag: string;
  startTime: string | undefined;
  durationMs: number | undefined;
}

export interface CompareParamRow { name: string; a: string | undefined; b: string | undefined; differs: boolean }

export interface CompareStepCell { status: string; attempts: number; durationMs: number | undefined; duration: string; indicators: string[] }

export interface CompareStepRow {
  internalName: string;
  name: string;
  type: string;
  depth: number;
  a: CompareStepCell | undefined;
  b: CompareStepCell | undefined;
  statusDiffers: boolean;
  /** b - a in ms, when both ran. */
  durationDeltaMs: number | undefined;
}

export interface RunComparison {
  a: CompareSide;
  b: CompareSide;
  /** Why they count as one pipeline: `dag_hash` or `definition file`. */
  samePipelineBy: 'dag_hash' | 'definition file';
  definitionFile: string;
  dagDiffers: boolean;
  parameters: CompareParamRow[];
  steps: CompareStepRow[];
  differences: number;
}

/** Same pipeline: equal dag_hash, else the same definition file (the dag may have changed between the runs). */
export function samePipeline(a: Run, b: Run): 'dag_hash' | 'definition file' | undefined {
  if (a.dagHash && a.dagHash === b.dagHash) return 'dag_hash';
  if (a.definitionFile && a.definitionFile === b.definitionFile) return 'definition file';
  return undefined;
}

export function compareRuns(a: Run, b: Run): RunComparison {
  const by = samePipeline(a, b);
  if (!by) {
    throw new Error(`Runs ${a.runId} and ${b.runId} are not of the same pipeline (different dag_hash and definition file: ${a.definitionFile || '?'} vs ${b.definitionFile || '?'}). Pick two runs of one pipeline.`);
  }
  const names = new Set([...Object.keys(a.parameters), ...Object.keys(b.parameters)]);
  const parameters = [...names].sort().map((name) => {
    const pa = a.parameters[name] ? formatParam(a.parameters[name]) : undefined;
    const pb = b.parameters[name] ? formatParam(b.parameters[name]) : undefined;
    return { name, a: pa, b: pb, differs: pa !== pb };
  });
  const cells = (run: Run): Map<string, { cell: CompareStepCell; name: string; type: string; depth: number }> => {
    const m = new Map<string, { cell: CompareStepCell; name: string; type: string; depth: number }>();
    for (const { step, depth } of walkSteps(run)) {
      const starts = step.attempts.map((t) => t.startMs).filter(Number.isFinite);
      const ends = step.attempts.map((t) => t.endMs).filter(Number.isFinite);
      // Wall time over all attempts of the step (what a user waits for), not only the last attempt.
      const durationMs = step.attempts.length
        ? step.attempts.reduce((t, x) => t + (x.durationMs ?? 0), 0)
        : starts.length && ends.length ? Math.max(...ends) - Math.min(...starts) : undefined;
      m.set(step.internalName, {
        cell: { status: step.status, attempts: step.attempts.length, durationMs, duration: formatDuration(durationMs), indicators: step.attempts.map((t) => t.retryIndicator) },
        name: step.name, type: step.type, depth,
      });
    }
    return m;
  };
  const ca = cells(a);
  const cb = cells(b);
  // Order: a's walk order, then steps only b has (at their place in b's walk, appended).
  const order = [...ca.keys(), ...[...cb.keys()].filter((k) => !ca.has(k))];
  const steps = order.map((k) => {
    const x = ca.get(k);
    const y = cb.get(k);
    const meta = (x ?? y)!;
    const da = x?.cell.durationMs;
    const db = y?.cell.durationMs;
    return {
      internalName: k, name: meta.name, type: meta.type, depth: meta.depth, a: x?.cell, b: y?.cell,
      statusDiffers: x?.cell.status !== y?.cell.status,
      durationDeltaMs: da !== undefined && db !== undefined ? db - da : undefined,
    };
  });
  const side = (r: Run): CompareSide => ({
    runId: r.runId, status: r.status, tag: r.tag, startTime: r.startTime,
    durationMs: Number.isFinite(r.startMs) && Number.isFinite(r.endMs) ? r.endMs - r.startMs : undefined,
  });
  return {
    a: side(a), b: side(b), samePipelineBy: by, definitionFile: a.definitionFile || b.definitionFile,
    dagDiffers: a.dagHash !== b.dagHash, parameters, steps,
    differences: parameters.filter((p) => p.differs).length + steps.filter((s) => s.statusDiffers).length,
  };
}
