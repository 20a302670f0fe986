// Which YAML files the language server analyses: runnable pipelines and configs by their top-level keys, plus
// the `runnable.yamlGlobs` setting; everything else is left alone.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { detectRunnableYaml, matchesAnyGlob } from '../../src/core/yaml/detect';
import { repoRoot } from './server.harness';

describe('runnable YAML detection', () => {
  it('recognises the fixtures\' pipelines and configs, and not their parameter files', () => {
    const dir = path.join(repoRoot, 'test', 'fixtures', 'runnable');
    const kinds: Record<string, string | undefined> = {};
    for (const c of ['yaml-etl/pipeline.yaml', 'yaml-etl/params.yaml', 'ml-chunked-fs/chunked.yaml', 's3-minio/prod-minio.yaml', 'ml-file-system/parameters.yaml']) {
      kinds[c] = detectRunnableYaml(fs.readFileSync(path.join(dir, c), 'utf8'));
    }
    assert.deepEqual(kinds, {
      'yaml-etl/pipeline.yaml': 'pipeline', 'yaml-etl/params.yaml': undefined, 'ml-chunked-fs/chunked.yaml': 'config',
      's3-minio/prod-minio.yaml': 'config', 'ml-file-system/parameters.yaml': undefined,
    });
  });

  it('needs a plugin `type:` under catalog/secrets/pickler, and accepts runnable\'s underscore spelling', () => {
    assert.equal(detectRunnableYaml('catalog:\n  type: file-system\n'), 'config');
    assert.equal(detectRunnableYaml('catalog:\n  - books\n  - films\n'), undefined);
    assert.equal(detectRunnableYaml('run_log_store:\n  type: buffered\n'), 'config');
    assert.equal(detectRunnableYaml('name: ci\non: [push]\njobs: {}\n'), undefined);
    assert.equal(detectRunnableYaml('metadata:\n  dag: x\n'), undefined, 'only top-level keys count');
  });

  it('matches `runnable.yamlGlobs` against workspace paths', () => {
    assert.ok(matchesAnyGlob('/ws/pipelines/nightly/etl.yaml', ['pipelines/**/*.yaml']));
    assert.ok(matchesAnyGlob('/ws/pipelines/etl.yaml', ['pipelines/**/*.yaml']));
    assert.ok(matchesAnyGlob('/ws/a/b/flow.runnable.yml', ['*.runnable.{yml,yaml}']));
    assert.ok(!matchesAnyGlob('/ws/other/etl.yaml', ['pipelines/**/*.yaml']));
    assert.ok(!matchesAnyGlob('/ws/pipelines/etl.json', ['pipelines/**/*.yaml']));
  });
});
