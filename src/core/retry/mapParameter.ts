// A map that never fanned out because the parameter it iterates on was missing from the run.
//
// Seen with real runnable (a597927) on its own docs examples: `runnable execute examples/07-map/map.yaml` without the
// parameters file (`-p examples/common/initial_parameters.yaml`) creates the run, reaches the map node, and its fan-out
// raises `Exception: ('Expected parameter chunks', 'not present in Run Log parameters', 'was it ever set before?')`
// outside any task: no attempt, no branch, the run stays PROCESSING for ever. A retry restores the ORIGINAL run's
// parameters (RUNNABLE_PARAMETERS_FILE and -p are ignored), so it stops at the same place every time: nothing to retry.
import type { Run } from '../runlog/model';
import { isTerminal } from '../runlog/rules';

export interface MissingIterable {
  /** The map step (top level). */
  step: string;
  /** Its `iterate_on`. */
  iterateOn: string;
}

/**
 * The top-level map the retry would start at when it never ran an iteration and its `iterate_on` is not among the
 * run's parameters. Earlier steps all finished (runnable only reaches the map after them), so no step the retry
 * re-runs could still produce the parameter.
 */
export function mapMissingIterable(run: Run): MissingIterable | undefined {
  const nodes = (run.runConfig.dag as { nodes?: Record<string, { iterate_on?: unknown }> } | undefined)?.nodes ?? {};
  for (const step of run.steps) {
    if (isTerminal(step) || step.status === 'SUCCESS') continue;
    if (step.type !== 'map' || step.branches.length) return undefined;
    const iterateOn = Object.prototype.hasOwnProperty.call(nodes, step.name) ? nodes[step.name]?.iterate_on : undefined;
    if (typeof iterateOn !== 'string' || Object.prototype.hasOwnProperty.call(run.parameters, iterateOn)) return undefined;
    return { step: step.internalName, iterateOn };
  }
  return undefined;
}
