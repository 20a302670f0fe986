// Runs that died while PROCESSING, and the small facts the retry plan needs about a run's files.
//
// Seen with real runnable (fixture killed-run): a step killed by SIGKILL (an OOM kill) or an orchestration error
// leaves the run PROCESSING forever, and the killed step has NO attempt (it is created with status PROCESSING and an
// attempt is only appended when the task returns). runnable retries such a run: finished steps are skipped, the
// unfinished one runs again as attempt 1 carrying the retry's indicator. Its inputs are the parameters in scope:
// the run's (or the branch's) `parameters`, which runnable writes before each step.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Attempt, Branch, ParamValue, Run, Step } from '../runlog/model';
import type { FirstFailedTask } from '../runlog/model';
import { isComposite, isTerminal } from '../runlog/rules';
import type { StoreDescriptor } from '../stores/runLogStore';

const UNFINISHED = new Set(['PROCESSING', 'CREATED', 'TRIGGERED']);


/** The run's layout: what the store found on disk when it says so (`layout` on the run), else the store's type. */
export function runLayout(run: Run, store: StoreDescriptor): string {
  const layout = (run as Run & { layout?: string }).layout;
  return typeof layout === 'string' && layout ? layout : store.type;
}

/** The first task (execution order) that started and never finished: status PROCESSING/CREATED, last attempt not done. */
export function firstUnfinishedTask(run: Run): FirstFailedTask | null {
  const visit = (steps: Step[], scope: Record<string, ParamValue>): FirstFailedTask | null => {
    for (const step of steps) {
      if (isTerminal(step)) continue;
      if (isComposite(step)) {
        if (step.status === 'SUCCESS') continue;
        for (const b of step.branches as Branch[]) {
          const found = visit(b.steps, Object.keys(b.parameters).length ? b.parameters : scope);
          if (found) return found;
        }
        continue;
      }
      const last = step.attempts[step.attempts.length - 1];
      if (!UNFINISHED.has(step.status) && last) continue;
      if (last && last.status === 'SUCCESS') continue;
      const attempt: Attempt = last ?? {
        number: 0, status: step.status, retryIndicator: '', startTime: '', endTime: '', startMs: NaN, endMs: NaN, durationMs: undefined,
        message: 'The step never finished: its process died (killed, out of memory, or the orchestrator stopped it) before runnable recorded an attempt.',
        inputs: scope, outputs: {}, metrics: {}, codeIdentities: [],
      };
      return { internalName: step.internalName, name: step.name, command: step.command, commandType: step.commandType, step, attempt };
    }
    return null;
  };
  return visit(run.steps, run.parameters);
}

/** When the run's log last changed (ms): the newest mtime of its file(s); the newest attempt time for remote stores. */
export async function lastWriteMs(store: StoreDescriptor, run: Run, layout: string): Promise<number | undefined> {
  const newestAttempt = (): number | undefined => {
    let best = -Infinity;
    const visit = (steps: Step[]) => {
      for (const s of steps) {
        for (const a of s.attempts) for (const t of [a.startMs, a.endMs]) if (Number.isFinite(t) && t > best) best = t;
        for (const b of s.branches) visit(b.steps);
      }
    };
    visit(run.steps);
    return Number.isFinite(best) ? best : undefined;
  };
  if (store.type !== 'file-system' && store.type !== 'chunked-fs') return newestAttempt();
  try {
    if (layout === 'chunked-fs') {
      const dir = path.join(store.location, run.runId);
      let newest = (await fs.stat(dir)).mtimeMs;
      for (const f of await fs.readdir(dir)) {
        const st = await fs.stat(path.join(dir, f)).catch(() => undefined);
        if (st && st.mtimeMs > newest) newest = st.mtimeMs;
      }
      return newest;
    }
    return (await fs.stat(path.join(store.location, `${run.runId}.json`))).mtimeMs;
  } catch {
    return newestAttempt();
  }
}
