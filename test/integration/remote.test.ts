// Remote stores in a real VS Code against a real S3 endpoint (moto on 127.0.0.1, started and seeded by the test from
// test/fixtures/runnable/s3-minio): remote roots list the runs, a run expands to its failed step's inputs, Pull Run
// writes a sandbox in a temp folder that the Runs view lists, Retry locally (sandbox) stops in deploy_model, and a
// stopped endpoint becomes one error sentence on its root. examples/ is never written: configs live in a temp folder
// named by user settings (runnable.configFile) and through RunsService.addConfigFile.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import type { RetryCommandResult } from '../../src/vscode/commands/retryCommands';
import type { ExplorerNode } from '../../src/vscode/explorer/nodes';
import type { PullCommandResult } from '../../src/vscode/remote/pullRunCommand';
import type { Services } from '../../src/vscode/services';
import { FIXTURE, s3Client, seedFixture, startMoto, writeConfigs, type Moto } from '../helpers/moto';
import { acceptPicksUntil, getApi, log, repoRoot, testPython, waitUntil, withTimeout, workspaceRoot } from './helpers';

type Provider = vscode.TreeDataProvider<ExplorerNode> & { onDidChangeTreeData: vscode.Event<unknown> };

function labelOf(item: vscode.TreeItem): string {
  return typeof item.label === 'string' ? item.label : item.label?.label ?? '';
}

