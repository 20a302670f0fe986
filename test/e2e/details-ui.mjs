// Through the real UI: "Open Run Details" from the Runs view's context menu on map-fail-0001 (examples/) and on the
// retried prod-failure-001 (a temp workspace holding the ml-file-system-retried fixture store); waits on what the
// webview drew, moves with the keyboard, switches to the graph, and saves screenshots of both tabs to look at.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, workbenchUrl } from '../../scripts/cs-lib.mjs';

/** The page inside the (single open) webview: VS Code nests it as iframe.webview > iframe#active-frame. */
const webviewFrame = (page) => page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');

async function openDetailsFromTree(page, ui, runId) {
  const pane = await ui.openRunnable();
  const run = pane.locator('.monaco-list-row', { hasText: new RegExp(`^\\s*${runId}`) }).first();
  await run.waitFor({ state: 'visible', timeout: 60_000 });
  await ui.contextMenu(run, /^Open Run Details$/);
  const frame = webviewFrame(page);
  await frame.locator('.tl-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  // More room for the page: hide the side bar.
  await ui.runCommand('View: Close Primary Side Bar');
  return frame;
}

export default async function ({ page, cs, screenshot, ui }) {
  // --- a map run: iterations nested, the failing one marked ------------------------------------------------------
  let frame = await openDetailsFromTree(page, ui, 'map-fail-0001');
  assert.equal(await frame.locator('h1').first().innerText().then((t) => t.includes('map-fail-0001')), true);
  const failedRow = frame.locator('.tl-row.failed');
  assert.equal(await failedRow.count(), 1, 'one failed task row');
  assert.match(await failedRow.getAttribute('data-id'), /^score_all\.\d+\.score chunk$/);
  assert.equal(await frame.locator('.tl-row.kind-branch').count(), 3, 'three map iterations');
  // Keyboard: focusing a bar shows its attempt's tooltip; ArrowDown goes on from that bar to the next row (the
  // arrows start where the focus is, not at the row the page selected first).
  const firstBar = frame.locator('.tl-bar').first();
  const firstRow = Number(await firstBar.getAttribute('data-r'));
  await firstBar.focus();
  await frame.locator('.tooltip:not([hidden])').waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('ArrowDown');
  await frame.locator(`[data-r="${firstRow + 1}"]:focus`).waitFor({ state: 'attached', timeout: 10_000 });
  await failedRow.locator('.tl-bar').first().hover();
  await frame.locator('.tooltip:not([hidden])', { hasText: 'original' }).waitFor({ state: 'visible', timeout: 10_000 });
  await screenshot('map-timeline');
  await frame.locator('#tab-graph').click();
  await frame.locator('svg .node.failpath').first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.ok(await frame.locator('svg .node.composite').count() >= 1, 'the map is drawn as a box');
  await frame.locator('.step-panel table.attempts').waitFor({ state: 'visible', timeout: 30_000 });
  await screenshot('map-graph');
  await ui.runCommand('View: Close All Editors');

  // --- a retried run: deploy's three attempts, original / retry 2 / retry 3 ----------------------------------------
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-details-ui-'));
  try {
    fs.cpSync(path.join(ROOT, 'test/fixtures/runnable/ml-file-system-retried'), tmp, { recursive: true });
    await page.goto(workbenchUrl(cs, { folder: tmp }));
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pipeline.py' }).waitFor({ timeout: 60_000 });
    frame = await openDetailsFromTree(page, ui, 'prod-failure-001');
    const deploy = frame.locator('.tl-row[data-id="deploy"]');
    const labels = await deploy.locator('.tl-bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-indicator')));
    assert.deepEqual(labels, ['', '2', '3']);
    await deploy.locator('.tl-label').click();
    const table = frame.locator('.step-panel table.attempts');
    await table.waitFor({ state: 'visible', timeout: 30_000 });
    const head = await table.locator('thead').innerText();
    assert.match(head, /#1 original[\s\S]*#2 retry 2[\s\S]*#3 retry 3/);
    assert.ok(await table.locator('td.changed').count() >= 2, 'status and message changed in retry 3');
    await screenshot('retried-timeline');
    await frame.locator('#tab-graph').click();
    await frame.locator('svg .node').first().waitFor({ state: 'visible', timeout: 30_000 });
    await screenshot('retried-graph');
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
