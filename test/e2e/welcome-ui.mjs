// The Runs view with no folder open: its welcome text (package.json viewsWelcome, `workspaceFolderCount == 0`) and
// an "Open Folder" button that opens VS Code's folder picker. Same code-server as the other UI tests: the page is
// reopened as an empty window (`ew=true`) with the extension under development still loaded.
import assert from 'node:assert/strict';
import { ROOT } from '../../scripts/cs-lib.mjs';

export default async function ({ page, cs, screenshot, ui }) {
  const payload = [['extensionDevelopmentPath', `vscode-remote://${cs.authority}${ROOT}`]];
  await page.goto(`${cs.url}/?ew=true&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  const pane = await ui.openRunnable();
  const welcome = pane.locator('.welcome-view-content');
  await welcome.waitFor({ state: 'visible', timeout: 60_000 });
  assert.match(await welcome.innerText(), /Open the folder of a runnable project to see its runs\./);
  // The other welcome ("No runnable runs yet") is for an open folder without runs: not shown here.
  assert.doesNotMatch(await welcome.innerText(), /No runnable runs yet/);
  const button = welcome.getByRole('button', { name: 'Open Folder' });
  await button.waitFor({ state: 'visible', timeout: 10_000 });
  await screenshot('no-folder');

  // The button runs workbench.action.files.openFolder: in the web workbench, the folder picker (a quick input).
  await button.click();
  const picker = page.locator('.quick-input-widget');
  await picker.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await picker.locator('.quick-input-title').innerText(), /Open Folder/i);
  await screenshot('open-folder-picker');
  await page.keyboard.press('Escape');
  await picker.waitFor({ state: 'hidden', timeout: 10_000 });
}
