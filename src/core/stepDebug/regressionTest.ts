// "Create Regression Test from This Attempt": a readable pytest file that calls the step's function with the inputs
// an attempt recorded and asserts what the run recorded. It needs neither runnable nor the store: the inputs (and the
// recorded outputs) are saved beside it in `data/<run>__<step>__<attempt>/` (json values in `values.json`, objects as
// copies of the catalog's pickles). A succeeded attempt asserts its recorded outputs; a failed one is marked
// `xfail(strict=True)` on the recorded exception type AND message, so the suite stays green while the function still
// fails as it did, fails on any other error, and says XPASS (strict) once it is fixed: then drop the marker.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { ParamValue } from '../runlog/model';
import { bindParameters, type SignatureParam } from '../python/signature';
import type { CatalogReader, StepDebugTarget } from './stepDebug';
import { pyDumps, type PyJson } from '../retry/pyJson';

export interface RegressionTestRequest {
  target: StepDebugTarget;
  /** The function's signature (locateFunction's `params`): which recorded inputs are passed. */
  params: SignatureParam[];
  /** The failed attempt's exception as `Type: message` (FailureCauses), when it is known. */
  recordedError?: string;
  /** Absolute folder for the test (default `<workspace>/tests/runnable_regressions`). */
  testsDir: string;
  workspace: string;
  catalog: CatalogReader;
  /** Exact input values from the run log files (stepDebug.exactInputs): numbers keep their literal (0.0 stays a float). */
  exact?: Record<string, PyJson>;
}

export interface RegressionTest {
  file: string;
  dataDir: string;
  /** Set when conftest.py was written (it puts the workspace on sys.path for plain `pytest`). */
  conftest?: string;
  /** Inputs or outputs whose pickle the catalog did not have. */
  missing: string[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);
const isName = (s: string) => IDENT.test(s) && !PY_KEYWORDS.has(s);
/** Exception names the generated test can catch without importing anything (others are matched by type name). */
const BUILTIN_EXCEPTIONS = new Set(['ArithmeticError', 'AssertionError', 'AttributeError', 'EOFError', 'FileNotFoundError', 'ImportError', 'IndexError', 'KeyError', 'LookupError', 'MemoryError', 'ModuleNotFoundError', 'NameError', 'NotImplementedError', 'OSError', 'OverflowError', 'PermissionError', 'RecursionError', 'RuntimeError', 'StopIteration', 'TimeoutError', 'TypeError', 'UnicodeDecodeError', 'UnicodeError', 'ValueError', 'ZeroDivisionError', 'ConnectionError']);

/** A Python string literal (double-quoted, escaped), safe for any text from a run log. */
export function pyString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u9fff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toLowerCase() || 'step';
}

/** `Type: message` from a captured traceback's last line, split (the type may be dotted: `requests.HTTPError`). */
export function splitError(text: string | undefined): { type: string; message: string } | undefined {
  const m = /^([A-Za-z_][\w.]*)(?::\s?([\s\S]*))?$/.exec((text ?? '').trim());
  return m ? { type: m[1], message: (m[2] ?? '').trim() } : undefined;
}

