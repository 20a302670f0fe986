// The activity bar's "Runnable" container opens and shows the "Runs" view.
import assert from 'node:assert/strict';

export default async function ({ page, screenshot, ui }) {
  const container = page.locator('.activitybar [aria-label^="Runnable"]').first();
  await container.waitFor({ state: 'visible', timeout: 30_000 });
  await container.click();
  const pane = await ui.openRunnable();
  const title = await page.locator('.sidebar .composite.title').innerText();
  assert.match(title, /RUNNABLE/i, `side bar title is ${JSON.stringify(title)}`);
  assert.match(await pane.locator('.pane-header').innerText(), /Runs/i);
  await screenshot('runs-view');
}
