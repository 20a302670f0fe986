// The retry shapes of the real-runnable workspaces docs-09-retry, mixed-configs, async-pipeline, async-imported,
// killed-run, loop and map-no-parameter: each run is retried in a copy with the command its case.json records, under pythonEnv() (the stand-in in
// CI, the real runnable when importable), and must do what the real retry did (retry_observed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const CASES = ['docs-09-retry', 'mixed-configs', 'async-pipeline', 'async-imported', 'killed-run', 'loop', 'map-no-parameter'];
const PY = pythonEnv();

type Triple = [number, string, string];
interface Attempt { attempt_number: number; status: string; retry_indicator: string; output_parameters: Record<string, unknown> }
interface Step { attempts: Attempt[]; branches?: Record<string, { steps: Record<string, Step> }> }
interface RunCase {
  retry: { env: Record<string, string> };
  retry_argv: string[];
  retry_observed: { exit_code: number; final_status: string; skipped: string[]; attempts_after: Record<string, Triple[]> };
}

function copyWorkspace(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rr-shapes-${name}-`));
  fs.cpSync(path.join(FIXTURES, name), dir, { recursive: true });
  return dir;
}

/** The run log's status and every step (branches too: nested for file-system, BranchLog-*.json for chunked-fs). */
function readRun(ws: string, runId: string): { status: string; steps: Map<string, Step>; file: string } {
  const store = path.join(ws, '.run_log_store');
  const flat = path.join(store, `${runId}.json`);
  const file = fs.existsSync(flat) ? flat : path.join(store, runId, 'RunLog.json');
  const log = JSON.parse(fs.readFileSync(file, 'utf8')) as { status: string; steps: Record<string, Step> };
  const steps = new Map<string, Step>();
  const walk = (s: Record<string, Step>) => {
    for (const [name, step] of Object.entries(s)) {
      steps.set(name, step);
      for (const b of Object.values(step.branches ?? {})) walk(b.steps);
    }
  };
  walk(log.steps);
  if (file !== flat) {
    for (const f of fs.readdirSync(path.dirname(file)).filter((n) => n.startsWith('BranchLog-'))) {
      walk((JSON.parse(fs.readFileSync(path.join(path.dirname(file), f), 'utf8')) as { steps: Record<string, Step> }).steps);
    }
  }
  return { status: log.status, steps, file };
}

const triples = (s: Step | undefined): Triple[] => (s?.attempts ?? []).map((a) => [a.attempt_number, a.status, a.retry_indicator]);

function retry(ws: string, argv: string[], env: Record<string, string>) {
  // A case's PYTHONPATH (the project folder, async-imported) goes before the one the tests need (the stand-in's).
  const pythonPath = [env.PYTHONPATH, PY.env.PYTHONPATH].filter(Boolean).join(path.delimiter);
  return spawnSync(PY.python, argv, { cwd: ws, env: { ...PY.env, ...env, ...(pythonPath ? { PYTHONPATH: pythonPath } : {}) } as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 120_000 });
}

for (const name of CASES) {
  const runs = (JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8')) as { runs: Record<string, RunCase> }).runs;
  for (const [runId, run] of Object.entries(runs)) {
    void test(`${name} ${runId}: \`python ${run.retry_argv.join(' ')}\` retries as the real runnable did`, () => {
      const ws = copyWorkspace(name);
      try {
        const before = readRun(ws, runId);
        const r = retry(ws, run.retry_argv, run.retry.env);
        const seen = `${r.stdout}\n${r.stderr}`;
        const obs = run.retry_observed;
        assert.equal(r.status, obs.exit_code, seen);
        const after = readRun(ws, runId);
        assert.equal(after.status, obs.final_status, seen);
        for (const [step, expected] of Object.entries(obs.attempts_after)) assert.deepEqual(triples(after.steps.get(step)), expected, step);
        for (const [step, was] of before.steps) {
          const now = after.steps.get(step);
          assert.ok(now, `${step} is still in the log`);
          // every attempt made before the retry is kept unchanged; only the steps that ran got more
          assert.deepEqual(now.attempts.slice(0, was.attempts.length), was.attempts, step);
          if (!(step in obs.attempts_after)) assert.equal(now.attempts.length, was.attempts.length, `${step} did not run`);
        }
        for (const step of obs.skipped) assert.deepEqual(triples(after.steps.get(step)), triples(before.steps.get(step)), `${step} skipped`);
        for (const step of after.steps.keys()) {
          if (!before.steps.has(step)) assert.ok(step in obs.attempts_after, `${step} is new only if the real retry made it`);
        }
      } finally {
        fs.rmSync(ws, { recursive: true, force: true });
      }
    });
  }
}

void test('mixed-configs: a mocked config "retries" by executing nothing: SUCCESS, the FAIL attempt replaced', () => {
  const ws = copyWorkspace('mixed-configs');
  try {
    const env = { RUNNABLE_RETRY_RUN_ID: 'mixed-local-0001', RUNNABLE_RETRY_INDICATOR: '2', RUNNABLE_CONFIGURATION_FILE: 'configs/mocked.yaml' };
    const before = readRun(ws, 'mixed-local-0001');
    assert.deepEqual(triples(before.steps.get('publish')), [[1, 'FAIL', '']]);
    const r = retry(ws, ['pipeline.py'], env); // no should_pass: a real execution of publish would fail
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    const after = readRun(ws, 'mixed-local-0001');
    assert.equal(after.status, 'SUCCESS');
    for (const step of ['load', 'transform', 'publish', 'success']) {
      assert.deepEqual(triples(after.steps.get(step)), [[1, 'SUCCESS', '2']], step);
      assert.deepEqual(after.steps.get(step)?.attempts[0].output_parameters, {}, `${step} executed nothing`);
    }
    assert.deepEqual(after.steps.get('fail')?.attempts, before.steps.get('fail')?.attempts);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});

void test('mixed-configs: an argo config only writes argo-pipeline.yaml and exits 0; the run log is untouched', () => {
  const ws = copyWorkspace('mixed-configs');
  try {
    const env = { RUNNABLE_RETRY_RUN_ID: 'mixed-local-0001', RUNNABLE_RETRY_INDICATOR: '2', RUNNABLE_CONFIGURATION_FILE: 'configs/argo.yaml', should_pass: 'true' };
    const file = readRun(ws, 'mixed-local-0001').file;
    const text = fs.readFileSync(file, 'utf8');
    const r = retry(ws, ['pipeline.py'], env);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(fs.readFileSync(path.join(ws, 'argo-pipeline.yaml'), 'utf8'), /kind: Workflow/);
    assert.equal(fs.readFileSync(file, 'utf8'), text);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
