// A step runnable stopped before calling (fixture never-called, recorded with real runnable): the Runs view says why
// (its secret was missing, or its module did not import), and Retry Locally, with the secret still not set, asks
// before anything runs -- Retry With… (highlighted), Retry Anyway, Cancel. Cancel starts nothing. (With the secret
// set, the retry pauses in s3 with x and y: test/integration/retry.test.ts.)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from '../../scripts/cs-lib.mjs';
import { openFolder, retryWorkspace, runRows } from './lib/workspace.mjs';

export default async function ({ page, cs, screenshot, ui }) {
  if (process.env.OTHER_SECRET !== undefined) {
    console.log('    OTHER_SECRET is set in this environment: nothing to ask, nothing to check here');
    return;
  }
  const tmp = retryWorkspace(path.join(ROOT, 'test', 'fixtures', 'runnable', 'never-called'), 'runnable-never-called-ui-');
  try {
    await openFolder(page, cs, tmp, 'steps.py');
    const { run } = await runRows(ui, 'nc-secret-0002');
    assert.match(await run.innerText(), /s3: not called/);
    await screenshot('never-called-row');
    await ui.contextMenu(run, /^Retry Locally$/);
    const picker = page.locator('.quick-input-widget');
    const rows = picker.locator('.quick-input-list .monaco-list-row');
    await rows.first().waitFor({ state: 'visible', timeout: 90_000 });
    assert.deepEqual((await rows.allInnerTexts()).map((t) => t.split('\n')[0].trim()), ['Retry With…', 'Retry Anyway', 'Cancel']);
    assert.match(await picker.innerText(), /OTHER_SECRET not found by the retry's secrets service/);
    await screenshot('missing-secret-pick');
    await rows.filter({ hasText: 'Cancel' }).first().click();
    await picker.waitFor({ state: 'hidden', timeout: 20_000 });
    assert.equal(await page.locator('.debug-toolbar').count(), 0, 'no debug session');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
