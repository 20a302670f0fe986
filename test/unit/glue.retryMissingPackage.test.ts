// Fast glue tier: Retry Locally when the plan says a package the steps to run need is missing (a notebook step ahead
// and no ploomber_engine, fixture notebook-steps recorded with real runnable). The pick comes before anything runs:
// Install (the default) opens the install in a terminal and starts nothing, Cancel starts nothing, Retry Anyway
// launches. Plain Node, the `vscode` fake, the real planner and the test interpreter.
import '../fakes/install';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fake, fakeDebug, workspace } from '../fakes/vscode';
import { preparationFor, runsOf } from '../fakes/retryGlue';
import { RetryConfigurationProvider } from '../../src/vscode/debug/configProvider';
import { SESSION_KEY } from '../../src/core/retry/launchArgs';
import { findModules } from '../../src/core/python/environment';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/runnable/notebook-steps');
const RUN_ID = 'notebook-steps-0001';
const PY = pythonEnv();

describe('glue: Retry Locally with a package missing for a step ahead', () => {
  let tmp = '';
  let hasPloomber = false;
  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glue-missing-'));
    fs.cpSync(FIXTURE, tmp, { recursive: true });
    hasPloomber = (await findModules(PY.python, PY.env, tmp, ['ploomber_engine'])).found.ploomber_engine;
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => { fake.reset(); fakeDebug.reset(); workspace.isTrusted = true; });

  async function resolveWith(answer: string | undefined, token: string) {
    fake.setFolders([tmp]);
    const { runs } = await runsOf(tmp);
    const installs: string[] = [];
    const checker = { facts: async () => ({}), ensureReady: async () => ({ ok: true }), install: (c: string) => installs.push(c) };
    const { preparation, sessions, log } = preparationFor(runs, checker);
    const picks: Array<Array<{ label: string; detail?: string }>> = [];
    fake.quickPickAnswer = (items) => {
      const rows = items as Array<{ label: string; detail?: string }>;
      picks.push(rows);
      return rows.find((r) => r.label === answer);
    };
    const provider = new RetryConfigurationProvider(preparation);
    const folder = fake.folders![0] as never;
    const config = { type: 'runnable', request: 'launch', name: 'Retry', runId: RUN_ID, cwd: tmp, python: PY.python, env: { ...(PY.env.PYTHONPATH ? { PYTHONPATH: PY.env.PYTHONPATH } : {}), FIXED: '1' }, [SESSION_KEY]: token };
    const resolved = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, provider.resolveDebugConfiguration(folder, config) as never);
    return { resolved, picks, installs, sessions, log };
  }

  it('Install (the highlighted row) runs the install command and starts nothing; Cancel starts nothing; the run log is untouched', async (t) => {
    if (hasPloomber) return t.skip('the test interpreter has ploomber_engine');
    const file = path.join(tmp, '.run_log_store', `${RUN_ID}.json`);
    const before = fs.readFileSync(file, 'utf8');
    const first = await resolveWith('Install ploomber-engine', 'tok-install');
    assert.equal(first.resolved, undefined);
    assert.deepEqual(first.picks[0].map((r) => r.label), ['Install ploomber-engine', 'Retry Anyway', 'Cancel']);
    // The title names the module and interpreter; the row says what happens without it (the full sentence is the cancel's, below).
    assert.match(first.picks[0][1].detail ?? '', /^report would fail with ModuleNotFoundError when reached/);
    assert.equal(first.installs.length, 1);
    assert.match(first.installs[0], /install .*ploomber-engine$/);
    assert.match(first.sessions.outcome('tok-install')?.blocked ?? '', /not started: installing ploomber-engine/);
    const cancel = await resolveWith('Cancel', 'tok-cancel');
    assert.equal(cancel.resolved, undefined);
    assert.deepEqual(cancel.installs, []);
    assert.match(cancel.sessions.outcome('tok-cancel')?.blocked ?? '', /cancelled: ploomber_engine is not importable/);
    const escape = await resolveWith(undefined, 'tok-escape');
    assert.equal(escape.resolved, undefined, 'Escape is Cancel');
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.equal(fakeDebug.launches.length, 0);
  });

  it('Retry Anyway: the launch with the retry variables, and no second toast for the same warning', async (t) => {
    if (hasPloomber) return t.skip('the test interpreter has ploomber_engine');
    const { resolved, installs } = await resolveWith('Retry Anyway', 'tok-anyway');
    assert.ok(resolved, 'a launch configuration');
    assert.equal(resolved.request, 'launch');
    assert.equal(resolved.python, PY.python);
    assert.equal((resolved.env as Record<string, string>).RUNNABLE_RETRY_RUN_ID, RUN_ID);
    assert.equal((resolved.env as Record<string, string>).RUNNABLE_RETRY_INDICATOR, '2');
    assert.deepEqual(installs, []);
    assert.ok(!fake.messages.some((m) => m.text.includes('ploomber_engine')), fake.messages.map((m) => m.text).join(' | '));
  });
});
