// Reads what the Debug Console shows about the original failure: the failed attempt's message and the tail
// of the step's captured output from the run's catalog. Never throws: a missing piece is just left out.
import type { Run } from '../runlog/model';
import { findStep } from '../runlog/rules';
import type { RunLogStore } from '../stores/runLogStore';
import { readAttemptLog } from '../stores/failureCauses';
import type { OriginalFailure } from './retryBanner';

const TAIL_LINES = 8;

/**
 * The last `lines` non-blank lines, without the frames of rich's boxed tracebacks (they hold source excerpts,
 * while the exception lines -- `RuntimeError: …` -- sit outside the boxes).
 */
export function tailLines(text: string, lines: number): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+$/, ''))
    .filter((l) => l.trim() !== '' && !/^\s*[│╭╰┃┏┗╷╵]/.test(l))
    .slice(-lines);
}

export async function readOriginalFailure(store: RunLogStore, run: Run, internalName: string, signal?: AbortSignal): Promise<OriginalFailure> {
  const step = run.kind === 'job' && internalName === 'job' ? undefined : findStep(run, internalName);
  const attempts = step?.attempts ?? (run.kind === 'job' ? run.job?.attempts ?? [] : []);
  if (!attempts.length) return step ? { message: step.message || undefined } : {};
  const failed = [...attempts].reverse().find((a) => a.status === 'FAIL') ?? attempts[attempts.length - 1];
  const out: OriginalFailure = { message: failed.message || step?.message || undefined };
  const files = await store.listCatalog(run.runId, signal);
  const log = await readAttemptLog(store, run, internalName, failed, files, signal);
  if (log) {
    out.logFile = log.file;
    out.logTail = tailLines(log.text, TAIL_LINES);
    out.cause = log.cause?.text;
  }
  return out;
}
