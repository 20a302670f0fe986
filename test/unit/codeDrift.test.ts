// What changed since the run: a git repository made in the test (commit, a run log whose attempt records that commit
// as runnable's get_git_code_identity does, then a change to the function), read by the planner and the core helper.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { codeDrift } from '../../src/core/retry/codeDrift';
import { driftLabel, stepCodeDrift } from '../../src/core/retry/stepDrift';
import { addWorktree, fileAtCommit, removeOrphanWorktrees, removeWorktree } from '../../src/core/git/git';
import { FileSystemRunLogStore } from '../../src/core/stores/fileSystemStore';
import { planRetry } from '../../src/core/retry/plan';
import type { CodeIdentity } from '../../src/core/runlog/model';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

/** ml-file-system as a git repository at one commit, its deploy attempt recording that commit. */
function repo(dirtyMessage?: string): { dir: string; commit: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'drift-'));
  temps.push(dir);
  fs.cpSync(path.join(FIXTURES, 'ml-file-system'), dir, { recursive: true });
  git(dir, 'init', '-q');
  git(dir, 'add', 'functions.py', 'pipeline.py', 'parameters.yaml', 'local.yaml');
  git(dir, 'commit', '-qm', 'the code the run ran');
  const commit = git(dir, 'rev-parse', 'HEAD');
  const file = path.join(dir, '.run_log_store', 'prod-failure-001.json');
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  log.steps.deploy.attempts[0].code_identities = [{ code_identifier: commit, code_identifier_type: 'git', code_identifier_dependable: !dirtyMessage, code_identifier_url: null, code_identifier_message: dirtyMessage ?? '' }];
  fs.writeFileSync(file, JSON.stringify(log));
  return { dir, commit };
}

