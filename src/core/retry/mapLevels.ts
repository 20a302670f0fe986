// Which map iterations a step sits in (`score_all.2.score chunk` -> chunk = 2), read from the run's
// dag: used to make the breakpoint fire only for the failed iteration.
import { walkSteps } from '../runlog/rules';
import type { Run, Step } from '../runlog/model';
import { branchGraph, dagNode, runDag } from '../runlog/dag';

export interface MapLevel {
  /** map: the iteration value is a parameter named iterate_as; loop: runnable sets the index only as the
   * environment variable named by the loop's index_as (a string), never as a parameter (fixture loop). */
  kind?: 'map' | 'loop';
  mapStep: string;
  iterateAs: string;
  /** The iteration as recorded in the branch name (always a string). */
  branchValue: string;
}

export function mapLevels(run: Run, step: Step): MapLevel[] {
  const walked = walkSteps(run).find((w) => w.step === step);
  if (!walked) return [];
  const levels: MapLevel[] = [];
  let graph = runDag(run);
  let siblings = run.steps;
  for (const branch of walked.branchPath) {
    const owner = siblings.find((s) => s.branches.includes(branch));
    const node = owner && dagNode(graph, owner.name);
    if (!owner || !node) return levels;
    if (node.node_type === 'map' && typeof node.iterate_as === 'string') {
      levels.push({ kind: 'map', mapStep: owner.internalName, iterateAs: node.iterate_as, branchValue: branch.name });
      graph = node.branch;
    } else if (node.node_type === 'loop' && typeof node.index_as === 'string') {
      levels.push({ kind: 'loop', mapStep: owner.internalName, iterateAs: node.index_as, branchValue: branch.name });
      graph = node.branch;
    } else {
      graph = branchGraph(node, branch.name);
    }
    siblings = branch.steps;
  }
  return levels;
}

/** A JSON value as a Python literal (for breakpoint conditions). */
export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : `float(${JSON.stringify(String(v))})`;
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(pyLiteral).join(', ') + ']';
  return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => `${JSON.stringify(k)}: ${pyLiteral(x)}`).join(', ') + '}';
}
