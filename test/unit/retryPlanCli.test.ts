// `runnable-runs plan-retry` through the CLI's command table: --json plan, text form, exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const PY = pythonEnv();

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main([...args, '--python', PY.python], { out: (t) => out.push(t), err: (t) => err.push(t), env: PY.env, cwd: FIXTURES });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

void test('plan-retry --json prints the plan (map run: conditional breakpoint), exit 0', async () => {
  const r = await cli(['plan-retry', 'map-fail-0001', '--cwd', 'composite-chunked-fs', '--json']);
  assert.equal(r.code, 0, r.err);
  const plan = JSON.parse(r.out);
  assert.deepEqual(plan.breakpoints, [{ file: 'steps.py', line: 10, condition: 'chunk == 2' }]);
  assert.equal(plan.env.RUNNABLE_CONFIGURATION_FILE, 'chunked.yaml');
});

void test('plan-retry text form names the command, skipped steps and the stop; --config picks the store', async () => {
  const r = await cli(['plan-retry', 'prod-failure-001', '--cwd', 'ml-file-system', '--config', 'local.yaml']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /RUNNABLE_RETRY_RUN_ID=prod-failure-001 RUNNABLE_RETRY_INDICATOR=2 RUNNABLE_CONFIGURATION_FILE=local\.yaml \S*python\S* -c/);
  assert.match(r.out, /Skipped: load_data, train_model/);
  assert.match(r.out, /Breakpoint: functions\.py:16/);
});

void test('plan-retry exits 3 when blocked (succeeded run) and 2 without a run id', async () => {
  const blocked = await cli(['plan-retry', 'prod-failure-001', '--cwd', 'ml-file-system-retried', '--json']);
  assert.equal(blocked.code, 3);
  assert.match(JSON.parse(blocked.out).blocked, /succeeded/);
  const bad = await cli(['plan-retry', '--cwd', 'ml-file-system']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /RUN_ID/);
});

void test('plan-retry of a job: blocked (runnable refuses the run id again), and what it prints is a new run without the retry env', async () => {
  const r = await cli(['plan-retry', 'backfill-job-0007', '--cwd', 'job']);
  assert.equal(r.code, 3);
  assert.match(r.out, /^Run again \(a new run\): \S*python\S* -c .*import_module\("job"\), "main"\)\(\)'$/m);
  assert.doesNotMatch(r.out, /RUNNABLE_RETRY_/);
  assert.doesNotMatch(r.out, /^Command:/m);
});

void test('plan-retry --dead-after: a PROCESSING run whose log just changed is blocked; --dead-after 0 offers it at once (the killed run real runnable retried)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-cli-killed-'));
  try {
    fs.cpSync(path.join(FIXTURES, 'killed-run'), dir, { recursive: true }); // copied now: its log "just changed"
    const waiting = await cli(['plan-retry', 'killed-run-0001', '--cwd', dir]);
    assert.equal(waiting.code, 3);
    assert.match(waiting.out, /still PROCESSING.*--dead-after\) to 0/);
    const now = await cli(['plan-retry', 'killed-run-0001', '--cwd', dir, '--dead-after', '0', '--json']);
    assert.equal(now.code, 0, now.out);
    const plan = JSON.parse(now.out);
    assert.deepEqual(plan.rerun, ['crunch']);
    const bad = await cli(['plan-retry', 'killed-run-0001', '--cwd', dir, '--dead-after', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /--dead-after expects minutes/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
