// UI tier: runs every test/e2e/*.mjs against code-server opened on examples/ with the extension loaded
// (development mode, no tests path), driven through Debian's Chromium by playwright-core.
// Each test file default-exports `async ({ page, cs, workspace, screenshot, ui }) => {}`; it gets a fresh
// page with the workbench loaded, in a fresh browser profile. Screenshots: test-results/screenshots/<file>-<name>.png.
// Env: VSCT_E2E=substring (only matching files), VSCT_E2E_TIMEOUT_MS (per file, default 300 s).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXAMPLES, ROOT, startCodeServer, launchChromium, workbenchUrl } from './cs-lib.mjs';

const shots = path.join(ROOT, 'test-results', 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const dir = path.join(ROOT, 'test', 'e2e');
const only = process.env.VSCT_E2E;
const PER_TEST = Number(process.env.VSCT_E2E_TIMEOUT_MS ?? 300_000);
const files = (fs.existsSync(dir) ? fs.readdirSync(dir) : [])
  .filter((f) => f.endsWith('.mjs') && (!only || f.includes(only))).sort();
const t0 = Date.now();
const ms = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const slug = (s) => s.replace(/\.mjs$/, '').replace(/\W+/g, '_');
let passed = 0, failed = 0;

/** UI helpers the tests share: command palette, notifications, the Runnable view. */
function uiHelpers(page, screenshot) {
  const ui = {
    async runCommand(title) {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      // Click the row whose label is exactly the title: Enter takes the top fuzzy match.
      const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
      await page.locator('.quick-input-list .monaco-list-row')
        .filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click();
      await input.waitFor({ state: 'hidden' });
    },
    /** A toast, or (headless, unfocused window) the notification center. */
    async expectNotification(text, timeout = 15_000) {
      const toast = page.locator('.notification-toast', { hasText: text });
      try { await toast.first().waitFor({ state: 'visible', timeout: 3_000 }); return; } catch { /* look in the center */ }
      await ui.runCommand('Notifications: Show Notifications');
      await page.locator('.notifications-center', { hasText: text }).waitFor({ state: 'visible', timeout });
      await screenshot(`notification-${text.replace(/\W+/g, '_').slice(0, 40)}`);
      await ui.runCommand('Notifications: Hide Notifications');
    },
    /** Clicks the "Runnable" activity-bar container (unless already open) and returns the Runs view pane. */
    async openRunnable() {
      const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) });
      if (!(await pane.first().isVisible().catch(() => false))) {
        await page.locator('.activitybar [aria-label^="Runnable"]').first().click();
      }
      await pane.first().waitFor({ state: 'visible', timeout: 30_000 });
      return pane.first();
    },
    /**
     * Right-click `row` and choose `label` from its context menu, once, as a user would. (The Runs view names the
     * failed steps of a local store before it draws the rows, so no redraw closes a menu that just opened: no re-click.)
     * `beforeClick` runs while the menu is open (a screenshot of it).
     */
    async contextMenu(row, label, beforeClick = async () => {}) {
      const item = page.locator('.context-view .action-label', { hasText: label }).first();
      await row.click({ button: 'right' });
      await item.waitFor({ state: 'visible', timeout: 10_000 });
      await beforeClick();
      await item.click();
      // VS Code's menus ignore a mouse-up that lands right after the menu opened (its guard against a right-click's own
      // release choosing an item), which leaves the menu open with the item highlighted: Enter is what a user does then.
      await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 5_000 })
        .catch(() => page.keyboard.press('Enter'));
      await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden', timeout: 10_000 });
    },
  };
  return ui;
}

let cs, browser;
try {
  if (files.length === 0) throw new Error(`no test files in ${dir}${only ? ` matching ${only}` : ''}`);
  cs = await startCodeServer();
  const url = workbenchUrl(cs, { folder: EXAMPLES });
  console.log(`VS Code UI tests (${files.length} files) on ${EXAMPLES}`);
  for (const file of files) {
    const name = slug(file);
    // A fresh Chromium profile per file: the web workbench keeps its UI state (open views, editors)
    // in the browser's IndexedDB, so a shared profile would start each test where the last one ended.
    await browser?.close();
    browser = await launchChromium();
    const page = browser.context.pages()[0] ?? await browser.context.newPage();
    // Actions without their own timeout get a minute: 2 cores shared with other work are slow.
    page.setDefaultTimeout(60_000);
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const screenshot = (n) => page.screenshot({ path: path.join(shots, `${name}-${n.replace(/\.png$/, '')}.png`) });
    let timer;
    try {
      const mod = await import(pathToFileURL(path.join(dir, file)).href);
      const fn = mod.default;
      if (typeof fn !== 'function') throw new Error(`${file} has no default-exported async function`);
      const body = (async () => {
        // Generous: on a loaded 2-core machine the first workbench load can take over a minute.
        await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
        await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
        // The workspace is open once the file explorer shows a known file of examples/.
        await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'runnable-config.yaml' }).waitFor({ timeout: 120_000 });
        await fn({ page, cs, workspace: EXAMPLES, screenshot, ui: uiHelpers(page, screenshot) });
      })();
      const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${PER_TEST} ms`)), PER_TEST); });
      await Promise.race([body, timeout]);
      passed++; console.log(`  ✔ ${file} (${ms()})`);
    } catch (e) {
      failed++; console.log(`  ✘ ${file}: ${String(e?.stack ?? e).split('\n').slice(0, 4).join('\n      ')}`);
      if (pageErrors.length) console.log(`      page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
      await page.screenshot({ path: path.join(shots, `FAIL-${name}.png`) }).catch(() => {});
    } finally {
      clearTimeout(timer);
      await page.close().catch(() => {});
    }
  }
} catch (e) {
  failed++; console.log(`  ✘ e2e runner: ${e?.message ?? e}`);
} finally {
  await browser?.close();
  await cs?.stop({ keepLogs: failed > 0 });
  if (cs && failed > 0) console.log(`code-server logs kept in ${cs.tmp}`);
  console.log(`screenshots in ${shots}; total ${ms()}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}
