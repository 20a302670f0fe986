// The store folder watch is live when watchDirectory returns: a run written right after is reported, with no
// waiting in between (the Runs view relies on it to list a run that lands just after its root appeared).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { watchDirectory } from '../../src/core/stores/dirWatch';

const temps: string[] = [];
after(() => { for (const d of temps) fs.rmSync(d, { recursive: true, force: true }); });
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'dirwatch-')); temps.push(d); return d; };

/** Resolves with the first reported name that satisfies `want`. */
function next(dir: string, want: (name: string | null) => boolean): { seen: Promise<string | null>; dispose(): void } {
  let w: { dispose(): void } | undefined;
  const seen = new Promise<string | null>((resolve) => { w = watchDirectory(dir, (n) => { if (want(n)) resolve(n); }); });
  return { seen, dispose: () => w?.dispose() };
}

void describe('watchDirectory', () => {
  void it('reports a file written immediately after it returns', async () => {
    const dir = tmp();
    const w = next(dir, (n) => n === 'landed-run.json');
    fs.writeFileSync(path.join(dir, 'landed-run.json'), '{}');
    assert.equal(await w.seen, 'landed-run.json');
    w.dispose();
  });

  void it('reports a chunked run folder created inside', async () => {
    const dir = tmp();
    const w = next(dir, (n) => n === 'run-7');
    fs.mkdirSync(path.join(dir, 'run-7'));
    assert.equal(await w.seen, 'run-7');
    w.dispose();
  });

  void it('waits for a store folder that does not exist yet, then reports its first run', async () => {
    const dir = path.join(tmp(), '.run_log_store');
    const appeared: Array<string | null> = [];
    let done!: () => void;
    const ran = new Promise<void>((r) => { done = r; });
    const w = watchDirectory(dir, (n) => {
      appeared.push(n);
      if (n === null) fs.writeFileSync(path.join(dir, 'first.json'), '{}');
      if (n === 'first.json') done();
    });
    fs.mkdirSync(dir);
    await ran;
    assert.equal(appeared[0], null, 'the folder appearing is reported first');
    w.dispose();
  });

  void it('a disposed watch reports nothing more', async () => {
    const dir = tmp();
    const names: Array<string | null> = [];
    const w = watchDirectory(dir, (n) => names.push(n));
    w.dispose();
    fs.writeFileSync(path.join(dir, 'after.json'), '{}');
    // A second, live watch proves the write's event has been delivered by the time it reports.
    const probe = next(dir, (n) => n === 'marker.json');
    fs.writeFileSync(path.join(dir, 'marker.json'), '{}');
    await probe.seen;
    probe.dispose();
    assert.deepEqual(names, []);
  });
});
