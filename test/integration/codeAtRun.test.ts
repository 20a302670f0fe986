// What changed since the run, and Retry at the Recorded Commit, in a real VS Code: a git repository made in the test
// (a copy of examples/ committed, its failed attempt recording that commit as runnable's get_git_code_identity does,
// then deploy_model changed). Show Changes opens the diff of the file at the commit against the working file; the
// retry at the commit runs in a temporary git worktree and stops in the OLD deploy_model, with the run's own store.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { RetryAtCommitResult, ShowChangesResult } from '../../src/vscode/commands/codeAtRunCommands';
import type { Services } from '../../src/vscode/services';
import { copyExamples, getApi, log, refOf, useTestPython, waitUntil, workspaceRoot, watchRunnableSessions } from './helpers';

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

describe('What changed since the run (git)', function () {
  this.timeout(180_000);
  let api: Services;
  const py = useTestPython();
  const temps: string[] = [];

  before(async () => { api = await getApi(); });
  after(() => { for (const t of temps) fs.rmSync(t, { recursive: true, force: true }); });

  /** examples/ copied and committed (the store and catalog ignored, as a project does), deploy's attempt recording the commit. */
  function repository(): { dir: string; commit: string; configFile?: string } {
    const dir = copyExamples('runnable-drift-', temps);
    fs.writeFileSync(path.join(dir, '.gitignore'), '.run_log_store/\n.catalog/\n__pycache__/\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'the code the run ran');
    const commit = git(dir, 'rev-parse', 'HEAD');
    const file = path.join(dir, '.run_log_store', 'prod-failure-001.json');
    const runLog = JSON.parse(fs.readFileSync(file, 'utf8'));
    runLog.steps.deploy.attempts[0].code_identities = [{ code_identifier: commit, code_identifier_type: 'git', code_identifier_dependable: true, code_identifier_url: null, code_identifier_message: '' }];
    fs.writeFileSync(file, JSON.stringify(runLog, null, 4));
    return { dir, commit };
  }

  it('Show Changes opens the diff of functions.py at the run\'s commit against the working file; Retry at the Recorded Commit stops in the old code, in a worktree removed at the end', async () => {
    const ref = await refOf('prod-failure-001');
    const { dir, commit } = repository();
    const config = api.runs.store(ref.storeId)?.descriptor.configFiles[0];
    const where = { cwd: dir, ...(config ? { configFile: path.join(dir, path.relative(workspaceRoot(), config)) } : {}), env: py.env() };
    const functions = path.join(dir, 'functions.py');
    const old = fs.readFileSync(functions, 'utf8');
    // The fix after the run: a new first body line in deploy_model (the old one was `url = os.environ...`).
    const now = old.replace('    url = os.environ.get("DEPLOY_URL")', '    changed_after_the_run = True\n    url = os.environ.get("DEPLOY_URL")');
    assert.notStrictEqual(now, old);
    fs.writeFileSync(functions, now);

    const shown = await vscode.commands.executeCommand<ShowChangesResult>('runnable.showChangesSinceRun', { ...ref, stepInternalName: 'deploy' }, where);
    log(`    drift: ${shown?.drift?.text}`);
    assert.strictEqual(shown?.opened, true, shown?.error);
    assert.strictEqual(shown.drift?.kind, 'changed');
    assert.strictEqual(shown.drift?.label, `functions.py changed since commit ${commit.slice(0, 8)}`);
    const tab = await waitUntil(() => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputTextDiff ? t : undefined;
    }, { events: [vscode.window.tabGroups.onDidChangeTabs as vscode.Event<unknown>], what: 'the diff editor' });
    const input = tab.input as vscode.TabInputTextDiff;
    assert.strictEqual(input.original.scheme, 'runnable-git');
    assert.strictEqual(input.modified.fsPath, functions);
    assert.match(tab.label, new RegExp(`functions\\.py \\(commit ${commit.slice(0, 8)} of prod-failure-001\\)`));
    const original = await vscode.workspace.openTextDocument(input.original);
    assert.strictEqual(original.getText(), old, 'the left side is the file at the commit');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    const sessions = watchRunnableSessions();
    try {
      const result = await vscode.commands.executeCommand<RetryAtCommitResult>('runnable.retryAtRecordedCommit', ref, where);
      log(`    worktree ${result?.worktree}`);
      assert.strictEqual(result?.started, true, result?.error ?? result?.blocked);
      const worktree = result.worktree!;
      assert.ok(worktree && fs.existsSync(path.join(worktree, 'functions.py')));
      assert.strictEqual(fs.readFileSync(path.join(worktree, 'functions.py'), 'utf8'), old, 'the worktree holds the commit');
      assert.strictEqual(result.plan?.cwd, worktree, 'the retry runs in the worktree');
      assert.ok(!fs.existsSync(path.join(worktree, '.run_log_store')), 'the store is not in the worktree');

      const stop = await sessions.firstStop('the debugger to stop in deploy_model');
      const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 5 });
      const frame = st.stackFrames[0] as { id: number; name: string; line: number; source?: { path?: string } };
      log(`    stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
      assert.strictEqual(frame.name, 'deploy_model');
      assert.strictEqual(frame.line, 16);
      // The adapter's path may be a vscode-remote URI: its end names the worktree folder.
      const stoppedIn = decodeURIComponent(frame.source?.path ?? '');
      assert.ok(stoppedIn.endsWith(path.join(path.basename(path.dirname(worktree)), path.basename(worktree), 'functions.py')), `the worktree's functions.py, not ${stoppedIn}`);
      const evaluated = await stop.session.customRequest('evaluate', { expression: "'changed_after_the_run' in deploy_model.__code__.co_varnames", frameId: frame.id, context: 'watch' });
      assert.strictEqual(evaluated.result, 'False', 'the function running is the old one');
      assert.strictEqual(fs.readFileSync(functions, 'utf8'), now, 'the working file is untouched');

      // To the end: the retry's attempt lands in the run's own store; the worktree is removed.
      await sessions.continueToEnd(stop);
      await waitUntil(() => !fs.existsSync(worktree), { what: 'the worktree to be removed', ms: 60_000 });
      assert.strictEqual(git(dir, 'worktree', 'list').split('\n').length, 1, 'no worktree left registered');
      const after = JSON.parse(fs.readFileSync(path.join(dir, '.run_log_store', 'prod-failure-001.json'), 'utf8'));
      const attempts = after.steps.deploy.attempts as { retry_indicator: string; code_identities: { code_identifier: string }[] }[];
      log(`    deploy attempts now: ${attempts.length}`);
      assert.ok(attempts.length >= 2, 'the retry appended an attempt to the original store');
      assert.strictEqual(attempts[attempts.length - 1].code_identities[0]?.code_identifier ?? commit, commit, 'the new attempt ran at the commit');
    } finally {
      sessions.dispose();
    }
  });
});
