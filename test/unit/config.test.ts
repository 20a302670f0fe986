// Config resolution as runnable does it: setting / RUNNABLE_CONFIGURATION_FILE / runnable-config.yaml / defaults,
// ${var} templating, several configs -> several roots, the same store -> one root, bad configs -> problems.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { discoverStores } from '../../src/core/config/discover';
import { applyVariables, substitute } from '../../src/core/config/templating';
import { globToRegExp } from '../../src/core/config/findConfigFiles';
import { configForLayout } from '../../src/core/stores/runLogStore';

const ROOT = path.resolve(__dirname, '../../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/runnable');
const temps: string[] = [];

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-config-'));
  temps.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const FS = (folder: string): string => `run-log-store:\n  type: file-system\n  config:\n    log_folder: ${folder}\n`;

describe('primary config, in runnable\'s order', () => {
  it('uses runnable\'s defaults when there is no config: file-system .run_log_store, file-system .catalog', async () => {
    const cwd = workspace({ 'README.md': 'x' });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.primaryConfig, undefined);
    assert.equal(r.stores.length, 1);
    const d = r.stores[0];
    assert.equal(d.type, 'file-system');
    assert.equal(d.location, path.join(cwd, '.run_log_store'));
    assert.deepEqual(d.catalog, { type: 'file-system', location: path.join(cwd, '.catalog') });
    assert.equal(d.label, 'runnable defaults · file-system');
    assert.deepEqual(d.configFiles, []);
    assert.deepEqual(r.problems, []);
  });

  it('uses runnable-config.yaml in the workspace folder', async () => {
    const cwd = workspace({ 'runnable-config.yaml': FS('from-user-config') });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.primaryConfig, path.join(cwd, 'runnable-config.yaml'));
    assert.deepEqual(r.stores.map((s) => s.location), [path.join(cwd, 'from-user-config')]);
    assert.equal(r.stores[0].label, 'runnable-config.yaml · file-system');
  });

  it('RUNNABLE_CONFIGURATION_FILE wins over runnable-config.yaml (relative to the workspace folder)', async () => {
    const cwd = workspace({ 'runnable-config.yaml': FS('user'), 'envs/env.yml': FS('from-env') });
    const r = await discoverStores({ cwd, env: { RUNNABLE_CONFIGURATION_FILE: 'envs/env.yml' }, globs: ['nothing/*.yaml'] });
    assert.equal(r.primaryConfig, path.join(cwd, 'envs/env.yml'));
    assert.equal(r.stores[0].location, path.join(cwd, 'from-env'));
  });

  it('the configFile setting wins over the environment', async () => {
    const cwd = workspace({ 'a.yaml': FS('from-setting'), 'b.yaml': FS('from-env') });
    const r = await discoverStores({ cwd, configFile: 'a.yaml', env: { RUNNABLE_CONFIGURATION_FILE: 'b.yaml' } });
    assert.equal(r.primaryConfig, path.join(cwd, 'a.yaml'));
    assert.equal(r.stores[0].location, path.join(cwd, 'from-setting'));
    // b.yaml is still a runnable config of the workspace: its store is a second root.
    assert.deepEqual(r.stores.map((s) => s.location), [path.join(cwd, 'from-setting'), path.join(cwd, 'from-env')]);
  });

  it('a primary config without run-log-store gets runnable\'s default store; its catalog settings are read', async () => {
    const cwd = workspace({ 'runnable-config.yaml': 'catalog:\n  type: file-system\n  config:\n    catalog_location: cat\n' });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.stores[0].type, 'file-system');
    assert.equal(r.stores[0].location, path.join(cwd, '.run_log_store'));
    assert.deepEqual(r.stores[0].catalog, { type: 'file-system', location: path.join(cwd, 'cat') });
  });

  it('a config elsewhere that names no store (runnable\'s dotenv.yaml, the mocked configs) is one of the default store\'s; other tools\' YAML with the same keys is not', async () => {
    const cwd = workspace({
      'runnable-config.yaml': FS('.run_log_store'),
      'configs/dotenv.yaml': 'secrets:\n  type: dotenv\n  config:\n    location: secrets.env\n',
      'configs/mocked.yaml': 'pipeline-executor:\n  type: mocked\n',
      // docker-compose: a top-level `secrets:` whose entries have no `type`
      'docker-compose.yaml': 'services:\n  app:\n    image: x\nsecrets:\n  db_password:\n    file: ./db.txt\n',
      // a catalog section without a type: not runnable's, skipped without a problem
      'data/catalog.yaml': 'catalog:\n  tables: [a, b]\n',
    });
    const r = await discoverStores({ cwd, env: {} });
    assert.deepEqual(r.configs.map((c) => path.relative(cwd, c.file)).sort(), ['configs/dotenv.yaml', 'configs/mocked.yaml', 'runnable-config.yaml']);
    assert.deepEqual(r.stores.map((s) => s.location), [path.join(cwd, '.run_log_store')]);
    assert.deepEqual(r.stores[0].configFiles.map((f) => path.relative(cwd, f)).sort(), ['configs/dotenv.yaml', 'configs/mocked.yaml', 'runnable-config.yaml']);
    assert.deepEqual(r.problems, []);
    assert.equal(r.configs.find((c) => c.file.endsWith('dotenv.yaml'))?.secrets?.type, 'dotenv');
  });

  it('reads settings written beside `type` (no config: block) and run_log_store spelled with underscores, as runnable does', async () => {
    const cwd = workspace({ 'runnable-config.yaml': 'run_log_store:\n  type: chunked-fs\n  log_folder: flat\n' });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.stores[0].type, 'chunked-fs');
    assert.equal(r.stores[0].location, path.join(cwd, 'flat'));
  });
});

