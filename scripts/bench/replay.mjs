// Bench: the replay debug adapter (dist/replayAdapter.js, its own process, driven by DebugClient) over a synthetic
// run with 1,000 map iterations (made from the fixture map run, one captured log per iteration in the catalog).
// Each step request (next / stepBack / stepIn / continue -> stopped, stackTrace, scopes, variables) is timed as a
// round trip; target: every one under 50 ms. Prints max and median per request.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const adapter = path.join(repo, 'dist', 'replayAdapter.js');
if (!fs.existsSync(adapter)) { console.error(`${adapter} is missing: run \`npm run build\` first.`); process.exit(2); }
const { DebugClient } = createRequire(import.meta.url)('@vscode/debugadapter-testsupport');
const FIX = path.join(repo, 'test/fixtures/runnable/composite-chunked-fs');
const ITER = Number(process.env.BENCH_ITERATIONS ?? 1000);
const FAIL_AT = Math.ceil(ITER / 2);
const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-replay-bench-'));
process.on('exit', () => fs.rmSync(ws, { recursive: true, force: true }));

// ---- the synthetic run: RunLog + 1,000 BranchLogs (chunked-fs), iteration i starts i seconds after the first ----
const id = 'big-map-0001';
const src = path.join(FIX, '.run_log_store', 'map-fail-0001');
const runLog = JSON.parse(fs.readFileSync(path.join(src, 'RunLog.json'), 'utf8'));
runLog.run_id = id;
const okText = fs.readFileSync(path.join(src, 'BranchLog-score_all.1.json'), 'utf8');
const failText = fs.readFileSync(path.join(src, 'BranchLog-score_all.2.json'), 'utf8');
const pad = (n) => String(n).padStart(2, '0');
const shift = (text, secs) => text.replace(/"(start_time|end_time)": "(\d{4}-\d\d-\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)?"/g, (_, k, d, h, m, s, frac) => {
  const t = Number(h) * 3600 + Number(m) * 60 + Number(s) + secs;
  return `"${k}": "${d} ${pad(Math.floor(t / 3600) % 24)}:${pad(Math.floor(t / 60) % 60)}:${pad(t % 60)}${frac ?? ''}"`;
});
const dir = path.join(ws, '.run_log_store', id);
fs.mkdirSync(dir, { recursive: true });
// the terminal `fail` node ran after the last iteration
runLog.steps.fail = JSON.parse(shift(JSON.stringify(runLog.steps.fail, null, 1), ITER + 1));
fs.writeFileSync(path.join(dir, 'RunLog.json'), JSON.stringify(runLog));
const catalog = path.join(ws, '.catalog', id);
fs.mkdirSync(catalog, { recursive: true });
for (let i = 1; i <= ITER; i++) {
  const from = i === FAIL_AT ? 2 : 1;
  const text = shift((i === FAIL_AT ? failText : okText).split(`score_all.${from}`).join(`score_all.${i}`), i);
  fs.writeFileSync(path.join(dir, `BranchLog-score_all.${i}.json`), text);
  fs.writeFileSync(path.join(catalog, `scoreallmapvariableplaceholderscorechunkvalue${i}A${String(i % 100).padStart(2, '0')}.execution.log`), `scored chunk ${i}\n`);
}
for (const f of ['chunked.yaml', 'steps.py', 'map_pipeline.py']) fs.copyFileSync(path.join(FIX, f), path.join(ws, f));
fs.renameSync(path.join(ws, 'chunked.yaml'), path.join(ws, 'runnable-config.yaml'));

// ---- drive the adapter ---------------------------------------------------------------------------------------------
const times = new Map();
const note = (k, t) => { if (!times.has(k)) times.set(k, []); times.get(k).push(t); };
const dc = new DebugClient('node', adapter, 'runnable');
await dc.start();
let lastStop;
// One listener each for stopped/terminated; a step waits for whichever comes next (no pending waiters pile up).
let waiting;
dc.on('stopped', (e) => { lastStop = e; waiting?.(e); });
dc.on('terminated', (e) => waiting?.(e));
const nextEvent = () => new Promise((r) => { waiting = (e) => { waiting = undefined; r(e); }; });
const stepped = async (req) => {
  const t0 = performance.now();
  const ev = nextEvent();
  await dc.customRequest(req, { threadId: lastStop?.body.threadId ?? 1 });
  const e = await ev;
  note(req, performance.now() - t0);
  return e;
};
const timed = async (k, fn) => { const t0 = performance.now(); const r = await fn(); note(k, performance.now() - t0); return r; };
const inspect = async () => {
  const st = await timed('stackTrace', () => dc.stackTraceRequest({ threadId: lastStop.body.threadId, startFrame: 0, levels: 20 }));
  const top = st.body.stackFrames[0];
  const scopes = await timed('scopes', () => dc.scopesRequest({ frameId: top.id }));
  await timed('variables', () => dc.variablesRequest({ variablesReference: scopes.body.scopes[0].variablesReference }));
  return top;
};

const t0 = performance.now();
await dc.initializeRequest({ adapterID: 'runnable', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
const firstStop = nextEvent();
await Promise.all([
  (async () => { await dc.waitForEvent('initialized', 60_000); await dc.setExceptionBreakpointsRequest({ filters: [] }); await dc.configurationDoneRequest(); })(),
  dc.launchRequest({ request: 'replay', runId: id, cwd: ws, stopOnEntry: true }),
]);
lastStop = await firstStop;
const launchMs = performance.now() - t0;
const threads = await timed('threads', () => dc.threadsRequest());
if (threads.body.threads.length !== ITER + 1) throw new Error(`expected ${ITER + 1} threads, got ${threads.body.threads.length}`);
await inspect();
await stepped('next'); // make_chunks -> score_all (map)
await stepped('stepIn'); // -> score_all.1.score chunk
// through every iteration in recorded order, inspecting each stop, until replay leaves the map
let steps = 0;
for (;;) {
  await inspect();
  const e = await stepped('next');
  steps++;
  if (e.event === 'terminated' || e.body.threadId === 1) break;
}
if (steps < ITER * 2) throw new Error(`left the map after ${steps} steps, expected ${ITER * 2}`);
await inspect();
for (let i = 0; i < 300; i++) { await stepped('stepBack'); await inspect(); }
await dc.setExceptionBreakpointsRequest({ filters: ['failedAttempts'] });
await stepped('reverseContinue');
await stepped('continue');
const failTop = await inspect();
if (!/FAIL/.test(failTop.name)) throw new Error(`continue did not stop at the failed iteration: ${failTop.name}`);
await dc.stop();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`replay of a run with ${ITER} map iterations (${ITER * 2 + 3} recorded attempts, ${ITER + 1} threads); load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
console.log(`  launch to the first stop (adapter process start, read ${ITER + 1} files, timeline): ${launchMs.toFixed(0)} ms`);
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
let worst = 0;
for (const [k, xs] of times) {
  const max = Math.max(...xs);
  worst = Math.max(worst, max);
  console.log(`  ${k.padEnd(16)} n=${String(xs.length).padStart(4)}  median ${median(xs).toFixed(2)} ms  p99 ${p99(xs).toFixed(2)} ms  max ${max.toFixed(2)} ms`);
}
const worstP99 = Math.max(...[...times.values()].map(p99));
console.log(`  step requests under 50 ms: p99 of every request ${worstP99 < 50 ? 'met' : 'MISSED'} (worst p99 ${worstP99.toFixed(1)} ms); every single one ${worst < 50 ? 'met' : 'MISSED'} (worst ${worst.toFixed(1)} ms; single outliers follow the machine's load)`);
