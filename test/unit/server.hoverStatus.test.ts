// Hover on a step inside a map/parallel/conditional branch shows how it ended in the recorded runs, through the
// real language server (LSP over stdio) and the real composite fixture stores (written by runnable).
// The fixtures' pipelines were written with the SDK; the YAMLs below spell out the same dags (run_config.dag),
// which is how a YAML file is matched with SDK runs. Expectations come from case.json and the run logs.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Hover } from 'vscode-languageserver-protocol';
import { analyzeRunnableYaml } from '../../src/core/yaml/analyze';
import { runDagShape, yamlDagShape } from '../../src/server/dagShape';
import { positionOf, repoRoot, startSession, type LspSession } from './server.harness';

const MAP_YAML = `dag:
  start_at: make_chunks
  steps:
    make_chunks:
      type: task
      command: steps.make_chunks
      returns:
        - name: chunks
      next: score_all
    score_all:
      type: map
      iterate_on: chunks
      iterate_as: chunk
      branch:
        start_at: score chunk
        steps:
          score chunk:
            type: task
            command: steps.score_chunk
            returns:
              - name: scored
            next: success
      next: summarise
    summarise:
      type: task
      command: steps.summarise
      returns:
        - name: total
      next: success
`;

const PARALLEL_YAML = `dag:
  start_at: start
  steps:
    start:
      type: stub
      next: prepare
    prepare:
      type: parallel
      branches:
        features:
          start_at: extract
          steps:
            extract:
              type: task
              command: steps.extract_features
              returns:
                - name: features
              next: success
        schema:
          start_at: validate
          steps:
            validate:
              type: task
              command: steps.validate_schema
              returns:
                - name: valid
              next: success
      next: publish
    publish:
      type: stub
      next: success
`;

const CONDITIONAL_YAML = `dag:
  start_at: pick
  steps:
    pick:
      type: task
      command: steps.pick_model
      returns:
        - name: size
      next: train
    train:
      type: conditional
      parameter: size
      branches:
        large:
          start_at: train large
          steps:
            train large:
              type: task
              command: steps.train_large
              next: success
        small:
          start_at: train small
          steps:
            train small:
              type: task
              command: steps.train_small
              next: success
      next: success
`;

interface CaseRun { status: string; steps: Record<string, { status: string; type: string; attempts: Array<[number, string, string]> }> }

function caseRuns(fixture: string): Record<string, CaseRun> {
  return (JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'runnable', fixture, 'case.json'), 'utf8')) as { runs: Record<string, CaseRun> }).runs;
}

/**
 * The user's error the hover shows for a failed run: case.json's first_failed_task.error of the original fixture
 * (the -retried copy was retried without a fix, so its newest attempt failed the same way).
 */
function recordedCause(fixture: string, runId: string): string {
  const base = fixture.replace(/-retried$/, '');
  const c = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'runnable', base, 'case.json'), 'utf8')) as { runs: Record<string, { first_failed_task?: { error?: string } }> };
  const error = c.runs[runId]?.first_failed_task?.error;
  assert.ok(error, `${base} case.json records the error of ${runId}`);
  return error;
}

/** The message runnable recorded on a step's last attempt, read from the chunked store's files. */
function recordedMessage(root: string, runId: string, internalName: string): string {
  const dir = path.join(root, '.run_log_store', runId);
  for (const f of fs.readdirSync(dir)) {
    const log = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { steps?: Record<string, { attempts: Array<{ message: string }> }> };
    const step = log.steps?.[internalName];
    if (step) return step.attempts[step.attempts.length - 1].message.trim();
  }
  throw new Error(`${internalName} not in ${dir}`);
}

/** The status part of a hover (after the rule), Markdown escapes removed; one entry per run. */
function statusEntries(h: Hover | null): string[] {
  assert.ok(h, 'a hover is returned');
  const md = (h.contents as { value: string }).value;
  const at = md.indexOf('\n---\n');
  if (at < 0) return [];
  return md.slice(at + 5).trim().split(/\n(?=- )/).map((e) => e.replace(/^- /, '').replace(/\\(.)/g, '$1'));
}

/** The map iterations of `step` in a case.json run: iteration name -> status and last attempt number. */
function iterations(run: CaseRun, map: string, step: string): Array<{ name: string; status: string; attempt: number }> {
  const out = [];
  for (const [k, v] of Object.entries(run.steps)) {
    const m = k.startsWith(`${map}.`) && k.endsWith(`.${step}`) ? k.slice(map.length + 1, k.length - step.length - 1) : undefined;
    if (m !== undefined && !m.includes('.')) out.push({ name: m, status: v.status, attempt: v.attempts[v.attempts.length - 1][0] });
  }
  return out;
}

