// Nested composites written by the real runnable to a chunked-minio store (fixture s3-nested, moto on 127.0.0.1):
// the CLI lists, shows and plans them as case.json records. A run whose first step is a Loop (or Parallel) has no
// attempt in its RunLog object, so the list's start comes from its branch logs, as for chunked-fs.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { s3Client, seedFixture, startMoto, type Moto } from '../helpers/moto';

const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/runnable/s3-nested');

interface RunCase {
  status: string;
  list_start_time: string;
  first_failed_task: { internal_name: string; file: string; break_line: number; error: string } | null;
  retry_observed?: { skipped: string[] };
}

void describe('nested composites on chunked-minio (real runnable, s3-nested)', () => {
  let moto: Moto;
  let ws: string;
  let runs: Record<string, RunCase>;

  async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main([...args, '--cwd', ws], { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd: ws });
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  before(async () => {
    moto = await startMoto();
    await seedFixture(s3Client(moto.endpoint), path.join(FIXTURE, 'objects'));
    ws = await fs.mkdtemp(path.join(os.tmpdir(), 'rr-s3-nested-'));
    for (const f of ['chunked-minio.yaml', 'steps.py', 'parallel_parallel.py', 'loop_parallel.py', 'map_parallel.py', 'parameters.yaml']) {
      const text = await fs.readFile(path.join(FIXTURE, f), 'utf8');
      await fs.writeFile(path.join(ws, f), text.replace(/http:\/\/127\.0\.0\.1:9412/g, moto.endpoint));
    }
    runs = (JSON.parse(await fs.readFile(path.join(FIXTURE, 'case.json'), 'utf8')) as { runs: Record<string, RunCase> }).runs;
  });
  after(async () => {
    await moto?.stop();
    if (ws) await fs.rm(ws, { recursive: true, force: true });
  });

  void it('list: every run with its status and start, a loop-first run started by its branch logs', async () => {
    const r = await cli(['list', '--json']);
    assert.equal(r.code, 0, r.err);
    const listed = JSON.parse(r.out) as Array<{ runId: string; status: string; startTime: string | null }>;
    assert.deepEqual(
      listed.map((e) => [e.runId, e.status, e.startTime]).sort(),
      Object.entries(runs).map(([id, c]) => [id, c.status, c.list_start_time]).sort(),
    );
    // newest first: the order needs the loop run's start, which its RunLog object does not hold
    const starts = listed.map((e) => e.startTime!);
    assert.deepEqual(starts, [...starts].sort().reverse());
  });

  void it('list (table): the failed run\'s first failed step and the error it raised, from the minio catalog', async () => {
    const r = await cli(['list']);
    assert.equal(r.code, 0, r.err);
    const f = runs['parallel-parallel-chunked-minio'].first_failed_task!;
    const lines = r.out.split('\n');
    assert.ok(lines.some((l) => /^FAIL\s+parallel-parallel-chunked-minio\s/.test(l) && l.endsWith(f.internal_name)), r.out);
    assert.ok(lines.includes(`  parallel-parallel-chunked-minio  ${f.internal_name}: ${f.error}`), r.out);
    // the PROCESSING runs (runnable's own fan-in error, no failed attempt) get no cause line
    assert.equal(lines.filter((l) => /^ {2}\S+-chunked-minio {2}/.test(l)).length, 1, r.out);
  });

  void it('plan-retry of a Parallel in a Map or a Loop that runnable could not fan in: blocked, saying why and what to change', async () => {
    for (const [runId, kind, iterating, parallel] of [
      ['map-parallel-chunked-minio', 'map', 'per_chunk', 'per_chunk.1.both paths'],
      ['loop-parallel-chunked-minio', 'loop', 'polling', 'polling.0.poll both'],
    ] as const) {
      const plan = await cli(['plan-retry', runId, '--no-import']);
      assert.equal(plan.code, 3, plan.out + plan.err);
      assert.ok(plan.out.includes(`BLOCKED: Run ${runId} stopped in runnable itself, not in your code: the Parallel ${parallel} inside the ${kind} ${iterating} finished its branches, then its fan-in looked for the branch log "${iterating}.${kind}_variable_placeholder" and failed`), plan.out);
      assert.match(plan.out, /A retry stops at the same place\./);
    }
    // a Parallel in a Parallel fans in: its run failed in the user's code and is not blocked so
    const ok = await cli(['plan-retry', 'parallel-parallel-chunked-minio', '--no-import']);
    assert.doesNotMatch(ok.out, /stopped in runnable itself/);
  });

  void it('show and plan-retry: the nested failed task, skips as the real retry did, the breakpoint', async () => {
    const c = runs['parallel-parallel-chunked-minio'];
    const f = c.first_failed_task!;
    const show = await cli(['show', 'parallel-parallel-chunked-minio', '--json']);
    assert.equal(show.code, 0, show.err);
    assert.equal((JSON.parse(show.out) as { firstFailedTask: { internalName: string } }).firstFailedTask.internalName, f.internal_name);
    const plan = await cli(['plan-retry', 'parallel-parallel-chunked-minio', '--no-import', '--json']);
    assert.ok(plan.code === 0 || plan.code === 3, plan.err);
    const p = JSON.parse(plan.out) as { firstFailed: { internalName: string }; skipped: string[]; breakpoints: { file: string; line: number }[] };
    assert.equal(p.firstFailed.internalName, f.internal_name);
    assert.deepEqual([...p.skipped].sort(), [...c.retry_observed!.skipped].sort());
    // the retry pauses in the failed function's first body line
    assert.deepEqual(p.breakpoints.map((b) => [path.basename(b.file), b.line]), [[f.file, f.break_line]]);
  });
});
