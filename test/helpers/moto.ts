// A real S3 endpoint for tests: `python3 -m moto.server` on 127.0.0.1 and a free port, started and stopped by the
// test, seeded from the fixture objects (test/fixtures/runnable/s3-minio/objects/<bucket>/<key>).
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { testPython } from './python';
import { S3Client, CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';

// The AWS default chain's last step asks EC2 instance metadata (169.254.169.254 unless this names another endpoint):
// tests stay on loopback, on a port that refuses at once. A test of that step sets its own endpoint.
process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT ??= 'http://127.0.0.1:1';

export const FIXTURE = path.resolve(__dirname, '../../../test/fixtures/runnable/s3-minio');
export const OBJECTS = path.join(FIXTURE, 'objects');
export const COMPOSITE = path.resolve(__dirname, '../../../test/fixtures/runnable/composite-chunked-fs');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface Moto {
  port: number;
  endpoint: string;
  child: ChildProcess;
  stop(): Promise<void>;
  /** POSTs to moto's control API (e.g. `/moto-api/reset-auth`). */
  control(pathname: string, body: string): Promise<string>;
}

/** Starts moto and resolves once it says it is listening (its "Running on" line), never by sleeping. */
export async function startMoto(env: Record<string, string> = {}): Promise<Moto> {
  const port = await freePort();
  const child = spawn(testPython(), ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (b: Buffer): void => {
      output += b.toString();
      if (output.includes(`Running on http://127.0.0.1:${port}`)) {
        child.stdout!.off('data', onData);
        child.stderr!.off('data', onData);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`moto.server exited (${code}) before listening:\n${output}`)));
    child.once('error', reject);
  });
  // Keep draining so the pipes never fill up.
  child.stdout!.resume();
  child.stderr!.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    port,
    endpoint,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
    async control(pathname: string, body: string) {
      const r = await fetch(endpoint + pathname, { method: 'POST', body });
      return r.text();
    },
  };
}

export function s3Client(endpoint: string, credentials = { accessKeyId: 'minioadmin', secretAccessKey: 'minioadmin' }): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Runs `fn` over items with at most `limit` in flight. */
export async function inPool<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

/**
 * Creates every fixture bucket and puts every fixture object byte for byte (`objects`: another fixture's
 * objects/<bucket>/<key> folder; default s3-minio's). Returns the bucket names.
 */
export async function seedFixture(client: S3Client, objects = OBJECTS): Promise<string[]> {
  const buckets = (await fs.readdir(objects, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  for (const b of buckets) {
    await client.send(new CreateBucketCommand({ Bucket: b }));
    const files = await filesUnder(path.join(objects, b));
    await inPool(files, 8, async (f) => {
      const key = path.relative(path.join(objects, b), f).split(path.sep).join('/');
      await client.send(new PutObjectCommand({ Bucket: b, Key: key, Body: await fs.readFile(f) }));
    });
  }
  return buckets;
}

/**
 * Puts the composite map run (a chunked-fs run with branch logs) into a bucket in chunked-minio's layout:
 * `<id>/RunLog` and `<id>/BranchLog-<branch>` (chunked-fs adds `.json`, chunked-minio does not).
 */
export async function seedChunkedFromChunkedFs(client: S3Client, bucket: string, runId: string): Promise<string[]> {
  const dir = path.join(COMPOSITE, '.run_log_store', runId);
  const keys: string[] = [];
  for (const name of await fs.readdir(dir)) {
    const key = `${runId}/${name.replace(/\.json$/, '')}`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await fs.readFile(path.join(dir, name)) }));
    keys.push(key);
  }
  return keys;
}

/** Writes the fixture's two configs into `dir` with the endpoint pointed at moto (everything else as captured). */
export async function writeConfigs(dir: string, endpoint: string, extra = ''): Promise<{ minio: string; chunked: string }> {
  const out = { minio: path.join(dir, 'prod-minio.yaml'), chunked: path.join(dir, 'prod-chunked-minio.yaml') };
  for (const [name, file] of [['prod-minio.yaml', out.minio], ['prod-chunked-minio.yaml', out.chunked]] as const) {
    const text = (await fs.readFile(path.join(FIXTURE, name), 'utf8')).replace(/http:\/\/127\.0\.0\.1:9012/g, endpoint);
    await fs.writeFile(file, text.replace(/(run-log-store:\n\s+type: [\w-]+\n\s+config:\n)/, `$1${extra}`));
  }
  return out;
}

