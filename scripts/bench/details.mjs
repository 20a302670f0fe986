// Bench: the run-details webview on a synthetic run with 1,000 map iterations (made from the fixture map-fail-0001,
// iteration 500 failing, iterations one after another). Shaping (core) time, then the real page (dist/webview.js +
// media/details.css under the page's strict CSP) in headless Chromium: time from posting the shaped run to the page's
// `rendered` message (after layout), for the timeline and the graph. Target: shaping + render < 1 s.
// DETAILS_SHOTS=<dir> also saves screenshots of both tabs there.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_ARGS, launchChromium } from '../cs-lib.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const out = (p) => path.join(repo, 'out', p);
for (const f of [out('src/core/details/runDetails.js'), path.join(repo, 'dist/webview.js')]) {
  if (!fs.existsSync(f)) { console.error(`${f} is missing: run \`npm run build && npm run compile-tests\` first.`); process.exit(2); }
}
const { shapeRunDetails } = require(out('src/core/details/runDetails.js'));
const { detailsPageHtml } = require(out('src/core/details/page.js'));
const { normaliseRun } = require(out('src/core/runlog/normalise.js'));
const { parseRunLogValue, parseBranchLogValue } = require(out('src/core/runlog/parse.js'));

const ITER = Number(process.env.BENCH_ITERATIONS ?? 1000);
const REPEAT = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

// ---- the synthetic run ---------------------------------------------------------------------------------------
function bigMapRun() {
  const src = path.join(repo, 'test/fixtures/runnable/composite-chunked-fs/.run_log_store/map-fail-0001');
  const runLog = JSON.parse(fs.readFileSync(path.join(src, 'RunLog.json'), 'utf8'));
  const okText = fs.readFileSync(path.join(src, 'BranchLog-score_all.1.json'), 'utf8');
  const failText = fs.readFileSync(path.join(src, 'BranchLog-score_all.2.json'), 'utf8');
  runLog.run_id = 'big-map-0001';
  const fail = Math.min(500, ITER);
  const branches = [];
  for (let i = 1; i <= ITER; i++) {
    const from = i === fail ? 2 : 1;
    branches.push(parseBranchLogValue(JSON.parse((i === fail ? failText : okText).split(`score_all.${from}`).join(`score_all.${i}`)), `BranchLog-score_all.${i}.json`));
  }
  const run = normaliseRun(parseRunLogValue(runLog, 'RunLog.json'), branches);
  // The copies share one time stamp: spread them out as a local map runs them, one after another (40 ms each).
  const map = run.steps.find((s) => s.type === 'map');
  const t0 = map.branches[0].steps[0].attempts[0]?.startMs ?? 0;
  map.branches.forEach((b, i) => {
    for (const s of b.steps) for (const a of s.attempts) {
      const d = Number.isFinite(a.durationMs) ? a.durationMs : 30;
      a.startMs = t0 + i * 40 + (a.startMs - t0 >= 0 ? 0 : 0);
      a.endMs = a.startMs + Math.min(d, 35);
    }
  });
  const after = t0 + ITER * 40;
  for (const s of run.steps.slice(run.steps.indexOf(map) + 1)) for (const a of s.attempts) { a.startMs = after + 5; a.endMs = after + 10; }
  return run;
}

const run = bigMapRun();
if (run.steps.find((s) => s.type === 'map').branches.length !== ITER) throw new Error('expected the synthetic iterations');

// ---- shaping -------------------------------------------------------------------------------------------------
const shapeTimes = [];
let details;
for (let i = 0; i < REPEAT; i++) {
  const t = performance.now();
  details = shapeRunDetails(run);
  shapeTimes.push(performance.now() - t);
}
const shapeMs = median(shapeTimes);
const payloadBytes = Buffer.byteLength(JSON.stringify(details));
console.log(`shape ${ITER} map iterations: median ${ms(shapeMs)}, best ${ms(Math.min(...shapeTimes))} (first ${ms(shapeTimes[0])}); ${details.timeline.rows.length} timeline rows, ${details.graph.nodes.length} graph nodes, payload ${(payloadBytes / 1e6).toFixed(2)} MB`);

