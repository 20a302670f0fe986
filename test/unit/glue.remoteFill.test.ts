// Fast glue tier: the Runs model over a minio store on moto, listed before its summaries. The rows come at once
// (pending), the summaries land through onDidList and a few coalesced onDidFillSummaries (never onDidChangeStore,
// which would re-read open documents and panels), the new-failure signal stays quiet for runs already there, and
// settledRuns waits for the statuses.
import '../fakes/install';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { fake, memoryLogger } from '../fakes/vscode';
import { RunsModel, SUMMARY_REDRAW_MS } from '../../src/vscode/explorer/runsModel';
import { NewFailures } from '../../src/core/explorer/newFailures';
import { inPool, OBJECTS, s3Client, startMoto, writeConfigs, type Moto } from '../helpers/moto';

const RUNS = 120;

describe('glue: a remote root fills in', () => {
  let moto: Moto;
  let client: S3Client;
  let dir: string;

  before(async () => {
    moto = await startMoto();
    client = s3Client(moto.endpoint);
    await client.send(new CreateBucketCommand({ Bucket: 'run-logs' }));
    const body = await fs.readFile(path.join(OBJECTS, 'run-logs/argo-train-7731/argo-train-7731.json'), 'utf8');
    await inPool(Array.from({ length: RUNS }, (_, i) => `fill-${String(i).padStart(3, '0')}`), 16, async (id) => {
      await client.send(new PutObjectCommand({ Bucket: 'run-logs', Key: `${id}/${id}.json`, Body: body.replace(/argo-train-7731/g, id) }));
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'glue-fill-'));
    const { chunked } = await writeConfigs(dir, moto.endpoint);
    await fs.rm(chunked);
  });

  after(async () => {
    client?.destroy();
    await moto?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('lists pending rows first, fills them in with a few coalesced events, and raises no new-failure signal', async () => {
    fake.reset();
    fake.setFolders([dir]);
    const m = new RunsModel(memoryLogger());
    try {
      const { roots } = await m.state();
      const id = roots.find((r) => r.descriptor.type === 'minio')!.descriptor.id;
      const tracker = new NewFailures();
      let fills = 0;
      let storeChanges = 0;
      let lists = 0;
      const subs = [
        m.onDidList(({ storeId, runs }) => { lists++; tracker.observe(storeId, runs); }),
        m.onDidFillSummaries(() => { fills++; }),
        m.onDidChangeStore(() => { storeChanges++; }),
      ];
      const t0 = Date.now();
      const first = await m.listRuns(id);
      assert.equal(first.length, RUNS);
      assert.ok(first.every((r) => r.pending && !r.error), 'every row shown before its summary is read');
      const filled = m.fillingSummaries(id);
      assert.ok(filled, 'the summaries are being read');
      const settled = await m.settledRuns(id);
      const elapsed = Date.now() - t0;
      assert.ok(settled.every((r) => r.status === 'FAIL' && !r.pending), 'settledRuns waits for every status');
      const now = await m.listRuns(id);
      assert.ok(now.every((r) => r.status === 'FAIL'), 'later callers get the filled-in listing');
      assert.equal(m.fillingSummaries(id), undefined);
      // At most one redraw per interval, plus the last batch's (batches land every 32 summaries).
      assert.ok(fills >= 1 && fills <= Math.min(Math.ceil(RUNS / 32), Math.ceil(elapsed / SUMMARY_REDRAW_MS) + 1), `the root redrawn a few times (${fills} in ${elapsed} ms)`);
      assert.ok(lists >= 2, 'the first listing and at least one batch reach onDidList');
      assert.equal(storeChanges, 0, 'filling in drops nothing: no store change');
      assert.equal(tracker.pending.length, 0, 'runs already there raise no new-failure signal when their status lands');
      for (const s of subs) s.dispose();
    } finally {
      m.dispose();
    }
  });
});
