// What the Runs list needs, read from the first few KB of a run log file without parsing it whole:
// a tiny scanner over the top-level keys (runnable writes run_id, dag_hash, tag, status, steps, job, ...).

import type { Run, RunSummary } from './model';
import { formatRunnableTime, parseRunnableTime } from './time';
import { errorMessage } from '../text/errorMessage';

/** How much of a run log file the list reads. */
export const SUMMARY_HEAD_BYTES = 4096;

const WANTED = ['run_id', 'tag', 'status', 'steps', 'job', 'run_config'] as const;
type Wanted = (typeof WANTED)[number];

/** The wanted key spelled between the quotes at `start` and `end`, without cutting a string per key. */
function wantedKey(text: string, start: number, end: number): Wanted | undefined {
  const len = end - start - 1;
  for (const k of WANTED) {
    if (k.length === len && text.startsWith(k, start + 1)) {
      return k;
    }
  }
  return undefined;
}

/**
 * Reads run_id, status, tag, job vs pipeline and the first attempt's start time from `head` (the
 * file's first bytes, possibly cut anywhere). The end falls back to the file's mtime: runnable
 * rewrites the run log after every step. Never throws: an unreadable head gives `error`.
 * Also reads minio's double-encoded body (a JSON string holding the run log).
 */
export function summaryFromHead(head: string, source: string, fileMtimeMs: number): RunSummary {
  // The run id from the file name is only needed when the head does not give one (an error item): worked out then.
  const base: Base = { source, endTime: formatRunnableTime(fileMtimeMs), endMs: Number.isFinite(fileMtimeMs) ? fileMtimeMs : NaN };
  let text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  let i = skipWs(text, 0);
  if (i >= text.length) {
    return failed(base, undefined, `${source}: the file is empty (runnable may still be creating it); refresh in a moment or delete the file.`);
  }
  if (text.charCodeAt(i) === 34 /* " */) {
    text = decodeStringPrefix(text, i + 1);
    i = skipWs(text, 0);
  }
  if (text.charCodeAt(i) !== 123 /* { */) {
    return failed(base, undefined, `${source}: not a runnable run log: the file does not start with a JSON object.`);
  }
  try {
    return scanTopLevel(text, i + 1, base);
  } catch (e) {
    return failed(base, undefined, `${source}: not a runnable run log: ${errorMessage(e)}.`);
  }
}

/** What every summary of one file shares (the end is the file's mtime). */
interface Base {
  source: string;
  endTime: string | undefined;
  endMs: number;
}

/** An error summary; the key order is that of a good one (the CLI prints the object as built). */
function failed(base: Base, runId: string | undefined, error: string): RunSummary {
  return {
    runId: runId ?? runIdFromSource(base.source),
    status: '',
    tag: '',
    kind: 'pipeline',
    startTime: undefined,
    endTime: base.endTime,
    startMs: NaN,
    endMs: base.endMs,
    source: base.source,
    error,
  };
}

export function summaryFromRun(run: Run, source: string): RunSummary {
  return {
    runId: run.runId,
    status: run.status,
    tag: run.tag,
    kind: run.kind,
    startTime: run.startTime,
    endTime: run.endTime,
    startMs: run.startMs,
    endMs: run.endMs,
    source,
  };
}

/** `<store>/<id>.json`, `<store>/<id>/RunLog.json`, minio `<id>/<id>.json` or `<id>/RunLog`: the run id a file stands for. */
export function runIdFromSource(source: string): string {
  const parts = source.split(/[\\/]/).filter(Boolean);
  const last = parts[parts.length - 1] ?? '';
  if (/^RunLog(\.json)?$/.test(last)) {
    return parts[parts.length - 2] ?? '';
  }
  return last.replace(/\.json$/, '');
}

/** Thrown (without a stack: it is control flow) when the head ends inside the value being read. */
const TRUNCATED: unique symbol = Symbol('truncated');

