// S3 settings as runnable reads them (defaults, `bucket` with a prefix), the credential chain and redaction.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readS3Settings, splitBucket, describeLocation } from '../../src/core/stores/s3/s3Settings';
import { redact, resolveCredentials, secretsOf } from '../../src/core/stores/s3/credentials';
import { toS3StoreError } from '../../src/core/stores/s3/s3Errors';

void describe('S3 settings and credentials', () => {
  void it("applies runnable's defaults: localhost:9002, bucket runnable/run-logs = bucket runnable + prefix run-logs/", () => {
    const s = readS3Settings({}, 'run-log-store', 'cfg.yaml', {});
    assert.equal(s.endpointUrl, 'http://localhost:9002');
    assert.deepEqual([s.bucket, s.prefix], ['runnable', 'run-logs/']);
    const c = readS3Settings({}, 'catalog', 'cfg.yaml', {});
    assert.deepEqual([c.bucket, c.prefix], ['runnable', '']);
    assert.deepEqual(splitBucket('s3://logs/a/b/'), { bucket: 'logs', prefix: 'a/b/' });
    assert.equal(s.configCredentials, undefined);
  });

  void it('never shows credentials carried in an endpoint URL', () => {
    const s = readS3Settings({ endpoint_url: 'http://AKIAUSER:topsecret@minio:9000', bucket: 'logs' }, 'run-log-store', 'cfg.yaml', {});
    assert.equal(describeLocation(s), 'http://minio:9000/logs');
    const e = toS3StoreError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {
      endpointUrl: s.endpointUrl, bucket: s.bucket, secrets: [],
    });
    assert.ok(!e.message.includes('topsecret') && !e.message.includes('AKIAUSER'), e.message);
  });

  void it('chain: config keys, then entered keys, then AWS env, then a shared profile, then minioadmin', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 's3home-'));
    const k = (id: string) => ({ accessKeyId: id, secretAccessKey: `${id}-secret` });
    assert.equal(resolveCredentials({ config: k('cfg'), entered: k('ent'), env: { AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 's' }, home }).source, 'config');
    assert.equal(resolveCredentials({ config: undefined, entered: k('ent'), env: { AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 's' }, home }).source, 'entered');
    assert.equal(resolveCredentials({ config: undefined, entered: undefined, env: { AWS_ACCESS_KEY_ID: 'e', AWS_SECRET_ACCESS_KEY: 's' }, home }).source, 'aws-environment');
    assert.equal(resolveCredentials({ config: undefined, entered: undefined, env: {}, home }).source, 'runnable-default');
    await fs.mkdir(path.join(home, '.aws'));
    await fs.writeFile(path.join(home, '.aws', 'credentials'), '[default]\naws_access_key_id = x\naws_secret_access_key = y\n');
    const prof = resolveCredentials({ config: undefined, entered: undefined, env: {}, home });
    assert.deepEqual([prof.source, prof.profile], ['aws-profile', 'default']);
    await fs.rm(home, { recursive: true, force: true });
  });

  void it('redacts every secret, longest first; the public minioadmin default is not a secret', () => {
    const r = resolveCredentials({ config: { accessKeyId: 'AKIAABC', secretAccessKey: 'abc/def+ghi' }, entered: undefined, env: {} });
    const secrets = secretsOf(r);
    assert.equal(redact('id AKIAABC secret abc/def+ghi.', secrets), 'id **** secret ****.');
    assert.deepEqual(secretsOf(resolveCredentials({ config: undefined, entered: undefined, env: {}, home: '/nonexistent' })), []);
  });
});
