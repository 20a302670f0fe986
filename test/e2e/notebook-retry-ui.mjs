// Retry Locally on a run whose retry reaches a notebook step, with an interpreter that lacks ploomber_engine (the
// fixture notebook-steps, recorded with real runnable): before anything runs the user is asked -- Install
// ploomber-engine (highlighted), Retry Anyway, Cancel. Retry Anyway goes on: the debugger pauses in train with its
// restored input. Install is never clicked here (it would install into the test interpreter).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/cs-lib.mjs';
import { openFolder, retryWorkspace, runRows, testPython } from './lib/workspace.mjs';

export default async function ({ page, cs, screenshot, ui }) {
  try {
    execFileSync(testPython(), ['-c', 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("ploomber_engine") else 1)'], { stdio: 'ignore' });
    console.log('    the test interpreter has ploomber_engine: nothing to ask, nothing to check here');
    return;
  } catch { /* missing, as on the test machines */ }
  const tmp = retryWorkspace(path.join(ROOT, 'test', 'fixtures', 'runnable', 'notebook-steps'), 'runnable-notebook-ui-');
  try {
    await openFolder(page, cs, tmp, 'pipeline.py');
    const { run } = await runRows(ui, 'notebook-steps-0001');
    await ui.contextMenu(run, /^Retry Locally$/);

    const picker = page.locator('.quick-input-widget');
    const rows = picker.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 90_000 });
    const labels = (await rows.allInnerTexts()).map((t) => t.split('\n')[0].trim());
    assert.deepEqual(labels, ['Install ploomber-engine', 'Retry Anyway', 'Cancel']);
    assert.match(await picker.innerText(), /ploomber_engine not importable in /);
    await screenshot('missing-package-pick');
    await rows.filter({ hasText: 'Retry Anyway' }).first().click();

    // Paused in train, the step before the notebook, with the input the run recorded.
    await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 120_000 });
    await page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*rows/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await page.locator('.debug-pane').first().innerText(), /rows\s*[=:]?\s*3/);
    await page.locator('.tab.active', { hasText: 'functions.py' }).waitFor({ state: 'visible', timeout: 20_000 });
    await screenshot('paused-in-train');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
