// The bundles as shipped: the AWS SDK lives once in dist/s3sdk.js (loaded on the first S3 request), not inside the
// extension, CLI, language server and replay adapter bundles that every process start parses.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { bundledSdkPath } from '../../src/core/stores/s3/loadSdk';

const DIST = path.resolve(__dirname, '../../../dist');

describe('bundles: one shared AWS SDK bundle', () => {
  it('dist/s3sdk.js is found beside the bundles and exports what the S3 stores use', () => {
    const file = bundledSdkPath(DIST);
    assert.equal(file, path.join(DIST, 's3sdk.js'));
    const sdk = createRequire(__filename)(file!) as Record<string, unknown>;
    for (const name of ['S3Client', 'ListObjectsV2Command', 'GetObjectCommand', 'HeadObjectCommand', 'fromIni', 'fromTokenFile', 'fromHttp', 'fromInstanceMetadata']) {
      assert.equal(typeof sdk[name], 'function', name);
    }
  });

  it('no other bundle carries the SDK', () => {
    // The SDK's own definition of a command class: in the SDK bundle (so the marker is real), in no other.
    const MARKER = 'var ListObjectsV2Command = class';
    assert.ok(fs.readFileSync(path.join(DIST, 's3sdk.js'), 'utf8').includes(MARKER));
    for (const b of ['extension.js', 'cli.js', 'server.js', 'replayAdapter.js']) {
      const text = fs.readFileSync(path.join(DIST, b), 'utf8');
      assert.ok(!text.includes(MARKER), `${b} bundles the SDK`);
      assert.ok(fs.statSync(path.join(DIST, b)).size < 2_000_000, `${b} is ${fs.statSync(path.join(DIST, b)).size} bytes`);
    }
  });

  it('without a bundle beside it (the compiled sources in out/), the SDK comes from node_modules', () => {
    assert.equal(bundledSdkPath(__dirname), undefined);
  });
});
