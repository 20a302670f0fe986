// The built CLI (dist/cli.js, as `runnable-runs` runs it), spawned: list/show JSON shapes over the fixtures and
// examples, human output, templating via --var, and exit code 2 with one stderr line for bad input.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { treeSnapshot } from '../helpers/treeSnapshot';

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function cli(args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('RUNNABLE_')));
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...clean, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json<T>(args: string[], env?: Record<string, string>): T {
  const r = cli([...args, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

interface ListEntry { runId: string; status: string; tag: string; startTime: string | null; endTime: string | null; kind: string; store: { type: string; location: string }; error?: string }
interface StepJson { internalName: string; name: string; type: string; status: string; attempts: AttemptJson[]; branches: { internalName: string; status: string; steps: StepJson[] }[] }
interface AttemptJson { number: number; status: string; retryIndicator: string; startTime: string; endTime: string; message: string; inputs: Record<string, { kind: string; value: unknown }>; outputs: Record<string, unknown>; metrics: Record<string, unknown> }
interface ShowJson { runId: string; status: string; tag: string; dagHash: string; executionMode: string; definitionFile: string; steps: StepJson[]; firstFailedTask: { internalName: string; command: string; commandType: string } | null; nextRetryIndicator: string }

before(() => assert.ok(fs.existsSync(CLI), `${CLI} missing: run \`npm run build\` first`));

describe('runnable-runs list', () => {
  it('--json over examples/: every run of the three stores, newest first, in the contract shape', () => {
    const list = json<ListEntry[]>(['list', '--cwd', 'examples']);
    assert.equal(list.length, 8);
    for (const e of list) {
      assert.deepEqual(Object.keys(e).sort(), ['endTime', 'kind', 'runId', 'startTime', 'status', 'store', 'tag']);
      assert.deepEqual(Object.keys(e.store).sort(), ['location', 'type']);
    }
    const starts = list.map((e) => e.startTime!);
    assert.deepEqual(starts, [...starts].sort().reverse());
    assert.deepEqual(new Set(list.map((e) => `${e.store.type} ${path.relative(path.join(ROOT, 'examples'), e.store.location)}`)),
      new Set(['file-system .run_log_store', 'chunked-fs composite-run-logs', 'chunked-fs prod-run-logs']));
    assert.equal(list.find((e) => e.runId === 'backfill-job-0007')?.kind, 'job');
    assert.equal(list.find((e) => e.runId === 'etl-usd-0100')?.tag, 'nightly');
  });

  it('--config narrows to that config\'s store; --cwd resolves its paths', () => {
    const list = json<ListEntry[]>(['list', '--cwd', 'examples', '--config', 'configs/prod-chunked.yaml']);
    assert.deepEqual(list.map((e) => [e.runId, e.status, e.store.type]), [['nightly-train-0412', 'FAIL', 'chunked-fs']]);
  });

  it('--config on a folder holding both layouts lists and shows only the runs that config reads (mixed-configs)', () => {
    const cwd = path.join(FIXTURES, 'mixed-configs');
    const chunked = json<ListEntry[]>(['list', '--cwd', cwd, '--config', 'configs/chunked.yaml']);
    assert.deepEqual(chunked.map((e) => [e.runId, e.store.type]), [['mixed-chunked-0001', 'chunked-fs']]);
    const local = json<ListEntry[]>(['list', '--cwd', cwd, '--config', 'configs/local.yaml']);
    assert.deepEqual(local.map((e) => e.runId).sort(), ['mixed-default-0001', 'mixed-local-0001']);
    assert.equal(json<ListEntry[]>(['list', '--cwd', cwd]).length, 3);
    // runnable with configs/chunked.yaml says "Original run log not found" for a <id>.json run: so does show.
    const r = cli(['show', 'mixed-local-0001', '--cwd', cwd, '--config', 'configs/chunked.yaml']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mixed-local-0001 is a file-system run in .*, which configs\/chunked\.yaml does not read/);
    assert.equal(cli(['show', 'mixed-chunked-0001', '--cwd', cwd, '--config', 'configs/chunked.yaml']).code, 0);
  });

  it('RUNNABLE_CONFIGURATION_FILE in the environment picks the config, as runnable does', () => {
    const list = json<ListEntry[]>(['list', '--cwd', path.join(FIXTURES, 'ml-chunked-fs')], { RUNNABLE_CONFIGURATION_FILE: 'chunked.yaml' });
    assert.deepEqual(list.map((e) => e.runId), ['nightly-train-0412']);
  });

  it('--var fills ${name} in the config like RUNNABLE_VAR_name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-cli-'));
    temps.push(dir);
    fs.cpSync(path.join(FIXTURES, 'yaml-etl/.run_log_store'), path.join(dir, 'logs-prod'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'runnable-config.yaml'), 'run-log-store:\n  type: file-system\n  config:\n    log_folder: logs-${env}\n');
    assert.deepEqual(json<ListEntry[]>(['list', '--cwd', dir, '--var', 'env=prod']).map((e) => e.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
    assert.deepEqual(json<ListEntry[]>(['list', '--cwd', dir], { RUNNABLE_VAR_env: 'prod' }).map((e) => e.runId).sort(), ['etl-usd-0100', 'shell-exit-3']);
    assert.deepEqual(json<ListEntry[]>(['list', '--cwd', dir, '--var', 'env=dev']), []);
  });

  it('an empty store only Argo configs name says its runs are on the cluster (runnable\'s examples/configs/argo-config.yaml); others say "No runs yet"', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-cli-'));
    temps.push(dir);
    // runnable's own example, as shipped (a597927): argo executor, chunked-fs at /mnt/run_log_store on the pvc.
    const argo = 'pipeline-executor:\n  type: "argo"\n  config:\n    pvc_for_runnable: runnable\n    defaults:\n      image: $docker_image\n\nrun-log-store:\n  type: chunked-fs\n  config:\n    log_folder: /mnt/run_log_store\n';
    fs.writeFileSync(path.join(dir, 'argo-config.yaml'), argo);
    fs.writeFileSync(path.join(dir, 'local.yaml'), 'run-log-store:\n  type: chunked-fs\n  config:\n    log_folder: runs\n');
    const r = cli(['list', '--cwd', dir, '--config', 'argo-config.yaml']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'No runs here: argo-config.yaml runs pipelines on Argo, which writes their run logs to /mnt/run_log_store inside the cluster (volume runnable); runnable only writes argo-pipeline.yaml on this machine. Copy that folder here and point a local config at it to see and retry those runs.');
    assert.equal(cli(['list', '--cwd', dir, '--config', 'local.yaml']).stdout.trim(), `No runs yet in ${path.join(dir, 'runs')}.`);
    // the same folder named by a local config too: runs made here would land in it
    fs.writeFileSync(path.join(dir, 'local.yaml'), 'run-log-store:\n  type: chunked-fs\n  config:\n    log_folder: /mnt/run_log_store\n');
    assert.equal(cli(['list', '--cwd', dir]).stdout.trim(), 'No runs yet in /mnt/run_log_store.');
  });

  it('control sequences from a run log never reach the terminal; --json keeps the exact values', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-cli-'));
    temps.push(dir);
    fs.cpSync(path.join(FIXTURES, 'ml-file-system'), dir, { recursive: true });
    const file = path.join(dir, '.run_log_store/prod-failure-001.json');
    const log = JSON.parse(fs.readFileSync(file, 'utf8'));
    const tag = 'nightly\u001b]0;PWNED\u0007\u009b2J';
    log.tag = tag;
    log.steps.deploy.attempts[0].message = 'boom\u001b[8mhidden\u001b[0m\r';
    fs.writeFileSync(file, JSON.stringify(log));
    for (const args of [['list', '--cwd', dir], ['show', 'prod-failure-001', '--cwd', dir]]) {
      const r = cli(args);
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/, args.join(' '));
      assert.match(r.stdout, /nightly\\u001b\]0;PWNED\\u0007\\u009b2J/, `${args[0]} shows the bytes as text`);
    }
    const listed = json<ListEntry[]>(['list', '--cwd', dir]);
    assert.equal(listed[0].tag, tag);
    const r = cli(['list', '--cwd', dir, '--json']);
    assert.doesNotMatch(r.stdout, /[\u007f-\u009f\u001b]/);
    const shown = json<ShowJson>(['show', 'prod-failure-001', '--cwd', dir]);
    assert.equal(shown.steps.find((st) => st.internalName === 'deploy')!.attempts[0].message, 'boom\u001b[8mhidden\u001b[0m\r');
  });

  it('a bad run lists with `error`, the others still list (exit 0)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-cli-'));
    temps.push(dir);
    fs.cpSync(path.join(FIXTURES, 'yaml-etl'), dir, { recursive: true });
    fs.writeFileSync(path.join(dir, '.run_log_store/broken.json'), '[]');
    const list = json<ListEntry[]>(['list', '--cwd', dir]);
    assert.equal(list.length, 3);
    assert.match(list.find((e) => e.runId === 'broken')?.error ?? '', /broken\.json/);
    assert.equal(list.filter((e) => e.error).length, 1);
  });

  it('without --json prints a table: status, run id, tag, started, duration, failed step', () => {
    const r = cli(['list', '--cwd', path.join(FIXTURES, 'composite-chunked-fs')]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^STATUS\s+RUN ID\s+TAG\s+STARTED\s+DURATION\s+FAILED STEP/);
    const map = lines.find((l) => l.includes('map-fail-0001'))!;
    assert.match(map, /^FAIL\s+map-fail-0001\s+2026-11-24 22:26:20\s+\d+ ms\s+score_all\.2\.score chunk$/);
  });

  it('without --json, one line per failed run below the table: its first failed step and the error it raised (as the Runs view)', () => {
    const r = cli(['list', '--cwd', path.join(FIXTURES, 'composite-chunked-fs')]);
    assert.equal(r.code, 0, r.stderr);
    const causes = r.stdout.trim().split('\n').slice(r.stdout.trim().split('\n').indexOf('') + 1);
    assert.deepEqual(causes, [
      'Why they failed (the error each first failed step raised):',
      '  conditional-fail-0001  train.large.train large: MemoryError: large model does not fit',
      '  parallel-fail-0001  prepare.schema.validate: KeyError: "column \'customer_id\' missing"',
      '  map-fail-0001  score_all.2.score chunk: ValueError: chunk 2 is above threshold 0.5',
    ]);
    // a job's cause comes from its own log; a store without failed runs prints no such section
    assert.match(cli(['list', '--cwd', path.join(FIXTURES, 'job')]).stdout, /\n {2}backfill-job-0007 {2}job: TimeoutError: warehouse timed out after 7 days of backfill$/m);
    assert.doesNotMatch(cli(['list', '--cwd', path.join(FIXTURES, 'ml-file-system-retried')]).stdout, /Why they failed/);
  });
});

