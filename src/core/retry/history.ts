// "A retry never rewrites history": every attempt in the run log before a retry must still be there, unchanged,
// after it. runnable's local executor only appends attempts (a retry adds attempt N+1 carrying its indicator), but
// its `mocked` executor replaces the failed attempt with a SUCCESS one (seen with real runnable, fixture
// mixed-configs README): the evidence of the failure is gone. The retry session compares the two and says so.
import type { Attempt, Run } from '../runlog/model';
import { walkSteps } from '../runlog/rules';

export type AttemptHistory = Record<string, string>;

const fingerprint = (a: Attempt) => JSON.stringify([a.status, a.retryIndicator, a.startTime, a.endTime, a.message]);

/** Every attempt of the run, keyed `<step internal name>#<attempt number>` (`job#<n>` for jobs). */
export function attemptHistory(run: Run): AttemptHistory {
  const out: AttemptHistory = {};
  for (const { step } of walkSteps(run)) for (const a of step.attempts) out[`${step.internalName}#${a.number}`] = fingerprint(a);
  for (const a of run.job?.attempts ?? []) out[`job#${a.number}`] = fingerprint(a);
  return out;
}

/** Sentences for each attempt that was in `before` and is gone or different in `after` (empty: history intact). */
export function lostHistory(before: AttemptHistory, after: Run): string[] {
  const now = attemptHistory(after);
  const out: string[] = [];
  for (const [key, was] of Object.entries(before)) {
    const [step, n] = [key.slice(0, key.lastIndexOf('#')), key.slice(key.lastIndexOf('#') + 1)];
    const [status, indicator] = JSON.parse(was) as [string, string];
    const label = `attempt ${n} of ${step} (${status}${indicator ? `, indicator ${indicator}` : ''})`;
    if (!(key in now)) out.push(`${label} is gone`);
    else if (now[key] !== was) {
      const [s2, i2] = JSON.parse(now[key]) as [string, string];
      out.push(`${label} was rewritten: it now says ${s2}${i2 ? `, indicator ${i2}` : ''}`);
    }
  }
  return out;
}