for (const fixture of ['composite-chunked-fs', 'composite-chunked-fs-retried']) {
  describe(`hover status inside composite branches (${fixture})`, () => {
    let root: string;
    let s: LspSession;
    const runs = caseRuns(fixture);
    const hover = async (file: string, text: string, needle: string): Promise<string[]> => {
      const opened = await s.open(path.join(root, file), text);
      assert.deepEqual(opened.diagnostics.map((d) => d.message), [], `${file} mirrors the recorded dag without problems`);
      return statusEntries(await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position: positionOf(text, needle, 1) }) as Hover | null);
    };

    before(async () => {
      // A copy: the YAML pipelines are written beside the store, as a user's workspace has them.
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'hover-status-'));
      fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'runnable', fixture), root, { recursive: true });
      fs.writeFileSync(path.join(root, 'map_pipeline.yaml'), MAP_YAML);
      fs.writeFileSync(path.join(root, 'parallel_pipeline.yaml'), PARALLEL_YAML);
      fs.writeFileSync(path.join(root, 'conditional_pipeline.yaml'), CONDITIONAL_YAML);
      s = await startSession(root);
    });
    after(async () => {
      await s?.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('a step inside a map: one summary across iterations and the failed iteration\'s message', async () => {
      const its = iterations(runs['map-fail-0001'], 'score_all', 'score chunk');
      const failed = its.filter((i) => i.status === 'FAIL');
      assert.ok(its.length >= 2 && failed.length === 1, 'the fixture has one failed iteration among several');
      const ok = its.length - failed.length;
      const entries = await hover('map_pipeline.yaml', MAP_YAML, 'score chunk:');
      assert.equal(entries.length, 1, `only the map run has this dag: ${entries.join(' | ')}`);
      const [head, detail] = entries[0].split('\n').map((l) => l.trim());
      assert.match(head, new RegExp(`^failed in map-fail-0001 · ${its.length} iterations: ${ok} SUCCESS, 1 FAIL \\(iteration ${failed[0].name}\\) · (?:.+ ago|yesterday|just now|\\d{4}-\\d\\d-\\d\\d) · .*chunked-fs`));
      const message = recordedMessage(root, 'map-fail-0001', `score_all.${failed[0].name}.score chunk`).split('\n')[0];
      assert.ok(message.length > 0);
      // The user's error from the iteration's captured log, not runnable's wrapper message.
      assert.equal(detail, `iteration ${failed[0].name}, attempt ${failed[0].attempt}: ${recordedCause(fixture, 'map-fail-0001')}`);
      assert.ok(!detail.includes(message), 'not the recorded wrapper message');
    });

    it('the map step itself: its iterations and where the failure is', async () => {
      const its = iterations(runs['map-fail-0001'], 'score_all', 'score chunk');
      const failed = its.find((i) => i.status === 'FAIL')!;
      const entries = await hover('map_pipeline.yaml', MAP_YAML, 'score_all:');
      assert.equal(entries.length, 1);
      const [head, detail] = entries[0].split('\n').map((l) => l.trim());
      assert.match(head, new RegExp(`^failed in map-fail-0001 · ${its.length} iterations: ${its.length - 1} SUCCESS, 1 FAIL \\(iteration ${failed.name}\\) · `));
      assert.match(detail, new RegExp(`^iteration ${failed.name} › score chunk, attempt ${failed.attempt}: `));
    });

    it('steps outside the branch still read as before; a step the run never reached has no line', async () => {
      const make = await hover('map_pipeline.yaml', MAP_YAML, 'make_chunks:');
      assert.equal(make.length, 1);
      assert.match(make[0], new RegExp(`^${runs['map-fail-0001'].steps.make_chunks.status === 'SUCCESS' ? 'succeeded' : 'failed'} in map-fail-0001 \\(attempt 1, (?:.+ ago|yesterday|just now|\\d{4}-\\d\\d-\\d\\d)\\)`));
      assert.deepEqual(await hover('map_pipeline.yaml', MAP_YAML, 'summarise:'), [], 'summarise never ran (the map failed)');
    });

    it('a step inside a parallel branch: its own status; the parallel step: per-branch status', async () => {
      const run = runs['parallel-fail-0001'];
      const validate = await hover('parallel_pipeline.yaml', PARALLEL_YAML, 'validate:');
      assert.equal(validate.length, 1);
      assert.equal(run.steps['prepare.schema.validate'].status, 'FAIL');
      const [head, detail] = validate[0].split('\n').map((l) => l.trim());
      assert.match(head, /^failed in parallel-fail-0001 \(attempt 1, (?:.+ ago|yesterday|just now|\d{4}-\d\d-\d\d)\)/);
      assert.equal(detail, recordedCause(fixture, 'parallel-fail-0001'));
      const extract = await hover('parallel_pipeline.yaml', PARALLEL_YAML, 'extract:');
      assert.match(extract[0], new RegExp(`^${run.steps['prepare.features.extract'].status === 'SUCCESS' ? 'succeeded' : 'failed'} in parallel-fail-0001`));
      const prepare = await hover('parallel_pipeline.yaml', PARALLEL_YAML, 'prepare:');
      const [phead, pdetail] = prepare[0].split('\n').map((l) => l.trim());
      assert.match(phead, new RegExp(`^failed in parallel-fail-0001 · branches: features ${run.steps['prepare.features.extract'].status}, schema ${run.steps['prepare.schema.validate'].status} · `));
      assert.match(pdetail, /^branch schema › validate, attempt 1: /);
    });

    it('a conditional: the taken branch\'s step, the branch not taken, and the conditional step', async () => {
      const run = runs['conditional-fail-0001'];
      const taken = Object.keys(run.steps).filter((k) => k.startsWith('train.')).map((k) => k.split('.')[1]);
      assert.deepEqual([...new Set(taken)], ['large'], 'the fixture took branch large');
      const large = await hover('conditional_pipeline.yaml', CONDITIONAL_YAML, 'train large:');
      assert.match(large[0], /^failed in conditional-fail-0001 \(attempt 1, (?:.+ ago|yesterday|just now|\d{4}-\d\d-\d\d)\)/);
      const small = await hover('conditional_pipeline.yaml', CONDITIONAL_YAML, 'train small:');
      assert.equal(small.length, 1);
      assert.match(small[0], /^not run in conditional-fail-0001: `train` took branch large · /);
      const train = await hover('conditional_pipeline.yaml', CONDITIONAL_YAML, 'train:');
      assert.match(train[0], new RegExp(`^failed in conditional-fail-0001 · took branch large: ${run.steps['train'].status} · `));
      assert.match(train[0], /\n\s+branch large › train large, attempt 1: /);
    });

    it('a YAML whose dag differs from every recorded one shows no run status', async () => {
      const changed = MAP_YAML.replace('      next: summarise\n', '      next: report\n    report:\n      type: stub\n      next: summarise\n');
      const opened = await s.open(path.join(root, 'map_changed.yaml'), changed);
      const h = await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position: positionOf(changed, 'score chunk:', 1) }) as Hover;
      assert.match((h.contents as { value: string }).value, /\*\*score chunk\*\*: task step/);
      assert.deepEqual(statusEntries(h), []);
    });
  });
}

