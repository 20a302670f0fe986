// Fast glue tier: the second resolve phase of a `runnable` retry (RetryPreparation behind the configuration provider)
// under plain Node with the `vscode` fake, over real fixture stores. Beyond glue.configProvider.test.ts: the store
// picked through `${command:runnable.pickFailedRun}` is the one the run is read from; a run no store has and
// attributes of the wrong type each end in one sentence (and a recorded refusal), with nothing launched.
import '../fakes/install';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fake, fakeDebug, workspace } from '../fakes/vscode';
import { preparationFor, runsOf } from '../fakes/retryGlue';
import type { RetryPreparation } from '../../src/vscode/debug/retryPreparation';
import { RetryConfigurationProvider } from '../../src/vscode/debug/configProvider';
import { FailedRunPicker } from '../../src/vscode/commands/failedRunPicker';
import { SESSION_KEY } from '../../src/core/retry/launchArgs';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/runnable/ml-file-system');
const RUN_ID = 'prod-failure-001';

// The interpreter checks are not under test here: a refusal comes before them.
const NOT_UNDER_TEST = { facts: async () => ({}), ensureReady: async () => ({ ok: false, problem: 'not under test' }) } as never;

describe('glue: retry resolver (second phase)', () => {
  let tmp = '';
  before(() => {
    // Two stores holding the same run id (a copy of the fixture's run): only the launch's storeId tells them apart.
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'glue-resolver-'));
    for (const name of ['a', 'b']) {
      fs.cpSync(path.join(FIXTURE, '.run_log_store'), path.join(tmp, `${name}-logs`), { recursive: true });
      fs.writeFileSync(path.join(tmp, `${name}.yaml`), `run-log-store:\n  type: file-system\n  config:\n    log_folder: ${name}-logs\n`);
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  beforeEach(() => { fake.reset(); fakeDebug.reset(); workspace.isTrusted = true; });

  it('a run id picked through ${command:runnable.pickFailedRun} is read from the store it was picked from, once', async () => {
    fake.setFolders([tmp]);
    const folder = fake.folders![0] as never;
    const probe = await runsOf(tmp);
    const b = probe.registry.discovery.stores.find((d) => d.configFiles.includes(path.join(tmp, 'b.yaml')))!;
    assert.ok(b, 'discovery finds b.yaml\'s store');
    const { runs, reads } = await runsOf(tmp, { storeId: b.id, runId: RUN_ID });
    const { preparation } = preparationFor(runs, NOT_UNDER_TEST);
    const located: Awaited<ReturnType<RetryPreparation['locate']>>[] = [];
    // The provider hands the substituted configuration to the preparation; here it only locates the run.
    const recording = { toDebugpyLaunch: async (f: never, config: Record<string, unknown>) => {
      const args = preparation.parseArgs(config as never);
      assert.equal(typeof args, 'object', String(args));
      located.push(await preparation.locate(args as never, f));
      return undefined;
    } };
    const picker = new FailedRunPicker(runs);
    const provider = new RetryConfigurationProvider(recording as unknown as RetryPreparation, undefined, undefined, picker);
    const runId = await picker.pick();
    const base = provider.resolveDebugConfiguration(folder, { type: 'runnable', request: 'launch', name: 'F5', runId: runId! });
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, base as never);
    const l = located[0];
    assert.equal(l.store?.descriptor.id, b.id, 'read from the picked store, not the first that has the run');
    assert.ok(l.found && 'run' in l.found && l.found.run.runId === RUN_ID);
    assert.equal(l.configFile, path.join(tmp, 'b.yaml'), 'the config that reads the run there');
    assert.equal(l.cwd, tmp);
    assert.deepEqual(reads, [`${b.id} ${RUN_ID}`], 'the run is read once, through the model');
  });

  it('a run no store of the view has: one sentence naming the stores looked in; nothing launched, the refusal recorded', async () => {
    fake.setFolders([FIXTURE]);
    const { runs } = await runsOf(FIXTURE);
    const { preparation, sessions } = preparationFor(runs, NOT_UNDER_TEST);
    const provider = new RetryConfigurationProvider(preparation);
    const config = { type: 'runnable', request: 'launch', name: 'Retry', runId: 'no-such-run-42', python: 'python3', [SESSION_KEY]: 'tok-missing' };
    const folder = fake.folders![0] as never;
    const resolved = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, provider.resolveDebugConfiguration(folder, config) as never);
    assert.equal(resolved, undefined);
    const errors = fake.messages.filter((m) => m.level === 'error').map((m) => m.text);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /^Run no-such-run-42 cannot be retried: Run no-such-run-42 is not in any run log store this workspace's configs name \(looked in: [^)]*file-system[^)]*\)\. Pick the config whose store holds it/);
    assert.equal(sessions.outcome('tok-missing')?.blocked, errors[0]);
    assert.equal(fakeDebug.launches.length, 0);
  });

  it('attributes of the wrong type, and an untrusted workspace, are refused with a sentence before anything is read', async () => {
    fake.setFolders([FIXTURE]);
    const { runs, reads } = await runsOf(FIXTURE);
    const { preparation, sessions } = preparationFor(runs, NOT_UNDER_TEST);
    const provider = new RetryConfigurationProvider(preparation);
    const folder = fake.folders![0] as never;
    const bad = { type: 'runnable', request: 'launch', name: 'Mine', runId: RUN_ID, stopAtFailedStep: 'yes', [SESSION_KEY]: 'tok-bad' };
    assert.equal(await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, bad), undefined);
    const [sentence] = fake.messages.map((m) => m.text);
    assert.match(sentence, /^The runnable launch configuration "Mine" is not valid: /);
    assert.match(sentence, /`stopAtFailedStep`: Expected boolean, received string\.$/);
    assert.doesNotMatch(sentence, /\n/, 'one sentence, not a dump');
    assert.equal(sessions.outcome('tok-bad')?.blocked, sentence);

    fake.messages.length = 0;
    workspace.isTrusted = false;
    assert.equal(await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: RUN_ID, [SESSION_KEY]: 'tok-untrusted' }), undefined);
    assert.match(fake.messages[0].text, /disabled in an untrusted workspace\. Trust this workspace/);
    assert.deepEqual(reads, [], 'no run was read for a refused launch');
  });
});
