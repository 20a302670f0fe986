// Reads what the Debug Console shows about the original failure: the failed attempt's message and the tail
// of the step's captured output from the run's catalog. Never throws: a missing piece is just left out.
import type { Run } from '../../core/runlog/model';
import { findStep } from '../../core/runlog/rules';
import type { RunLogStore } from '../../core/stores/runLogStore';
import { executionLogCandidates, pickLogForAttempt } from '../explorer/stepOutput';
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
  const step = findStep(run, internalName);
  if (!step) return {};
  const failed = [...step.attempts].reverse().find((a) => a.status === 'FAIL') ?? step.attempts[step.attempts.length - 1];
  const out: OriginalFailure = { message: failed?.message || step.message || undefined };
  const files = await store.listCatalog(run.runId, signal);
  const candidates = executionLogCandidates(run, internalName, files);
  if (!candidates.length) return out;
  const logs: { name: string; text: string }[] = [];
  for (const name of candidates) {
    const buf = await store.readCatalogFile(run.runId, name, signal);
    if (buf) logs.push({ name, text: buf.toString('utf8') });
  }
  const chosen = (failed && pickLogForAttempt(failed, logs)) ?? logs[logs.length - 1]?.name;
  const log = logs.find((l) => l.name === chosen);
  if (log) {
    out.logFile = log.name;
    out.logTail = tailLines(log.text, TAIL_LINES);
  }
  return out;
}
