// Replay from the Runs tree, the way a user does it: right-click prod-failure-001 -> "Replay Run in Debugger";
// the replay pauses at the failed step deploy (nothing runs), the Variables view shows its recorded inputs,
// the toolbar offers Step Back and "Retry Locally from This Failed Attempt". Replay never writes, so this
// runs on examples/ itself.
import assert from 'node:assert/strict';

export default async function ({ page, screenshot, ui }) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'runnable-config.yaml' }).waitFor({ timeout: 60_000 });
  const pane = await ui.openRunnable();
  const run = pane.locator('.monaco-list-row', { hasText: /^\s*prod-failure-001/ }).first();
  await run.waitFor({ state: 'visible', timeout: 60_000 });
  await ui.contextMenu(run, /^Replay Run in Debugger$/);

  // Paused on the failed attempt: Continue and Step Back in the toolbar, the retry action beside them.
  await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.debug-toolbar .codicon-debug-step-back').first().waitFor({ state: 'visible', timeout: 10_000 });
  await page.locator('.debug-toolbar [aria-label*="Retry Locally from This Failed Attempt"]').first().waitFor({ state: 'visible', timeout: 10_000 });
  const endpoint = page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*endpoint/ }).first();
  await endpoint.waitFor({ state: 'visible', timeout: 30_000 });
  const text = await page.locator('.debug-pane').first().innerText();
  assert.match(text, /endpoint\s*[=:]?\s*"churn-model"/, 'Variables shows endpoint = "churn-model"');
  assert.match(text, /model\s*[=:]?\s*object · catalog: model\.dill/);
  // the call stack: pipeline > step > the failed attempt
  await page.locator('.monaco-list-row', { hasText: 'deploy · attempt 1 · FAIL' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  // The editor shows the stop in deploy_model's body.
  await page.locator('.tab.active', { hasText: 'functions.py' }).waitFor({ state: 'visible', timeout: 20_000 });
  await screenshot('paused-at-deploy');

  await page.keyboard.press('Shift+F5');
  await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
}