// ---- rendering in Chromium -----------------------------------------------------------------------------------
const nonce = 'benchNonce0123456789abcdefghijkl';
const server = http.createServer((req, res) => {
  const files = { '/webview.js': [path.join(repo, 'dist/webview.js'), 'text/javascript'], '/details.css': [path.join(repo, 'media/details.css'), 'text/css'] };
  if (req.url === '/') {
    const origin = `http://127.0.0.1:${server.address().port}`;
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(detailsPageHtml({ cspSource: origin, nonce, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/details.css`, title: 'bench' }));
    return;
  }
  const f = files[req.url];
  if (!f) { res.writeHead(req.url === '/favicon.ico' ? 204 : 404); res.end(); return; }
  res.writeHead(200, { 'content-type': f[1] });
  res.end(fs.readFileSync(f[0]));
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const browser = await launchChromium();
let failed = false;
try {
  const page = await browser.context.newPage();
  const cspErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') cspErrors.push(m.text()); });
  page.on('pageerror', (e) => cspErrors.push(String(e)));
  // What VS Code injects into a webview: acquireVsCodeApi; postMessage to the extension lands in window.__posted.
  await page.addInitScript(() => {
    window.__posted = [];
    let state;
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => state, setState: (s) => { state = s; } });
  });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => window.__posted.some((m) => m.type === 'ready'));

  const renders = [];
  // The message reaches the page as JSON text (as VS Code's webview.postMessage delivers it). Getting the text into
  // the page through the browser protocol is harness cost, so it happens before the clock starts; timed: parse,
  // dispatch, draw, layout, up to the page's `rendered` message.
  const post = async (msg) => {
    await page.evaluate((text) => { window.__payload = text; }, JSON.stringify(msg));
    const before = await page.evaluate(() => window.__posted.length);
    const t = performance.now();
    await page.evaluate(() => window.postMessage(JSON.parse(window.__payload), '*'));
    const state = await (await page.waitForFunction((n) => window.__posted.slice(n).find((m) => m.type === 'rendered')?.state, before, { polling: 'raf' })).jsonValue();
    return { wall: performance.now() - t, state };
  };
  for (let i = 0; i < REPEAT; i++) {
    // A new run id each time: a first render, not an update keeping the previous selection.
    const r = await post({ type: 'details', details: { ...details, runId: `big-map-${i}` }, update: false });
    renders.push(r);
  }
  const last = renders[renders.length - 1].state;
  if (last.view !== 'details' || last.timelineRows !== details.timeline.rows.length) { failed = true; console.error(`the page drew ${last.timelineRows} rows, expected ${details.timeline.rows.length}`); }
  const inPage = median(renders.map((r) => r.state.renderMs));
  const wall = median(renders.map((r) => r.wall));
  if (process.env.DETAILS_SHOTS) {
    fs.mkdirSync(process.env.DETAILS_SHOTS, { recursive: true });
    await page.screenshot({ path: path.join(process.env.DETAILS_SHOTS, 'bench-timeline.png') });
  }
  const g = await post({ type: 'tab', tab: 'graph' });
  if (process.env.DETAILS_SHOTS) await page.screenshot({ path: path.join(process.env.DETAILS_SHOTS, 'bench-graph.png') });
  console.log(`render timeline (${last.timelineRows} rows, ${last.timelineBars} bars): in page median ${ms(inPage)}, parse + render wall median ${ms(wall)} (first ${ms(renders[0].wall)})`);
  console.log(`render graph (${g.state.graphNodes} nodes): in page ${ms(g.state.renderMs)}, wall ${ms(g.wall)}`);
  const total = shapeMs + inPage;
  console.log(`shaping + render (in page, from the message event) = ${ms(total)}; shaping + parse + render (wall) = ${ms(shapeMs + wall)} [target < 1000 ms: ${shapeMs + wall < 1000 ? 'met' : 'MISSED'}]`);
  if (cspErrors.length) { failed = true; console.error(`page errors (CSP?):\n  ${cspErrors.join('\n  ')}`); }
} finally {
  await browser.close();
  server.close();
}
console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores; chromium flags: ${CHROMIUM_ARGS.join(' ')}`);
process.exitCode = failed ? 1 : 0;
