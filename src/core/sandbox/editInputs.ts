// Edit Inputs, Then Retry in the Sandbox: the json inputs of a step's attempt as an editable JSON document (with a
// schema from the recorded values' types), written back into the SANDBOX copy of the run log only.
//
// Where the values go, as runnable reads them on a retry (runnable/tasks.py execution_context, datastore.py
// get_parameters): a task's function receives the parameters of the run log as they stand, the run's root
// `parameters` (or, for a step inside a parallel / map / conditional / loop branch, that branch log's `parameters`).
// A retry does not make a new run log (pipeline_executor _set_up_run_log returns early when RUNNABLE_RETRY_RUN_ID is
// set), so those fields are what the retried step gets. An attempt's `input_parameters` are only the record of what it
// received: they are never read back and are left as they are (the history a retry must only append to).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parsePyJson, PyNumber, pyFloatRepr, readPyJsonFiles, type PyJson } from '../retry/pyJson';
import { isInside } from './sandboxCopy';

type Obj = { [k: string]: PyJson };
const isObj = (v: PyJson | undefined): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyNumber);

export interface EditableInputs {
  runId: string;
  step: string;
  attempt: number;
  /** The run log file holding the scope ('' = the run's root parameters, else the branch's internal name). */
  file: string;
  scope: string;
  /** The json inputs' values as the retry would pass them now (the scope's parameters), exact literals kept. */
  values: Record<string, PyJson>;
  /** The attempt's recorded values of the same names (what the original attempt received). */
  recorded: Record<string, PyJson>;
  /** json inputs the scope's parameters do not hold (a map iteration's value comes from the iteration, not from them). */
  notEditable: string[];
}

/** A chunked-fs branch log file (`BranchLog-<branch>.json`) is a branch at its top: its internal name. */
const topBranchName = (d: PyJson): string => (isObj(d) && typeof d.internal_name === 'string' && !('run_id' in d) ? d.internal_name : '');

/** The object holding `steps[step]` (the run log or a branch log), and the branch's internal name ('' for the root). */
function findScope(d: PyJson, step: string, depth = 0, branchName = ''): { container: Obj; scope: string } | undefined {
  if (depth > 200 || !isObj(d)) return undefined;
  const steps = d.steps;
  if (isObj(steps)) {
    if (isObj(steps[step])) return { container: d, scope: branchName };
    for (const s of Object.values(steps)) {
      if (!isObj(s) || !isObj(s.branches)) continue;
      for (const [name, b] of Object.entries(s.branches)) {
        const found = findScope(b, step, depth + 1, isObj(b) && typeof b.internal_name === 'string' ? b.internal_name : name);
        if (found) return found;
      }
    }
  }
  return undefined;
}

function attemptOf(stepLog: Obj, attempt: number | undefined): Obj | undefined {
  const attempts = Array.isArray(stepLog.attempts) ? stepLog.attempts.filter(isObj) : [];
  if (attempt === undefined) return attempts[attempts.length - 1];
  return attempts.find((a) => { const n = a.attempt_number; return n instanceof PyNumber ? Number(n.literal) === attempt : n === attempt; });
}

const attemptNumber = (a: Obj): number => { const n = a.attempt_number; return n instanceof PyNumber ? Number(n.literal) : typeof n === 'number' ? n : 0; };

