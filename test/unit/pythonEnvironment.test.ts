// What the pre-flight reads from a real interpreter, and the install it offers for how that environment is managed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { environmentKind, findModules, installCommand, missingPackages, missingSentence, probeEnvironment } from '../../src/core/python/environment';
import { testPython } from '../helpers/python';

const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tmp = (): string => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pyenv-')); temps.push(d); return d; };

describe('interpreter pre-flight', () => {
  it('the tests\' venv: debugpy and pip found, its prefix read; a pip install into that interpreter', async () => {
    const python = testPython();
    const facts = await probeEnvironment(python, process.env, os.tmpdir());
    assert.equal(facts.debugpy, true);
    assert.equal(facts.pip, true);
    assert.ok(facts.prefix && fs.existsSync(facts.prefix), facts.prefix);
    assert.equal(environmentKind(facts), 'pip');
    assert.deepEqual(missingPackages({ ...facts, runnable: false }, true), ['runnable']);
    assert.equal(installCommand(python, facts, ['runnable']).command, `${python} -m pip install runnable`);
  });

  it('a venv made without pip (as uv and --without-pip make them): no `python -m pip`, ensurepip first', async () => {
    const venv = path.join(tmp(), 'bare');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const python = path.join(venv, 'bin', 'python');
    const facts = await probeEnvironment(python, { PATH: process.env.PATH }, os.tmpdir());
    assert.equal(facts.pip, false);
    assert.equal(facts.debugpy, false);
    assert.equal(fs.realpathSync(facts.prefix!), fs.realpathSync(venv));
    assert.deepEqual(missingPackages(facts, true), facts.runnable ? ['debugpy'] : ['runnable', 'debugpy']);
    assert.equal(installCommand(python, facts, ['debugpy']).command, `${python} -m ensurepip && ${python} -m pip install debugpy`);
    // The same venv as uv writes it (pyvenv.cfg names uv): uv installs into it.
    fs.appendFileSync(path.join(facts.prefix!, 'pyvenv.cfg'), 'uv = 0.5.11\n');
    assert.deepEqual(installCommand(python, facts, ['runnable', 'debugpy']), { kind: 'uv', command: `uv pip install --python ${python} runnable debugpy` });
  });

  it('a conda environment (conda-meta in its prefix) installs with conda into that prefix; paths with spaces are quoted', () => {
    const prefix = path.join(tmp(), 'my env');
    fs.mkdirSync(path.join(prefix, 'conda-meta'), { recursive: true });
    const cmd = installCommand(path.join(prefix, 'bin', 'python'), { prefix, pip: true }, ['debugpy']);
    assert.deepEqual(cmd, { kind: 'conda', command: `conda install -y -p '${prefix}' -c conda-forge debugpy` });
    // pip's extra syntax is not conda's: the conda-forge name when it differs.
    assert.equal(installCommand(path.join(prefix, 'bin', 'python'), { prefix, pip: true }, ['cloudpathlib[s3]'], ['cloudpathlib-s3']).command, `conda install -y -p '${prefix}' -c conda-forge cloudpathlib-s3`);
    assert.equal(installCommand('/v/bin/python', { prefix: '/v', pip: true }, ['cloudpathlib[s3]'], ['cloudpathlib-s3']).command, "/v/bin/python -m pip install 'cloudpathlib[s3]'");
  });

  /** A workspace whose json.py and package `pkg` would each leave a marker file if anything ran them. */
  function hostileWorkspace(pkg: string): { ws: string; marker: string } {
    const ws = tmp();
    const marker = path.join(ws, 'PWNED');
    fs.writeFileSync(path.join(ws, 'json.py'), `open(${JSON.stringify(marker)}, "w").write("ran")\nfrom json import *\n`);
    fs.mkdirSync(path.join(ws, pkg));
    fs.writeFileSync(path.join(ws, pkg, '__init__.py'), `open(${JSON.stringify(marker)}, "w").write("imported")\n`);
    return { ws, marker };
  }

  it('a hostile workspace: its json.py does not run while the interpreter is checked; its own packages are still found', async () => {
    const { ws, marker } = hostileWorkspace('runnable');
    const facts = await probeEnvironment(testPython(), { PATH: process.env.PATH }, ws);
    assert.equal(fs.existsSync(marker), false, 'nothing from the workspace ran');
    assert.equal(facts.runnable, true, 'a runnable the retry\'s folder holds is found (located, not imported)');
  });

  it('findModules: which top-level names the interpreter can import, the retry\'s folder first, nothing from it run', async () => {
    const { ws, marker } = hostileWorkspace('ploomber_engine');
    const facts = await findModules(testPython(), { PATH: process.env.PATH }, ws, ['ploomber_engine', 'no_such_module_here', 'os']);
    assert.deepEqual(facts.found, { ploomber_engine: true, no_such_module_here: false, os: true });
    assert.equal(fs.existsSync(marker), false, 'nothing from the workspace ran');
    assert.equal(typeof facts.prefix, 'string');
    await assert.rejects(findModules(testPython(), {}, ws, ['a.b']), /not a top-level module name: a\.b/);
  });

  it('a missing interpreter is a sentence, not a stack', async () => {
    await assert.rejects(probeEnvironment(path.join(tmp(), 'no-such-python'), process.env, undefined), /it was not found/);
    assert.equal(missingSentence('/p/python', 'the `runnable.pythonPath` setting', ['runnable', 'debugpy']),
      'runnable and debugpy are not importable in /p/python (from the `runnable.pythonPath` setting): runnable runs the retry, debugpy debugs it.');
  });
});
