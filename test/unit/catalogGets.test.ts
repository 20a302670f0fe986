// catalogGets.ts's pieces: pathlib's glob semantics for a step's `catalog.get`, and a step's dag node by internal name.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { catalogGets, globRegExp } from '../../src/core/retry/catalogGets';
import { dagNodeAt } from '../../src/core/runlog/dag';
import { StoreRegistry } from '../../src/core/stores/storeRegistry';

void test('globRegExp: * and ? within one folder, ** across folders (none included), [..] classes, dots literal', () => {
  const m = (p: string, f: string) => globRegExp(p).test(f);
  assert.ok(m('data/rows.csv', 'data/rows.csv'));
  assert.ok(!m('data/rows.csv', 'data/rowsXcsv'));
  assert.ok(m('data/*.csv', 'data/a.csv') && !m('data/*.csv', 'data/x/a.csv'));
  assert.ok(m('**/*.csv', 'a.csv') && m('**/*.csv', 'x/y/a.csv') && !m('**/*.csv', 'x/a.parquet'));
  assert.ok(m('data/**', 'data/x/y.bin'));
  assert.ok(m('part-?.txt', 'part-1.txt') && !m('part-?.txt', 'part-12.txt'));
  assert.ok(m('[ab].txt', 'a.txt') && !m('[!ab].txt', 'a.txt') && m('[!ab].txt', 'c.txt'));
  assert.ok(m('./data/rows.csv', 'data/rows.csv'));
});

void test('dagNodeAt: a step inside a map iteration and a parallel branch by internal name; a branch name has no node', async () => {
  const registry = await StoreRegistry.discover({ cwd: path.resolve(__dirname, '../../../test/fixtures/runnable/composite-chunked-fs'), env: {} });
  const { run } = await registry.findRun('map-fail-0001');
  assert.equal(dagNodeAt(run, 'score_all')?.node_type, 'map');
  assert.equal(dagNodeAt(run, 'score_all.2.score chunk')?.node_type, 'task');
  assert.equal(dagNodeAt(run, 'score_all.2'), undefined);
  assert.equal(dagNodeAt(run, 'no such step'), undefined);
});

void test('catalogGets: read through the store\'s own catalog listing, local or S3, under the recorded compute_data_folder; unlisted is not checked', async () => {
  const cwd = path.resolve(__dirname, '../../../test/fixtures/runnable/catalog-get');
  const registry = await StoreRegistry.discover({ cwd, env: {} });
  const { run, store } = await registry.findRun('catalog-get-0001');
  assert.deepEqual(await catalogGets(run, 'load', store, cwd), { folder: '.catalog/catalog-get-0001', gets: [{ pattern: 'data/rows.csv', files: ['.catalog/catalog-get-0001/data/rows.csv'], checked: true }] });
  assert.equal(await catalogGets(run, 'extract', store, cwd), undefined, 'extract gets nothing');
  // The same run read from an S3 catalog (a minio catalog lists `<run_id>/…` keys), its files under compute_data_folder "data".
  const s3 = {
    descriptor: { ...store.descriptor, catalog: { type: 'minio', location: 's3://catalog' } },
    listCatalog: async () => ['data/rows.csv', 'data/extra/rows.csv', 'loadABC.execution.log', 'other.csv'],
  };
  const inData = { ...run, runConfig: { ...run.runConfig, catalog: { compute_data_folder: 'data' } } };
  assert.deepEqual(await catalogGets(inData, 'load', s3, cwd), { folder: 's3://catalog/catalog-get-0001/data', gets: [{ pattern: 'data/rows.csv', files: [], checked: true }] });
  assert.deepEqual((await catalogGets(run, 'load', s3, cwd))?.gets, [{ pattern: 'data/rows.csv', files: ['s3://catalog/catalog-get-0001/data/rows.csv'], checked: true }]);
  const unreachable = { ...s3, listCatalog: async (): Promise<string[]> => { throw new Error('ECONNREFUSED'); } };
  assert.deepEqual(await catalogGets(run, 'load', unreachable, cwd), { gets: [{ pattern: 'data/rows.csv', files: [], checked: false }] });
});
