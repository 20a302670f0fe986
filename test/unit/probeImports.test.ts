// What the retry probe imports: only modules the workspace holds, whatever a (production, hostile) run log names.
// Each payload is harmless: importing it would write a marker file, and the tests assert the marker never appears.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runProbe } from '../../src/core/retry/probe';
import { currentDag } from '../../src/core/retry/dagCheck';
import { locateFunction } from '../../src/core/python/locate';
import { findRun } from '../../src/core/retry/findRun';
import { pythonEnv } from '../standin/standinEnv';
import { tempFolders } from '../helpers/tempFolders';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();
const { temp } = tempFolders();

function workspace(): string {
  const ws = temp('probe-ws-');
  fs.cpSync(path.join(FIXTURES, 'ml-file-system'), ws, { recursive: true });
  return ws;
}

/** A module whose top level writes `marker`; it defines `run` and `main` so only the import itself is at stake. */
function payload(file: string, marker: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `open(${JSON.stringify(marker)}, "w").write("imported")\ndef run():\n    pass\ndef main():\n    pass\n`);
}

function withPath(...entries: string[]): Record<string, string | undefined> {
  const prior = PY.env.PYTHONPATH;
  return { ...PY.env, PYTHONPATH: [...entries, ...(prior ? [prior] : [])].join(path.delimiter) };
}

describe('retry probe: run-log names import only what the workspace holds', () => {
  it('a module outside the workspace (on PYTHONPATH) is neither imported for the locator nor for the dag', async () => {
    const ws = workspace();
    const elsewhere = temp('probe-elsewhere-');
    const marker = path.join(elsewhere, 'IMPORTED');
    payload(path.join(elsewhere, 'evilmod.py'), marker);
    const answer = await runProbe({ cwd: ws, python: PY.python, env: withPath(elsewhere), locate: 'evilmod.run', dag: { mode: 'python', definition: 'evilmod.main' } });
    assert.equal(answer.failed, undefined, 'the probe itself ran');
    assert.ok(answer.locate && 'error' in answer.locate, JSON.stringify(answer.locate));
    assert.match(answer.locate.error, /^Did not import evilmod\.run: the run log names evilmod, which resolves to .*evilmod\.py, outside the workspace /);
    assert.ok(answer.dag && 'error' in answer.dag, JSON.stringify(answer.dag));
    assert.match(answer.dag.error, /evilmod.*outside the workspace/);
    assert.equal(fs.existsSync(marker), false, 'the module was never imported');
  });

  it('the standard library (venv.__main__) and a site-packages folder inside the workspace are refused too', async () => {
    const ws = workspace();
    const before = fs.readdirSync(ws).sort();
    const venv = await runProbe({ cwd: ws, python: PY.python, env: PY.env, locate: 'venv.__main__.main' });
    assert.ok(venv.locate && 'error' in venv.locate);
    assert.match(venv.locate.error, /the run log names venv, which resolves to .*venv.__init__\.py, outside the workspace/);
    assert.deepEqual(fs.readdirSync(ws).sort(), before, 'nothing was created in the workspace');

    const site = path.join(ws, '.venv', 'lib', 'python3', 'site-packages');
    const marker = path.join(ws, 'SITE-IMPORTED');
    payload(path.join(site, 'sitemod.py'), marker);
    const installed = await runProbe({ cwd: ws, python: PY.python, env: withPath(site), locate: 'sitemod.run' });
    assert.ok(installed.locate && 'error' in installed.locate);
    assert.match(installed.locate.error, /sitemod, which resolves to .*site-packages.*sitemod\.py, outside the workspace/);
    assert.equal(fs.existsSync(marker), false);
  });

  it('a workspace file that is a symbolic link to a module elsewhere is refused', async () => {
    const ws = workspace();
    const elsewhere = temp('probe-elsewhere-');
    const marker = path.join(elsewhere, 'IMPORTED');
    payload(path.join(elsewhere, 'real.py'), marker);
    fs.symlinkSync(path.join(elsewhere, 'real.py'), path.join(ws, 'linked.py'));
    const answer = await runProbe({ cwd: ws, python: PY.python, env: PY.env, locate: 'linked.run' });
    assert.ok(answer.locate && 'error' in answer.locate);
    assert.match(answer.locate.error, /outside the workspace/);
    assert.equal(fs.existsSync(marker), false);
  });

  it("the workspace's own modules still import: a relative PYTHONPATH=src and a json.py / inspect.py that must not run in the probe's place", async () => {
    const ws = workspace();
    const marker = path.join(ws, 'SHADOW-RAN');
    // A workspace json.py or inspect.py would shadow the modules the probe itself uses.
    for (const name of ['json', 'inspect']) fs.writeFileSync(path.join(ws, `${name}.py`), `open(${JSON.stringify(marker)}, "a").write(${JSON.stringify(name)})\n`);
    fs.mkdirSync(path.join(ws, 'src', 'pkg'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'src', 'pkg', '__init__.py'), '');
    fs.writeFileSync(path.join(ws, 'src', 'pkg', 'tasks.py'), 'def work(x):\n    """Doc."""\n    return x\n');
    const env = { ...PY.env, PYTHONPATH: ['src', ...(PY.env.PYTHONPATH ? [PY.env.PYTHONPATH] : [])].join(path.delimiter) };
    const src = await runProbe({ cwd: ws, python: PY.python, env, locate: 'pkg.tasks.work' });
    assert.ok(src.locate && 'absFile' in src.locate, JSON.stringify(src.locate));
    assert.equal(src.locate.absFile, path.join(ws, 'src', 'pkg', 'tasks.py'));
    assert.equal(src.locate.line, 3, 'first body line after the docstring');

    const found = await findRun({ cwd: ws, runId: 'prod-failure-001', env: PY.env });
    assert.ok('run' in found);
    const own = await runProbe({ cwd: ws, python: PY.python, env: PY.env, locate: 'functions.deploy_model', dag: { mode: 'python', definition: 'pipeline.main' } });
    assert.ok(own.locate && 'absFile' in own.locate && own.locate.via === 'python', JSON.stringify(own.locate));
    assert.ok(own.dag && 'hash' in own.dag && own.dag.hash === found.run.dagHash, JSON.stringify(own.dag).slice(0, 300));
    assert.equal(fs.existsSync(marker), false, `the workspace's json.py/inspect.py ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);

    // The separate dag helper follows the same rules.
    const dag = await currentDag({ run: { ...found.run, definitionFile: 'venv.main' }, cwd: ws, python: PY.python, env: PY.env });
    assert.ok('error' in dag && /venv, which resolves to .*outside the workspace/.test(dag.error), JSON.stringify(dag));
  });

  it('a refused name falls back to reading the source, and says why', async () => {
    const ws = workspace();
    const elsewhere = temp('probe-elsewhere-');
    const marker = path.join(elsewhere, 'IMPORTED');
    payload(path.join(elsewhere, 'evilmod.py'), marker);
    const { location, notes } = await locateFunction({ cwd: ws, command: 'evilmod.run', trusted: true, python: PY.python, env: withPath(elsewhere) });
    assert.equal(location, undefined, 'the workspace has no evilmod.py to read');
    assert.match(notes[0], /^Did not import evilmod\.run: .*outside the workspace.*; found the function by reading the source instead\.$/);
    assert.equal(fs.existsSync(marker), false);
  });
});
