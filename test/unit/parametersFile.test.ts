// A YAML pipeline's parameters file for Run/Debug with runnable (runnable execute -p, RUNNABLE_PARAMETERS_FILE): which
// files are offered, in what order, and the environment that makes runnable read the one chosen. The map-no-parameter
// workspace is real runnable's: its pipeline.yaml maps over `regions`, which only params.yaml sets.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { findParameterFiles, PARAMETERS_ENV, parametersChoices, parametersEnv } from '../../src/core/pipelines/parametersFile';
import { pythonEnv } from '../standin/standinEnv';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');
const temps: string[] = [];
after(() => temps.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function workspace(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-params-'));
  temps.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

describe('parameters file of a YAML pipeline', () => {
  it('offers the YAML beside the pipeline that is neither a pipeline nor a config (map-no-parameter: params.yaml)', async () => {
    const ws = path.join(FIXTURES, 'map-no-parameter');
    assert.deepEqual(await findParameterFiles(path.join(ws, 'pipeline.yaml'), ws), [path.join(ws, 'params.yaml')]);
  });

  it('looks beside the pipeline and in the run folder, names like parameters first; skips configs, pipelines, lists and itself', async () => {
    const ws = workspace({
      'pipelines/etl.yaml': 'dag:\n  start_at: a\n',
      'pipelines/other.yaml': 'dag:\n  start_at: b\n',
      'pipelines/parameters.yaml': 'size: 3\n',
      'pipelines/lookup.yml': 'regions:\n  - eu\n',
      'mocked_map_parameters.yaml': 'chunks: [0, 10]\nstride: 10\n',
      'runnable-config.yaml': 'run-log-store:\n  type: chunked-fs\n',
      'catalog.yaml': 'catalog:\n  type: file-system\n',
      'list.yaml': '- a\n- b\n',
      'notes.txt': 'size: 1\n',
    });
    assert.deepEqual((await findParameterFiles(path.join(ws, 'pipelines/etl.yaml'), ws)).map((f) => path.relative(ws, f)), [
      'mocked_map_parameters.yaml',
      'pipelines/parameters.yaml',
      'pipelines/lookup.yml',
    ]);
  });

  it('rows: the last answer first, then what the environment names, the files, none, then browse', () => {
    const cwd = '/w';
    const files = ['/w/params.yaml', '/w/other.yaml'];
    assert.deepEqual(parametersChoices(cwd, files, undefined, undefined).map((c) => c.label), ['params.yaml', 'other.yaml', 'No parameters file', 'Parameters file…']);
    assert.deepEqual(parametersChoices(cwd, files, undefined, '/w/other.yaml').map((c) => [c.label, c.detail]).slice(0, 1), [['other.yaml', 'chosen last time']]);
    assert.deepEqual(parametersChoices(cwd, files, undefined, '').map((c) => c.label)[0], 'No parameters file');
    const inherited = parametersChoices(cwd, files, '/w/ci/params.yaml', undefined);
    assert.deepEqual(inherited.map((c) => c.label), ['ci/params.yaml', 'params.yaml', 'other.yaml', 'No parameters file', 'Parameters file…']);
    assert.match(inherited[0].description ?? '', /RUNNABLE_PARAMETERS_FILE: what runnable reads here/);
    assert.equal(inherited.find((c) => c.label === 'No parameters file')?.description, undefined);
    assert.equal(parametersChoices(cwd, [], undefined, undefined).at(-1)?.browse, true);
  });

  it('the environment: the file as RUNNABLE_PARAMETERS_FILE; none blanks an inherited one (runnable treats empty as unset)', () => {
    assert.deepEqual(parametersEnv('/w/params.yaml', undefined), { [PARAMETERS_ENV]: '/w/params.yaml' });
    assert.deepEqual(parametersEnv('/w/params.yaml', '/w/ci.yaml'), { [PARAMETERS_ENV]: '/w/params.yaml' });
    assert.deepEqual(parametersEnv('', '/w/ci.yaml'), { [PARAMETERS_ENV]: '' });
    assert.deepEqual(parametersEnv('', undefined), {});
  });

  // Only the real runnable runs a pipeline without a retry (the stand-in refuses): skipped in CI.
  const py = pythonEnv();
  it('real runnable: map-no-parameter\'s pipeline run with the offered file in the environment succeeds (without it, the fan-out fails)', { skip: py.standin && 'needs the real runnable (RUNNABLE_TEST_PYTHON)' }, async () => {
    const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rr-params-real-'));
    temps.push(ws);
    for (const f of ['pipeline.yaml', 'params.yaml', 'scoring.py']) fs.copyFileSync(path.join(FIXTURES, 'map-no-parameter', f), path.join(ws, f));
    const [file] = await findParameterFiles(path.join(ws, 'pipeline.yaml'), ws);
    const run = (id: string, env: Record<string, string>) => {
      const r = spawnSync(py.python, ['-m', 'runnable.cli', 'execute', 'pipeline.yaml'], { cwd: ws, env: { ...py.env, RUNNABLE_RUN_ID: id, ...env } as NodeJS.ProcessEnv, encoding: 'utf8', timeout: 120_000 });
      return (JSON.parse(fs.readFileSync(path.join(ws, '.run_log_store', `${id}.json`), 'utf8')) as { status: string }).status + ` (${r.status})`;
    };
    assert.equal(run('with-params', parametersEnv(file, undefined)), 'SUCCESS (0)');
    assert.equal(run('without-params', parametersEnv('', undefined)), 'PROCESSING (1)');
  });
});
