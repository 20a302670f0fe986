// First contact in the workbench, as a user meets it: the walkthrough ("Get Started with Runnable"), Run and Debug's
// welcome with "Create a runnable Launch Configuration", and the CodeLens above a pipeline whose "Run with runnable"
// asks which config to run with (dismissed here: the run itself is tested on a copy in firstContact.test.ts).
// VSCT_SAVE_MEDIA=1 also writes two of the walkthrough's images (media/walkthrough/pipeline.png, interpreter.png); the
// others are explorer-ui's runs, retry-ui's paused-in-deploy_model and replay-ui's paused-at-deploy screenshots.
import assert from 'node:assert/strict';
import path from 'node:path';
import { ROOT } from '../../scripts/cs-lib.mjs';

const MEDIA = path.join(ROOT, 'media', 'walkthrough');

async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ state: 'visible' });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ state: 'visible', timeout: 30_000 });
}

export default async function ({ page, screenshot, ui }) {
  const saveMedia = async (locator, name) => {
    if (process.env.VSCT_SAVE_MEDIA) await locator.screenshot({ path: path.join(MEDIA, name) });
  };

  // --- the CodeLens above the pipeline ------------------------------------------------------------------------------
  await openFile(page, 'pipeline.py');
  const lens = page.locator('.contentWidgets .codelens-decoration', { hasText: 'Run with runnable' }).first();
  await lens.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await lens.innerText(), /Run with runnable\s*\|\s*Debug with runnable/);
  await screenshot('pipeline-codelens');
  await saveMedia(page.locator('.editor-group-container').first(), 'pipeline.png');
  await lens.locator('a', { hasText: 'Run with runnable' }).click();
  const picker = page.locator('.quick-input-widget');
  await picker.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await picker.locator('.quick-input-title').innerText(), /Run pipeline\.py with which runnable config\?/);
  const rows = await picker.locator('.quick-input-list .monaco-list-row').allInnerTexts();
  assert.match(rows[0], /runnable-config\.yaml[\s\S]*what runnable uses here/, 'the config runnable would use comes first');
  assert.ok(rows.some((r) => /configs\/prod-chunked\.yaml/.test(r)), 'the workspace\'s other configs are offered');
  // runnable, given no config, reads runnable-config.yaml here: "No config file" would not mean its defaults.
  assert.ok(!rows.some((r) => /No config file/.test(r)), rows.join(' | '));
  await screenshot('run-config-pick');
  await page.keyboard.press('Escape');
  await picker.waitFor({ state: 'hidden' });

  // --- Run and Debug's welcome --------------------------------------------------------------------------------------
  await ui.runCommand('View: Show Run and Debug');
  const welcome = page.locator('.debug-viewlet .welcome-view-content, .pane-body .welcome-view-content', { hasText: 'Debug a runnable pipeline' }).first();
  await welcome.waitFor({ state: 'visible', timeout: 30_000 });
  await welcome.getByRole('button', { name: 'Create a runnable Launch Configuration' }).waitFor({ state: 'visible' });
  await welcome.getByRole('button', { name: 'Retry a Failed Run' }).waitFor({ state: 'visible' });
  await screenshot('run-and-debug-welcome');

  // --- the walkthrough (from the welcome's "Get started" link) -----------------------------------------------------
  await welcome.getByRole('button', { name: 'Get started' }).click();
  const walkthrough = page.locator('.gettingStartedContainer');
  await walkthrough.locator('h2', { hasText: 'Get started with Runnable' }).first().waitFor({ state: 'visible', timeout: 60_000 });
  for (const step of ['Pick the interpreter', 'Find the runs', 'Retry a failed run', 'Replay a failed attempt', 'Run or debug a pipeline']) {
    await walkthrough.locator('.getting-started-step', { hasText: step }).first().waitFor({ state: 'visible', timeout: 10_000 });
  }
  await screenshot('walkthrough');
  // The second step: its button focuses the Runs view, and its image is the one shipped in media/walkthrough/.
  await walkthrough.locator('.getting-started-step', { hasText: 'Find the runs' }).first().click();
  const image = walkthrough.locator('.getting-started-media img[alt^="The Runs view"]');
  await image.waitFor({ state: 'visible', timeout: 30_000 });
  assert.ok(await image.evaluate((img) => img.naturalWidth > 0), 'the step image loads');
  await screenshot('walkthrough-find-the-runs');
  await walkthrough.getByRole('button', { name: 'Show the Runs View' }).click();
  const pane = await ui.openRunnable();
  await pane.locator('.monaco-list-row', { hasText: /^\s*prod-failure-001/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
  await screenshot('walkthrough-runs-view');

  // --- Select Interpreter without the Python extension: the setting, beside runnable.debugpyPath ----------------
  await ui.runCommand('Runnable: Select Interpreter for Retries');
  const settings = page.locator('.settings-editor');
  await settings.locator('.setting-item-contents', { hasText: 'Python Path' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('select-interpreter-setting');
  await saveMedia(page.locator('.editor-group-container').first(), 'interpreter.png');
}
