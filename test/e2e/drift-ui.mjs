// What changed since the run, through the real UI: a temporary copy of examples/ made a git repository (committed,
// prod-failure-001's deploy attempt recording that commit, then deploy_model edited). Right-click the failed deploy
// step -> "Show Changes Since the Run" opens the diff editor (the file at the commit | the working file); Run Details
// shows "functions.py changed since commit …" on deploy, and its "Show changes" button opens the same diff.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyWorkspace, openFolder, runRows } from './lib/workspace.mjs';

const webviewFrame = (page) => page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
const git = (cwd, ...args) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' }).trim();

export default async function ({ page, cs, workspace, screenshot, ui }) {
  const tmp = copyWorkspace(workspace, 'runnable-drift-ui-');
  try {
    fs.writeFileSync(path.join(tmp, '.gitignore'), '.run_log_store/\n.catalog/\n__pycache__/\n');
    git(tmp, 'init', '-q');
    git(tmp, 'add', '-A');
    git(tmp, 'commit', '-qm', 'the code the run ran');
    const commit = git(tmp, 'rev-parse', 'HEAD');
    const logFile = path.join(tmp, '.run_log_store', 'prod-failure-001.json');
    const runLog = JSON.parse(fs.readFileSync(logFile, 'utf8'));
    runLog.steps.deploy.attempts[0].code_identities = [{ code_identifier: commit, code_identifier_type: 'git', code_identifier_dependable: true, code_identifier_url: null, code_identifier_message: '' }];
    fs.writeFileSync(logFile, JSON.stringify(runLog, null, 4));
    const functions = path.join(tmp, 'functions.py');
    fs.writeFileSync(functions, fs.readFileSync(functions, 'utf8').replace('    url = os.environ.get("DEPLOY_URL")', '    url = os.environ.get("DEPLOY_URL") or os.environ.get("FALLBACK_URL")'));

    await openFolder(page, cs, tmp);
    const { run, step: deploy } = await runRows(ui, 'prod-failure-001', 'deploy');
    await ui.contextMenu(deploy, /^Show Changes Since the Run$/, () => screenshot('drift-context-menu'));
    const short = commit.slice(0, 8);
    await page.locator('.tab.active', { hasText: `functions.py (commit ${short} of prod-failure-001)` }).waitFor({ state: 'visible', timeout: 30_000 });
    const diff = page.locator('.monaco-diff-editor').first();
    await diff.waitFor({ state: 'visible', timeout: 30_000 });
    await diff.locator('.line-insert, .char-insert').first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('drift-diff-editor');
    await ui.runCommand('View: Close All Editors');

    await ui.contextMenu(run, /^Open Run Details$/);
    const frame = webviewFrame(page);
    await frame.locator('.tl-row').first().waitFor({ state: 'visible', timeout: 60_000 });
    await ui.runCommand('View: Close Primary Side Bar');
    const label = frame.locator('.code-drift .drift-label');
    await label.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await label.innerText(), `functions.py changed since commit ${short}`);
    await screenshot('details-drift');
    await frame.locator('.code-drift button[data-action="showChanges"]').click();
    await page.locator('.tab.active', { hasText: `functions.py (commit ${short} of prod-failure-001)` }).waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.monaco-diff-editor').first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('details-show-changes');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