describe('${name} templating (runnable\'s apply_variables)', () => {
  it('fills ${name} and $name from RUNNABLE_VAR_name; the variables option wins over the environment', async () => {
    const cwd = workspace({ 'runnable-config.yaml': 'run-log-store:\n  type: chunked-fs\n  config:\n    log_folder: ${env}-logs/$team\n' });
    const r1 = await discoverStores({ cwd, env: { RUNNABLE_VAR_env: 'prod', RUNNABLE_VAR_team: 'ml' } });
    assert.equal(r1.stores[0].location, path.join(cwd, 'prod-logs/ml'));
    const r2 = await discoverStores({ cwd, env: { RUNNABLE_VAR_env: 'prod', RUNNABLE_VAR_team: 'ml' }, variables: { env: 'dev' } });
    assert.equal(r2.stores[0].location, path.join(cwd, 'dev-logs/ml'));
    assert.deepEqual(r2.problems, []);
  });

  it('leaves an unknown placeholder as written (safe_substitute) and reports it without failing', async () => {
    const cwd = workspace({ 'runnable-config.yaml': 'run-log-store:\n  type: file-system\n  config:\n    log_folder: ${missing}\n' });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.stores[0].location, path.join(cwd, '${missing}'));
    assert.equal(r.problems.length, 1);
    assert.match(r.problems[0].message, /\$\{missing\}.*RUNNABLE_VAR_missing/);
    assert.equal(r.problems[0].file, path.join(cwd, 'runnable-config.yaml'));
  });

  it('follows Python string.Template: $$ escapes, names are [_a-z][_a-z0-9]*, a lone $ stays', () => {
    assert.deepEqual(substitute('$$HOME ${a}b $a_1 $1 $ x${b}', { a: 'A', a_1: 'Z', b: 'B' }), { text: '$HOME Ab Z $1 $ xB', missing: [] });
    assert.deepEqual(substitute('${nope}', {}), { text: '${nope}', missing: ['nope'] });
    assert.deepEqual(applyVariables({ k: ['${a}', 3, { '${a}': true }] }, { a: 'x' }), { k: ['x', 3, { x: true }] });
  });
});