describe('code since the run (git commit the attempt recorded)', () => {
  it('the planner says the failed function\'s file changed since the run\'s commit, and that it is unchanged before the edit', async () => {
    const { dir, commit } = repo();
    const same = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: PY.python, checkDag: false });
    assert.equal(same.codeDrift, `functions.py is as at the run's commit ${commit.slice(0, 8)}.`);
    const f = path.join(dir, 'functions.py');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('if not url:', 'if not url and False:'));
    const changed = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: PY.python, checkDag: false });
    assert.equal(changed.codeDrift, `functions.py changed since the run's commit ${commit.slice(0, 8)} (git diff ${commit.slice(0, 8)} -- functions.py): the retry runs the code as it is now.`);
    const untrusted = await planRetry({ cwd: dir, runId: 'prod-failure-001', env: PY.env, python: PY.python, checkDag: false, trusted: false });
    assert.equal(untrusted.codeDrift, undefined, 'git is not run in an untrusted workspace');
  });

  it('a run started with uncommitted changes says so; an unknown commit and no git say what they can', async () => {
    const { dir, commit } = repo('changes found in functions.py');
    const ids: CodeIdentity[] = [{ identifier: commit, type: 'git', dependable: false, url: null, message: 'changes found in functions.py' }];
    const d = await codeDrift(dir, ids, [path.join(dir, 'functions.py')]);
    assert.match(d!.text, /The working tree was not clean when the run started \(runnable: changes found in functions\.py\)/);
    const unknown = await codeDrift(dir, [{ ...ids[0], identifier: 'deadbeef'.repeat(5) }], [path.join(dir, 'functions.py')]);
    assert.match(unknown!.text, /commit deadbeef, which this clone does not have/);
    assert.equal(await codeDrift(dir, [{ ...ids[0], identifier: null }], []), undefined, 'runnable records null outside git');
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'nogit-'));
    temps.push(plain);
    assert.equal(await codeDrift(plain, ids, [path.join(plain, 'functions.py')]), undefined, 'not a repository');
  });

  it('the failed step\'s drift names its function file; the file at the commit and a worktree of it are the old code', async () => {
    const { dir, commit } = repo();
    const f = path.join(dir, 'functions.py');
    const old = fs.readFileSync(f, 'utf8');
    const read = async () => new FileSystemRunLogStore({ id: 't', type: 'file-system', location: path.join(dir, '.run_log_store'), configFiles: [], label: 't', settings: {}, catalog: undefined }).getRun('prod-failure-001');
    const same = await stepCodeDrift(await read(), dir);
    assert.ok(!('error' in same), JSON.stringify(same));
    assert.equal(same.step, 'deploy');
    assert.equal(same.kind, 'same');
    assert.equal(same.label, `functions.py unchanged since commit ${commit.slice(0, 8)}`);
    fs.writeFileSync(f, old.replace('if not url:', 'if not url and False:'));
    const changed = await stepCodeDrift(await read(), dir);
    assert.ok(!('error' in changed));
    assert.equal(changed.kind, 'changed');
    assert.equal(changed.file, f);
    assert.equal(changed.label, `functions.py changed since commit ${commit.slice(0, 8)}`);
    assert.equal(await fileAtCommit(f, commit), old, 'git show <commit>:./functions.py is the committed text');
    assert.equal(await fileAtCommit(path.join(dir, 'nope.py'), commit), undefined);
    const noCommit = await stepCodeDrift(await read(), dir, 'train_model');
    assert.match((noCommit as { error: string }).error, /recorded no git commit/);

    const w = await addWorktree(dir, commit);
    assert.equal(fs.readFileSync(path.join(w.dir, 'functions.py'), 'utf8'), old, 'the worktree holds the commit');
    assert.equal(fs.readFileSync(f, 'utf8'), old.replace('if not url:', 'if not url and False:'), 'the working tree is untouched');
    assert.ok(!fs.existsSync(path.join(w.dir, '.run_log_store')), 'the store is not committed: not in the worktree');
    await removeWorktree(w);
    assert.ok(!fs.existsSync(w.base));
    assert.equal(git(dir, 'worktree', 'list').split('\n').length, 1, 'no worktree left registered');
  });

  it('a worktree left by a VS Code that quit mid-retry is removed by the next retry; a live one, and the user\'s own, are kept', async () => {
    const { dir, commit } = repo();
    const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'orphans-'));
    temps.push(tmpRoot);
    const live = await addWorktree(dir, commit, tmpRoot);
    const orphan = await addWorktree(dir, commit, tmpRoot);
    // Its owner is a process that has ended (a VS Code window that quit).
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    assert.ok(dead);
    fs.writeFileSync(path.join(orphan.base, 'owner.json'), JSON.stringify({ pid: dead }));
    const own = path.join(tmpRoot, 'my-feature');
    git(dir, 'worktree', 'add', '-q', '--detach', own, commit);
    // One whose folder a reboot cleaned: git is told to forget it.
    const cleaned = await addWorktree(dir, commit, tmpRoot);
    fs.rmSync(cleaned.base, { recursive: true, force: true });

    const removed = await removeOrphanWorktrees(dir);
    assert.deepEqual(removed.map((d) => path.basename(path.dirname(d))), [path.basename(orphan.base)], 'only the orphan is removed');
    assert.ok(!fs.existsSync(orphan.base), 'the orphan and its folder are gone');
    assert.ok(fs.existsSync(path.join(live.dir, 'functions.py')), 'the worktree of a running retry stays');
    const listed = git(dir, 'worktree', 'list', '--porcelain');
    assert.ok(listed.includes(own), 'the user\'s own worktree stays');
    assert.ok(!listed.includes(cleaned.dir) && !listed.includes(orphan.dir), 'git no longer lists the removed or vanished ones');
    await removeWorktree(live);
    assert.deepEqual(await removeOrphanWorktrees(tmpRoot), [], 'outside a repository: nothing, no throw');
  });

  it('the short labels Run Details shows: changed, unchanged, not in this clone, dirty at run time', () => {
    const base = { commit: 'abcdef0123456789', changed: [], text: '' };
    assert.equal(driftLabel({ ...base, kind: 'changed' }, 'functions.py'), 'functions.py changed since commit abcdef01');
    assert.equal(driftLabel({ ...base, kind: 'same' }, 'functions.py'), 'functions.py unchanged since commit abcdef01');
    assert.equal(driftLabel({ ...base, kind: 'missing' }, 'functions.py'), 'commit abcdef01 not in this clone');
    assert.equal(driftLabel({ ...base, kind: 'changed', dirtyAtRun: 'changes found in functions.py' }, 'functions.py'), 'functions.py changed since commit abcdef01; dirty at run time');
  });
});