/**
 * Makes moto check credentials for real: creates an IAM user allowed everything (boto3, installed with moto), then
 * sets INITIAL_NO_AUTH_ACTION_COUNT to 0 through moto's control API. From then on unknown keys get 403
 * InvalidAccessKeyId and a wrong secret 403 SignatureDoesNotMatch; the returned keys work.
 */
export async function enforceAuth(moto: Moto): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const script = `
import boto3, json, sys
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='setup', aws_secret_access_key='setup')
iam.create_user(UserName='reader')
iam.put_user_policy(UserName='reader', PolicyName='all', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}))
k = iam.create_access_key(UserName='reader')['AccessKey']
print(json.dumps({'accessKeyId': k['AccessKeyId'], 'secretAccessKey': k['SecretAccessKey']}))
`;
  const out = await motoPython(moto, script);
  const keys = JSON.parse(out.trim()) as { accessKeyId: string; secretAccessKey: string };
  const r = await moto.control('/moto-api/reset-auth', '0');
  if (!r.includes('"ok"')) throw new Error(`moto did not switch auth on: ${r}`);
  return keys;
}

/**
 * A moto server holding the s3-minio fixture's objects, with auth on (enforceAuth): the credential tests' start.
 * `beforeAuth` runs while auth is still off (an IAM role to create, more objects to seed).
 */
export async function startSeededMotoWithAuth(beforeAuth?: (moto: Moto) => Promise<void>): Promise<{ moto: Moto; keys: { accessKeyId: string; secretAccessKey: string } }> {
  const moto = await startMoto();
  const client = s3Client(moto.endpoint);
  try {
    await seedFixture(client);
  } finally {
    client.destroy();
  }
  await beforeAuth?.(moto);
  return { moto, keys: await enforceAuth(moto) };
}

/** Runs a boto3 script against moto (`sys.argv[1]` is the endpoint, then `args`); resolves with its stdout. */
export async function motoPython(moto: Moto, script: string, ...args: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const p = spawn(testPython(), ['-c', script, moto.endpoint, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let o = '';
    let e = '';
    p.stdout.on('data', (b: Buffer) => (o += b.toString()));
    p.stderr.on('data', (b: Buffer) => (e += b.toString()));
    p.once('error', reject);
    p.once('exit', (code) => (code === 0 ? resolve(o) : reject(new Error(`boto3 script failed (${code}): ${e}`))));
  });
}

/** An IAM role allowed everything, for web identity and assumed-role credentials. Create it before enforceAuth. */
export async function createRole(moto: Moto, name: string): Promise<string> {
  const script = `
import boto3, json, sys
iam = boto3.client('iam', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='setup', aws_secret_access_key='setup')
r = iam.create_role(RoleName=sys.argv[2], AssumeRolePolicyDocument='{}')
iam.put_role_policy(RoleName=sys.argv[2], PolicyName='all', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}))
print(r['Role']['Arn'])
`;
  return (await motoPython(moto, script, name)).trim();
}

/**
 * Temporary credentials of `roleArn` from moto's STS, as AWS returns them. moto with auth on fails on STS calls
 * (signed AssumeRole included), so this one call runs with auth off (reset-auth 1: one unchecked request) and auth is
 * on again afterwards; moto then accepts the role's keys.
 */
export async function roleCredentials(moto: Moto, roleArn: string): Promise<{ AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string }> {
  const script = `
import boto3, json, sys
sts = boto3.client('sts', endpoint_url=sys.argv[1], region_name='us-east-1', aws_access_key_id='setup', aws_secret_access_key='setup')
c = sts.assume_role_with_web_identity(RoleArn=sys.argv[2], RoleSessionName='test-session', WebIdentityToken='test-web-identity-token')['Credentials']
print(json.dumps({'AccessKeyId': c['AccessKeyId'], 'SecretAccessKey': c['SecretAccessKey'], 'SessionToken': c['SessionToken'], 'Expiration': c['Expiration'].astimezone(__import__('datetime').timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}))
`;
  await moto.control('/moto-api/reset-auth', '1');
  try {
    return JSON.parse((await motoPython(moto, script, roleArn)).trim()) as { AccessKeyId: string; SecretAccessKey: string; SessionToken: string; Expiration: string };
  } finally {
    await moto.control('/moto-api/reset-auth', '0');
  }
}
