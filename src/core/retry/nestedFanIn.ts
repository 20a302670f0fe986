// A Parallel nested in a Map or Loop iteration that never fanned in.
//
// Seen with real runnable (a597927, fixture s3-nested; the same with file-system, chunked-fs and minio stores): the
// inner Parallel's branches all succeed, then its fan_in (extensions/nodes/parallel.py) asks the run log store for the
// parameters of the enclosing iteration by its placeholder name, `per_chunk.map_variable_placeholder` (a Loop:
// `polling.loop_variable_placeholder`), which no branch log has: BranchLogNotFoundError (file-system) or
// EntityNotFoundError (chunked stores), outside any task. The run stays PROCESSING, the iteration branch PROCESSING
// with the Parallel step SUCCESS; later iterations have empty branch logs. A retry reaches the same fan-in and stops
// there again (observed), so there is nothing a retry can fix.
import type { Run, Step } from '../runlog/model';
import { isTerminal } from '../runlog/rules';

export interface StuckFanIn {
  /** The map or loop step (internal name). */
  iterating: string;
  iteratingType: 'map' | 'loop';
  /** The Parallel step inside the iteration whose fan-in failed (internal name). */
  parallel: string;
}

/** The first such Parallel in a run that did not finish, or undefined. */
export function stuckNestedFanIn(run: Run): StuckFanIn | undefined {
  if (run.kind !== 'pipeline' || run.status === 'SUCCESS' || run.status === 'FAIL') return undefined;
  const visit = (steps: Step[]): StuckFanIn | undefined => {
    for (const step of steps) {
      if (isTerminal(step) || step.status === 'SUCCESS') continue;
      if ((step.type === 'map' || step.type === 'loop') && step.status === 'PROCESSING') {
        for (const b of step.branches) {
          if (b.status !== 'PROCESSING') continue;
          const inner = b.steps.filter((s) => !isTerminal(s));
          const last = inner[inner.length - 1];
          // The iteration's last recorded step is a finished Parallel and nothing after it ran: its fan-in failed.
          if (last && last.type === 'parallel' && last.status === 'SUCCESS') {
            return { iterating: step.internalName, iteratingType: step.type === 'map' ? 'map' : 'loop', parallel: last.internalName };
          }
        }
      }
      const deeper = visit(step.branches.flatMap((b) => b.steps));
      if (deeper) return deeper;
    }
    return undefined;
  };
  return visit(run.steps);
}

/** The blocker sentence for plan-retry and Retry Locally. */
export function stuckFanInSentence(runId: string, s: StuckFanIn): string {
  const placeholder = `${s.iterating}.${s.iteratingType === 'map' ? 'map' : 'loop'}_variable_placeholder`;
  return `Run ${runId} stopped in runnable itself, not in your code: the Parallel ${s.parallel} inside the ${s.iteratingType} ${s.iterating} finished its branches, then its fan-in looked for the branch log "${placeholder}" and failed (runnable cannot fan in a Parallel nested in a ${s.iteratingType === 'map' ? 'Map' : 'Loop'} in this version). A retry stops at the same place. Move the Parallel out of the ${s.iteratingType === 'map' ? 'Map' : 'Loop'} (or its branches into separate steps) and run the pipeline again.`;
}
