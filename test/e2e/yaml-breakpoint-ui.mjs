// A breakpoint on a pipeline YAML step, set the way a user does it: open examples/pipeline.yaml, click the gutter
// beside the `extract:` step (the gutter takes breakpoints only in runnable pipelines: package.json `breakpoints`
// `when: runnable.pipelineEditor`), then Replay Run in Debugger on etl-usd-0100 (the run of that file, which failed
// later at transform): the replay pauses on `extract:` in the YAML, not at the failed attempt. Replay never writes.
import assert from 'node:assert/strict';

/** The element's box once it is laid out (Monaco redraws its lines, so a located element can be replaced under us). */
async function boxOf(locator, what) {
  for (let i = 0; i < 50; i++) {
    await locator.waitFor({ state: 'visible', timeout: 30_000 });
    const b = await locator.boundingBox().catch(() => null);
    if (b) return b;
  }
  throw new Error(`${what} never got a box on screen`);
}

export default async function ({ page, screenshot, ui }) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*pipeline\.yaml\s*$/ }).first().click();
  await page.locator('.tab.active', { hasText: 'pipeline.yaml' }).waitFor({ state: 'visible', timeout: 30_000 });
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const line = editor.locator('.view-line', { hasText: /^\s*extract:\s*$/ }).first();

  // The Run/Debug with runnable CodeLens sits above `dag:` once it resolves, moving every line down: measure after it
  // (seen in CI: measured before, the click landed on `steps:`, a line above).
  await page.locator('.contentWidgets .codelens-decoration', { hasText: 'Run with runnable' }).first().waitFor({ state: 'visible', timeout: 30_000 });
  // Hover the glyph margin of that line until the faded breakpoint hint shows (the context key reaches the workbench
  // from the extension host shortly after the editor opens), then click it, measuring the line again each round.
  const margin = await boxOf(editor.locator('.glyph-margin').first(), 'the glyph margin of pipeline.yaml');
  const x = margin.x + margin.width / 2;
  const hint = editor.locator('.codicon-debug-hint');
  let box, y;
  for (let i = 0; ; i++) {
    box = await boxOf(line, 'the extract: line');
    y = box.y + box.height / 2;
    await page.mouse.move(x + (i % 2), y);
    const shown = await hint.first().waitFor({ state: 'visible', timeout: 1_000 }).then(() => true, () => false);
    const still = await boxOf(line, 'the extract: line');
    if (shown && Math.abs(still.y - box.y) < 1) break;
    if (i >= 30) throw new Error('no breakpoint hint beside extract: (or the line kept moving)');
  }
  await page.mouse.click(x, y);
  const dot = editor.locator('.codicon-debug-breakpoint');
  const dotBox = await boxOf(dot.first(), 'the breakpoint');
  const lineNow = await boxOf(line, 'the extract: line');
  assert.ok(Math.abs(dotBox.y + dotBox.height / 2 - (lineNow.y + lineNow.height / 2)) < lineNow.height / 2, 'the breakpoint sits on the extract line');
  await page.mouse.move(x + 400, y + 200);
  await screenshot('breakpoint-on-extract');

  const pane = await ui.openRunnable();
  const run = pane.locator('.monaco-list-row', { hasText: /^\s*etl-usd-0100/ }).first();
  await run.waitFor({ state: 'visible', timeout: 60_000 });
  await ui.contextMenu(run, /^Replay Run in Debugger$/);

  // Paused on the YAML step: the call stack names extract, the editor shows pipeline.yaml with the stop on that line.
  await page.locator('.debug-toolbar .codicon-debug-continue').first().waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.debug-pane .monaco-list-row', { hasText: /extract · attempt 1/ }).first().waitFor({ state: 'visible', timeout: 30_000 });
  await page.locator('.tab.active', { hasText: 'pipeline.yaml' }).waitFor({ state: 'visible', timeout: 20_000 });
  // The top stack frame's line highlight (the yellow line), and the stop glyph beside it.
  const stopped = page.locator('.editor-instance .monaco-editor .debug-top-stack-frame-line').first();
  const stoppedBox = await boxOf(stopped, 'the stopped line');
  const extractBox = await boxOf(page.locator('.editor-instance .monaco-editor .view-line', { hasText: /^\s*extract:\s*$/ }).first(), 'the extract: line');
  assert.ok(Math.abs((stoppedBox.y + stoppedBox.height / 2) - (extractBox.y + extractBox.height / 2)) < extractBox.height,
    'the stopped line is the extract: line');
  await page.locator('.editor-instance .monaco-editor [class*="codicon-debug-"][class*="stackframe"]').first().waitFor({ state: 'visible', timeout: 5_000 });
  const stack = await page.locator('.debug-pane').first().innerText();
  assert.doesNotMatch(stack, /transform · attempt 1 · FAIL/, 'it did not run on to the failed attempt');
  await screenshot('paused-on-extract');

  await page.keyboard.press('Shift+F5');
  await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });

  // A YAML that is not a pipeline (runnable parameters): the same hover and click in its gutter show no hint and add
  // no breakpoint. A negative can only be checked for a while: five hover-and-click rounds of a second each (with the
  // `when` removed from package.json, the first round adds one).
  await page.locator('.activitybar [aria-label^="Explorer"]').first().click();
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*params\.yaml\s*$/ }).first().click();
  await page.locator('.tab.active', { hasText: 'params.yaml' }).waitFor({ state: 'visible', timeout: 30_000 });
  const params = page.locator('.editor-instance .monaco-editor').first();
  const pm = await boxOf(params.locator('.glyph-margin').first(), 'the glyph margin of params.yaml');
  const pl = await boxOf(params.locator('.view-line', { hasText: /^limit:/ }).first(), 'the limit: line');
  for (let i = 0; i < 5; i++) {
    await page.mouse.move(pm.x + pm.width / 2 + (i % 2), pl.y + pl.height / 2);
    await page.mouse.click(pm.x + pm.width / 2, pl.y + pl.height / 2);
    const added = await params.locator('.codicon-debug-breakpoint, .codicon-debug-hint').first()
      .waitFor({ state: 'visible', timeout: 1_000 }).then(() => true, () => false);
    assert.equal(added, false, 'the gutter of a YAML that is not a runnable pipeline takes no breakpoint');
  }
  await screenshot('no-breakpoint-in-params');
}
