// Debug Step with Recorded Inputs from the Runs tree, the way a user does it: expand prod-failure-001, right-click
// its succeeded train_model step -> "Debug Step with Recorded Inputs"; the debugger pauses in train_model and the
// Variables view shows the recorded `data` (floats kept) and `learning_rate`. Debug Step writes nothing to the store,
// but the workspace gets a .vscode/settings.json (the test interpreter), so it runs on a temporary copy of examples/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { copyWorkspace, openFolder, runRows, testPython, writeSettings } from './lib/workspace.mjs';


export default async function ({ page, cs, workspace, screenshot, ui }) {
  const tmp = copyWorkspace(workspace, 'runnable-step-ui-');
  writeSettings(tmp, { 'runnable.pythonPath': testPython(), 'debug.openDebug': 'openOnDebugBreak' });
  try {
    await openFolder(page, cs, tmp);
    const { step } = await runRows(ui, 'prod-failure-001', 'train_model');
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
