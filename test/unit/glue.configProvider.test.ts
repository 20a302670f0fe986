// Fast glue tier: the `runnable` DebugConfigurationProvider's two phases under plain Node with the `vscode` fake.
// Phase one fills defaults (F5 with no launch.json, replay, debugpy's child attach); phase two hands a retry to the
// retry preparation and a `step` launch to the step preparation, and stops quietly when no run was picked.
import '../fakes/install';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Uri } from '../fakes/vscode';
import { initialConfiguration, RetryConfigurationProvider } from '../../src/vscode/debug/configProvider';
import { SESSION_KEY } from '../../src/core/retry/launchArgs';
import type { RetryPreparation } from '../../src/vscode/debug/retryPreparation';
import type { StepPreparation } from '../../src/vscode/debug/stepPreparation';
import { FailedRunPicker } from '../../src/vscode/commands/failedRunPicker';
import type { RunsService } from '../../src/vscode/services';

type Config = Record<string, unknown> & { type: string; request: string; name: string };
const folder = { uri: Uri.file('/work/project'), name: 'project', index: 0 } as never;

/** Preparations that record what they were handed and answer a recognisable launch. */
function recorders() {
  const calls: { who: 'retry' | 'step'; config: Config }[] = [];
  const retry = { toDebugpyLaunch: async (_f: unknown, config: Config) => { calls.push({ who: 'retry', config }); return { type: 'debugpy', from: 'retry' }; } };
  const step = { toDebugpyLaunch: async (_f: unknown, config: Config) => { calls.push({ who: 'step', config }); return { type: 'debugpy', from: 'step' }; } };
  return { calls, provider: new RetryConfigurationProvider(retry as unknown as RetryPreparation, step as unknown as StepPreparation) };
}

describe('glue: debug configuration provider', () => {
  it('F5 without launch.json becomes the pick-a-failed-run retry, in the folder, stopping at the failed step', () => {
    const { provider } = recorders();
    const c = provider.resolveDebugConfiguration(folder, { type: '', request: '', name: '' }) as Config;
    assert.equal(c.type, 'runnable');
    assert.equal(c.request, 'launch');
    assert.equal(c.runId, initialConfiguration.runId);
    assert.match(String(c.runId), /^\$\{command:runnable\.pickFailedRun\}$/);
    assert.equal(c.cwd, '/work/project');
    assert.equal(c.stopAtFailedStep, true);
    assert.equal(c.justMyCode, true);
    assert.equal(c.console, 'internalConsole');
  });

  it('keeps what launch.json says, and fills only what it leaves out', () => {
    const { provider } = recorders();
    const c = provider.resolveDebugConfiguration(folder, {
      type: 'runnable', request: 'launch', name: 'mine', runId: 'prod-failure-001', cwd: '/elsewhere', stopAtFailedStep: false, console: 'integratedTerminal',
    }) as Config;
    assert.deepEqual(
      { name: c.name, runId: c.runId, cwd: c.cwd, stop: c.stopAtFailedStep, console: c.console, justMyCode: c.justMyCode },
      { name: 'mine', runId: 'prod-failure-001', cwd: '/elsewhere', stop: false, console: 'integratedTerminal', justMyCode: true },
    );
  });

  it('a replay request becomes a launch marked replay; debugpy child sessions (attach) pass through untouched', () => {
    const { provider } = recorders();
    const r = provider.resolveDebugConfiguration(folder, { type: 'runnable', request: 'replay', name: '', runId: 'x' }) as Config;
    assert.deepEqual({ request: r.request, replay: r.replay, cwd: r.cwd }, { request: 'launch', replay: true, cwd: '/work/project' });
    const attach = { type: 'runnable', request: 'attach', name: 'child', subProcessId: 7 };
    assert.equal(provider.resolveDebugConfiguration(folder, attach), attach);
  });

  it('phase two: a retry goes to the retry preparation, a step launch to the step preparation, no run id stops quietly', async () => {
    const { provider, calls } = recorders();
    assert.equal(await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: undefined }), undefined);
    assert.equal(calls.length, 0, 'a cancelled pick prepares nothing');
    const retried = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: 'prod-failure-001' });
    assert.deepEqual(retried, { type: 'debugpy', from: 'retry' });
    const stepped = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: 'prod-failure-001', step: 'train_model' });
    assert.deepEqual(stepped, { type: 'debugpy', from: 'step' });
    assert.deepEqual(calls.map((c) => [c.who, c.config.runId]), [['retry', 'prod-failure-001'], ['step', 'prod-failure-001']]);
    // The configuration handed on is a copy when it carries no session token (VS Code's object is not mutated).
    const original = { type: 'runnable', request: 'launch', name: 'n', runId: 'r' };
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, original);
    assert.notEqual(calls.at(-1)!.config, original);
    const withToken = { type: 'runnable', request: 'launch', name: 'n', runId: 'r', [SESSION_KEY]: 'tok' };
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, withToken);
    assert.equal(calls.at(-1)!.config, withToken);
    // A replay with no run (its pick cancelled) stops; with one it is served by the replay adapter as it is.
    assert.equal(await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', replay: true, runId: null }), undefined);
    const replay = { type: 'runnable', request: 'launch', name: 'n', replay: true, runId: 'r' };
    assert.equal(await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, replay), replay);
  });

  it('phase two: a run id picked through ${command:runnable.pickFailedRun} gets the store it was picked from as storeId', async () => {
    const calls: { config: Config }[] = [];
    const retry = { toDebugpyLaunch: async (_f: unknown, config: Config) => { calls.push({ config }); return { type: 'debugpy' }; } };
    const runs = { pickRun: async () => ({ storeId: 'chunked-fs:/work/project/prod-run-logs', runId: 'nightly-train-0412' }) };
    const picker = new FailedRunPicker(runs as unknown as RunsService);
    const provider = new RetryConfigurationProvider(retry as unknown as RetryPreparation, undefined, undefined, picker);
    assert.equal(await picker.pick(), 'nightly-train-0412', 'the command variable is replaced by the run id');
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: 'nightly-train-0412' });
    assert.equal(calls.at(-1)!.config.storeId, 'chunked-fs:/work/project/prod-run-logs');
    // A store the configuration names itself wins; a run id that was not picked names none.
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: 'nightly-train-0412', storeId: 'mine' });
    assert.equal(calls.at(-1)!.config.storeId, 'mine');
    await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', runId: 'prod-failure-001' });
    assert.equal(calls.at(-1)!.config.storeId, undefined);
    // A replay of a picked run names the store too.
    const replay = await provider.resolveDebugConfigurationWithSubstitutedVariables(folder, { type: 'runnable', request: 'launch', name: 'n', replay: true, runId: 'nightly-train-0412' });
    assert.equal(replay?.storeId, 'chunked-fs:/work/project/prod-run-logs');
  });
});
