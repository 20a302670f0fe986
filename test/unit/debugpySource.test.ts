// Which debugpy a session uses when the interpreter may have none, and how its adapter starts: a real debugpy folder
// (the tests' venv's, linked the way `pip install --target` lays it out) run by a venv that has no debugpy.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { adapterArgs, chooseDebugpy, describeDebugpy, resolveDebugpyPackage } from '../../src/core/python/debugpySource';
import { testPython } from '../helpers/python';
import { tempFolders } from '../helpers/tempFolders';

const { temp } = tempFolders();

/** A `pip install --target`-shaped folder holding the tests' real debugpy. */
function targetFolder(): { target: string; pkg: string } {
  const real = execFileSync(testPython(), ['-c', 'import debugpy, os; print(os.path.dirname(debugpy.__file__))'], { encoding: 'utf8' }).trim();
  const target = temp('debugpy-target-');
  fs.symlinkSync(real, path.join(target, 'debugpy'));
  return { target, pkg: path.join(target, 'debugpy') };
}

describe('debugpy source', () => {
  it('a folder holding debugpy and the package folder itself both resolve to the package; anything else is a sentence', async () => {
    const { target, pkg } = targetFolder();
    assert.equal(await resolveDebugpyPackage(target), pkg);
    assert.equal(await resolveDebugpyPackage(pkg), pkg);
    const empty = temp('no-debugpy-');
    const r = await resolveDebugpyPackage(empty);
    assert.ok(typeof r !== 'string' && /holds no debugpy package.*pip install --target FOLDER debugpy/.test(r.problem), JSON.stringify(r));
    const missing = await resolveDebugpyPackage(path.join(empty, 'nope'));
    assert.ok(typeof missing !== 'string' && /is not a folder/.test(missing.problem));
  });

  it('the setting first, then the Python Debugger extension, then the interpreter; none: undefined', () => {
    assert.deepEqual(chooseDebugpy({ setting: '/s/debugpy', debuggerExtension: '/e/debugpy', interpreterHasDebugpy: true }), { origin: 'setting', packageDir: '/s/debugpy' });
    assert.deepEqual(chooseDebugpy({ debuggerExtension: '/e/debugpy', interpreterHasDebugpy: true }), { origin: 'debugger-extension', packageDir: '/e/debugpy' });
    assert.deepEqual(chooseDebugpy({ interpreterHasDebugpy: true }), { origin: 'interpreter' });
    assert.equal(chooseDebugpy({ interpreterHasDebugpy: false }), undefined);
    assert.match(describeDebugpy({ origin: 'debugger-extension', packageDir: '/e/debugpy' }), /Python Debugger extension's debugpy \(\/e\/debugpy\)/);
  });

  it('the adapter runs from the folder with an interpreter that has no debugpy', () => {
    const { pkg } = targetFolder();
    const venv = path.join(temp('bare-venv-'), 'v');
    execFileSync('python3', ['-m', 'venv', '--without-pip', venv]);
    const python = path.join(venv, 'bin', 'python');
    assert.notEqual(spawnSync(python, ['-c', 'import debugpy']).status, 0, 'the venv has no debugpy');
    assert.deepEqual(adapterArgs(undefined), ['-m', 'debugpy.adapter']);
    const help = spawnSync(python, [...adapterArgs(pkg), '--help'], { encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /usage: adapter/);
  });
});
