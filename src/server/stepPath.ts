// Where a step of a pipeline YAML sits (its enclosing composites and the branch taken in each), and where that
// step is in a recorded run: one place per map/loop iteration, the named branch of a parallel/conditional.
import type { Analysis, GraphInfo, StepInfo } from '../core/yaml/analyze';
import type { Branch, Step } from '../core/runlog/model';

/** Map and loop run their one `branch` once per iteration; runnable names each iteration's branch by its value/index. */
const ITERATING = new Set(['map', 'loop']);

export interface StepPath {
  /** Enclosing composite steps, outermost first; `branch` is undefined for a map/loop branch (every iteration). */
  composites: Array<{ name: string; type: string | undefined; branch: string | undefined }>;
  name: string;
  type: string | undefined;
}

/** The path of `step` in the file's dag; undefined when the step is not under the dag (e.g. an anchored branch outside it). */
export function stepPathOf(analysis: Analysis, step: StepInfo): StepPath | undefined {
  const visit = (g: GraphInfo, composites: StepPath['composites']): StepPath | undefined => {
    for (const s of g.steps.values()) {
      if (s === step) return { composites, name: s.name, type: s.type };
      for (const b of s.branches) {
        // analyze.ts labels a map/loop branch "branch"; parallel/conditional branches by their key ("default" included).
        const found = visit(b, [...composites, { name: s.name, type: s.type, branch: s.type && ITERATING.has(s.type) ? undefined : b.name }]);
        if (found) return found;
      }
    }
    return undefined;
  };
  return analysis.dag ? visit(analysis.dag, []) : undefined;
}

/** One place the step could be in a run: a map/loop iteration (or the one place when no map encloses it). */
export interface StepSlot {
  /** Iteration names of the enclosing maps/loops, outermost first ([] when none). */
  iterations: string[];
  /** The step as recorded there; undefined when that iteration never reached it. */
  step: Step | undefined;
}

export interface Located {
  slots: StepSlot[];
  /** Set when a conditional took another branch than the one holding the step. */
  notTaken?: { composite: Step; wanted: string; taken: string[] };
}

/** Finds the step in the run's (normalised, branch logs merged) steps by its YAML path. */
export function locateInRun(steps: Step[], p: StepPath): Located {
  let frontier: Array<{ steps: Step[]; iterations: string[] }> = [{ steps, iterations: [] }];
  let notTaken: Located['notTaken'];
  for (const c of p.composites) {
    const next: typeof frontier = [];
    for (const f of frontier) {
      const composite = f.steps.find((s) => s.name === c.name);
      // The composite never ran in this iteration (an earlier step failed): nothing below it either.
      if (!composite) continue;
      if (c.branch === undefined) {
        for (const b of composite.branches) next.push({ steps: b.steps, iterations: [...f.iterations, b.name] });
        continue;
      }
      const b: Branch | undefined = composite.branches.find((x) => x.name === c.branch);
      if (b) next.push({ steps: b.steps, iterations: f.iterations });
      else if (composite.branches.length) notTaken ??= { composite, wanted: c.branch, taken: composite.branches.map((x) => x.name) };
    }
    frontier = next;
  }
  const slots = frontier.map((f) => ({ iterations: f.iterations, step: f.steps.find((s) => s.name === p.name) }));
  return notTaken && !slots.some((s) => s.step) ? { slots, notTaken } : { slots };
}
