// Retry locally from the Runs tree, the way a user does it: right-click prod-failure-001 -> "Retry Locally",
// the debugger pauses in deploy_model and the Variables view shows the restored `endpoint`.
// A retry writes into the run log store, so this test reopens the workbench on a temporary copy of examples/
// (examples/ itself is never written). The copy's .vscode/settings.json points `runnable.pythonPath` at a
// small wrapper around the test interpreter that adds the runnable stand-in to PYTHONPATH when the real
// runnable is not importable.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openFolder, retryWorkspace, runRows } from './lib/workspace.mjs';

export default async function ({ page, cs, workspace, screenshot, ui }) {
  const tmp = retryWorkspace(workspace, 'runnable-retry-ui-');
  try {
    await openFolder(page, cs, tmp);
    const { run } = await runRows(ui, 'prod-failure-001');
    await ui.contextMenu(run, /^Retry Locally$/, () => screenshot('context-menu'));

    // Paused: the debug toolbar shows "Continue", and the Variables view lists the restored inputs.
    await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 120_000 });
    const variables = page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*endpoint/ }).first();
    await variables.waitFor({ state: 'visible', timeout: 60_000 });
    const text = await page.locator('.debug-pane').first().innerText();
    assert.match(text, /endpoint\s*[=:]?\s*'churn-model'/, 'Variables shows endpoint = \'churn-model\'');
    assert.match(text, /score\s*[=:]?\s*0\.91/);
    // The editor shows the stop inside deploy_model (line 16 of functions.py).
    await page.locator('.tab.active', { hasText: 'functions.py' }).waitFor({ state: 'visible', timeout: 20_000 });
    await screenshot('paused-in-deploy_model');

    // The Debug Console said which run is retried before the stop (filtered to that line).
    const filter = page.locator('.repl-panel-filter input, .panel input[placeholder^="Filter"]').first();
    await filter.fill('retrying run');
    await page.locator('.repl .monaco-list-row', { hasText: 'retrying run prod-failure-001 with retry indicator 2' }).first().waitFor({ state: 'visible', timeout: 20_000 });
    await filter.fill('');

    // Stop the session; the breakpoint we added goes with it.
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
