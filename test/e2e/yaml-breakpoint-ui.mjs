// A breakpoint on a pipeline YAML step, set the way a user does it: open examples/pipeline.yaml, click the gutter
// beside the `extract:` step (the gutter takes breakpoints only in runnable pipelines: package.json `breakpoints`
// `when: runnable.pipelineEditor`), then Replay Run in Debugger on etl-usd-0100 (the run of that file, which failed
// later at transform): the replay pauses on `extract:` in the YAML, not at the failed attempt. Replay never writes.
import assert from 'node:assert/strict';

export default async function ({ page, screenshot, ui }) {
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: /^\s*pipeline\.yaml\s*$/ }).first().click();
  await page.locator('.tab.active', { hasText: 'pipeline.yaml' }).waitFor({ state: 'visible', timeout: 30_000 });
  const editor = page.locator('.editor-instance .monaco-editor').first();
  const line = editor.locator('.view-line', { hasText: /^\s*extract:\s*$/ }).first();
  await line.waitFor({ state: 'visible', timeout: 30_000 });

  // Hover the glyph margin of that line until the faded breakpoint hint shows (the context key reaches the workbench
  // from the extension host shortly after the editor opens), then click it.
  const glyphs = editor.locator('.glyph-margin').first();
  await glyphs.waitFor({ state: 'visible', timeout: 30_000 });
  const margin = await glyphs.boundingBox();
  const box = await line.boundingBox();
  assert.ok(margin && box, 'the editor shows its glyph margin and the extract line');
  const x = margin.x + margin.width / 2;
  const y = box.y + box.height / 2;
  const hint = editor.locator('.codicon-debug-hint');
  for (let i = 0; ; i++) {
    await page.mouse.move(x + (i % 2), y);
    try { await hint.first().waitFor({ state: 'visible', timeout: 1_000 }); break; } catch (e) { if (i >= 30) throw e; }
  }
  await page.mouse.click(x, y);
  const dot = editor.locator('.codicon-debug-breakpoint');
  await dot.first().waitFor({ state: 'visible', timeout: 10_000 });
  const dotBox = await dot.first().boundingBox();
  assert.ok(dotBox && Math.abs(dotBox.y + dotBox.height / 2 - y) < box.height, 'the breakpoint sits on the extract line');
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
  await stopped.waitFor({ state: 'visible', timeout: 20_000 });
  const stoppedBox = await stopped.boundingBox();
  const extractBox = await page.locator('.editor-instance .monaco-editor .view-line', { hasText: /^\s*extract:\s*$/ }).first().boundingBox();
  assert.ok(stoppedBox && extractBox && Math.abs((stoppedBox.y + stoppedBox.height / 2) - (extractBox.y + extractBox.height / 2)) < extractBox.height,
    'the stopped line is the extract: line');
  await page.locator('.editor-instance .monaco-editor [class*="codicon-debug-"][class*="stackframe"]').first().waitFor({ state: 'visible', timeout: 5_000 });
  const stack = await page.locator('.debug-pane').first().innerText();
  assert.doesNotMatch(stack, /transform · attempt 1 · FAIL/, 'it did not run on to the failed attempt');
  await screenshot('paused-on-extract');

  await page.keyboard.press('Shift+F5');
  await page.locator('.debug-toolbar').first().waitFor({ state: 'hidden', timeout: 30_000 });
}
