// The packaged extension, as a user gets it: `npm run package` builds the VSIX, code-server installs it with
// --install-extension (no development path), and the workbench shows it: the Runnable container in the activity bar,
// the extension with its icon among the installed ones, and the Get Started walkthrough with its step image.
// Prints `N passed, N failed` (counted by scripts/test-vscode.sh); screenshots in test-results/screenshots/vsix-*.png.
// Env: VSCT_VSIX=path skips packaging and installs that file.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXAMPLES, ROOT, launchChromium, startCodeServer } from './cs-lib.mjs';

const shots = path.join(ROOT, 'test-results', 'screenshots');
fs.mkdirSync(shots, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vsix-ui-'));
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
let passed = 0, failed = 0;
const checks = [];
const check = (name, fn) => checks.push({ name, fn });

let vsix = process.env.VSCT_VSIX;
if (!vsix) {
  // The production bundles are built into a copy of the tree's dist/ inputs, so the tests' dist/ is left as it was.
  const work = path.join(tmp, 'pkg');
  for (const entry of ['package.json', 'package-lock.json', 'README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'esbuild.mjs', 'tsconfig.json', 'src', 'media', 'syntaxes', 'schemas']) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(work, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(work, 'node_modules'));
  execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: work, stdio: 'inherit' });
  vsix = path.join(tmp, `${manifest.name}-${manifest.version}.vsix`);
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '-o', vsix], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  console.log(`[vsix] packaged ${path.basename(vsix)} (${Math.round(fs.statSync(vsix).size / 1024)} KB)`);
}

// A copy of the examples: the installed extension lists its runs, and nothing it does touches the repository.
const workspace = path.join(tmp, 'examples');
fs.cpSync(EXAMPLES, workspace, { recursive: true });

let cs, browser;
try {
  cs = await startCodeServer({ vsix });
  browser = await launchChromium();
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  page.setDefaultTimeout(60_000);
  const shot = (n) => page.screenshot({ path: path.join(shots, `vsix-${n}.png`) });
  const runCommand = async (title) => {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const exact = new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    await page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: exact }) }).first().click();
    await input.waitFor({ state: 'hidden' });
  };
  // No extensionDevelopmentPath: only the installed VSIX can contribute the Runnable container.
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });

  check('the installed VSIX contributes the Runnable container, and its Runs view lists the examples\' runs', async () => {
    await page.locator('.activitybar [aria-label^="Runnable"]').first().click({ timeout: 120_000 });
    const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^\s*Runs/i }) }).first();
    await pane.waitFor({ state: 'visible' });
    await pane.locator('.monaco-list-row', { hasText: 'runnable-config.yaml' }).first().waitFor({ state: 'visible', timeout: 60_000 });
    await shot('runs-view');
  });

  check('Extensions shows it installed, with its icon (loaded from the VSIX)', async () => {
    // The Extensions view lists what is installed on the server (the Marketplace is out of reach here).
    await page.locator('.activitybar [aria-label^="Extensions"]').first().click();
    const row = page.locator('.extensions-viewlet .monaco-list-row', { hasText: manifest.displayName }).first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    const icon = row.locator('img.icon').first();
    await icon.waitFor({ state: 'visible' });
    // The row shows the manifest's icon once the image has loaded (a default icon otherwise).
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await icon.elementHandle(), { timeout: 30_000 });
    const src = await icon.getAttribute('src');
    if (!src || !decodeURIComponent(src).includes(`${manifest.publisher}.${manifest.name}-${manifest.version}/${manifest.icon}`)) throw new Error(`the row's icon is ${src}, not ${manifest.icon}`);
    await shot('installed');
  });

  check('the Get Started walkthrough opens with its steps and the first step\'s image', async () => {
    await runCommand('Runnable: Get Started with Runnable');
    const title = manifest.contributes.walkthroughs[0].title;
    const editor = page.locator('.gettingStartedContainer');
    await editor.locator('.getting-started-category .category-title, h2', { hasText: title }).first().waitFor({ state: 'visible', timeout: 60_000 });
    const first = manifest.contributes.walkthroughs[0].steps[0];
    await editor.locator('.getting-started-step', { hasText: first.title }).first().waitFor({ state: 'visible' });
    const img = editor.locator('.getting-started-media img').first();
    await img.waitFor({ state: 'visible', timeout: 30_000 });
    await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle(), { timeout: 30_000 });
    await shot('walkthrough');
  });

  for (const { name, fn } of checks) {
    try {
      await fn();
      passed++; console.log(`  ✔ ${name}`);
    } catch (e) {
      failed++; console.log(`  ✘ ${name}: ${String(e?.stack ?? e).split('\n').slice(0, 3).join('\n      ')}`);
      await page.screenshot({ path: path.join(shots, `FAIL-vsix-${checks.indexOf(checks.find((c) => c.name === name))}.png`) }).catch(() => {});
    }
  }
} catch (e) {
  failed++; console.log(`  ✘ vsix runner: ${e?.message ?? e}`);
} finally {
  await browser?.close();
  await cs?.stop({ keepLogs: failed > 0 });
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed || passed === 0 ? 1 : 0);
}
