// The locator (static reader and the interpreter path) against every fixture's recorded def/break lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { locateFunction, locateWithPython } from '../../src/core/python/locate';
import { locateStatically, locateInSource } from '../../src/core/python/staticLocate';
import { bindParameters } from '../../src/core/python/signature';
import { pythonEnv } from '../standin/standinEnv';

// job.py imports runnable: the stand-in stands in when the real one is missing.
const PY = pythonEnv();
const PY_ENV = PY.env;

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

interface Expected { caseName: string; command: string; file: string; defLine: number; line: number; inputs: string[]; missing: string[]; importError?: string; importRoot?: string }

/** Every function whose lines case.json records (first failed task of each run, the job's function). */
function expectations(): Expected[] {
  const out: Expected[] = [];
  for (const caseName of fs.readdirSync(FIXTURES)) {
    const f = path.join(FIXTURES, caseName, 'case.json');
    if (!fs.existsSync(f)) continue;
    const c = JSON.parse(fs.readFileSync(f, 'utf8'));
    for (const run of Object.values<Record<string, any>>(c.runs ?? {})) {
      const t = run.first_failed_task ?? run.failed_function;
      // A script run as __main__ (AsyncPipeline): the plan locates its functions through the script's module path.
      const command = t?.command?.startsWith('__main__.') ? `${String(t.file).replace(/\.py$/, '').split('/').join('.')}.${t.command.slice('__main__.'.length)}` : t?.command;
      if (t?.def_line && command) out.push({ caseName, command, file: t.file, defLine: t.def_line, line: t.break_line, inputs: Object.keys(t.inputs ?? {}), missing: t.missing_inputs ?? [], importError: t.import_error, importRoot: t.import_root });
    }
  }
  return out;
}

void test('fixtures provide functions to locate', () => {
  assert.ok(expectations().length >= 7);
});

for (const e of expectations()) {
  void test(`static: ${e.caseName} ${e.command} -> ${e.file}:${e.defLine}/${e.line}`, async () => {
    // A script run from the workspace imported its siblings from its own folder (case.json import_root).
    const loc = await locateStatically(path.join(FIXTURES, e.caseName), e.command, e.importRoot ? [path.join(FIXTURES, e.caseName, e.importRoot)] : []);
    assert.ok('absFile' in loc, JSON.stringify(loc));
    assert.equal(loc.file, e.file);
    assert.equal(loc.defLine, e.defLine);
    assert.equal(loc.line, e.line);
    // What the function requires beyond the recorded inputs: nothing, except where runnable itself failed to offer it.
    assert.deepEqual(bindParameters(loc.params, e.inputs).missing, e.missing);
  });
  void test(`python: ${e.caseName} ${e.command} -> ${e.file}:${e.defLine}/${e.line}`, async () => {
    const env = e.importRoot ? { ...PY_ENV, PYTHONPATH: path.join(FIXTURES, e.caseName, e.importRoot) } : PY_ENV;
    const loc = await locateWithPython({ cwd: path.join(FIXTURES, e.caseName), command: e.command, trusted: true, env, python: PY.python });
    if (e.importError) {
      // The module does not import (why runnable never called it): Python can only say so; the static locate finds it.
      assert.deepEqual(loc, { error: `Importing ${e.command} failed: ${e.importError}` });
      return;
    }
    assert.ok('absFile' in loc, JSON.stringify(loc));
    assert.equal(loc.file, e.file);
    assert.equal(loc.defLine, e.defLine);
    assert.equal(loc.line, e.line);
    assert.equal(loc.via, 'python');
  });
}

// Shapes the fixtures lack; each case is checked against Python's own answer (ast + code object).
const TRICKY = `import functools

def deco(f):
    @functools.wraps(f)
    def w(*a, **k):
        return f(*a, **k)
    return w

x = """
def fake(a):
    pass
"""

@deco
def decorated(a: int,
              b: str = "x, y)",
              *args, c=(1, 2), **kwargs) -> dict:
    '''Doc
    string'''
    # a comment
    return {"a": a}

def one_liner(a): return a

async def coro(x, /, y, *, z):
    """only a doc"""

def nested_first(a):
    @deco
    def inner():
        pass
    return inner
`;

void test('static reader matches Python on decorators, multi-line signatures, docstrings, one-liners', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locate-'));
  fs.writeFileSync(path.join(dir, 'tricky.py'), TRICKY);
  for (const name of ['decorated', 'one_liner', 'coro', 'nested_first']) {
    const st = locateInSource(TRICKY, name);
    const py = await locateWithPython({ cwd: dir, command: `tricky.${name}`, trusted: true, python: PY.python });
    assert.ok(st && 'absFile' in py, `${name}: ${JSON.stringify(py)}`);
    assert.equal(st.defLine, py.defLine, `${name} def line`);
    assert.equal(st.line, py.line, `${name} body line`);
    assert.deepEqual(st.params, py.params, `${name} params`);
  }
  assert.equal(locateInSource(TRICKY, 'fake'), undefined, 'a def inside a string is not a def');
  fs.rmSync(dir, { recursive: true, force: true });
});

void test('untrusted: nothing is imported (a module that would fail on import is still located)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locate-'));
  const marker = path.join(dir, 'imported.txt');
  fs.writeFileSync(path.join(dir, 'mod.py'), `open(${JSON.stringify(marker)}, "w").write("x")\n\ndef f(a):\n    return a\n`);
  const r = await locateFunction({ cwd: dir, command: 'mod.f', trusted: false });
  assert.equal(r.location?.via, 'static');
  assert.equal(r.location?.line, 4);
  assert.equal(fs.existsSync(marker), false);
  fs.rmSync(dir, { recursive: true, force: true });
});

void test('a module that fails to import falls back to the source, with a note', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'locate-'));
  fs.writeFileSync(path.join(dir, 'broken.py'), `import not_a_module_anywhere\n\ndef f(a):\n    """d"""\n    return a\n`);
  const r = await locateFunction({ cwd: dir, command: 'broken.f', trusted: true, python: PY.python });
  assert.equal(r.location?.via, 'static');
  assert.equal(r.location?.line, 5);
  assert.match(r.notes.join(' '), /not_a_module_anywhere/);
  fs.rmSync(dir, { recursive: true, force: true });
});