describe('several configs in a workspace', () => {
  it('examples/: one root per distinct store, labelled config name + store type', async () => {
    const cwd = path.join(ROOT, 'examples');
    const r = await discoverStores({ cwd, env: {} });
    assert.deepEqual(r.stores.map((s) => s.label), ['runnable-config.yaml · file-system', 'composite.yaml · chunked-fs', 'prod-chunked.yaml · chunked-fs']);
    assert.deepEqual(r.stores.map((s) => s.location), ['.run_log_store', 'composite-run-logs', 'prod-run-logs'].map((f) => path.join(cwd, f)));
    assert.equal(r.stores[2].catalog?.location, path.join(cwd, 'prod-catalog'));
    assert.deepEqual(r.problems, []);
  });

  it('configs naming the same folder give one root listing them all, whatever their local store type', async () => {
    const cwd = workspace({ 'runnable-config.yaml': FS('./logs'), 'ci/other.yaml': FS('logs/'), 'ci/chunked.yaml': 'run-log-store:\n  type: chunked-fs\n  config:\n    log_folder: logs\n' });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.stores.length, 1, JSON.stringify(r.stores));
    const [d] = r.stores;
    assert.deepEqual(d.configFiles, ['runnable-config.yaml', 'ci/chunked.yaml', 'ci/other.yaml'].map((f) => path.join(cwd, f)));
    assert.equal(d.label, 'runnable-config.yaml +2 more · file-system + chunked-fs');
    assert.equal(d.type, 'file-system', 'the primary config\'s type');
    assert.deepEqual(d.layouts, {
      'file-system': { configFiles: [path.join(cwd, 'runnable-config.yaml'), path.join(cwd, 'ci/other.yaml')], defaults: false },
      'chunked-fs': { configFiles: [path.join(cwd, 'ci/chunked.yaml')], defaults: false },
    });
    assert.deepEqual(configForLayout(d, 'chunked-fs'), { configFile: path.join(cwd, 'ci/chunked.yaml') });
    assert.deepEqual(configForLayout(d, 'file-system'), { configFile: path.join(cwd, 'runnable-config.yaml') });
  });

  it('the fixture ml-file-system: defaults and local.yaml are the same store, one root', async () => {
    const r = await discoverStores({ cwd: path.join(FIXTURES, 'ml-file-system'), env: {} });
    assert.equal(r.stores.length, 1);
    assert.equal(r.stores[0].label, 'runnable defaults +1 more · file-system');
  });

  it('skips YAML without a run-log-store key, node_modules and .venv; globs narrow the search', async () => {
    const cwd = workspace({
      'pipeline.yaml': 'dag:\n  start_at: x\n',
      'node_modules/pkg/c.yaml': FS('nm'),
      '.venv/c.yaml': FS('venv'),
      'deploy/argo.yaml': 'run-log-store:\n  type: chunked-fs\n',
      'other/x.yaml': FS('other'),
    });
    const all = await discoverStores({ cwd, env: {} });
    assert.deepEqual(all.stores.map((s) => s.configFiles[0] ?? 'defaults'), ['defaults', path.join(cwd, 'deploy/argo.yaml'), path.join(cwd, 'other/x.yaml')].filter((x) => x !== 'defaults'));
    const narrowed = await discoverStores({ cwd, env: {}, globs: ['deploy/*.yaml'] });
    assert.deepEqual(narrowed.stores.map((s) => s.configFiles[0]), [path.join(cwd, 'deploy/argo.yaml')]);
    assert.ok(globToRegExp('**/*.{yaml,yml}').test('a/b/c.yml'));
    assert.ok(!globToRegExp('*.yaml').test('a/c.yaml'));
  });

  it('minio stores: s3 location, endpoint in the id, secrets masked in settings but available to the S3 store', async () => {
    const cwd = path.join(FIXTURES, 's3-minio');
    const r = await discoverStores({ cwd, env: {} });
    const minio = r.stores.find((s) => s.type === 'minio');
    assert.ok(minio);
    assert.equal(minio.location, 's3://run-logs');
    assert.equal(minio.id, 'minio:http://127.0.0.1:9012/run-logs');
    assert.equal(minio.settings.aws_secret_access_key, '****');
    // The keys reach the S3 store through discovery's credential source, never on the descriptor.
    assert.equal((await r.credentials.get(minio.id))?.config?.runLogStore?.secretAccessKey, 'minioadmin');
    assert.ok(!JSON.stringify(minio).includes('minioadmin') && !Object.getOwnPropertySymbols(minio).length, 'nothing hidden on the descriptor');
    assert.ok(!JSON.stringify(r).includes('minioadmin'), 'no secret in the serialised discovery');
    const chunked = r.stores.find((s) => s.type === 'chunked-minio');
    assert.equal(chunked?.location, 's3://chunked-run-logs');
    assert.deepEqual(chunked?.catalog, { type: 'minio', location: 's3://catalog' });
  });
});

describe('bad configs never throw', () => {
  it('an unknown store type: a problem naming the file and a descriptor with the type as written', async () => {
    const cwd = workspace({ 'runnable-config.yaml': 'run-log-store:\n  type: postgres\n' });
    const r = await discoverStores({ cwd, env: {} });
    assert.equal(r.stores.length, 1);
    assert.equal(r.stores[0].type, 'postgres');
    assert.match(r.stores[0].problem ?? '', /unknown run log store type "postgres"/);
    assert.equal(r.problems[0].file, path.join(cwd, 'runnable-config.yaml'));
    assert.ok(r.problems[0].message.includes(path.join(cwd, 'runnable-config.yaml')));
  });

  it('invalid YAML, a missing config file and a non-mapping config each become one problem; the rest still resolves', async () => {
    const cwd = workspace({ 'bad.yaml': 'run-log-store:\n  type: [file-system\n', 'list.yaml': 'run-log-store:\n- a\n', 'good.yaml': FS('good') });
    const r = await discoverStores({ cwd, configFile: 'missing.yaml', env: {} });
    const files = r.problems.map((p) => path.basename(p.file)).sort();
    assert.deepEqual(files, ['bad.yaml', 'list.yaml', 'missing.yaml']);
    assert.match(r.problems.find((p) => p.file.endsWith('missing.yaml'))!.message, /does not exist/);
    assert.match(r.problems.find((p) => p.file.endsWith('bad.yaml'))!.message, /not valid YAML/);
    assert.ok(r.stores.some((s) => s.location === path.join(cwd, 'good') && !s.problem));
    assert.equal(r.stores.filter((s) => s.problem).length, 3);
  });
});

describe('every fixture case resolves to the store its case.json names', () => {
  for (const name of fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, 'case.json')))) {
    const c = JSON.parse(fs.readFileSync(path.join(FIXTURES, name, 'case.json'), 'utf8'));
    if (!c.store) continue;
    it(name, async () => {
      const cwd = path.join(FIXTURES, name);
      const r = await discoverStores({ cwd, configFile: c.config ?? undefined, env: c.env ?? {} });
      const d = r.stores[0];
      assert.equal(d.type, c.store.type);
      assert.equal(d.location, path.join(cwd, c.store.location));
      if (c.catalog) assert.deepEqual(d.catalog, { type: c.catalog.type, location: path.join(cwd, c.catalog.location) });
    });
  }
});
