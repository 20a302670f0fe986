// The interpreter the CLI's plan-retry uses without --python (core/python/projectPython.ts): the project's own
// environment first, as a uv project keeps it (`.venv`, never activated), then python3 on PATH.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { projectPython } from '../../src/core/python/projectPython';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A folder with `<name>/bin/python` (a symlink to this machine's python3, as a venv holds one). */
function withEnv(name: string, into?: string): string {
  const dir = into ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rr-pyenv-'));
  if (!into) temps.push(dir);
  fs.mkdirSync(path.join(dir, name, 'bin'), { recursive: true });
  const real = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
  fs.symlinkSync(real, path.join(dir, name, 'bin', 'python'));
  return dir;
}

describe('projectPython', () => {
  it('takes the project\'s .venv, then venv, then python3; an active VIRTUAL_ENV comes first', () => {
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-pyenv-'));
    temps.push(bare);
    assert.equal(projectPython(bare, {}), 'python3');
    const venv = withEnv('venv');
    assert.equal(projectPython(venv, {}), path.join(venv, 'venv', 'bin', 'python'));
    const dotVenv = withEnv('.venv', withEnv('venv'));
    assert.equal(projectPython(dotVenv, {}), path.join(dotVenv, '.venv', 'bin', 'python'));
    const active = withEnv('elsewhere');
    assert.equal(projectPython(dotVenv, { VIRTUAL_ENV: path.join(active, 'elsewhere') }), path.join(active, 'elsewhere', 'bin', 'python'));
    assert.equal(projectPython(bare, { VIRTUAL_ENV: path.join(bare, 'gone') }), 'python3', 'a VIRTUAL_ENV without an interpreter is passed over');
  });

  it('plan-retry without --python prints the retry command with the project\'s .venv interpreter', () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-pyenv-ws-'));
    temps.push(ws);
    fs.cpSync(path.join(FIXTURES, 'ml-file-system'), ws, { recursive: true });
    withEnv('.venv', ws);
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RUNNABLE_') && k !== 'VIRTUAL_ENV'));
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'plan-retry', 'prod-failure-001', '--cwd', ws, '--no-import'], { encoding: 'utf8', env });
    assert.ok(r.status === 0 || r.status === 3, r.stderr);
    const command = r.stdout.split('\n').find((l) => l.startsWith('Command: ')) ?? '';
    assert.ok(command.includes(` ${path.join(ws, '.venv', 'bin', 'python')} -c `), r.stdout);
  });
});