export async function writeRegressionTest(req: RegressionTestRequest): Promise<RegressionTest> {
  const { target } = req;
  const a = target.attempt;
  const base = `${slug(target.runId)}__${slug(target.step.internalName)}__${a.number}`;
  const dataDir = path.join(req.testsDir, 'data', base);
  await fs.mkdir(dataDir, { recursive: true });
  const missing: string[] = [];
  const values: Record<string, { kind: string; value?: unknown; file?: string }> = {};
  const save = async (key: string, p: ParamValue): Promise<void> => {
    if (p.kind !== 'object') {
      values[key] = { kind: p.kind, value: p.value };
      return;
    }
    const bytes = p.catalogFile ? await req.catalog.readCatalogFile(target.runId, p.catalogFile).catch(() => undefined) : undefined;
    if (!bytes) missing.push(`${key} (${p.catalogFile ?? 'no pickle recorded'})`);
    const file = `${key.replace(/[^A-Za-z0-9_.-]/g, '_')}${path.extname(p.catalogFile ?? '.dill') || '.dill'}`;
    if (bytes) await fs.writeFile(path.join(dataDir, file), bytes);
    values[key] = { kind: 'object', file };
  };
  for (const [name, p] of Object.entries(a.inputs)) await save(`input.${name}`, p);
  const outputs = { ...a.outputs, ...a.metrics };
  for (const [name, p] of Object.entries(outputs)) await save(`output.${name}`, p);
  // One entry per line; json values through pyDumps so the exact literals (0.0, big ints) reach Python as recorded.
  const entry = (k: string) => {
    const v = values[k];
    const exact = k.startsWith('input.') && v.kind !== 'object' && req.exact && k.slice(6) in req.exact ? req.exact[k.slice(6)] : undefined;
    const value = v.kind === 'object' ? `"file": ${JSON.stringify(v.file)}` : `"value": ${pyDumps(exact !== undefined ? exact : v.value, { sortKeys: false })}`;
    return `  ${JSON.stringify(k)}: {"kind": ${JSON.stringify(v.kind)}, ${value}}`;
  };
  await fs.writeFile(path.join(dataDir, 'values.json'), `{\n${Object.keys(values).map(entry).join(',\n')}\n}\n`);

  // The call: the names runnable would bind (signature order), each as `name=recorded("name")`.
  const available = Object.keys(a.inputs);
  const { bound } = bindParameters(req.params, available);
  const namespace = req.params.find((p) => p.namespace);
  const regular = new Set(req.params.filter((p) => p.kind !== 'var_keyword' && p.kind !== 'var_positional' && !p.namespace).map((p) => p.name));
  const args: string[] = [];
  const extras: string[] = [];
  for (const name of bound) (regular.has(name) ? args : extras).push(name);
  const kw = (n: string) => (isName(n) ? `${n}=recorded_input(${pyString(n)})` : `**{${pyString(n)}: recorded_input(${pyString(n)})}`);
  const callArgs = [
    ...args.map(kw),
    ...(namespace ? [`${namespace.name}=argparse.Namespace(${extras.filter(isName).map((n) => `${n}=recorded_input(${pyString(n)})`).join(', ')})`] : extras.map(kw)),
  ];
  const fn = isName(target.func) ? target.func : 'step_function';
  const importLine = target.module.split('.').every(isName) && isName(target.func)
    ? `from ${target.module} import ${target.func}`
    : `${fn} = getattr(importlib.import_module(${pyString(target.module)}), ${pyString(target.func)})`;
  const call = `${fn}(${callArgs.join(', ')})`;
  const isAsync = target.step.commandType === 'async-python';
  const invoke = isAsync ? `asyncio.run(${call})` : call;

  const testName = `test_${slug(target.step.internalName)}_${slug(target.runId)}_attempt_${a.number}`;
  const returns = (target.step.returns ?? []).map((r) => r.name);
  const body: string[] = [];
  const decorators: string[] = [];
  const error = a.status === 'FAIL' ? splitError(req.recordedError) : undefined;
  if (a.status === 'FAIL') {
    const reason = `attempt ${a.number} of ${target.runId} failed${req.recordedError ? `: ${req.recordedError}` : ''}`;
    decorators.push(`@pytest.mark.xfail(raises=RecordedFailure, strict=True, reason=${pyString(reason)})`);
    body.push('    try:', `        ${invoke}`);
    if (error) {
      const exc = BUILTIN_EXCEPTIONS.has(error.type) ? error.type : 'Exception';
      body.push(`    except ${exc} as e:`);
      if (exc === 'Exception') body.push(`        if type(e).__name__ != ${pyString(error.type.split('.').pop()!)}:`, '            raise');
      body.push(`        if ${pyString(error.message.split('\n')[0])} not in str(e):`, '            raise  # a different error than the recorded one: a real failure');
      body.push(`        raise RecordedFailure(str(e)) from e`);
    } else {
      body.push('    except Exception as e:', '        # The recorded exception is not known (no captured output): any exception counts as the recorded failure.', '        raise RecordedFailure(str(e)) from e');
    }
  } else if (!returns.length) {
    body.push(`    ${invoke}`);
  } else {
    const names = returns.every(isName) && new Set(returns).size === returns.length ? returns : undefined;
    if (returns.length === 1) body.push(`    ${names ? names[0] : 'returned'} = ${invoke}`);
    else if (names) body.push(`    ${names.join(', ')} = ${invoke}`);
    else body.push(`    returned = dict(zip(${JSON.stringify(returns)}, ${invoke}))`);
    for (const [i, r] of returns.entries()) {
      if (!outputs[r]) continue;
      const got = names ? names[i] : returns.length === 1 ? 'returned' : `returned[${pyString(r)}]`;
      body.push(`    assert ${got} == recorded_output(${pyString(r)})`);
    }
  }

  const rel = (p: string) => path.relative(req.testsDir, p).split(path.sep).join('/');
  const imports = ['import json', 'import pathlib', ...(namespace ? ['import argparse'] : []), ...(isAsync ? ['import asyncio'] : []), ...(importLine.startsWith('from') ? [] : ['import importlib']), '', 'import pytest', '', importLine];
  const lines = [
    `"""Regression test from runnable run ${target.runId}, step ${target.step.internalName}, attempt ${a.number} (${a.status}).`,
    '',
    `Calls ${target.module}.${target.func} with the inputs that attempt recorded (saved in ${rel(dataDir)}/: json values in`,
    'values.json, objects as copies of the catalog\'s pickles) and checks what the run recorded. Plain pytest; runnable',
    'is not needed. Written by Runnable Retry & Recovery.',
    ...(a.status === 'FAIL' ? ['', 'The attempt failed: the test is an expected failure (strict) while the function fails the same way, fails on any', 'other error, and reports XPASS once the function is fixed; then remove the xfail marker and assert the result.'] : []),
    '"""',
    ...imports,
    '',
    `DATA = pathlib.Path(__file__).parent / ${pyString(rel(dataDir))}`,
    'VALUES = json.loads((DATA / "values.json").read_text(encoding="utf-8"))',
    '',
    '',
    'def _recorded(key):',
    '    spec = VALUES[key]',
    '    if spec["kind"] != "object":',
    '        return spec["value"]',
    '    try:',
    '        import dill as pickler  # runnable pickles objects with dill',
    '    except ImportError:',
    '        import pickle as pickler',
    '    with open(DATA / spec["file"], "rb") as fh:',
    '        return pickler.load(fh)',
    '',
    '',
    'def recorded_input(name):',
    '    return _recorded("input." + name)',
    '',
    '',
    'def recorded_output(name):',
    '    return _recorded("output." + name)',
    '',
    ...(a.status === 'FAIL' ? ['', 'class RecordedFailure(Exception):', '    """The function failed as the recorded attempt did."""', '', ''] : ['']),
    ...decorators,
    `def ${testName}():`,
    ...body,
    '',
  ];
  const file = path.join(req.testsDir, `test_${base}.py`);
  await fs.writeFile(file, lines.join('\n'));

  // Plain `pytest` puts the test's folder on sys.path, not the project: a conftest.py beside the tests adds it.
  let conftest: string | undefined;
  const confFile = path.join(req.testsDir, 'conftest.py');
  try {
    await fs.access(confFile);
  } catch {
    const relParts = path.relative(req.testsDir, req.workspace).split(path.sep).filter(Boolean);
    // Under the project: climb from the test's folder (the project can move); elsewhere: the project's path.
    const project = relParts.every((p) => p === '..') ? `pathlib.Path(__file__).resolve()${'.parent'.repeat(relParts.length + 1)}` : `pathlib.Path(${pyString(req.workspace)})`;
    await fs.writeFile(confFile, [
      '"""Puts the project folder on sys.path so the runnable regression tests import its modules (written by Runnable Retry & Recovery)."""',
      'import pathlib',
      'import sys',
      '',
      `PROJECT = ${project}`,
      'if str(PROJECT) not in sys.path:',
      '    sys.path.insert(0, str(PROJECT))',
      '',
    ].join('\n'));
    conftest = confFile;
  }
  return { file, dataDir, conftest, missing };
}
