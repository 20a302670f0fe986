// The list's fast path: a run log head read straight from the bytes, for the layout runnable writes.
//
// runnable's file-system and chunked-fs stores write `json.dump(run_log.model_dump(), indent=4)`, so a run log
// starts with the RunLog fields in declaration order (runnable/datastore.py: run_id, dag_hash, tag, status,
// steps, job, parameters, run_config), and the first step's (or the job's) first attempt follows a few hundred
// bytes in. For 10,000 runs, decoding each head into a string and scanning that costs more than reading the
// files (measured in scripts/bench/list-show.mjs); here the few values the list needs are cut from the buffer
// and nothing else is allocated. Anything else (another key order, an escape or a control character in a value, a
// cut head, minio's double-encoded body, bad JSON) returns undefined and the general scanner in summary.ts
// decides, with its error messages. The unit tests check both paths agree on every fixture and on variations.
import type { RunSummary, Status } from './model';
import { fractionMs, localTimeMs } from './time';

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;

const KEY_RUN_ID = Buffer.from('"run_id"');
const KEY_DAG_HASH = Buffer.from('"dag_hash"');
const KEY_TAG = Buffer.from('"tag"');
const KEY_STATUS = Buffer.from('"status"');
const KEY_STEPS = Buffer.from('"steps"');
const KEY_JOB = Buffer.from('"job"');
const START_TIME = Buffer.from('"start_time"');
const NULL = Buffer.from('null');

// runnable's statuses (runnable/defaults.py), shared rather than cut anew for every run.
const STATUSES = ['SUCCESS', 'FAIL', 'PROCESSING', 'CREATED', 'TRIGGERED'].map((s) => ({ s, b: Buffer.from(s) }));

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** The byte at `i` of the head, -1 past its end (the buffer beyond `n` holds stale bytes of another file). */
function byte(buf: Buffer, i: number, n: number): number {
  return i < n ? buf[i] : -1;
}

function skipWs(buf: Buffer, i: number, n: number): number {
  while (i < n && isWs(buf[i])) i++;
  return i;
}

/** Whether `buf[i..]` starts with `word`. */
function at(buf: Buffer, i: number, n: number, word: Buffer): boolean {
  if (i + word.length > n) return false;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word[k]) return false;
  return true;
}

/**
 * Index of the closing quote of the string opening at `i`; -1 when it holds an escape or is cut. A native search
 * for the quote: a CLI listing runs this 10,000 times before the JIT has warmed up.
 */
function plainStringEnd(buf: Buffer, i: number, n: number): number {
  const q = buf.indexOf(QUOTE, i + 1);
  if (q < 0 || q >= n) return -1;
  // The escape check covers the string only (a search for a backslash would run on through the rest of the 4 KB).
  for (let k = i + 1; k < q; k++) if (buf[k] === BACKSLASH) return -1;
  return q;
}

/** A JSON string's text (UTF-8, as the general scanner's JSON.parse reads it); undefined when it holds a control character (invalid JSON). */
function text(buf: Buffer, start: number, end: number): string | undefined {
  const s = buf.toString('utf8', start, end);
  return CONTROL.test(s) ? undefined : s;
}

const CONTROL = /[\u0000-\u001f]/;

/** After `"key"`: the index of its value (past the colon and spaces), or -1. */
function valueAfterKey(buf: Buffer, i: number, n: number, key: Buffer): number {
  if (!at(buf, i, n, key)) return -1;
  i = skipWs(buf, i + key.length, n);
  if (byte(buf, i, n) !== COLON) return -1;
  return skipWs(buf, i + 1, n);
}

/** Past the `,` that ends a member, at the next key's quote; -1 otherwise. */
function nextMember(buf: Buffer, i: number, n: number): number {
  i = skipWs(buf, i, n);
  if (byte(buf, i, n) !== COMMA) return -1;
  i = skipWs(buf, i + 1, n);
  return byte(buf, i, n) === QUOTE ? i : -1;
}

function sameAscii(buf: Buffer, start: number, end: number, s: string): boolean {
  if (end - start !== s.length) return false;
  for (let k = 0; k < s.length; k++) if (buf[start + k] !== s.charCodeAt(k)) return false;
  return true;
}

function statusOf(buf: Buffer, start: number, end: number): Status | undefined {
  const len = end - start;
  for (const { s, b } of STATUSES) {
    if (b.length === len && at(buf, start, end, b)) return s as Status;
  }
  return text(buf, start, end);
}

