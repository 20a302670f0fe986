// Retry Locally from the Runs tree in a workspace shaped like real projects (fixture mixed-configs, recorded with real
// runnable): local, chunked-fs, mocked, argo and container configs all name `.run_log_store`. Right-click
// mixed-local-0001 -> "Retry Locally" must pause in `publish` with its restored input, with no question about the
// mocked or argo config (the tree names none: the retry's config is chosen from the run), and the FAIL attempt stays.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/cs-lib.mjs';
import { openFolder, retryWorkspace, runRows } from './lib/workspace.mjs';

const prepareWorkspace = () => retryWorkspace(path.join(ROOT, 'test', 'fixtures', 'runnable', 'mixed-configs'), 'runnable-configs-ui-');

const attemptsOf = (tmp) => JSON.parse(fs.readFileSync(path.join(tmp, '.run_log_store', 'mixed-local-0001.json'), 'utf8')).steps.publish.attempts;

export default async function ({ page, cs, screenshot, ui }) {
  const tmp = prepareWorkspace();
  try {
    const before = attemptsOf(tmp);
    await openFolder(page, cs, tmp, 'pipeline.py');
    const { run } = await runRows(ui, 'mixed-local-0001');
    await screenshot('runs-of-one-folder');
    await ui.contextMenu(run, /^Retry Locally$/);

    // Paused in publish, or stuck on a question: whichever shows first.
    const paused = page.locator('.debug-toolbar .codicon-debug-continue').first();
    const question = page.locator('.quick-input-widget', { hasText: /Retry mixed-local-0001 with/ }).first();
    const first = await Promise.race([
      paused.waitFor({ state: 'visible', timeout: 120_000 }).then(() => 'paused'),
      question.waitFor({ state: 'visible', timeout: 120_000 }).then(() => 'question'),
    ]);
    if (first === 'question') await screenshot('asked-about-a-config');
    assert.equal(first, 'paused', 'Retry Locally from the tree asks nothing about the mocked or argo config');
    await page.locator('.debug-pane .monaco-list-row', { hasText: /^\s*ordered/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const text = await page.locator('.debug-pane').first().innerText();
    assert.match(text, /ordered\s*[=:]?\s*\[1, 2, 3\]/, 'Variables shows the restored input ordered = [1, 2, 3]');
    await page.locator('.tab.active', { hasText: 'pipeline.py' }).waitFor({ state: 'visible', timeout: 20_000 });
    await screenshot('paused-in-publish');
    await page.keyboard.press('Shift+F5');
    await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
    const after = attemptsOf(tmp);
    assert.deepEqual(after.slice(0, before.length), before, 'every attempt of publish from before the retry is still there, unchanged');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
