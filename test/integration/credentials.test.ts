// S3 identities in a real VS Code, on moto checking credentials: the store root names the identity it reads with, and
// "Runnable: Choose AWS Profile" on the root switches it (user setting runnable.awsProfiles), from a refused default
// profile to one moto accepts, and back through the quick pick. The shared files are temporary (AWS_SHARED_CREDENTIALS_FILE
// / AWS_CONFIG_FILE in the extension host's environment, restored afterwards); examples/ is never written.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Commands } from '../../src/core/commandIds';
import type { ExplorerNode } from '../../src/vscode/explorer/nodes';
import type { Services } from '../../src/vscode/services';
import { enforceAuth, s3Client, seedFixture, startMoto, writeConfigs, type Moto } from '../helpers/moto';
import { acceptPicksUntil, getApi, waitUntil } from './helpers';

type Provider = vscode.TreeDataProvider<ExplorerNode> & { onDidChangeTreeData: vscode.Event<unknown> };

const ENV_KEYS = ['AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

describe('S3 identity: store root label and Choose AWS Profile (moto)', function () {
  this.timeout(120_000);
  let api: Services;
  let provider: Provider;
  let moto: Moto | undefined;
  let tmp: string;
  let keys: { accessKeyId: string; secretAccessKey: string };
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};

  const text = (v: string | vscode.TreeItemLabel | vscode.MarkdownString | boolean | undefined): string =>
    typeof v === 'string' ? v : v && typeof v === 'object' ? ('value' in v ? v.value : v.label) : '';
  const item = async (n: ExplorerNode) => provider.getTreeItem(n);
  /** A tooltip as read: appendText's escapes (`&nbsp;`, `\(`) undone. */
  const plain = (md: string) => md.replace(/&nbsp;/g, ' ').replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1');
  /** Waits (on tree events) until the minio root of this suite has children that satisfy `ok`; returns the root. */
  const rootWhen = (ok: (description: string, children: string[]) => boolean, what: string) =>
    waitUntil(async () => {
      for (const n of (await provider.getChildren()) ?? []) {
        if (text((await item(n)).label) !== 'prod-minio.yaml · minio') continue;
        const kids = await Promise.all(((await provider.getChildren(n)) ?? []).map(async (k) => text((await item(k)).label)));
        if (ok(text((await item(n)).description), kids)) return n;
      }
      return undefined;
    }, { events: [provider.onDidChangeTreeData], ms: 60_000, what });

  before(async () => {
    api = await getApi();
    provider = api.explorer!.provider as Provider;
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-identity-'));
    moto = await startMoto();
    await seedFixture(s3Client(moto.endpoint));
    keys = await enforceAuth(moto);
    fs.writeFileSync(path.join(tmp, 'credentials'), `[default]\naws_access_key_id = AKIAREFUSEDDEFAULT01\naws_secret_access_key = refused/default/secret\n\n[reader]\naws_access_key_id = ${keys.accessKeyId}\naws_secret_access_key = ${keys.secretAccessKey}\n`);
    fs.writeFileSync(path.join(tmp, 'config'), '[default]\nregion = us-east-1\n');
    for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
    for (const k of ENV_KEYS) delete process.env[k];
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(tmp, 'credentials');
    process.env.AWS_CONFIG_FILE = path.join(tmp, 'config');
    fs.mkdirSync(path.join(tmp, 'configs'));
    const configs = await writeConfigs(path.join(tmp, 'configs'), moto.endpoint);
    await vscode.workspace.getConfiguration('runnable').update('configFile', configs.minio, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    await moto?.stop();
    const settings = vscode.workspace.getConfiguration('runnable');
    await settings.update('awsProfiles', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(tmp, { recursive: true, force: true });
    await settings.update('configFile', undefined, vscode.ConfigurationTarget.Global);
    for (const k of ENV_KEYS) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    api.runs.refresh();
  });

  it('the root names the default profile moto refuses; choosing "reader" lists the run, and the quick pick clears it again', async () => {
    const refused = await rootWhen((d, kids) => d.endsWith('· profile default') && kids.some((k) => k.includes('403')), 'the root read with the default profile (403)');
    const tip = plain(text((await item(refused)).tooltip));
    assert.match(tip, /\*\*Identity\*\* the AWS profile "default" \(the shared files' default\)/);
    assert.ok(!tip.includes(keys.accessKeyId) && !tip.includes('AKIAREFUSEDDEFAULT01'), 'no key in the tooltip');

    const chosen = await vscode.commands.executeCommand<string | undefined>(Commands.chooseAwsProfile, refused, { profile: 'reader' });
    assert.strictEqual(chosen, 'reader');
    const storeId = (await api.runs.descriptors()).find((d) => d.label === 'prod-minio.yaml · minio')!.id;
    const key = storeId.replace(/^minio:/, '');
    assert.deepStrictEqual(vscode.workspace.getConfiguration('runnable').inspect('awsProfiles')?.globalValue, { [key]: 'reader' });
    const reading = await rootWhen((d, kids) => d.endsWith('· profile reader') && kids.join() === 'argo-train-7731', 'the root read with the reader profile');
    assert.match(plain(text((await item(reading)).tooltip)), /the AWS profile "reader" \(chosen for this store \(runnable\.awsProfiles\)\)/);

    // Through the quick pick: its first item is "No profile" (the default chain, here the refused default profile).
    let done = false;
    const cleared = vscode.commands.executeCommand<string | undefined>(Commands.chooseAwsProfile, reading).then((v) => { done = true; return v; });
    await acceptPicksUntil(() => done, 'the profile pick');
    assert.strictEqual(await cleared, '');
    assert.deepStrictEqual(vscode.workspace.getConfiguration('runnable').inspect('awsProfiles')?.globalValue, {});
    await rootWhen((d, kids) => d.endsWith('· profile default') && kids.some((k) => k.includes('403')), 'the root back on the default profile');
  });
});