/** The json inputs of `step`'s attempt (default: its last) in the run log files given, or a sentence why not. */
export async function readEditableInputs(files: string[], runId: string, step: string, attempt?: number): Promise<EditableInputs | { error: string }> {
  for await (const { file, parsed } of readPyJsonFiles(files)) {
    const found = findScope(parsed, step, 0, topBranchName(parsed));
    if (!found) continue;
    const a = attemptOf(found.container.steps && isObj(found.container.steps) ? (found.container.steps[step] as Obj) : {}, attempt);
    if (!a) return { error: `${step} has no attempt ${attempt ?? ''} in run ${runId}.`.replace('  ', ' ') };
    const inputs = isObj(a.input_parameters) ? a.input_parameters : {};
    const params = isObj(found.container.parameters) ? found.container.parameters : {};
    const values: Record<string, PyJson> = {};
    const recorded: Record<string, PyJson> = {};
    const notEditable: string[] = [];
    for (const [name, p] of Object.entries(inputs)) {
      if (!isObj(p) || p.kind !== 'json') continue;
      const now = params[name];
      if (!isObj(now) || now.kind !== 'json' || !('value' in now)) {
        notEditable.push(name);
        continue;
      }
      recorded[name] = p.value ?? null;
      values[name] = now.value;
    }
    if (!Object.keys(values).length) {
      return { error: `${step} (attempt ${attemptNumber(a)}) received no json parameter that a retry reads from the run log${notEditable.length ? ` (${notEditable.join(', ')}: a map iteration's value, which the retry takes from the iteration)` : ''}; object parameters are pickles in the catalog.` };
    }
    return { runId, step, attempt: attemptNumber(a), file, scope: found.scope, values, recorded, notEditable };
  }
  return { error: `No run log file of ${runId} holds the step ${step}.` };
}

/** A JSON schema from the values' types: the same names, each of the type it has (numbers: integer or number). */
export function inputsSchema(values: Record<string, PyJson>, title: string): Record<string, unknown> {
  const of = (v: PyJson, depth: number): Record<string, unknown> => {
    if (v === null) return { type: 'null' };
    if (typeof v === 'boolean') return { type: 'boolean' };
    if (typeof v === 'string') return { type: 'string' };
    if (v instanceof PyNumber) return { type: v.isFloat ? 'number' : 'integer' };
    if (typeof v === 'number') return { type: Number.isInteger(v) ? 'integer' : 'number' };
    if (depth > 20) return {};
    if (Array.isArray(v)) {
      if (!v.length) return { type: 'array' };
      const first = of(v[0], depth + 1);
      // A list of floats written 1.0 may be edited to 1: numbers of a list accept both.
      return { type: 'array', items: first.type === 'integer' || first.type === 'number' ? { type: 'number' } : first };
    }
    return { type: 'object', properties: Object.fromEntries(Object.entries(v).map(([k, x]) => [k, of(x, depth + 1)])) };
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title,
    type: 'object',
    properties: { $schema: { type: 'string' }, ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, of(v, 0)])) },
    required: Object.keys(values),
    additionalProperties: false,
  };
}

/** Checks `value` against the subset of JSON schema inputsSchema writes; the first problem as a sentence. */
export function checkAgainst(schema: Record<string, unknown>, value: PyJson, where = 'the document'): string | undefined {
  const type = schema.type as string | undefined;
  const kind = value === null ? 'null' : typeof value === 'boolean' ? 'boolean' : typeof value === 'string' ? 'string'
    : value instanceof PyNumber ? (value.isFloat ? 'number' : 'integer') : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number')
      : Array.isArray(value) ? 'array' : 'object';
  if (type && type !== kind && !(type === 'number' && kind === 'integer')) return `${where} is ${kind === 'integer' || kind === 'number' ? 'a number' : `a${/^[ao]/.test(kind) ? 'n' : ''} ${kind}`}, the recorded value is ${type === 'integer' ? 'an integer' : `a${/^[ao]/.test(type) ? 'n' : ''} ${type}`}`;
  if (Array.isArray(value) && schema.items) {
    for (let i = 0; i < value.length; i++) { const p = checkAgainst(schema.items as Record<string, unknown>, value[i], `${where}[${i}]`); if (p) return p; }
  }
  if (isObj(value) && schema.properties) {
    const props = schema.properties as Record<string, Record<string, unknown>>;
    for (const k of (schema.required as string[] | undefined) ?? []) if (!(k in value)) return `${where} lacks ${k}`;
    if (schema.additionalProperties === false) for (const k of Object.keys(value)) if (!(k in props)) return `${where} has ${k}, which the attempt did not receive`;
    for (const [k, v] of Object.entries(value)) { if (props[k]) { const p = checkAgainst(props[k], v, where === 'the document' ? k : `${where}.${k}`); if (p) return p; } }
  }
  return undefined;
}

