// Runs the integration suite (out/test/integration/index.js, mocha) inside code-server's node extension
// host on examples/, the way @vscode/test-electron does with --extensionTestsPath; prints `N passed, N failed`.
// The workbench takes extensionDevelopmentPath/extensionTestsPath from the URL payload and calls
// window.codeAutomationExit(code) when the run ends. Env: VSCT_GREP (mocha grep), VSCT_TIMEOUT_MS, VSCT_VERBOSE,
// VSCT_WORKSPACE (the folder to open instead of examples/), VSCT_EXTENSIONS (extension folders to install, ':'-separated).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EXAMPLES, ROOT, startCodeServer, launchChromium, workbenchUrl } from './cs-lib.mjs';

const t0 = Date.now();
const ms = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const workspace = process.env.VSCT_WORKSPACE ?? EXAMPLES;
const testsPath = path.join(ROOT, 'out', 'test', 'integration', 'index');
const resultDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vsct-result-'));
const logFile = path.join(resultDir, 'mocha.log');
const TIMEOUT = Number(process.env.VSCT_TIMEOUT_MS ?? 900_000);
const shots = path.join(ROOT, 'test-results', 'screenshots');

if (!fs.existsSync(`${testsPath}.js`)) {
  console.log(`[run] ${testsPath}.js is missing: run \`npm run compile-tests\` first`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

let cs, browser, code = 1;
let sawSummary = false;
try {
  const extensions = (process.env.VSCT_EXTENSIONS ?? '').split(path.delimiter).filter(Boolean).map((p) => path.resolve(ROOT, p));
  cs = await startCodeServer({ env: { VSCT_TEST_LOG: logFile }, extensions });
  browser = await launchChromium();
  const page = browser.context.pages()[0] ?? await browser.context.newPage();
  const exitCode = new Promise((resolve) => { void page.exposeFunction('codeAutomationExit', (c) => resolve(c)); });
  page.on('console', (m) => { if (process.env.VSCT_VERBOSE) console.log(`[page:${m.type()}] ${m.text()}`); });
  page.on('pageerror', (e) => console.log(`[pageerror] ${e.message}`));
  const url = workbenchUrl(cs, { folder: workspace, testsPath });
  console.log(`[run] ${ms()} opening ${workspace} with the tests loaded`);
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 120_000 });
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), TIMEOUT); });
  // An extension host that crashes never calls codeAutomationExit: notice it in code-server's log
  // instead of waiting for the timeout.
  const crashed = new Promise((resolve) => {
    fs.watchFile(cs.logFile, { interval: 1000 }, () => {
      const m = /Extension Host Process exited with code: (\d+), signal: (\w+)/.exec(fs.readFileSync(cs.logFile, 'utf8'));
      if (m && (m[1] !== '0' || m[2] !== 'null')) resolve(`crash: exit code ${m[1]}, signal ${m[2]}`);
    });
  });
  const r = await Promise.race([exitCode, timeout, crashed]);
  clearTimeout(timer);
  fs.unwatchFile(cs.logFile);
  if (typeof r === 'string' && r.startsWith('crash')) {
    console.log(`[run] ${ms()} the extension host died before the tests finished (${r})`);
  } else if (r === 'timeout') {
    fs.mkdirSync(shots, { recursive: true });
    const shot = path.join(shots, 'integration-timeout.png');
    await page.screenshot({ path: shot }).catch(() => {});
    console.log(`[run] timed out after ${TIMEOUT} ms (screenshot ${shot})`);
  } else {
    code = r;
    console.log(`[run] ${ms()} extension host exited with ${code}`);
  }
  if (fs.existsSync(logFile)) {
    const text = fs.readFileSync(logFile, 'utf8');
    process.stdout.write(text);
    sawSummary = /^\d+ passed, \d+ failed$/m.test(text);
  } else {
    console.log('[run] the extension host wrote no test log (did the suite load? see the code-server log below)');
  }
} catch (e) {
  console.error('[run] error', e);
} finally {
  await browser?.close();
  const keepLogs = code !== 0 || !!process.env.VSCT_VERBOSE;
  await cs?.stop({ keepLogs });
  if (cs && keepLogs) {
    console.log(`----- code-server log ${cs.logFile} (tail; extension host logs under ${cs.tmp}/user-data/logs) -----`);
    try { console.log(fs.readFileSync(cs.logFile, 'utf8').split('\n').slice(-60).join('\n')); } catch { /* none */ }
  }
  fs.rmSync(resultDir, { recursive: true, force: true });
  // A run that died before mocha reported still counts as a failure in the summary.
  if (!sawSummary) console.log('0 passed, 1 failed');
  console.log(`[run] integration done in ${ms()}, exit ${code}`);
  process.exit(code === 0 && sawSummary ? 0 : 1);
}
