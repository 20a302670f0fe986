// A retry with an interpreter that has no debugpy (a venv made without pip, as uv makes them), as a user meets it:
// the refusal names the interpreter and offers "Use a debugpy Folder…"; the user picks a `pip install --target`
// folder in VS Code's folder dialog, the choice is saved as `runnable.debugpyPath` and the retry starts again, pausing
// in deploy_model with its restored inputs. Runs on a temporary copy of examples/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { copyWorkspace, openFolder, runRows, withRunnable, writeSettings } from './lib/workspace.mjs';

function prepareWorkspace(workspace) {
  const tmp = copyWorkspace(workspace, 'runnable-debugpy-folder-ui-');
  // The base interpreter's packages (PyYAML for the runnable stand-in), no debugpy, no pip.
  const venv = path.join(tmp, '.venv');
  execFileSync('python3', ['-m', 'venv', '--without-pip', '--system-site-packages', venv]);
  const interpreter = withRunnable(path.join(venv, 'bin', 'python'), tmp);
  assert.throws(() => execFileSync(interpreter, ['-c', 'import debugpy'], { stdio: 'ignore' }), 'the venv has no debugpy');
  writeSettings(tmp, { 'runnable.pythonPath': interpreter, 'debug.openDebug': 'openOnDebugBreak' });
  return { tmp, interpreter };
}

export default async function ({ page, cs, workspace, screenshot, ui }) {
  const target = process.env.RUNNABLE_TEST_DEBUGPY_TARGET;
  assert.ok(target && fs.existsSync(path.join(target, 'debugpy')), 'RUNNABLE_TEST_DEBUGPY_TARGET is a `pip install --target` folder (scripts/test-vscode.sh sets it)');
  const { tmp } = prepareWorkspace(workspace);
  try {
    await openFolder(page, cs, tmp);
    const { run } = await runRows(ui, 'prod-failure-001');
    await ui.contextMenu(run, /^Retry Locally$/);

    // The refusal: one toast naming what is missing, with the ways out as buttons.
    const toast = page.locator('.notification-toast', { hasText: 'debugpy is not importable' }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    const buttons = await toast.locator('.monaco-button').allInnerTexts();
    assert.deepEqual(buttons.map((b) => b.trim()).filter(Boolean), ['Install debugpy', 'Install Python Debugger Extension', 'Use a debugpy Folder…', 'Select Interpreter']);
    await screenshot('refused-without-debugpy');
    await toast.locator('.monaco-button', { hasText: 'Use a debugpy Folder…' }).click();

    // VS Code's folder dialog (a quick input in the web workbench): type the folder, then "Use This debugpy".
    const dialog = page.locator('.quick-input-widget');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const input = dialog.locator('input').first();
    // The web file dialog fills in its starting folder asynchronously: a path typed before that lands is overwritten
    // (seen in CI: the dialog then held the workspace folder). Type once it shows a folder, and again if it was replaced,
    // until the dialog lists the target's own `debugpy` package.
    await page.waitForFunction(() => document.querySelector('.quick-input-widget input')?.value.startsWith('/'), undefined, { timeout: 30_000 });
    for (let tries = 0; ; tries++) {
      await input.fill(`${target}/`);
      const listed = await dialog.locator('.monaco-list-row', { hasText: /^\s*debugpy\s*$/ }).first()
        .waitFor({ state: 'visible', timeout: 10_000 }).then(() => true, () => false);
      if (listed && (await input.inputValue()) === `${target}/`) break;
      if (tries === 4) throw new Error(`the folder dialog holds ${await input.inputValue()}, not ${target}/`);
    }
    await screenshot('debugpy-folder-dialog');
    await dialog.locator('.monaco-button', { hasText: 'Use This debugpy' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });

    // Saved for this workspace, and the retry started again: paused in deploy_model with the restored inputs.
    await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 120_000 });
    await page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*endpoint/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.match(await page.locator('.debug-pane').first().innerText(), /endpoint\s*[=:]?\s*'churn-model'/);
    await screenshot('paused-with-debugpy-folder');
    const saved = JSON.parse(fs.readFileSync(path.join(tmp, '.vscode', 'settings.json'), 'utf8'));
    assert.equal(path.resolve(saved['runnable.debugpyPath']), path.resolve(target));
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
