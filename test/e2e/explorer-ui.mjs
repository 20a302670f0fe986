// Through the real UI: open the Runnable container, expand prod-failure-001 → deploy → its attempt → Inputs,
// and check the failed step and the input values are on screen.
import assert from 'node:assert/strict';

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export default async function ({ page, screenshot, ui }) {
  const pane = await ui.openRunnable();
  // A wider side bar, so the screenshots show descriptions (failed step, time, duration) untruncated.
  const sidebar = await page.locator('.part.sidebar').boundingBox();
  if (sidebar) {
    const y = sidebar.y + sidebar.height / 2;
    await page.mouse.move(sidebar.x + sidebar.width - 1, y);
    await page.mouse.down();
    await page.mouse.move(sidebar.x + sidebar.width + 300, y, { steps: 5 });
    await page.mouse.up();
  }
  const row = (label) => pane.getByRole('treeitem', { name: new RegExp(`^${escape(label)}`) }).first();
  const expand = async (label) => {
    const r = row(label);
    await r.waitFor({ state: 'visible', timeout: 30_000 });
    if ((await r.getAttribute('aria-expanded')) !== 'true') await r.click();
    await page.waitForFunction((el) => el.getAttribute('aria-expanded') === 'true', await r.elementHandle(), { timeout: 15_000 });
    return r;
  };

  // Three roots, one per store found among examples/' configs.
  for (const root of ['runnable-config.yaml · file-system', 'prod-chunked.yaml · chunked-fs', 'composite.yaml · chunked-fs']) {
    await row(root).waitFor({ state: 'visible', timeout: 30_000 });
  }
  // The failed run names its failed step without being expanded.
  const run = row('prod-failure-001');
  await run.waitFor({ state: 'visible', timeout: 30_000 });
  await page.waitForFunction((el) => el.textContent.includes('✗ deploy'), await run.elementHandle(), { timeout: 30_000 });
  await screenshot('runs');

  await expand('prod-failure-001');
  await expand('deploy');
  await expand('#1 ✗ FAIL');
  await expand('Inputs');
  for (const label of ['endpoint = "churn-model"', 'model → model.dill (pickled in catalog)', 'score = 0.91']) {
    await row(label).waitFor({ state: 'visible', timeout: 15_000 });
  }
  const text = await pane.innerText();
  // The user's own error from the step's captured log, on the run, the step and the attempt rows; not runnable's wrapper.
  assert.match(text, /RuntimeError: no deployment url for churn-model/, 'the attempt shows its failure');
  assert.doesNotMatch(text, /did not succeed/, 'runnable\'s wrapper message stays in the tooltip');
  await row('endpoint = "churn-model"').hover();
  await page.locator('.monaco-hover', { hasText: 'churn-model' }).first().waitFor({ state: 'visible', timeout: 15_000 }).catch(() => { /* the hover is a nicety for the screenshot */ });
  await screenshot('failed-run-inputs');
}
