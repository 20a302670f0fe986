// Which files get "Run with runnable" / "Debug with runnable", where the lens goes, and what runs them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { configChoices, detectPipelineFile, findRunnableConfigs, pipelineArgv, pipelineShellLine } from '../../src/core/pipelines/pipelineFile';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');
const read = (f: string) => fs.readFileSync(path.join(EXAMPLES, f), 'utf8');

describe('pipeline files', () => {
  it('the examples\' SDK pipelines are found, on their Pipeline( line; step modules, jobs and configs are not', () => {
    assert.deepEqual(detectPipelineFile('pipeline.py', read('pipeline.py')), { kind: 'python', line: 5 });
    assert.equal(detectPipelineFile('map_pipeline.py', read('map_pipeline.py'))?.kind, 'python');
    assert.equal(detectPipelineFile('functions.py', read('functions.py')), undefined);
    assert.equal(detectPipelineFile('job.py', read('job.py')), undefined, 'a PythonJob builds no Pipeline');
    assert.deepEqual(detectPipelineFile('pipeline.yaml', read('pipeline.yaml')), { kind: 'yaml', line: 0 });
    assert.equal(detectPipelineFile('runnable-config.yaml', read('runnable-config.yaml')), undefined);
  });

  it('an AsyncPipeline with execute_streaming counts; a Pipeline without runnable, or never executed, does not', () => {
    const asyncFlow = 'from runnable import AsyncPipeline, AsyncPythonTask\n\nasync def main():\n    p = AsyncPipeline(steps=[])\n    async for e in p.execute_streaming():\n        print(e)\n';
    assert.deepEqual(detectPipelineFile('flow.py', asyncFlow), { kind: 'python', line: 3 });
    assert.equal(detectPipelineFile('x.py', 'from sklearn.pipeline import Pipeline\np = Pipeline([])\np.execute()\n'), undefined);
    assert.equal(detectPipelineFile('x.py', 'from runnable import Pipeline\np = Pipeline(steps=[])\n'), undefined);
    assert.equal(detectPipelineFile('x.txt', 'from runnable import Pipeline\nPipeline(steps=[]).execute()\n'), undefined);
    assert.equal(detectPipelineFile('p.yml', '# comment\ndag:\n  start_at: a\n')?.line, 1);
  });

  it('a Python pipeline runs as a script, a YAML one through runnable execute; the config goes in as RUNNABLE_CONFIGURATION_FILE', () => {
    assert.deepEqual(pipelineArgv('python', 'pipeline.py'), ['pipeline.py']);
    assert.deepEqual(pipelineArgv('yaml', 'my pipe.yaml'), ['-m', 'runnable.cli', 'execute', 'my pipe.yaml']);
    assert.equal(pipelineShellLine('/v/bin/python', 'yaml', 'my pipe.yaml', '/w/c.yaml'), "RUNNABLE_CONFIGURATION_FILE=/w/c.yaml /v/bin/python -m runnable.cli execute 'my pipe.yaml'");
    assert.equal(pipelineShellLine('python3', 'python', 'pipeline.py', undefined), 'python3 pipeline.py');
  });

  it('the workspace\'s configs are the YAML files whose keys make them runnable configs', async () => {
    const configs = (await findRunnableConfigs(EXAMPLES)).map((f) => path.relative(EXAMPLES, f));
    assert.ok(configs.includes('runnable-config.yaml'), configs.join(', '));
    assert.ok(configs.includes(path.join('configs', 'prod-chunked.yaml')));
    assert.ok(!configs.includes('pipeline.yaml') && !configs.includes('parameters.yaml'), configs.join(', '));
  });

  it('"No config file" is offered only where runnable, given no config, would read none (its runnable-config.yaml fallback)', () => {
    const cwd = '/w';
    const configs = ['/w/configs/prod.yaml', '/w/runnable-config.yaml'];
    // runnable-config.yaml in the working folder: runnable reads it whenever RUNNABLE_CONFIGURATION_FILE is unset.
    const withUserConfig = configChoices(cwd, configs, '/w/runnable-config.yaml', '/w/runnable-config.yaml', undefined);
    assert.deepEqual(withUserConfig.map((c) => [c.label, c.configFile, c.description]), [
      ['runnable-config.yaml', '/w/runnable-config.yaml', 'what runnable uses here'],
      ['configs/prod.yaml', '/w/configs/prod.yaml', undefined],
    ]);
    // An old "No config file" answer is not offered again there; runnable.configFile ranks its config first.
    const setting = configChoices(cwd, configs, '/w/configs/prod.yaml', '/w/runnable-config.yaml', '');
    assert.deepEqual(setting.map((c) => c.label), ['configs/prod.yaml', 'runnable-config.yaml']);
    // No fallback: runnable's defaults are a real choice, and first, since that is what runnable uses here.
    const bare = configChoices(cwd, ['/w/configs/prod.yaml'], undefined, undefined, undefined);
    assert.deepEqual(bare.map((c) => [c.label, c.configFile, c.description]), [
      ['No config file', undefined, 'what runnable uses here'],
      ['configs/prod.yaml', '/w/configs/prod.yaml', undefined],
    ]);
    assert.deepEqual(configChoices(cwd, ['/w/configs/prod.yaml'], undefined, undefined, '/w/configs/prod.yaml').map((c) => c.label), ['configs/prod.yaml', 'No config file']);
  });
});
