// Text -> validated raw run log / branch log, with errors that name the file and what is wrong
// (empty, truncated or invalid JSON with its position, or the JSON path that has the wrong shape).

import type { ZodError, ZodIssue, ZodType, ZodTypeDef } from 'zod';
import { RunLogError } from './errors';
import * as fastCheck from './fastCheck';
import { locateJsonError } from './jsonErrorLocation';
import type * as Schemas from './schema';
import type { RawBranchLog, RawRunLog } from './schema';
import { errorMessage } from '../text/errorMessage';

let schemas: typeof Schemas | undefined;

/**
 * zod and the schemas, loaded on the first log that fastCheck.ts does not pass: runnable's own logs pass it, so a
 * process that only lists or opens them (the CLI's `list`, measured whole-process in scripts/bench/list-show.mjs)
 * never evaluates zod.
 */
function schemasNow(): typeof Schemas {
  return (schemas ??= require('./schema') as typeof Schemas);
}

export function parseRunLogText(text: string, file: string): RawRunLog {
  return parseRunLogValue(decodeJsonText(text, file), file);
}

export function parseBranchLogText(text: string, file: string): RawBranchLog {
  return parseBranchLogValue(decodeJsonText(text, file), file);
}

/**
 * Validates already-decoded JSON. A string is decoded once more: runnable's minio store writes
 * `json.dumps(run_log.model_dump_json())`, a JSON string whose content is the run log.
 * The value is adopted: runnable's defaults are filled into it in place (no copy of a large log).
 */
export function parseRunLogValue(value: unknown, file: string): RawRunLog {
  return validate(unwrapDoubleEncoded(value, file), fastCheck.runLog, () => schemasNow().RunLogSchema, file, 'run log');
}

export function parseBranchLogValue(value: unknown, file: string): RawBranchLog {
  return validate(unwrapDoubleEncoded(value, file), fastCheck.branchLog, () => schemasNow().BranchLogSchema, file, 'branch log');
}

/** JSON.parse with a message naming the file, the position (line/column) and whether the file looks cut short. */
export function decodeJsonText(text: string, file: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new RunLogError(`${file}: the file is empty (runnable may still be creating it); refresh in a moment or delete the file.`, file);
  }
  try {
    return JSON.parse(body);
  } catch (e) {
    if (e instanceof RangeError) throw new RunLogError(`${file}: the JSON nests too deeply to read (${e.message}). Fix or remove the file.`, file);
    throw new RunLogError(describeJsonError(body, file, errorMessage(e)), file);
  }
}

function describeJsonError(body: string, file: string, message: string): string {
  const located = locateJsonError(body);
  if (!located) {
    return `${file}: invalid JSON: ${message}. Fix or remove the file.`;
  }
  const pos = located.position;
  const where = lineColumn(body, pos);
  if (located.truncated) {
    return `${file}: truncated JSON: the file ends at line ${where.line}, column ${where.column} (position ${pos}) before the run log is complete; runnable may still be writing it, refresh in a moment.`;
  }
  const reason = located.reason || message;
  return `${file}: invalid JSON at line ${where.line}, column ${where.column} (position ${pos}): ${reason}. Fix or remove the file.`;
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: pos - lineStart + 1 };
}

function unwrapDoubleEncoded(value: unknown, file: string): unknown {
  return typeof value === 'string' ? decodeJsonText(value, file) : value;
}

function validate<T>(value: unknown, fast: (v: unknown) => boolean, schema: () => ZodType<T, ZodTypeDef, unknown>, file: string, what: string): T {
  let result;
  try {
    if (fast(value)) {
      return value as T;
    }
    result = schema().safeParse(value);
  } catch (e) {
    // The schemas recurse into branches: a log nested thousands deep exhausts the stack. Named, like other bad logs.
    if (e instanceof RangeError) throw new RunLogError(`${file}: the ${what} nests too deeply to read (${e.message}). Fix or remove the file.`, file);
    throw e;
  }
  if (result.success) {
    return result.data;
  }
  throw new RunLogError(`${file}: not a runnable ${what}: ${describeZodError(result.error)}`, file);
}

/** `steps.deploy.attempts[0].status: expected string, received number (and 2 more problems)`. */
export function describeZodError(error: ZodError): string {
  const issues = error.issues;
  const first = issues[0];
  if (!first) {
    return 'unknown shape error';
  }
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return `${formatPath(first.path)}: ${issueText(first)}${more}`;
}

export function formatPath(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) {
    return '(top level)';
  }
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') {
      out += `[${seg}]`;
    } else if (/^[A-Za-z_$][\w$]*$/.test(seg)) {
      out += out ? `.${seg}` : seg;
    } else {
      out += `[${JSON.stringify(seg)}]`;
    }
  }
  return out;
}

function issueText(issue: ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.received === 'undefined' ? `required ${issue.expected} is missing` : `expected ${issue.expected}, received ${issue.received}`;
    case 'invalid_union_discriminator':
      return `expected kind ${issue.options.map((o) => JSON.stringify(o)).join(' | ')}`;
    default:
      return issue.message.charAt(0).toLowerCase() + issue.message.slice(1);
  }
}
