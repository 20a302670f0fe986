// Debug Step with Recorded Inputs from the Runs tree, the way a user does it: expand prod-failure-001, right-click
// its succeeded train_model step -> "Debug Step with Recorded Inputs"; the debugger pauses in train_model and the
// Variables view shows the recorded `data` (floats kept) and `learning_rate`. Debug Step writes nothing to the store,
// but the workspace gets a .vscode/settings.json (the test interpreter), so it runs on a temporary copy of examples/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, workbenchUrl } from '../../scripts/cs-lib.mjs';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default async function ({ page, cs, workspace, screenshot, ui }) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-step-ui-'));
  fs.cpSync(workspace, tmp, { recursive: true, filter: (src) => !src.includes(`${path.sep}.vscode`) });
  const venv = path.join(ROOT, '.vscode-test', 'venv', 'bin', 'python');
  const python = process.env.RUNNABLE_TEST_PYTHON || (fs.existsSync(venv) ? venv : 'python3');
  fs.mkdirSync(path.join(tmp, '.vscode'));
  fs.writeFileSync(path.join(tmp, '.vscode', 'settings.json'), JSON.stringify({ 'runnable.pythonPath': python, 'debug.openDebug': 'openOnDebugBreak' }, null, 2));
  try {
    await page.goto(workbenchUrl(cs, { folder: tmp }));
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'runnable-config.yaml' }).waitFor({ timeout: 60_000 });
    const pane = await ui.openRunnable();
    const row = (label) => pane.getByRole('treeitem', { name: new RegExp(`^${escape(label)}`) }).first();
    const run = row('prod-failure-001');
    await run.waitFor({ state: 'visible', timeout: 60_000 });
    if ((await run.getAttribute('aria-expanded')) !== 'true') await run.click();
    const step = row('train_model');
    await step.waitFor({ state: 'visible', timeout: 30_000 });
    await ui.contextMenu(step, /^Debug Step with Recorded Inputs$/, () => screenshot('step-context-menu'));

    await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 120_000 });
    await page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*learning_rate/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const text = await page.locator('.debug-pane').first().innerText();
    assert.match(text, /data\s*[=:]?\s*\[0\.0, 1\.0, 2\.0, 3\.0, 4\.0, 5\.0\]/, 'Variables shows the recorded list, floats kept');
    assert.match(text, /learning_rate\s*[=:]?\s*0\.5/);
    await page.locator('.tab.active', { hasText: 'functions.py' }).waitFor({ state: 'visible', timeout: 20_000 });
    await screenshot('paused-in-train_model');

    await page.keyboard.press('F5');
    await ui.expectNotification('train_model returned the recorded outputs (model, score)', 60_000);
    await screenshot('step-end-notification');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
