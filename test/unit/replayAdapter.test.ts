// The replay debug adapter as a separate process (out/src/replay/replayAdapterMain.js), driven by
// @vscode/debugadapter-testsupport's DebugClient over the real fixture runs (read-only: nothing is written).
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const ADAPTER = path.resolve(__dirname, '../../src/replay/replayAdapterMain.js');

function caseJson(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8'));
}

const clients: DebugClient[] = [];
afterEach(async () => {
  while (clients.length) await clients.pop()!.stop();
});

interface Session {
  dc: DebugClient;
  output: string[];
}

async function start(): Promise<Session> {
  const dc = new DebugClient('node', ADAPTER, 'runnable');
  const output: string[] = [];
  dc.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  await dc.start();
  clients.push(dc);
  await dc.initializeRequest({ adapterID: 'runnable', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
  return { dc, output };
}

/** initialize → launch → (breakpoints, exception filter) → configurationDone, resolving with the first stop. */
async function launch(
  s: Session,
  fixture: string,
  runId: string,
  opts: { failed?: boolean; stopOnEntry?: boolean; breakpoints?: Array<{ file: string; lines: number[] }> } = {},
): Promise<{ stopped: DebugProtocol.StoppedEvent; bps: DebugProtocol.Breakpoint[] }> {
  const cwd = path.join(FIXTURES, fixture);
  const bps: DebugProtocol.Breakpoint[] = [];
  const stopped = s.dc.waitForEvent('stopped', 20_000) as Promise<DebugProtocol.StoppedEvent>;
  const configured = (async () => {
    await s.dc.waitForEvent('initialized', 20_000);
    for (const b of opts.breakpoints ?? []) {
      const r = await s.dc.setBreakpointsRequest({ source: { path: path.join(cwd, b.file) }, breakpoints: b.lines.map((line) => ({ line })) });
      bps.push(...r.body.breakpoints);
    }
    await s.dc.setExceptionBreakpointsRequest({ filters: opts.failed === false ? [] : ['failedAttempts'] });
    await s.dc.configurationDoneRequest();
  })();
  await Promise.all([configured, s.dc.launchRequest({ request: 'replay', runId, cwd, stopOnEntry: opts.stopOnEntry } as DebugProtocol.LaunchRequestArguments)]);
  return { stopped: await stopped, bps };
}

async function frames(s: Session, threadId: number): Promise<DebugProtocol.StackFrame[]> {
  return (await s.dc.stackTraceRequest({ threadId })).body.stackFrames;
}

async function top(s: Session, threadId: number): Promise<string> {
  return (await frames(s, threadId))[1].name.replace(/ \(.*\)$/, '');
}

/** The internal name of the paused step: the `description` of the stop. */
async function stepAndWait(s: Session, req: 'next' | 'stepIn' | 'stepOut' | 'stepBack' | 'continue' | 'reverseContinue', threadId: number): Promise<DebugProtocol.StoppedEvent | 'terminated'> {
  const ev = Promise.race([
    s.dc.waitForEvent('stopped', 20_000) as Promise<DebugProtocol.StoppedEvent>,
    s.dc.waitForEvent('terminated', 20_000).then(() => 'terminated' as const),
  ]);
  await s.dc.customRequest(req, { threadId });
  return ev;
}

async function scopeVars(s: Session, frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const scopes = (await s.dc.scopesRequest({ frameId })).body.scopes;
  const found = scopes.find((x) => x.name === scope);
  assert.ok(found, `scope ${scope} among ${scopes.map((x) => x.name).join(', ')}`);
  return (await s.dc.variablesRequest({ variablesReference: found.variablesReference })).body.variables;
}

test('ml-file-system: "Failed attempts" stops at deploy with its recorded inputs, error and source', async () => {
  const facts = caseJson('ml-file-system').runs['prod-failure-001'].first_failed_task;
  const s = await start();
  const { stopped } = await launch(s, 'ml-file-system', 'prod-failure-001');
  assert.equal(stopped.body.reason, 'exception');
  assert.equal(stopped.body.threadId, 1);
  const fr = await frames(s, 1);
  assert.deepEqual(fr.map((f) => f.name), ['deploy · attempt 1 · FAIL', 'deploy (task)', 'pipeline.main · prod-failure-001']);
  assert.equal(fr[0].source?.path, path.join(FIXTURES, 'ml-file-system', facts.file));
  assert.equal(fr[0].line, facts.break_line);
  assert.equal(fr[1].line, facts.def_line);
  assert.equal(fr[2].source?.path, path.join(FIXTURES, 'ml-file-system', 'pipeline.py'));

  const inputs = await scopeVars(s, fr[0].id, 'Inputs');
  const byName = new Map(inputs.map((v) => [v.name, v]));
  assert.equal(byName.get('endpoint')?.value, JSON.stringify(facts.inputs.endpoint.value));
  assert.equal(byName.get('score')?.value, String(facts.inputs.score.value));
  assert.match(byName.get('score')!.type!, /^metric/);
  const model = byName.get('model')!;
  assert.match(model.value, new RegExp(`catalog: ${facts.inputs.model.catalog_file.replace('.', '\\.')}`));
  const modelKids = (await s.dc.variablesRequest({ variablesReference: model.variablesReference })).body.variables;
  assert.equal(modelKids.find((v) => v.name === 'path')?.value, path.join(FIXTURES, 'ml-file-system', '.catalog', 'prod-failure-001', 'model.dill'));
  // json lists expand as structures
  const data = byName.get('data')!;
  assert.ok(data.variablesReference > 0);
  const items = (await s.dc.variablesRequest({ variablesReference: data.variablesReference })).body.variables;
  assert.deepEqual(items.map((v) => v.value), ['0', '1', '2', '3', '4', '5']);
  const timing = new Map((await scopeVars(s, fr[0].id, 'Timing')).map((v) => [v.name, v.value]));
  assert.equal(timing.get('status'), 'FAIL');
  assert.match(timing.get('start')!, /^2026-11-24 22:25:32/);

  const info = await s.dc.exceptionInfoRequest({ threadId: 1 });
  assert.match(info.body.description!, new RegExp(facts.error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  assert.match(info.body.description!, /Call to the function functions\.deploy_model did not succeed/);
  // the captured output of the steps replay passed, from the catalog, in order
  const out = s.output.join('');
  assert.ok(out.indexOf('── load_data · attempt 1') < out.indexOf('── train_model · attempt 1'));
  assert.ok(out.indexOf('── train_model') < out.indexOf('── deploy · attempt 1 · FAIL'));
  assert.match(out, /RuntimeError: no deployment url for churn-model/);
});

test('ml-file-system: step back and forward in recorded order, then run off the end', async () => {
  const s = await start();
  await launch(s, 'ml-file-system', 'prod-failure-001');
  const seen: string[] = [];
  for (const req of ['stepBack', 'stepBack', 'stepBack', 'next', 'next', 'next'] as const) {
    const ev = await stepAndWait(s, req, 1);
    assert.notEqual(ev, 'terminated');
    assert.equal((ev as DebugProtocol.StoppedEvent).body.reason, 'step');
    seen.push(await top(s, 1));
  }
  assert.deepEqual(seen, ['train_model', 'load_data', 'load_data', 'train_model', 'deploy', 'fail']);
  assert.equal(await stepAndWait(s, 'next', 1), 'terminated');
});

test('ml-file-system: a breakpoint on deploy_model\'s def line stops when deploy\'s attempt begins', async () => {
  const facts = caseJson('ml-file-system').runs['prod-failure-001'].first_failed_task;
  const s = await start();
  const { stopped, bps } = await launch(s, 'ml-file-system', 'prod-failure-001', { failed: false, breakpoints: [{ file: facts.file, lines: [facts.def_line, 1] }] });
  assert.deepEqual(bps.map((b) => b.verified), [true, false]);
  assert.equal(stopped.body.reason, 'breakpoint');
  assert.equal(await top(s, 1), 'deploy');
  // no more breakpoints ahead: Continue replays to the end
  assert.equal(await stepAndWait(s, 'continue', 1), 'terminated');
});

test('ml-file-system: reverse continue goes back to the previous breakpoint, else to the start', async () => {
  const s = await start();
  const { stopped } = await launch(s, 'ml-file-system', 'prod-failure-001', { failed: false, stopOnEntry: true, breakpoints: [{ file: 'functions.py', lines: [caseJson('ml-file-system').runs['prod-failure-001'].first_failed_task.def_line] }] });
  assert.equal(stopped.body.reason, 'entry');
  assert.equal(await top(s, 1), 'load_data');
  assert.equal(((await stepAndWait(s, 'continue', 1)) as DebugProtocol.StoppedEvent).body.reason, 'breakpoint');
  assert.equal(await top(s, 1), 'deploy');
  await stepAndWait(s, 'next', 1);
  assert.equal(await top(s, 1), 'fail');
  await stepAndWait(s, 'reverseContinue', 1);
  assert.equal(await top(s, 1), 'deploy');
  await stepAndWait(s, 'reverseContinue', 1);
  assert.equal(await top(s, 1), 'load_data');
});

test('composite map: stops at score_all.2.score chunk on its iteration\'s thread; one thread per iteration', async () => {
  const facts = caseJson('composite-chunked-fs').runs['map-fail-0001'];
  const s = await start();
  const { stopped } = await launch(s, 'composite-chunked-fs', 'map-fail-0001');
  assert.equal(stopped.body.reason, 'exception');
  const threads = (await s.dc.threadsRequest()).body.threads;
  assert.deepEqual(threads.map((t) => t.name), ['pipeline map-fail-0001', 'score_all [1]', 'score_all [2]', 'score_all [3]']);
  assert.equal(stopped.body.threadId, threads.find((t) => t.name === 'score_all [2]')!.id);
  assert.equal(stopped.body.description, `Failed attempt: ${facts.first_failed_task.internal_name}`);
  const fr = await frames(s, stopped.body.threadId!);
  assert.deepEqual(fr.map((f) => f.name), ['score chunk · attempt 1 · FAIL', 'score chunk (task)', 'score_all [2]', 'score_all (map)', 'map_pipeline.main · map-fail-0001']);
  assert.equal(fr[0].source?.path, path.join(FIXTURES, 'composite-chunked-fs', facts.first_failed_task.file));
  assert.equal(fr[0].line, facts.first_failed_task.break_line);
  const info = await s.dc.exceptionInfoRequest({ threadId: stopped.body.threadId! });
  assert.match(info.body.description!, new RegExp(facts.first_failed_task.error));
  // another iteration's thread shows where that iteration stands
  const other = await frames(s, threads.find((t) => t.name === 'score_all [1]')!.id);
  assert.equal(other[2].name, 'score_all [1]');
  // Continue: no other failed attempt in the run → replay ends
  assert.equal(await stepAndWait(s, 'continue', 1), 'terminated');
  assert.match(s.output.join(''), /── score_all\.3\.score chunk · attempt 1 · SUCCESS/);
});

test('composite map: Step Over skips a composite, Step Into enters it, Step Out leaves it, Step Back returns to it', async () => {
  const s = await start();
  await launch(s, 'composite-chunked-fs', 'map-fail-0001', { failed: false, stopOnEntry: true });
  assert.equal(await top(s, 1), 'make_chunks');
  let ev = (await stepAndWait(s, 'next', 1)) as DebugProtocol.StoppedEvent;
  let fr = await frames(s, ev.body.threadId!);
  assert.equal(fr[0].name, 'score_all (map)');
  ev = (await stepAndWait(s, 'next', 1)) as DebugProtocol.StoppedEvent;
  fr = await frames(s, ev.body.threadId!);
  assert.equal(fr[0].name, 'fail · attempt 1 · SUCCESS', 'Step Over passes the whole map');
  ev = (await stepAndWait(s, 'stepBack', 1)) as DebugProtocol.StoppedEvent;
  assert.equal((await frames(s, ev.body.threadId!))[0].name, 'score_all (map)', 'Step Back returns to the map, not into it');
  ev = (await stepAndWait(s, 'stepIn', 1)) as DebugProtocol.StoppedEvent;
  fr = await frames(s, ev.body.threadId!);
  assert.deepEqual(fr.slice(0, 3).map((f) => f.name), ['score chunk · attempt 1 · SUCCESS', 'score chunk (task)', 'score_all [1]']);
  const order: string[] = [];
  for (let i = 0; i < 4; i++) {
    ev = (await stepAndWait(s, 'next', ev.body.threadId!)) as DebugProtocol.StoppedEvent;
    fr = await frames(s, ev.body.threadId!);
    order.push(`${fr[2].name}/${fr[1].name}`);
  }
  assert.deepEqual(order, ['score_all [1]/success (success)', 'score_all [2]/score chunk (task)', 'score_all [2]/fail (fail)', 'score_all [3]/score chunk (task)']);
  ev = (await stepAndWait(s, 'stepOut', ev.body.threadId!)) as DebugProtocol.StoppedEvent;
  assert.equal(ev.body.threadId, 1);
  assert.equal(await top(s, 1), 'fail');
});

test('composite parallel and conditional: branch threads and the failed branch step', async () => {
  const facts = caseJson('composite-chunked-fs').runs;
  const s = await start();
  const { stopped } = await launch(s, 'composite-chunked-fs', 'parallel-fail-0001');
  const threads = (await s.dc.threadsRequest()).body.threads.map((t) => t.name);
  assert.deepEqual(threads.slice(0, 1), ['pipeline parallel-fail-0001']);
  assert.deepEqual(threads.slice(1).sort(), ['prepare / features', 'prepare / schema']);
  assert.equal(stopped.body.description, `Failed attempt: ${facts['parallel-fail-0001'].first_failed_task.internal_name}`);
  const fr = await frames(s, stopped.body.threadId!);
  assert.equal(fr[2].name, 'prepare / schema');

  const s2 = await start();
  const c = await launch(s2, 'composite-chunked-fs', 'conditional-fail-0001');
  assert.equal(c.stopped.body.description, `Failed attempt: ${facts['conditional-fail-0001'].first_failed_task.internal_name}`);
  assert.deepEqual((await s2.dc.threadsRequest()).body.threads.map((t) => t.name), ['pipeline conditional-fail-0001', 'train / large']);
});

test('retried runs: every failed attempt stops in time order, retries included', async () => {
  const s = await start();
  const first = await launch(s, 'ml-file-system-retried', 'prod-failure-001');
  const stops = [first.stopped.body.threadId!];
  const names = [(await frames(s, 1))[0].name];
  let ev = await stepAndWait(s, 'continue', 1);
  while (ev !== 'terminated') {
    stops.push(ev.body.threadId!);
    names.push((await frames(s, ev.body.threadId!))[0].name);
    ev = await stepAndWait(s, 'continue', 1);
  }
  assert.deepEqual(names, ['deploy · attempt 1 · FAIL', 'deploy · attempt 2 (retry 2) · FAIL']);

  const s2 = await start();
  const m = await launch(s2, 'composite-chunked-fs-retried', 'map-fail-0001');
  assert.equal((await frames(s2, m.stopped.body.threadId!))[0].name, 'score chunk · attempt 1 · FAIL');
  const again = (await stepAndWait(s2, 'continue', 1)) as DebugProtocol.StoppedEvent;
  const fr = await frames(s2, again.body.threadId!);
  assert.deepEqual([fr[0].name, fr[2].name], ['score chunk · attempt 2 (retry 2) · FAIL', 'score_all [2]']);
});

test('yaml-etl: YAML breakpoints on a step stop there, shown on the YAML step; the python task frame shows its function', async () => {
  const cwd = path.join(FIXTURES, 'yaml-etl');
  const yaml = fs.readFileSync(path.join(cwd, 'pipeline.yaml'), 'utf8').split('\n');
  const transformLine = yaml.findIndex((l) => /^\s+transform:\s*$/.test(l)) + 1;
  const s = await start();
  const { stopped, bps } = await launch(s, 'yaml-etl', 'etl-usd-0100', { failed: false, breakpoints: [{ file: 'pipeline.yaml', lines: [transformLine + 1] }] });
  assert.deepEqual(bps.map((b) => b.verified), [true]);
  assert.equal(stopped.body.reason, 'breakpoint');
  const fr = await frames(s, 1);
  // The top frame is where the breakpoint is (the YAML step), the step's frame its Python function.
  assert.equal(fr[0].source?.path, path.join(cwd, 'pipeline.yaml'));
  assert.equal(fr[0].line, transformLine);
  assert.equal(fr[1].name, 'transform (task)');
  assert.equal(path.basename(fr[1].source!.path!), 'etl.py');
  assert.equal(fr[2].source?.path, path.join(cwd, 'pipeline.yaml'));

  const s2 = await start();
  const sh = await launch(s2, 'yaml-etl', 'shell-exit-3');
  assert.equal(sh.stopped.body.reason, 'exception');
  const f2 = await frames(s2, 1);
  assert.equal(f2[0].source?.path, path.join(cwd, 'shell_fail.yaml'));
  const shellYaml = fs.readFileSync(path.join(cwd, 'shell_fail.yaml'), 'utf8').split('\n');
  assert.match(shellYaml[f2[0].line - 1], /^\s+fetch:/);
});

test('an unknown run id fails the launch with a sentence naming the run', async () => {
  const s = await start();
  await assert.rejects(
    s.dc.launchRequest({ request: 'replay', runId: 'no-such-run', cwd: path.join(FIXTURES, 'ml-file-system') } as DebugProtocol.LaunchRequestArguments),
    /no-such-run/,
  );
});
