// Edit Inputs, Then Retry in the Sandbox through the real UI, on a temporary copy of examples/: right-click the failed
// deploy step -> "Edit Inputs, Then Retry in the Sandbox", answer "Copy to Sandbox and Edit", type a wrong type (the
// schema underlines it), then the edited endpoint and Ctrl+S; the sandbox root lists the copy and its Run Details mark
// the attempt "inputs edited". The workspace's own store is compared byte for byte before and after.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { copyWorkspace, openFolder, runRows, writeSettings } from './lib/workspace.mjs';

const webviewFrame = (page) => page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');
const digest = (file) => createHash('sha1').update(fs.readFileSync(file)).digest('hex');

export default async function ({ page, cs, workspace, screenshot, ui }) {
  const tmp = copyWorkspace(workspace, 'runnable-edit-ui-');
  // The test types whole documents at once: no closing brackets or quotes added after them.
  writeSettings(tmp, { 'editor.autoClosingBrackets': 'never', 'editor.autoClosingQuotes': 'never' });
  const original = path.join(tmp, '.run_log_store', 'prod-failure-001.json');
  const before = digest(original);
  try {
    await openFolder(page, cs, tmp);
    const { pane, step: deploy, row } = await runRows(ui, 'prod-failure-001', 'deploy');
    await ui.contextMenu(deploy, /^Edit Inputs, Then Retry in the Sandbox$/);

    // The run is in the workspace's store: the copy into the sandbox is asked first.
    const ask = 'Copy to Sandbox and Edit';
    const toast = page.locator('.notification-toast', { hasText: 'Edit Inputs writes only into a sandbox copy' });
    try {
      await toast.first().waitFor({ state: 'visible', timeout: 5_000 });
    } catch {
      await ui.runCommand('Notifications: Show Notifications');
    }
    const question = page.locator('.notification-toast, .notifications-center', { hasText: 'Edit Inputs writes only into a sandbox copy' }).first();
    const button = question.getByRole('button', { name: ask });
    await button.waitFor({ state: 'visible', timeout: 10_000 });
    await screenshot('edit-inputs-copy-question');
    await button.click();

    await page.locator('.tab.active', { hasText: 'deploy.attempt-1.inputs.json' }).waitFor({ state: 'visible', timeout: 30_000 });
    const editor = page.locator('.editor-instance .monaco-editor').first();
    await editor.locator('.view-lines', { hasText: 'churn-model' }).waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('edit-inputs-document');
    const doc = (endpoint) => `{"$schema": "./deploy.attempt-1.inputs.schema.json", "rows": 6, "learning_rate": 0.5, "endpoint": ${endpoint}, "data": [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]}`;
    await editor.click();
    // Select all and delete first: typing over a selection would surround it (editor.autoSurround).
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(doc('42'));
    await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('edit-inputs-schema-error');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(doc('"edited-endpoint"'));
    await editor.locator('.squiggly-warning, .squiggly-error').first().waitFor({ state: 'detached', timeout: 30_000 });
    await page.keyboard.press('Control+S');
    await ui.expectNotification('Saved into the sandbox copy of prod-failure-001', 30_000);
    const sandboxLog = path.join(tmp, '.runnable-sandbox', '.run_log_store', 'prod-failure-001.json');
    assert.equal(JSON.parse(fs.readFileSync(sandboxLog, 'utf8')).parameters.endpoint.value, 'edited-endpoint');
    assert.equal(digest(original), before, 'the workspace store is untouched');
    await ui.runCommand('View: Close All Editors');

    // The sandbox root lists the copy; its Run Details mark the edited attempt.
    const sandboxRoot = row('sandbox.yaml');
    await sandboxRoot.waitFor({ state: 'visible', timeout: 60_000 });
    if ((await sandboxRoot.getAttribute('aria-expanded')) !== 'true') await sandboxRoot.click();
    const copy = pane.locator('.monaco-list-row[aria-level="2"]', { hasText: /prod-failure-001/ }).last();
    await copy.waitFor({ state: 'visible', timeout: 30_000 });
    await ui.contextMenu(copy, /^Open Run Details$/);
    const frame = webviewFrame(page);
    await frame.locator('.tl-row').first().waitFor({ state: 'visible', timeout: 60_000 });
    await ui.runCommand('View: Close Primary Side Bar');
    const edited = frame.locator('.inputs-edited');
    await edited.waitFor({ state: 'visible', timeout: 30_000 });
    assert.match(await edited.innerText(), /endpoint = "edited-endpoint" \(recorded "churn-model"\)/);
    await screenshot('edit-inputs-details');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