/** JSON with runnable's indent (4), numbers written as their literals (`0.0` stays a float for Python). */
export function dumpIndented(v: PyJson, indent = ''): string {
  const next = indent + '    ';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof PyNumber) return v.literal;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : pyFloatRepr(v);
  if (Array.isArray(v)) return v.length ? `[\n${v.map((x) => next + dumpIndented(x, next)).join(',\n')}\n${indent}]` : '[]';
  const keys = Object.keys(v);
  return keys.length ? `{\n${keys.map((k) => `${next}${JSON.stringify(k)}: ${dumpIndented(v[k], next)}`).join(',\n')}\n${indent}}` : '{}';
}

export interface InputsEditRecord {
  step: string;
  attempt: number;
  scope: string;
  /** Names whose value differs from what the attempt recorded, with both values (as JSON text). */
  changed: { name: string; recorded: string; now: string }[];
  at: string;
}

/** `<sandbox>/.runnable-edits.json`: which attempts' inputs were edited, by run id (Run Details marks them). */
export const EDITS_FILE = '.runnable-edits.json';

export async function readEditRecords(sandbox: string): Promise<Record<string, InputsEditRecord[]>> {
  try {
    const v = JSON.parse(await fs.readFile(path.join(sandbox, EDITS_FILE), 'utf8')) as Record<string, InputsEditRecord[]>;
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

/**
 * Writes `edited` into the scope's parameters of the sandbox's run log file (the values runnable hands the retry) and
 * records the edit. Refused with a sentence unless the file is inside `sandbox` and no part of its path is a link.
 */
export async function writeEditedInputs(sandbox: string, inputs: EditableInputs, edited: Record<string, PyJson>): Promise<InputsEditRecord> {
  const file = path.resolve(inputs.file);
  if (!isInside(sandbox, file)) throw new Error(`Edit Inputs writes only into a sandbox copy of a run; ${file} is not in the sandbox ${sandbox}, so nothing was written.`);
  const real = await fs.realpath(file);
  if (real !== file || !isInside(await fs.realpath(sandbox), real)) throw new Error(`${file} leads out of the sandbox through a link; nothing was written.`);
  const text = await fs.readFile(file, 'utf8');
  const parsed = parsePyJson(text);
  const found = findScope(parsed, inputs.step, 0, topBranchName(parsed));
  if (!found || found.scope !== inputs.scope) throw new Error(`${inputs.step} is no longer in ${file}; nothing was written.`);
  const params: Obj = isObj(found.container.parameters) ? found.container.parameters : (found.container.parameters = {});
  for (const [name, value] of Object.entries(edited)) {
    const old = params[name];
    params[name] = isObj(old) ? { ...old, kind: 'json', value, description: value } : { kind: 'json', value, description: value };
  }
  const tmp = `${file}.edit-${process.pid}`;
  await fs.writeFile(tmp, dumpIndented(parsed));
  await fs.rename(tmp, file);
  const record: InputsEditRecord = {
    step: inputs.step,
    attempt: inputs.attempt,
    scope: inputs.scope,
    changed: Object.entries(edited)
      .map(([name, v]) => ({ name, recorded: dumpIndented(inputs.recorded[name] ?? null).replace(/\s*\n\s*/g, ' '), now: dumpIndented(v).replace(/\s*\n\s*/g, ' ') }))
      .filter((c) => c.recorded !== c.now),
    at: new Date().toISOString(),
  };
  const records = await readEditRecords(sandbox);
  const list = (records[inputs.runId] ??= []).filter((r) => !(r.step === record.step && r.attempt === record.attempt));
  records[inputs.runId] = [...list, record];
  await fs.writeFile(path.join(sandbox, EDITS_FILE), JSON.stringify(records, null, 2));
  return record;
}