describe('runnable-runs show', () => {
  const keys = (o: object): string[] => Object.keys(o).sort();

  it('names the executor the run recorded; a mocked run says its tasks may not have run (fixture mocked-run)', () => {
    const cwd = path.join(FIXTURES, 'mocked-run');
    assert.match(cli(['show', 'mocked-0001', '--cwd', cwd]).stdout, /^Executor {3}mocked \(a task its config did not patch was marked SUCCESS without running\)$/m);
    assert.equal(json<{ executor?: string }>(['show', 'mocked-0001', '--cwd', cwd]).executor, 'mocked');
    assert.match(cli(['show', 'map-fail-0001', '--cwd', path.join(FIXTURES, 'composite-chunked-fs')]).stdout, /^Executor {3}local$/m);
    // An AsyncPipeline run as a script records no definition: said, not a blank.
    const asyncId = fs.readdirSync(path.join(FIXTURES, 'async-pipeline', '.run_log_store'))[0].replace(/\.json$/, '');
    assert.match(cli(['show', asyncId, '--cwd', path.join(FIXTURES, 'async-pipeline')]).stdout, /^Definition not recorded \(a script run as __main__\) {2}\(python\)$/m);
    // A shell job records no command: its type is still said.
    assert.match(cli(['show', 'shell-job-0001', '--cwd', path.join(FIXTURES, 'shell-job')]).stdout, /^First failed task {2}job \(shell\)$/m);
  });

  it('--json of a map run: contract shape, branches per iteration, first failed task, next retry indicator', () => {
    const s = json<ShowJson>(['show', 'map-fail-0001', '--cwd', path.join(FIXTURES, 'composite-chunked-fs')]);
    assert.deepEqual(keys(s), ['dagHash', 'definitionFile', 'executionMode', 'firstFailedTask', 'nextRetryIndicator', 'runId', 'status', 'steps', 'tag']);
    assert.equal(s.dagHash, 'b4d3146d161f4e66ef68210c7950f6394320ca34');
    assert.deepEqual(s.steps.map((x) => x.internalName), ['make_chunks', 'score_all', 'fail']);
    const map = s.steps[1];
    assert.deepEqual(keys(map), ['attempts', 'branches', 'internalName', 'name', 'status', 'type']);
    assert.deepEqual(map.branches.map((b) => [b.internalName, b.status]), [['score_all.1', 'SUCCESS'], ['score_all.2', 'FAIL'], ['score_all.3', 'SUCCESS']]);
    assert.deepEqual(keys(map.branches[0]), ['internalName', 'status', 'steps']);
    const failedStep = map.branches[1].steps[0];
    assert.equal(failedStep.internalName, 'score_all.2.score chunk');
    assert.deepEqual(keys(failedStep.attempts[0]), ['endTime', 'inputs', 'message', 'metrics', 'number', 'outputs', 'retryIndicator', 'startTime', 'status']);
    assert.deepEqual(s.firstFailedTask, { internalName: 'score_all.2.score chunk', command: 'steps.score_chunk', commandType: 'python' });
    assert.equal(s.nextRetryIndicator, '2');
  });

  it('--json inputs carry kind and value (json, object, metric)', () => {
    const s = json<ShowJson>(['show', 'prod-failure-001', '--cwd', path.join(FIXTURES, 'ml-file-system')]);
    const deploy = s.steps.find((x) => x.internalName === 'deploy')!;
    const inputs = deploy.attempts[0].inputs;
    assert.deepEqual(inputs.endpoint, { kind: 'json', value: 'churn-model' });
    assert.deepEqual(inputs.score, { kind: 'metric', value: 0.91 });
    assert.equal(inputs.model.kind, 'object');
    assert.deepEqual(s.firstFailedTask, { internalName: 'deploy', command: 'functions.deploy_model', commandType: 'python' });
  });

  it('human output names the run, the first failed task and the retry indicator', () => {
    const r = cli(['show', 'prod-failure-001', '--cwd', path.join(FIXTURES, 'ml-file-system-retried')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Run\s+prod-failure-001/);
    assert.match(r.stdout, /Next retry indicator\s+4/);
    assert.match(r.stdout, /attempt 3 retry 3 SUCCESS/);
  });
});

describe('bad input: exit 2, one line on stderr, nothing on stdout', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown run', ['show', 'no-such-run', '--cwd', 'examples'], /No run "no-such-run" in runnable-config\.yaml · file-system/],
    ['run id escaping the store', ['show', '../outside', '--cwd', 'examples'], /Refusing run id "\.\.\/outside"/],
    ['missing config', ['list', '--cwd', 'examples', '--config', 'nope.yaml'], /nope\.yaml does not exist/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown option', ['list', '--bogus'], /bogus/],
    ['bad --var', ['list', '--var', 'novalue'], /--var expects NAME=VALUE/],
    ['show without a run id', ['show', '--cwd', 'examples'], /needs a RUN_ID/],
    ['corrupt run log', ['show', 'broken', '--cwd', '<broken>'], /broken\.json/],
    ['config with an unknown store type', ['list', '--cwd', '<mongo>'], /unknown run log store type "mongo"/],
  ];
  for (const [what, args, re] of cases) {
    it(what, () => {
      let argv = args;
      if (args.includes('<broken>') || args.includes('<mongo>')) {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-cli-'));
        temps.push(dir);
        if (args.includes('<broken>')) {
          fs.mkdirSync(path.join(dir, '.run_log_store'));
          fs.writeFileSync(path.join(dir, '.run_log_store/broken.json'), '{"run_id": "broken", "status": "FA');
        } else fs.writeFileSync(path.join(dir, 'runnable-config.yaml'), 'run-log-store:\n  type: mongo\n');
        argv = args.map((a) => (a.startsWith('<') ? dir : a));
      }
      const r = cli([...argv, '--json'].filter((a, i, all) => !(a === '--json' && all.indexOf('--json') !== i)));
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
      assert.match(r.stderr, re);
    });
  }
});

describe('the CLI never writes to a store', () => {
  it('list and show (JSON and table) over examples/ leave every file and folder as it was', () => {
    const root = path.join(ROOT, 'examples');
    const snap = (): Record<string, string> => treeSnapshot(root);
    const before = snap();
    const ids = json<ListEntry[]>(['list', '--cwd', root]).map((e) => e.runId);
    assert.equal(cli(['list', '--cwd', root]).code, 0);
    for (const id of ids) assert.equal(cli(['show', id, '--cwd', root, '--json']).code, 0);
    assert.equal(cli(['show', ids[0], '--cwd', root]).code, 0);
    assert.deepEqual(snap(), before);
  });
});