describe('Remote stores (moto)', function () {
  this.timeout(240_000);
  let api: Services;
  let provider: Provider;
  let moto: Moto | undefined;
  let tmp: string;
  let configs: { minio: string; chunked: string };
  let pyEnv: Record<string, string> = {};

  const children = async (node?: ExplorerNode) => (await provider.getChildren(node)) ?? [];
  const label = async (node: ExplorerNode) => labelOf(await provider.getTreeItem(node));
  const labels = async (node?: ExplorerNode) => Promise.all((await children(node)).map(label));
  async function child(parent: ExplorerNode | undefined, match: string | RegExp): Promise<ExplorerNode> {
    const found: string[] = [];
    for (const k of await children(parent)) {
      const l = await label(k);
      found.push(l);
      if (typeof match === 'string' ? l === match : match.test(l)) return k;
    }
    throw new Error(`no child ${String(match)} under ${parent ? await label(parent) : 'the root'}; children: ${found.join(' | ')}`);
  }
  /** Waits (on tree events) for a root whose label matches. */
  const root = (match: RegExp) => waitUntil(async () => {
    for (const k of await children()) if (match.test(await label(k))) return k;
    return undefined;
  }, { events: [provider.onDidChangeTreeData], ms: 60_000, what: `a root matching ${match}` });

  before(async () => {
    api = await getApi();
    assert.ok(api.explorer, 'the Runs view is exposed on Services');
    provider = api.explorer.provider as Provider;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-remote-'));
    moto = await startMoto();
    await seedFixture(s3Client(moto.endpoint));
    fs.mkdirSync(path.join(tmp, 'configs'));
    configs = await writeConfigs(path.join(tmp, 'configs'), moto.endpoint);
    log(`    moto at ${moto.endpoint}; configs in ${tmp}`);
    const python = testPython();
    try {
      execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' });
    } catch {
      pyEnv = { PYTHONPATH: path.join(repoRoot(), 'test', 'standin') };
    }
    const settings = vscode.workspace.getConfiguration('runnable');
    await settings.update('pythonPath', python, vscode.ConfigurationTarget.Global);
    // User settings only: the workspace's .vscode folder is never written.
    await settings.update('configFile', configs.minio, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await moto?.stop();
    // Configs and sandboxes go first: the settings change below rediscovers, and missing sandboxes are dropped.
    fs.rmSync(tmp, { recursive: true, force: true });
    const settings = vscode.workspace.getConfiguration('runnable');
    await settings.update('configFile', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
    api.runs.refresh();
    const left = (await api.runs.descriptors()).filter((d) => d.configFiles.some((f) => f.startsWith(tmp)));
    assert.deepStrictEqual(left.map((d) => d.label), [], 'no root of this suite is left for the next suites');
  });

  it('remote roots list the moto runs (.remote items); argo-train-7731 expands to deploy failed with its inputs', async () => {
    const minio = await root(/^prod-minio\.yaml · minio$/);
    assert.deepStrictEqual(await labels(minio), ['argo-train-7731']);
    api.runs.addConfigFile?.(configs.chunked);
    const chunked = await root(/^prod-chunked-minio\.yaml · chunked-minio$/);
    assert.deepStrictEqual(await labels(chunked), ['argo-train-7732']);
    // The workspace's own stores still list beside them.
    const local = await child(undefined, 'runnable-config.yaml · file-system');
    assert.ok((await labels(local)).includes('prod-failure-001'));

    // The row shows once the bucket is listed (status not read yet); its summary fills in with a redraw of the root.
    const run = await waitUntil(async () => {
      const r = await child(await root(/^prod-minio\.yaml · minio$/), 'argo-train-7731');
      return (await provider.getTreeItem(r)).contextValue === 'run.failed.remote' ? r : undefined;
    }, { events: [provider.onDidChangeTreeData], ms: 60_000, what: 'argo-train-7731 filled in as failed' });
    assert.strictEqual((await provider.getTreeItem(run)).contextValue, 'run.failed.remote');
    assert.strictEqual((await provider.getTreeItem(await child(local, 'prod-failure-001'))).contextValue, 'run.failed', 'local runs carry no .remote');
    assert.deepStrictEqual(await labels(run), ['load_data', 'train_model', 'deploy', 'fail']);
    const deploy = await child(run, 'deploy');
    assert.strictEqual((await provider.getTreeItem(deploy)).contextValue, 'step.task.failed');
    const attempt = await child(deploy, '#1 ✗ FAIL');
    const inputs = await child(attempt, 'Inputs');
    const values = await labels(inputs);
    log(`    inputs: ${values.join(' | ')}`);
    for (const v of ['endpoint = "churn-model"', 'score = 0.91']) assert.ok(values.includes(v), `inputs show ${v}: ${values.join(' | ')}`);
    assert.ok(values.some((v) => v.startsWith('model → model.dill')), `the pickled model input: ${values.join(' | ')}`);
  });

  it('Pull Run writes the sandbox in a temp folder, and the Sandbox root lists the run', async () => {
    const ref = { storeId: (await api.runs.descriptors()).find((d) => d.type === 'minio')!.id, runId: 'argo-train-7731' };
    const to = path.join(tmp, 'sandbox-pull');
    const result = await vscode.commands.executeCommand<PullCommandResult | undefined>(Commands.pullRun, ref, { to, quiet: true });
    assert.ok(result, 'the pull returns its result');
    assert.ok(result.fetched > 0, `objects fetched: ${result.fetched}`);
    assert.ok(fs.existsSync(path.join(to, 'sandbox.yaml')), 'the sandbox config is written');
    assert.ok(result.sandboxRef, 'the Runs view lists the sandbox store');
    const sandbox = await root(/^sandbox\.yaml · /);
    assert.deepStrictEqual(await labels(sandbox), ['argo-train-7731']);
    assert.strictEqual((await provider.getTreeItem(await child(sandbox, 'argo-train-7731'))).contextValue, 'run.failed', 'the sandbox copy is local');
    // Pulling again fetches nothing new.
    const again = await vscode.commands.executeCommand<PullCommandResult | undefined>(Commands.pullRun, ref, { to, quiet: true });
    assert.strictEqual(again?.fetched, 0);
  });

  it('Retry locally on the remote run (default choice: sandbox) stops in deploy_model with endpoint = churn-model; moto is not written', async () => {
    const ref = { storeId: (await api.runs.descriptors()).find((d) => d.type === 'minio')!.id, runId: 'argo-train-7731' };
    // The pipeline's code: the fixture's, in a temp folder (the retry runs from there).
    const code = path.join(tmp, 'code');
    fs.mkdirSync(code);
    for (const f of ['functions.py', 'pipeline.py', 'parameters.yaml']) fs.copyFileSync(path.join(FIXTURE, f), path.join(code, f));
    const sandboxDir = path.join(tmp, 'sandbox-retry');
    const stops: { session: vscode.DebugSession; threadId: number }[] = [];
    let wake: (() => void) | undefined;
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.type === 'runnable' && !s.parentSession) { sub.dispose(); resolve(); } });
    });
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { threadId: number } }) => {
          if (m.type === 'event' && m.event === 'stopped' && m.body) { stops.push({ session, threadId: m.body.threadId }); wake?.(); }
        },
      }),
    });
    try {
      // No remoteTarget: the choice is shown; Enter takes its default, "Retry in sandbox" (answered as a user would,
      // repeated until the pick closes since Enter before it opens does nothing). Only the sandbox folder is given.
      let result: RetryCommandResult | undefined;
      let done = false;
      void Promise.resolve(vscode.commands.executeCommand<RetryCommandResult | undefined>(Commands.retryLocally, { ref }, {
        sandbox: sandboxDir, cwd: code, env: { ...pyEnv },
      })).then((r) => { result = r; done = true; }, () => { done = true; });
      await acceptPicksUntil(() => done || fs.existsSync(path.join(sandboxDir, 'sandbox.yaml')), 'the retry target pick to be answered');
      await waitUntil(() => done, { ms: 90_000, what: 'the retry command to return' });
      assert.ok(result, 'the retry returns its outcome');
      assert.strictEqual(result.blocked, undefined, `not blocked: ${result.blocked}`);
      assert.strictEqual(result.started, true);
      assert.deepStrictEqual(result.plan?.skipped, ['load_data', 'train_model']);
      await withTimeout(new Promise<void>((r) => { if (stops.length) r(); else wake = r; }), 90_000, 'the debugger to stop in the failed step');
      const stop = stops[0];
      const st = await stop.session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 });
      const frame = st.stackFrames[0] as { id: number; name: string; line: number; source?: { path?: string } };
      log(`    stopped at ${frame.name} ${frame.source?.path}:${frame.line}`);
      assert.strictEqual(frame.name, 'deploy_model');
      assert.strictEqual(frame.line, 16);
      const { scopes } = await stop.session.customRequest('scopes', { frameId: frame.id });
      const scope = scopes.find((s: { name: string }) => /^locals$/i.test(s.name));
      const { variables } = await stop.session.customRequest('variables', { variablesReference: scope.variablesReference });
      const vars = Object.fromEntries(variables.map((v: { name: string; value: string }) => [v.name, v.value])) as Record<string, string>;
      assert.strictEqual(vars.endpoint, "'churn-model'");
      assert.strictEqual(stop.session.configuration.configFile, path.join(sandboxDir, 'sandbox.yaml'), 'the retry uses the sandbox config');
      await vscode.debug.stopDebugging(stop.session);
      await withTimeout(ended, 60_000, 'the session to end');
      // Production (moto) keeps one attempt for deploy: the retry wrote only into the sandbox.
      const prod = await api.runs.store(ref.storeId)!.getRun('argo-train-7731');
      assert.strictEqual(prod.steps.find((s) => s.name === 'deploy')?.attempts.length, 1);
    } finally {
      tracker.dispose();
    }
  });

  /** The pipeline's code (the fixture's) in a temp folder: retries and copied commands run from there. */
  const codeDir = (): string => {
    const code = path.join(tmp, 'code');
    if (!fs.existsSync(code)) {
      fs.mkdirSync(code);
      for (const f of ['functions.py', 'pipeline.py', 'parameters.yaml']) fs.copyFileSync(path.join(FIXTURE, f), path.join(code, f));
    }
    return code;
  };
  const minioRef = async () => ({ storeId: (await api.runs.descriptors()).find((d) => d.type === 'minio')!.id, runId: 'argo-train-7731' });
  const deployAttempts = async (storeId: string) => (await api.runs.store(storeId)!.getRun('argo-train-7731')).steps.find((s) => s.name === 'deploy')?.attempts.length;
  /** Files under the workspace's default sandbox that belong to argo-train-7731 (a pull would put them there). */
  const pulledIntoWorkspace = (): string[] => {
    const dir = path.join(workspaceRoot(), '.runnable-sandbox');
    if (!fs.existsSync(dir)) return [];
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.includes('argo-train-7731'));
  };
  const sandboxConfigs = async () => (await api.runs.descriptors()).flatMap((d) => d.configFiles).filter((f) => path.basename(f) === 'sandbox.yaml').sort();

  it('Retry locally against the original store: the confirmation answered, the session runs with RUNNABLE_RETRY_RUN_ID and the minio config, nothing pulled', async () => {
    const ref = await minioRef();
    const code = codeDir();
    const sandboxesBefore = await sandboxConfigs();
    const pulledBefore = pulledIntoWorkspace();
    const started: vscode.DebugSession[] = [];
    const output: string[] = [];
    const startSub = vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'runnable' && !s.parentSession) started.push(s); });
    const ended = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.type === 'runnable' && !s.parentSession) { sub.dispose(); resolve(); } });
    });
    const stopped: string[] = [];
    const tracker = vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { threadId?: number; output?: string; category?: string; reason?: string } }) => {
          if (m.type !== 'event') return;
          if (m.event === 'output' && m.body?.output && m.body.category !== 'telemetry') output.push(m.body.output);
          if (m.event === 'stopped' && m.body?.threadId !== undefined) {
            // Whatever stops it (the real runnable in deploy_model, the stand-in's exit as an exception): run on.
            stopped.push(m.body.reason ?? '');
            void session.customRequest('continue', { threadId: m.body.threadId }).then(undefined, () => undefined);
          }
        },
      }),
    });
    try {
      // No remoteTarget: both picks are answered as a user would: the target pick (second item, "Retry against the
      // original store"), then the confirmation (second item, "Retry Against Original Store"; Cancel is its default).
      // selectNext and accept are sent back to back, so a pick that opens in between cannot get a bare accept.
      let result: RetryCommandResult | undefined;
      let done = false;
      void Promise.resolve(vscode.commands.executeCommand<RetryCommandResult | undefined>(Commands.retryLocally, { ref }, {
        cwd: code, env: { ...pyEnv },
      })).then((r) => { result = r; done = true; }, () => { done = true; });
      let busy = false;
      await waitUntil(async () => {
        if (done || started.length) return true;
        if (busy) return false;
        busy = true;
        try {
          await Promise.all([
            vscode.commands.executeCommand('workbench.action.quickOpenSelectNext'),
            vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'),
          ]);
        } finally { busy = false; }
        return false;
      }, { ms: 90_000, what: 'the target pick and the confirmation to be answered' });
      await waitUntil(() => done, { ms: 90_000, what: 'the retry command to return' });
      assert.ok(result, 'the retry returns its outcome (not cancelled)');
      assert.strictEqual(result.blocked, undefined, `not blocked: ${result.blocked}`);
      assert.strictEqual(result.started, true);
      assert.deepStrictEqual(result.plan?.skipped, ['load_data', 'train_model']);
      assert.strictEqual(started.length, 1, 'one retry session');
      const conf = started[0].configuration;
      log(`    session: configFile ${conf.configFile}; env ${Object.keys(conf.env ?? {}).sort().join(', ')}`);
      assert.strictEqual(conf.env?.RUNNABLE_RETRY_RUN_ID, 'argo-train-7731');
      assert.strictEqual(conf.env?.RUNNABLE_RETRY_INDICATOR, '2');
      assert.strictEqual(conf.configFile, configs.minio, 'the original store\'s config, not the sandbox');
      assert.strictEqual(conf.env?.RUNNABLE_CONFIGURATION_FILE, configs.minio);
      assert.strictEqual(conf.storeId, ref.storeId);
      await withTimeout(ended, 90_000, 'the retry session to end');
      const text = output.join('');
      log(`    debuggee said: ${text.trim().split('\n').slice(-2).join(' / ')} (stops: ${stopped.join(', ') || 'none'})`);
      // Nothing was pulled: no sandbox config appeared and the workspace's default sandbox holds nothing of the run.
      assert.deepStrictEqual(await sandboxConfigs(), sandboxesBefore, 'no new sandbox');
      assert.deepStrictEqual(pulledIntoWorkspace(), pulledBefore, 'nothing of argo-train-7731 pulled into .runnable-sandbox');
      if (pyEnv.PYTHONPATH) {
        // The stand-in reads file-system / chunked-fs stores only: with the minio config it looks for the run in its
        // default local folder and stops there, so it cannot append to moto. Its message names the run: the retry
        // variables reached the debuggee. Production keeps its single deploy attempt.
        assert.match(text, /Original run log not found: \S*argo-train-7731/);
        assert.strictEqual(await deployAttempts(ref.storeId), 1);
      } else {
        // The real runnable retries against moto: deploy gains the new attempt in the original store.
        api.runs.refresh();
        assert.strictEqual(await deployAttempts(ref.storeId), 2);
      }
    } finally {
      tracker.dispose();
      startSub.dispose();
    }
  });

  it('Copy Retry Command on the remote run: the sandbox (default) pulls first and its command retries there; the original store\'s command keeps the minio config and no secret', async () => {
    const ref = await minioRef();
    const code = codeDir();
    const sandboxDir = path.join(tmp, 'sandbox-copy');
    // With the real runnable the previous test's retry appended deploy's attempt 2 to moto (the stand-in cannot):
    // the next indicator, and what "production untouched" means, follow what the store holds now.
    const productionAttempts = (await deployAttempts(ref.storeId))!;
    const next = String(productionAttempts + 1);
    // Sandbox: the pick answered with Enter (its default), repeated until the pick closes.
    let text: string | undefined;
    let done = false;
    void Promise.resolve(vscode.commands.executeCommand<string | undefined>(Commands.copyRetryCommand, { ref }, { sandbox: sandboxDir, cwd: code }))
      .then((t) => { text = t; done = true; }, () => { done = true; });
    await acceptPicksUntil(() => done || fs.existsSync(path.join(sandboxDir, 'sandbox.yaml')), 'the copy target pick to be answered');
    await waitUntil(() => done, { ms: 90_000, what: 'the copy command to return' });
    log(`    sandbox command:\n${text}`);
    assert.ok(text, 'the command is copied');
    assert.strictEqual(await vscode.env.clipboard.readText(), text, 'the clipboard holds it');
    const sandboxConfig = path.join(sandboxDir, 'sandbox.yaml');
    assert.ok(fs.existsSync(path.join(sandboxDir, '.run_log_store', 'argo-train-7731.json')), 'the run was pulled into the sandbox');
    assert.match(text, new RegExp(`^# Retries argo-train-7731 in the local sandbox ${sandboxDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
    assert.ok(text.includes(`RUNNABLE_CONFIGURATION_FILE=${sandboxConfig} `), 'the command reads the sandbox config');
    assert.ok(!text.includes(configs.minio), 'the production config is not named');
    assert.ok(text.includes(`RUNNABLE_RETRY_RUN_ID=argo-train-7731 RUNNABLE_RETRY_INDICATOR=${next} `), `indicator ${next}`);
    // Run the copied text as a user would paste it (the stand-in when runnable is not importable): the new attempt
    // lands in the sandbox, production keeps one deploy attempt.
    const out = execFileSync('sh', ['-c', text], { env: { ...process.env, ...pyEnv, DEPLOY_URL: 'http://deploy.test' }, encoding: 'utf8' });
    log(`    its output ends: ${out.trim().split('\n').slice(-1)[0]}`);
    assert.ok(fs.readFileSync(path.join(sandboxDir, '.run_log_store', 'argo-train-7731.json'), 'utf8').includes(`"retry_indicator": "${next}"`));
    assert.strictEqual(await deployAttempts(ref.storeId), productionAttempts, 'production untouched');

    // Original store: chosen up front (copying writes nothing, so no confirmation); a credential-named variable is
    // withheld by name, its value never copied.
    const secret = 'Sup3rSecretValue-copy-test';
    const original = await vscode.commands.executeCommand<string | undefined>(Commands.copyRetryCommand, { ref }, {
      remoteTarget: 'original', cwd: code, variables: { minio_secret_key: secret, bucket_note: 'run-logs' },
    });
    log(`    original-store command:\n${original}`);
    assert.ok(original, 'the command is copied');
    assert.ok(!original.includes(secret), 'no credential value in the copied text');
    assert.match(original, /^# Retries argo-train-7731 against the original store prod-minio\.yaml · minio: runnable appends/);
    assert.match(original, /AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY/);
    assert.match(original, /# Not copied because they hold credentials: set RUNNABLE_VAR_minio_secret_key in your environment first\./);
    assert.ok(original.includes(`RUNNABLE_CONFIGURATION_FILE=${configs.minio} `), 'the command reads the original config');
    assert.ok(original.includes('RUNNABLE_VAR_bucket_note=run-logs'), 'other variables are copied');
    assert.ok(!original.includes('sandbox.yaml'), 'no sandbox config in the original store\'s command');
  });

  it('a stopped endpoint turns its root into one error sentence; the other roots still list', async () => {
    await moto!.stop();
    moto = undefined;
    api.runs.refresh();
    const minio = await root(/^prod-minio\.yaml · minio$/);
    const kids = await children(minio);
    assert.strictEqual(kids.length, 1, `one item: ${(await Promise.all(kids.map(label))).join(' | ')}`);
    const item = await provider.getTreeItem(kids[0]);
    log(`    stopped endpoint: ${labelOf(item)}`);
    assert.strictEqual(item.contextValue, 'error');
    assert.match(labelOf(item), /127\.0\.0\.1/, 'names the endpoint');
    assert.match(labelOf(item), /\. /, 'a sentence');
    const local = await child(undefined, 'runnable-config.yaml · file-system');
    assert.ok((await labels(local)).includes('prod-failure-001'));
    const sandbox = await root(/^sandbox\.yaml · /);
    assert.ok((await labels(sandbox)).includes('argo-train-7731'));
  });
});
