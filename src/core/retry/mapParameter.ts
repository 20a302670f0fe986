// A map that never fanned out because the parameter it iterates on was missing from the run.
//
// Seen with real runnable (a597927) on its own docs examples: `runnable execute examples/07-map/map.yaml` without the
// parameters file (`-p examples/common/initial_parameters.yaml`) creates the run, reaches the map node, and its fan-out
// raises `Exception: ('Expected parameter chunks', 'not present in Run Log parameters', 'was it ever set before?')`
// outside any task: no attempt, no branch, the run stays PROCESSING for ever. A retry restores the ORIGINAL run's
// parameters (RUNNABLE_PARAMETERS_FILE and -p are ignored), so it stops at the same place every time: nothing to retry.
import type { Branch, Run, Step } from '../runlog/model';
import { isTerminal } from '../runlog/rules';
import { branchGraph, dagNode, type RawDag, runDag } from '../runlog/dag';

export interface MissingIterable {
  /** The map step (its internal name: top level, or inside a branch). */
  step: string;
  /** Its `iterate_on`. */
  iterateOn: string;
  /**
   * A map inside a branch: the branch whose own parameters hold `iterate_on` (a step of that branch returned it).
   * runnable's map fan-out reads the run's parameters only (extensions/nodes/map.py fan_out:
   * get_parameters(run_id), no branch), so a value set inside a Parallel or Map branch never reaches it.
   */
  setIn?: string;
}

/**
 * The map the retry would start at when it never ran an iteration and its `iterate_on` is not among the run's
 * parameters: a top-level map, or one inside a branch the run entered (seen with real runnable: a Parallel branch
 * returns `chunks`, then maps over it; the run stays PROCESSING with "Expected parameter chunks not present in Run
 * Log parameters"). The steps before it all finished (runnable only reaches the map after them), so no step the
 * retry re-runs could still produce the parameter where the map looks for it.
 */
export function mapMissingIterable(run: Run): MissingIterable | undefined {
  const visit = (steps: Step[], graph: RawDag | undefined, branch: Branch | undefined): MissingIterable | undefined => {
    for (const step of steps) {
      if (isTerminal(step) || step.status === 'SUCCESS') continue;
      const node = dagNode(graph, step.name);
      if (step.type === 'map' && !step.branches.length) {
        const iterateOn = node?.iterate_on;
        if (typeof iterateOn !== 'string' || Object.hasOwn(run.parameters, iterateOn)) return undefined;
        const setIn = branch && Object.hasOwn(branch.parameters, iterateOn) ? branch.internalName : undefined;
        return { step: step.internalName, iterateOn, ...(setIn ? { setIn } : {}) };
      }
      if (!step.branches.length) return undefined;
      // A composite the run entered: the map may be inside one of its unfinished branches.
      for (const b of step.branches) {
        if (b.status === 'SUCCESS') continue;
        const found = visit(b.steps, branchGraph(node, b.name), b);
        if (found) return found;
      }
      return undefined;
    }
    return undefined;
  };
  return visit(run.steps, runDag(run), undefined);
}