/** Digits `buf[i..i+len)` as a number; -1 when one is not a digit. */
function digits(buf: Buffer, i: number, len: number): number {
  let v = 0;
  for (let k = i; k < i + len; k++) {
    const d = buf[k] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * `YYYY-MM-DD HH:MM:SS[.ffffff]` (Python's str(datetime), local time) between `start` and `end` as epoch ms
 * with the microseconds as a fraction, exactly as parseRunnableTime reads it; undefined for any other shape.
 */
function timeMs(buf: Buffer, start: number, end: number): number | undefined {
  const len = end - start;
  if (len !== 19 && !(len >= 21 && len <= 26 && buf[start + 19] === 46)) return undefined;
  if (buf[start + 4] !== 45 || buf[start + 7] !== 45 || buf[start + 10] !== 32 || buf[start + 13] !== COLON || buf[start + 16] !== COLON) return undefined;
  const y = digits(buf, start, 4);
  const mo = digits(buf, start + 5, 2);
  const d = digits(buf, start + 8, 2);
  const h = digits(buf, start + 11, 2);
  const mi = digits(buf, start + 14, 2);
  const s = digits(buf, start + 17, 2);
  const frac = len > 19 ? digits(buf, start + 20, len - 20) : 0;
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || frac < 0) return undefined;
  // Python writes 6 fraction digits (none when the microseconds are 0); parseRunnableTime scales them the same way.
  const fracMs = len > 19 ? fractionMs(frac, len - 20) : 0;
  const ms = localTimeMs(y, mo, d, h, mi, s, fracMs);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * The list summary of a run log head in runnable's own layout, or undefined when the head is anything else
 * (the general scanner then reads it). The end is left for the caller (the file's mtime). `expectedRunId` (the
 * id the file name gives) is returned as the run id when the head holds exactly it, rather than a copy.
 */
export function summaryFromHeadBytes(buf: Buffer, n: number, source: string, expectedRunId?: string): RunSummary | undefined {
  let i = skipWs(buf, 0, n);
  if (byte(buf, i, n) !== OPEN_BRACE) return undefined;
  i = skipWs(buf, i + 1, n);

  // "run_id": "<ascii>"
  let v = valueAfterKey(buf, i, n, KEY_RUN_ID);
  if (v < 0 || byte(buf, v, n) !== QUOTE) return undefined;
  let e = plainStringEnd(buf, v, n);
  if (e < 0) return undefined;
  const idStart = v + 1;
  const idEnd = e;
  // "dag_hash": "<ascii>"
  i = nextMember(buf, e + 1, n);
  v = i < 0 ? -1 : valueAfterKey(buf, i, n, KEY_DAG_HASH);
  if (v < 0 || byte(buf, v, n) !== QUOTE) return undefined;
  e = plainStringEnd(buf, v, n);
  if (e < 0) return undefined;
  // "tag": "<ascii>" | null
  i = nextMember(buf, e + 1, n);
  v = i < 0 ? -1 : valueAfterKey(buf, i, n, KEY_TAG);
  if (v < 0) return undefined;
  let tag: string;
  if (byte(buf, v, n) === QUOTE) {
    e = plainStringEnd(buf, v, n);
    if (e < 0) return undefined;
    const t = e === v + 1 ? '' : text(buf, v + 1, e);
    if (t === undefined) return undefined;
    tag = t;
    e += 1;
  } else if (at(buf, v, n, NULL)) {
    tag = '';
    e = v + NULL.length;
  } else {
    return undefined;
  }
  // "status": "<ascii>"
  i = nextMember(buf, e, n);
  v = i < 0 ? -1 : valueAfterKey(buf, i, n, KEY_STATUS);
  if (v < 0 || byte(buf, v, n) !== QUOTE) return undefined;
  e = plainStringEnd(buf, v, n);
  if (e < 0) return undefined;
  const status = statusOf(buf, v + 1, e);
  // "steps": { <a step> ...   or   "steps": {}, "job": { <the job> ...
  i = nextMember(buf, e + 1, n);
  v = i < 0 ? -1 : valueAfterKey(buf, i, n, KEY_STEPS);
  if (v < 0 || byte(buf, v, n) !== OPEN_BRACE) return undefined;
  let kind: 'pipeline' | 'job' = 'pipeline';
  let body = skipWs(buf, v + 1, n);
  if (byte(buf, body, n) === CLOSE_BRACE) {
    i = nextMember(buf, body + 1, n);
    v = i < 0 ? -1 : valueAfterKey(buf, i, n, KEY_JOB);
    if (v < 0 || byte(buf, v, n) !== OPEN_BRACE) return undefined; // no step and no job yet: the general scanner reads run_config
    body = skipWs(buf, v + 1, n);
    if (body >= n || byte(buf, body, n) === CLOSE_BRACE) return undefined;
    kind = 'job';
  } else if (byte(buf, body, n) !== QUOTE) {
    return undefined;
  }
  // The first attempt's "start_time" (none yet: the run has not started a step).
  let startTime: string | undefined;
  let startMs = NaN;
  const st = buf.indexOf(START_TIME, body);
  if (st >= 0 && st < n) {
    v = valueAfterKey(buf, st, n, START_TIME);
    if (v < 0 || byte(buf, v, n) !== QUOTE) return undefined;
    e = plainStringEnd(buf, v, n);
    if (e < 0) return undefined;
    if (e > v + 1) {
      const ms = timeMs(buf, v + 1, e);
      if (ms === undefined) return undefined;
      startTime = buf.toString('latin1', v + 1, e); // digits and separators only (timeMs checked them)
      startMs = ms;
    }
  } else if (n === buf.length) {
    return undefined; // cut before the first attempt: the general scanner decides what can be said
  }
  const runId = expectedRunId !== undefined && sameAscii(buf, idStart, idEnd, expectedRunId) ? expectedRunId : text(buf, idStart, idEnd);
  if (runId === undefined || status === undefined) return undefined;
  return {
    runId,
    status,
    tag,
    kind,
    startTime,
    endTime: undefined,
    startMs,
    endMs: NaN,
    source,
  };
}
