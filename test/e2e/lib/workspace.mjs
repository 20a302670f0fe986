// Shared steps of the UI tests (test/e2e/*.mjs): the workspace copy each one opens (never examples/ itself), the test
// interpreter (the runnable stand-in added to PYTHONPATH when the real runnable is not importable), and the way a user
// reaches a run or a step in the Runs view. The runner (scripts/e2e-ui.mjs) lists only test/e2e/*.mjs, not this folder.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, workbenchUrl } from '../../../scripts/cs-lib.mjs';

export const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** RUNNABLE_TEST_PYTHON, else the test venv (scripts/test-python.sh), else python3. */
export function testPython() {
  const venv = path.join(ROOT, '.vscode-test', 'venv', 'bin', 'python');
  return process.env.RUNNABLE_TEST_PYTHON || (fs.existsSync(venv) ? venv : 'python3');
}

/**
 * `python` when it imports runnable; else a small wrapper in `dir` that runs it with the stand-in (test/standin) on
 * PYTHONPATH, so a retry started from the UI behaves as with the real runnable.
 */
export function withRunnable(python, dir) {
  try {
    execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' });
    return python;
  } catch {
    const wrapper = path.join(dir, '.python-with-standin');
    const standin = path.join(ROOT, 'test', 'standin');
    fs.writeFileSync(wrapper, `#!/bin/sh\nPYTHONPATH='${standin}'\${PYTHONPATH:+:\$PYTHONPATH} exec '${python}' "$@"\n`, { mode: 0o755 });
    return wrapper;
  }
}

/** A temporary copy of `from` (its .vscode left out), named after the test. */
export function copyWorkspace(from, prefix) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(from, tmp, { recursive: true, filter: (src) => !src.includes(`${path.sep}.vscode`) });
  return tmp;
}

/** The copy's .vscode/settings.json. */
export function writeSettings(folder, settings) {
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
}

/** A copy of `from` set up to retry from the UI: the test interpreter (with runnable) and the debugger shown on a stop. */
export function retryWorkspace(from, prefix) {
  const tmp = copyWorkspace(from, prefix);
  writeSettings(tmp, { 'runnable.pythonPath': withRunnable(testPython(), tmp), 'debug.openDebug': 'openOnDebugBreak' });
  return tmp;
}

/** Opens `folder` in the workbench and waits for the file explorer to show `file` (a file at the folder's top). */
export async function openFolder(page, cs, folder, file = 'runnable-config.yaml') {
  await page.goto(workbenchUrl(cs, { folder }));
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: file }).waitFor({ timeout: 60_000 });
}

/**
 * The Runs view's row of `runId` once it is drawn; with `step`, the run expanded (as a click does) and that step's row.
 * Returns { pane, run, step, row } where row(label) finds any drawn row by the start of its label.
 */
export async function runRows(ui, runId, step) {
  const pane = await ui.openRunnable();
  const row = (label) => pane.getByRole('treeitem', { name: new RegExp(`^${escapeRegExp(label)}`) }).first();
  const run = row(runId);
  await run.waitFor({ state: 'visible', timeout: 60_000 });
  if (!step) return { pane, run, row };
  if ((await run.getAttribute('aria-expanded')) !== 'true') await run.click();
  const stepRow = row(step);
  await stepRow.waitFor({ state: 'visible', timeout: 30_000 });
  return { pane, run, step: stepRow, row };
}