describe('dag shapes: a YAML and the dag runnable recorded from it agree', () => {
  const shapeOfYaml = (text: string): string => {
    const a = analyzeRunnableYaml(text, { fileKind: 'pipeline' });
    assert.ok(a.dag);
    return yamlDagShape(a.dag);
  };

  it('every YAML-mode run in the fixtures has the shape of the YAML file it names', () => {
    let checked = 0;
    for (const fixture of ['yaml-etl', 'yaml-etl-retried']) {
      const dir = path.join(repoRoot, 'test', 'fixtures', 'runnable', fixture);
      for (const f of fs.readdirSync(path.join(dir, '.run_log_store'))) {
        const log = JSON.parse(fs.readFileSync(path.join(dir, '.run_log_store', f), 'utf8')) as { run_config: Record<string, unknown> };
        assert.equal(log.run_config.execution_mode, 'yaml');
        const yamlText = fs.readFileSync(path.join(dir, String(log.run_config.pipeline_definition_file)), 'utf8');
        assert.equal(shapeOfYaml(yamlText), runDagShape(log.run_config), `${fixture}/${f}`);
        checked++;
      }
    }
    assert.ok(checked >= 4, `checked ${checked} runs`);
  });

  it('the composite SDK runs have the shapes of the YAMLs above, and a changed YAML differs', () => {
    const store = path.join(repoRoot, 'test', 'fixtures', 'runnable', 'composite-chunked-fs', '.run_log_store');
    const recorded = (runId: string): string | undefined => runDagShape((JSON.parse(fs.readFileSync(path.join(store, runId, 'RunLog.json'), 'utf8')) as { run_config: Record<string, unknown> }).run_config);
    assert.equal(shapeOfYaml(MAP_YAML), recorded('map-fail-0001'));
    assert.equal(shapeOfYaml(PARALLEL_YAML), recorded('parallel-fail-0001'));
    assert.equal(shapeOfYaml(CONDITIONAL_YAML), recorded('conditional-fail-0001'));
    assert.notEqual(shapeOfYaml(MAP_YAML.replace('score chunk:', 'score piece:').replace('start_at: score chunk', 'start_at: score piece')), recorded('map-fail-0001'), 'a step renamed inside the branch');
    assert.notEqual(shapeOfYaml(MAP_YAML), recorded('parallel-fail-0001'));
  });
});
