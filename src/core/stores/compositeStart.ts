// chunked-fs keeps each branch of a composite step (map, parallel, conditional, loop) in its own
// `BranchLog-<internal branch name>.json`, so a run whose first step is composite has no attempt of its own
// in RunLog.json: the first "start_time" there is a later step's (or none, while the composite runs). The run
// starts with the earliest first attempt among that step's branch logs (nested branches are named under it,
// `<step>.<branch>.<step>.<branch>`, so one prefix finds them all). Only such runs pay for this: one readdir of the
// run folder and the first 4 KB of each of the step's branch logs, never whole files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunSummary } from '../runlog/model';
import { parseRunnableTime } from '../runlog/time';
import { OPEN_NONBLOCK } from './localFiles';

const KEY_STEPS = Buffer.from('"steps"');
const KEY_INTERNAL_NAME = Buffer.from('"internal_name"');
const KEY_STEP_TYPE = Buffer.from('"step_type"');
const KEY_ATTEMPTS = Buffer.from('"attempts"');
const KEY_START_TIME = Buffer.from('"start_time"');
/** runnable's composite node types (extensions/nodes: map, parallel, conditional, loop). */
const COMPOSITE = new Set(['map', 'parallel', 'conditional', 'loop']);
export const BRANCH_HEAD_BYTES = 4096;
const BRANCH_LOG_PREFIX = 'BranchLog-';

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The JSON string value after `key` found at or after `from` (and before `n`): [value, index past it], or undefined. */
function stringAfter(buf: Buffer, n: number, key: Buffer, from: number): [string, number] | undefined {
  const k = buf.indexOf(key, from);
  if (k < 0 || k >= n) return undefined;
  let i = k + key.length;
  while (i < n && isWs(buf[i])) i++;
  if (buf[i] !== 58 /* : */) return undefined;
  i++;
  while (i < n && isWs(buf[i])) i++;
  if (buf[i] !== 34 /* " */) return undefined;
  let j = i + 1;
  for (;;) {
    const q = buf.indexOf(34, j);
    if (q < 0 || q >= n) return undefined;
    let bs = 0;
    for (let b = q - 1; b > i && buf[b] === 92; b--) bs++;
    if (bs % 2 === 0) {
      try {
        return [JSON.parse(buf.toString('utf8', i, q + 1)) as string, q + 1];
      } catch {
        return undefined;
      }
    }
    j = q + 1;
  }
}

/**
 * The internal name of the run's first step when it is a composite step without attempts of its own (as
 * runnable writes RunLog.json: name, internal_name, status, step_type, message, mock, attempts), else undefined.
 */
export function compositeFirstStep(buf: Buffer, n: number): string | undefined {
  const steps = buf.indexOf(KEY_STEPS);
  if (steps < 0 || steps >= n) return undefined;
  const name = stringAfter(buf, n, KEY_INTERNAL_NAME, steps);
  if (!name) return undefined;
  const type = stringAfter(buf, n, KEY_STEP_TYPE, name[1]);
  if (!type || !COMPOSITE.has(type[0])) return undefined;
  const a = buf.indexOf(KEY_ATTEMPTS, type[1]);
  if (a < 0 || a >= n) return undefined;
  let i = a + KEY_ATTEMPTS.length;
  while (i < n && isWs(buf[i])) i++;
  if (buf[i] !== 58) return undefined;
  i++;
  while (i < n && isWs(buf[i])) i++;
  if (buf[i] !== 91 /* [ */) return undefined;
  i++;
  while (i < n && isWs(buf[i])) i++;
  return buf[i] === 93 /* ] */ ? name[0] : undefined;
}

/** Earliest first-attempt start (epoch ms and runnable's text) among the branch logs of `step` in `dir`. */
export function earliestBranchStart(dir: string, step: string): { ms: number; text: string } | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  const prefix = `${BRANCH_LOG_PREFIX}${step}.`;
  const buf = Buffer.allocUnsafe(BRANCH_HEAD_BYTES);
  let best: { ms: number; text: string } | undefined;
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.json')) continue;
    let n: number;
    try {
      // O_NOFOLLOW: a branch log that is a link (possibly out of the store) is not read for a start time.
      const fd = fs.openSync(dir + path.sep + name, OPEN_NONBLOCK | (fs.constants.O_NOFOLLOW ?? 0));
      try {
        if (!fs.fstatSync(fd).isFile()) continue;
        n = fs.readSync(fd, buf, 0, buf.length, 0);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      continue; // an unreadable branch log is reported when the run is opened
    }
    const start = branchHeadStart(buf, n);
    if (start && (!best || start.ms < best.ms)) best = start;
  }
  return best;
}

/**
 * The first attempt's start in the head of one branch log. A branch log is internal_name, status, steps: its first
 * "start_time" is its first attempt (or, when its own first step is composite, a later one, and the nested branch's
 * log, also under the step's prefix, has the earlier).
 */
export function branchHeadStart(buf: Buffer, n: number): { ms: number; text: string } | undefined {
  const start = stringAfter(buf, n, KEY_START_TIME, 0);
  if (!start || !start[0]) return undefined;
  const ms = parseRunnableTime(start[0]);
  return Number.isFinite(ms) ? { ms, text: start[0] } : undefined;
}

/** For the list (HeadRefiner.refine of chunked-fs runs): the start of a run whose first step is composite. */
export function refineCompositeStart(file: string, buf: Buffer, n: number, s: RunSummary): void {
  const step = compositeFirstStep(buf, n);
  if (step === undefined) return;
  const best = earliestBranchStart(path.dirname(file), step);
  if (best && !(best.ms >= s.startMs)) {
    s.startMs = best.ms;
    s.startTime = best.text;
  }
}