function scanTopLevel(text: string, from: number, base: Base): RunSummary {
  // Every field present from the start: one object shape however the keys come.
  const found: { runId: string | undefined; status: string | undefined; tag: string | undefined; kind: 'pipeline' | 'job' | undefined; start: string | undefined } = {
    runId: undefined,
    status: undefined,
    tag: undefined,
    kind: undefined,
    start: undefined,
  };
  let i = from;
  let closed = false;
  try {
    for (;;) {
      i = skipWs(text, i);
      if (i >= text.length) {
        throw TRUNCATED;
      }
      if (text[i] === '}') {
        closed = true;
        break;
      }
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] !== '"') {
        throw new Error(`unexpected ${JSON.stringify(text[i])} at position ${i}`);
      }
      const keyStart = i;
      const keyEnd = stringEnd(text, i);
      const key = wantedKey(text, keyStart, keyEnd);
      i = skipWs(text, keyEnd + 1);
      if (text[i] !== ':') {
        if (i >= text.length) {
          throw TRUNCATED;
        }
        throw new Error(`expected ":" after ${JSON.stringify(text.slice(keyStart + 1, keyEnd))} at position ${i}`);
      }
      i = skipWs(text, i + 1);
      if (i >= text.length) {
        throw TRUNCATED;
      }
      if (key !== undefined) {
        const ch = text[i];
        if (key === 'steps' || key === 'job') {
          if (ch === '{') {
            const inner = skipWs(text, i + 1);
            const empty = text[inner] === '}';
            if (!empty && inner < text.length) {
              found.kind = key === 'job' ? 'job' : 'pipeline';
              if (found.start === undefined) {
                found.start = stringAfterKey(text, '"start_time"', inner);
              }
            }
          }
        } else if (key === 'run_config') {
          // A run with no step or job log yet (just created): run_config names a job or a pipeline file.
          if (found.kind === undefined && ch === '{') {
            if (text.indexOf('"job_definition_file"', i) !== -1) {
              found.kind = 'job';
            } else if (text.indexOf('"pipeline_definition_file"', i) !== -1) {
              found.kind = 'pipeline';
            }
          }
        } else if (ch === '"') {
          const value = stringValue(text, i, stringEnd(text, i));
          if (key === 'run_id') {
            found.runId = value;
          } else if (key === 'status') {
            found.status = value;
          } else {
            found.tag = value;
          }
        } else if (key === 'tag' && text.startsWith('null', i)) {
          found.tag = '';
        } else {
          throw new Error(`"${key}" is not a string`);
        }
      }
      // Everything the list needs is known: stop before reading through the steps.
      if (found.runId !== undefined && found.status !== undefined && found.tag !== undefined && found.kind !== undefined) {
        break;
      }
      i = skipValue(text, i);
    }
  } catch (e) {
    if (e !== TRUNCATED) {
      throw e;
    }
  }
  if (found.runId === undefined) {
    return failed(base, undefined, `${base.source}: no run_id in the first ${SUMMARY_HEAD_BYTES} bytes; the file is not a runnable run log or is still being written.`);
  }
  // pydantic defaults apply only when the whole object was seen (status "FAIL", tag "").
  const status = found.status ?? (closed ? 'FAIL' : undefined);
  if (status === undefined) {
    return failed(base, found.runId, `${base.source}: no status in the first ${SUMMARY_HEAD_BYTES} bytes; open the run to read it.`);
  }
  const startMs = found.start !== undefined ? parseRunnableTime(found.start) : NaN;
  return {
    runId: found.runId,
    status,
    tag: found.tag ?? '',
    kind: found.kind ?? 'pipeline',
    startTime: found.start || undefined,
    endTime: base.endTime,
    startMs,
    endMs: base.endMs,
    source: base.source,
  };
}

/** The string value of the first `key` (a quoted key) at or after `from`; undefined when absent or cut. */
function stringAfterKey(text: string, key: string, from: number): string | undefined {
  const at = text.indexOf(key, from);
  if (at === -1) {
    return undefined;
  }
  let i = skipWs(text, at + key.length);
  if (text[i] !== ':') {
    return undefined;
  }
  i = skipWs(text, i + 1);
  if (text[i] !== '"') {
    return undefined;
  }
  try {
    return stringValue(text, i, stringEnd(text, i));
  } catch {
    return undefined;
  }
}

/**
 * The JSON string from the quote at `start` to the one at `end`: a plain slice when it is short and holds no
 * escape and no control character (statuses, empty tags), else JSON.parse (which also rejects what JSON does).
 * Why not slice long values too: V8 makes a slice of 13+ characters a view that keeps the whole head alive,
 * and a list keeps 10,000 run ids and start times (measured: 13.5 MB held instead of ~5 MB, and slower GC).
 */
function stringValue(text: string, start: number, end: number): string {
  if (end - start > 13) {
    return JSON.parse(text.slice(start, end + 1)) as string;
  }
  for (let k = start + 1; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c === 92 || c < 32) {
      return JSON.parse(text.slice(start, end + 1)) as string;
    }
  }
  return text.slice(start + 1, end);
}

function skipWs(text: string, i: number): number {
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) {
      break;
    }
    i++;
  }
  return i;
}

/** Index of the quote closing the string that opens at `i`. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q === -1) {
      throw TRUNCATED;
    }
    let backslashes = 0;
    for (let k = q - 1; k > i && text.charCodeAt(k) === 92; k--) {
      backslashes++;
    }
    if (backslashes % 2 === 0) {
      return q;
    }
    j = q + 1;
  }
}

/** Index just past the JSON value starting at `i`; throws TRUNCATED when the head ends inside it. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    return stringEnd(text, i) + 1;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    let j = i;
    while (j < text.length) {
      const ch = text.charCodeAt(j);
      if (ch === 34) {
        j = stringEnd(text, j) + 1;
        continue;
      }
      if (ch === 123 || ch === 91) {
        depth++;
      } else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) {
          return j + 1;
        }
      }
      j++;
    }
    throw TRUNCATED;
  }
  let j = i;
  while (j < text.length && !/[,}\]\s]/.test(text[j])) {
    j++;
  }
  if (j >= text.length) {
    throw TRUNCATED;
  }
  return j;
}

/**
 * Decodes a JSON string literal from `from` (just after its opening quote) to its closing quote, or
 * to the end of a cut head (an escape cut in half is dropped). JSON.parse does the decoding. Only the
 * last few characters are inspected, so this stays cheap for a 4 KB head.
 */
function decodeStringPrefix(text: string, from: number): string {
  let body = text.slice(from).trimEnd();
  const backslashesBefore = (end: number): number => {
    let k = end - 1;
    while (k >= 0 && body.charCodeAt(k) === 92) {
      k--;
    }
    return end - 1 - k;
  };
  if (body.endsWith('"') && backslashesBefore(body.length - 1) % 2 === 0) {
    body = body.slice(0, -1); // the closing quote: the whole body was read
  } else {
    const u = body.lastIndexOf('\\u');
    if (u !== -1 && u >= body.length - 5 && backslashesBefore(u) % 2 === 0) {
      body = body.slice(0, u); // a \uXXXX escape cut short
    } else if (backslashesBefore(body.length) % 2 === 1) {
      body = body.slice(0, -1); // a lone backslash at the cut
    }
  }
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    return '';
  }
}
