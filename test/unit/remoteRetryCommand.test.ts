// "Copy Retry Command" text for remote runs: credentials withheld from the copied env, the `#` notes for the sandbox
// and the original store, and the whole text (notes + retryShellLine) never carrying a secret value.
import { test } from 'node:test';
import * as assert from 'node:assert';
import { retryCommandNotes, withholdCredentials } from '../../src/core/retry/remoteCommandText';
import { retryShellLine } from '../../src/core/retry/retryCommandLine';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';

void test('withholdCredentials drops credential-named variables and any value holding a known secret, keeps the rest', () => {
  const env = {
    RUNNABLE_RETRY_RUN_ID: 'argo-train-7731',
    RUNNABLE_RETRY_INDICATOR: '2',
    RUNNABLE_CONFIGURATION_FILE: '/w/configs/prod-minio.yaml',
    RUNNABLE_VAR_bucket: 'run-logs',
    RUNNABLE_VAR_prod_secret: 'anything',
    RUNNABLE_VAR_minio_user: KEY_ID, // a harmless name, but its value is the store's key id
    RUNNABLE_VAR_note: `prefix-${SECRET}`,
    AWS_SESSION_TOKEN: 'tok',
    RUNNABLE_VAR_API_KEY: 'x',
  };
  const { env: kept, withheld } = withholdCredentials(env, [KEY_ID, SECRET, 'ab']);
  assert.deepStrictEqual(withheld, ['AWS_SESSION_TOKEN', 'RUNNABLE_VAR_API_KEY', 'RUNNABLE_VAR_minio_user', 'RUNNABLE_VAR_note', 'RUNNABLE_VAR_prod_secret']);
  assert.deepStrictEqual(kept, {
    RUNNABLE_RETRY_RUN_ID: 'argo-train-7731',
    RUNNABLE_RETRY_INDICATOR: '2',
    RUNNABLE_CONFIGURATION_FILE: '/w/configs/prod-minio.yaml',
    RUNNABLE_VAR_bucket: 'run-logs',
  });
});

void test('a secret shorter than 3 characters matches nothing by accident', () => {
  const { withheld } = withholdCredentials({ RUNNABLE_RETRY_INDICATOR: '2', RUNNABLE_VAR_x: 'a2b' }, ['2', '']);
  assert.deepStrictEqual(withheld, []);
});

void test('notes: nothing for a local run with nothing withheld', () => {
  assert.deepStrictEqual(retryCommandNotes(undefined, []), []);
});

void test('notes: the sandbox line names the sandbox and the store it was pulled from', () => {
  const notes = retryCommandNotes({ runId: 'argo-train-7731', storeLabel: 'prod-minio.yaml · minio', target: 'sandbox', sandboxDir: '/w/.runnable-sandbox' }, []);
  assert.deepStrictEqual(notes, [
    '# Retries argo-train-7731 in the local sandbox /w/.runnable-sandbox (pulled from prod-minio.yaml · minio); the production store is not written.',
  ]);
});

void test('notes: the original store says runnable appends there and where runnable takes the keys from (names only)', () => {
  const notes = retryCommandNotes({ runId: 'argo-train-7731', storeLabel: 'prod-minio.yaml · minio', target: 'original' }, ['RUNNABLE_VAR_prod_secret']);
  assert.strictEqual(notes.length, 3);
  assert.match(notes[0], /^# Retries argo-train-7731 against the original store prod-minio\.yaml · minio: runnable appends/);
  assert.match(notes[1], /^# runnable reads the store's keys from aws_access_key_id \/ aws_secret_access_key in the config/);
  assert.match(notes[1], /AWS_ACCESS_KEY_ID \/ AWS_SECRET_ACCESS_KEY/);
  assert.strictEqual(notes[2], '# Not copied because they hold credentials: set RUNNABLE_VAR_prod_secret in your environment first.');
  for (const n of notes) assert.ok(n.startsWith('# '), 'every note is a shell comment');
});

void test('notes: a newline in a label or path cannot end the comment and become a command', () => {
  const notes = retryCommandNotes({ runId: 'r', storeLabel: 'evil\nrm -rf ~', target: 'sandbox', sandboxDir: '/tmp/x\r\necho hi' }, []);
  assert.strictEqual(notes.length, 1);
  assert.doesNotMatch(notes[0], /[\r\n]/);
});

void test('the copied text (notes + shell line) carries no secret value, only variable names', () => {
  const plan = {
    cwd: '/w',
    argv: ['pipeline.py'],
    env: { RUNNABLE_RETRY_RUN_ID: 'argo-train-7731', RUNNABLE_RETRY_INDICATOR: '2', RUNNABLE_CONFIGURATION_FILE: 'configs/prod-minio.yaml', RUNNABLE_VAR_aws_secret_access_key: SECRET, RUNNABLE_VAR_who: KEY_ID },
  };
  const { env, withheld } = withholdCredentials(plan.env, [KEY_ID, SECRET]);
  const text = [
    ...retryCommandNotes({ runId: 'argo-train-7731', storeLabel: 'prod-minio.yaml · minio', target: 'original' }, withheld),
    retryShellLine({ ...plan, env }, '/usr/bin/python3', { cd: true }),
  ].join('\n');
  assert.ok(!text.includes(SECRET) && !text.includes(KEY_ID), text);
  assert.match(text, /RUNNABLE_VAR_aws_secret_access_key, RUNNABLE_VAR_who in your environment/);
  assert.match(text, /\ncd \/w && RUNNABLE_RETRY_RUN_ID=argo-train-7731 RUNNABLE_RETRY_INDICATOR=2 RUNNABLE_CONFIGURATION_FILE=configs\/prod-minio\.yaml \/usr\/bin\/python3 pipeline\.py$/);
});
