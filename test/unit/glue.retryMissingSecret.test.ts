// Fast glue tier: Retry Locally when a step the retry runs asks for a secret the retry's secrets service will not
// have (fixture never-called, nc-secret-0002, recorded with real runnable: runnable stops such a step before calling
// it). The pick comes before anything runs: Retry With… (the default) opens Retry With for the run and starts
// nothing, Cancel starts nothing, Retry Anyway launches. Plain Node, the `vscode` fake, the real planner.
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
import { Commands } from '../../src/core/commandIds';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/runnable/never-called');
const RUN_ID = 'nc-secret-0002';
const PY = pythonEnv();

describe('glue: Retry Locally with a secret missing for a step the retry runs', () => {
  let tmp = '';
  const saved = process.env.OTHER_SECRET;
  before(() => {
    delete process.env.OTHER_SECRET;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glue-secret-'));
    fs.cpSync(FIXTURE, tmp, { recursive: true });
  });
  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (saved !== undefined) process.env.OTHER_SECRET = saved;
  });
  beforeEach(() => { fake.reset(); fakeDebug.reset(); workspace.isTrusted = true; });

  async function resolveWith(answer: string | undefined, token: string) {
    fake.setFolders([tmp]);
    const { runs } = await runsOf(tmp);
    const checker = { facts: async () => ({}), ensureReady: async () => ({ ok: true }), install: () => undefined };
    const { preparation, sessions } = preparationFor(runs, checker);
    const picks: Array<{ title?: string; rows: Array<{ label: string; detail?: string }> }> = [];
    fake.quickPickAnswer = (items, options) => {
      const rows = items as Array<{ label: string; detail?: string }>;
      picks.push({ title: (options as { title?: string } | undefined)?.title, rows });
      return rows.find((r) => r.label === answer);
    };
    const provider = new RetryConfigurationProvider(preparation);
    const folder = fake.folders![0] as never;
    const config = { type: 'runnable', request: 'launch', name: 'Retry', runId: RUN_ID, cwd: tmp, python: PY.python, env: { ...(PY.env.PYTHONPATH ? { PYTHONPATH: PY.env.PYTHONPATH } : {}) }, [SESSION_KEY]: token };
    const resolved = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, provider.resolveDebugConfiguration(folder, config) as never);
    return { resolved, picks, sessions };
  }

  it('Retry With… (the highlighted row) opens Retry With for the run and starts nothing; Cancel and Escape start nothing', async () => {
    const file = path.join(tmp, '.run_log_store', `${RUN_ID}.json`);
    const before = fs.readFileSync(file, 'utf8');
    const first = await resolveWith('Retry With…', 'tok-with');
    assert.equal(first.resolved, undefined);
    assert.deepEqual(first.picks[0].rows.map((r) => r.label), ['Retry With…', 'Retry Anyway', 'Cancel']);
    assert.match(first.picks[0].title ?? '', /OTHER_SECRET not found by the retry's secrets service/);
    assert.match(first.picks[0].rows[1].detail ?? '', /^runnable stops s3 before calling it/);
    const opened = fake.commands.filter((c) => c.command === Commands.retryWith);
    assert.equal(opened.length, 1);
    assert.equal((opened[0].args[0] as { runId: string }).runId, RUN_ID);
    assert.match(first.sessions.outcome('tok-with')?.blocked ?? '', /not started: set OTHER_SECRET in Retry With/);
    const cancel = await resolveWith('Cancel', 'tok-cancel');
    assert.equal(cancel.resolved, undefined);
    assert.match(cancel.sessions.outcome('tok-cancel')?.blocked ?? '', /cancelled: The retry's secrets service will not have/);
    assert.equal((await resolveWith(undefined, 'tok-escape')).resolved, undefined, 'Escape is Cancel');
    assert.equal(fs.readFileSync(file, 'utf8'), before);
    assert.equal(fakeDebug.launches.length, 0);
  });

  it('Retry Anyway: the launch with the retry variables, and no toast repeating the warning', async () => {
    const { resolved } = await resolveWith('Retry Anyway', 'tok-anyway');
    assert.ok(resolved, 'a launch configuration');
    assert.equal((resolved.env as Record<string, string>).RUNNABLE_RETRY_RUN_ID, RUN_ID);
    assert.ok(!fake.messages.some((m) => m.text.includes('OTHER_SECRET')), fake.messages.map((m) => m.text).join(' | '));
  });
});
