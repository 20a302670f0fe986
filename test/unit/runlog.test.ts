// Every run recorded by the real runnable under test/fixtures/runnable, parsed and normalised, checked
// against the facts its case.json states (read at test time).

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { Run } from '../../src/core/runlog/model';
import { normaliseRun } from '../../src/core/runlog/normalise';
import { parseBranchLogText, parseRunLogText, parseRunLogValue } from '../../src/core/runlog/parse';
import { mergeBranchLogsRaw } from '../../src/core/runlog/rawMerge';
import { findStep, firstFailedTask, lastAttempt, nextRetryIndicator, retrySkipPlan, walkSteps } from '../../src/core/runlog/rules';
import { firstUnfinishedTask } from '../../src/core/retry/deadRun';
import { BranchLogSchema, RunLogSchema } from '../../src/core/runlog/schema';
import { summaryFromHead, summaryFromRun, SUMMARY_HEAD_BYTES } from '../../src/core/runlog/summary';
import { BRANCH_HEAD_BYTES, branchHeadStart, compositeFirstStep } from '../../src/core/stores/compositeStart';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

interface CaseParam {
  kind: string;
  value: unknown;
  catalog_file?: string;
}
interface CaseRun {
  status: string;
  tag?: string;
  dag_hash?: string;
  execution_mode?: string;
  definition_file?: string;
  /** A config name (remote cases, see CaseFile.configs) or, when one run of a local case used another store, that store. */
  store?: string | { type: string; location: string };
  job_status?: string;
  steps?: Record<string, { status: string; type: string; attempts: [number, string, string][] }>;
  first_failed_task?: { internal_name: string; command: string; command_type: string; inputs: Record<string, CaseParam>; inputs_source?: string };
  failed_function?: { command: string; inputs: Record<string, CaseParam> };
  next_retry_indicator?: string;
  retry?: { skipped_on_retry?: string[]; reruns?: string[]; not_reached?: string[] };
}
interface CaseFile {
  store?: { type: string; location: string };
  catalog?: { type: string; location: string };
  configs?: Record<string, string>;
  runs: Record<string, CaseRun>;
}

interface RecordedRun {
  caseName: string;
  runId: string;
  expected: CaseRun;
  /** The file holding the run log (RunLog.json / RunLog for chunked stores). */
  file: string;
  branchFiles: string[];
  catalogFolder: string | undefined;
}

/** Where each case's store keeps a run, as case.json describes the store (minio: objects/<bucket>/<key>). */
function recordedRuns(): RecordedRun[] {
  const out: RecordedRun[] = [];
  for (const caseName of fs.readdirSync(FIXTURES).sort()) {
    const caseFile = path.join(FIXTURES, caseName, 'case.json');
    if (!fs.existsSync(caseFile)) {
      continue;
    }
    const c = JSON.parse(fs.readFileSync(caseFile, 'utf8')) as CaseFile;
    const dir = path.join(FIXTURES, caseName);
    for (const [runId, expected] of Object.entries(c.runs)) {
      let storeType = c.store?.type;
      let folder = c.store ? path.join(dir, c.store.location) : '';
      let catalogFolder = c.catalog?.type === 'file-system' ? path.join(dir, c.catalog.location, runId) : undefined;
      if (typeof expected.store === 'object') {
        // mixed-configs: one run of the case was made with a chunked-fs config on the same folder.
        storeType = expected.store.type;
        folder = path.join(dir, expected.store.location);
      } else if (!c.store && expected.store && c.configs?.[expected.store]) {
        const config = parseYaml(fs.readFileSync(path.join(dir, c.configs[expected.store]), 'utf8')) as {
          'run-log-store'?: { type: string; config: { bucket: string } };
          run_log_store?: { type: string; config: { bucket: string } };
          catalog: { config: { bucket: string } };
        };
        // runnable reads `run_log_store` as `run-log-store` (context.py replaces - with _ in every top-level key).
        const runLogStore = (config['run-log-store'] ?? config.run_log_store)!;
        storeType = runLogStore.type;
        folder = path.join(dir, 'objects', runLogStore.config.bucket);
        catalogFolder = path.join(dir, 'objects', config.catalog.config.bucket, runId);
      }
      let file: string;
      let branchFiles: string[] = [];
      if (storeType === 'file-system') {
        file = path.join(folder, `${runId}.json`);
      } else if (storeType === 'minio') {
        file = path.join(folder, runId, `${runId}.json`);
      } else if (storeType === 'chunked-fs' || storeType === 'chunked-minio') {
        const runDir = path.join(folder, runId);
        file = path.join(runDir, storeType === 'chunked-fs' ? 'RunLog.json' : 'RunLog');
        branchFiles = fs
          .readdirSync(runDir)
          .filter((n) => n.startsWith('BranchLog-'))
          .map((n) => path.join(runDir, n));
      } else {
        throw new Error(`${caseFile}: unknown store type ${storeType}`);
      }
      out.push({ caseName, runId, expected, file, branchFiles, catalogFolder });
    }
  }
  return out;
}

function load(r: RecordedRun): Run {
  const raw = parseRunLogText(fs.readFileSync(r.file, 'utf8'), r.file);
  const branches = r.branchFiles.map((f) => parseBranchLogText(fs.readFileSync(f, 'utf8'), f));
  return normaliseRun(raw, branches);
}

function assertParam(actual: { kind: string; value: unknown; catalogFile?: string } | undefined, expected: CaseParam, where: string, catalogFolder: string | undefined): void {
  assert.ok(actual, `${where}: missing`);
  assert.equal(actual.kind, expected.kind, where);
  if (expected.kind === 'object') {
    assert.equal(actual.catalogFile, expected.catalog_file, where);
    if (catalogFolder) {
      assert.ok(fs.existsSync(path.join(catalogFolder, actual.catalogFile as string)), `${where}: ${actual.catalogFile} not in the catalog`);
    }
  } else {
    assert.deepEqual(actual.value, expected.value, where);
  }
}

const RUNS = recordedRuns();

describe('runlog: every fixture run matches its case.json', () => {
  it('finds every store kind among the fixtures', () => {
    const kinds = new Set(RUNS.map((r) => path.basename(r.file)));
    assert.ok(RUNS.length >= 14, `only ${RUNS.length} runs found`);
    assert.ok(kinds.has('RunLog.json') && kinds.has('RunLog'), 'chunked-fs and chunked-minio runs are covered');
    assert.ok(RUNS.some((r) => r.file.includes(`${path.sep}run-logs${path.sep}`)), 'the double-encoded minio run is covered');
  });

  for (const r of RUNS) {
    describe(`${r.caseName}/${r.runId}`, () => {
      const run = load(r);
      const e = r.expected;

      it('the fast shape check and the zod schema give the same raw log', () => {
        const decode = (f: string): unknown => {
          const v = JSON.parse(fs.readFileSync(f, 'utf8')) as unknown;
          return typeof v === 'string' ? JSON.parse(v) : v;
        };
        assert.deepEqual(parseRunLogText(fs.readFileSync(r.file, 'utf8'), r.file), RunLogSchema.parse(decode(r.file)));
        for (const f of r.branchFiles) {
          assert.deepEqual(parseBranchLogText(fs.readFileSync(f, 'utf8'), f), BranchLogSchema.parse(decode(f)));
        }
      });

      it('run-level facts', () => {
        assert.equal(run.runId, r.runId);
        assert.equal(run.status, e.status);
        assert.deepEqual(run.warnings, []);
        if (e.tag !== undefined) assert.equal(run.tag, e.tag);
        if (e.dag_hash !== undefined) assert.equal(run.dagHash, e.dag_hash);
        if (e.execution_mode !== undefined) assert.equal(run.executionMode, e.execution_mode);
        // An AsyncPipeline run as a script records none (null in case.json): the model reads it as ''.
        if (e.definition_file !== undefined) assert.equal(run.definitionFile, e.definition_file ?? '');
        assert.equal(run.kind, e.job_status !== undefined ? 'job' : 'pipeline');
        assert.ok(Number.isFinite(run.startMs) && Number.isFinite(run.endMs) && run.endMs >= run.startMs, 'run start/end from attempts');
      });

      if (e.steps) {
        const steps = e.steps;
        it('steps: status, type and attempts [number, status, retry indicator]', () => {
          const walked = walkSteps(run).map((w) => w.step.internalName).sort();
          assert.deepEqual(walked, Object.keys(steps).sort(), 'exactly the recorded steps, branches merged in');
          for (const [name, s] of Object.entries(steps)) {
            const step = findStep(run, name);
            assert.ok(step, name);
            assert.equal(step.status, s.status, `${name} status`);
            assert.equal(step.type, s.type, `${name} type`);
            assert.deepEqual(step.attempts.map((a) => [a.number, a.status, a.retryIndicator]), s.attempts, `${name} attempts`);
          }
        });

        it('steps and branches are in execution order', () => {
          const earliest = (stepName: string): number => {
            const starts = walkSteps(run)
              .filter((w) => w.step.internalName === stepName || w.branchPath.some((b) => b.internalName.startsWith(`${stepName}.`)))
              .flatMap((w) => w.step.attempts.map((a) => a.startMs));
            return Math.min(...starts);
          };
          const check = (names: string[], where: string): void => {
            const times = names.map(earliest);
            for (let i = 1; i < times.length; i++) {
              assert.ok(times[i] >= times[i - 1], `${where}: ${names[i]} listed after ${names[i - 1]} but started earlier`);
            }
          };
          check(run.steps.map((s) => s.internalName), 'top level');
          for (const { step } of walkSteps(run)) {
            check(step.branches.map((b) => b.internalName), step.internalName);
            for (const b of step.branches) {
              assert.equal(b.name, b.internalName.slice(step.internalName.length + 1), 'branch labelled with its last segment');
              check(b.steps.map((s) => s.internalName), b.internalName);
              for (const s of b.steps) assert.equal(s.parentBranch, b.internalName);
            }
          }
        });
      }

      if (e.first_failed_task) {
        const fft = e.first_failed_task;
        it('first failed task: internal name, command, command type and inputs', () => {
          // A run killed mid-step stays PROCESSING with no FAIL attempt: its "failed" task is the unfinished one.
          const found = firstFailedTask(run) ?? (run.status === 'PROCESSING' ? firstUnfinishedTask(run) : null);
          assert.ok(found);
          assert.equal(found.internalName, fft.internal_name);
          assert.equal(found.command, fft.command);
          assert.equal(found.commandType, fft.command_type);
          if (run.status === 'PROCESSING') {
            // The killed step recorded no attempt: the inputs are the parameters in scope (case.json inputs_source).
            assert.equal(lastAttempt(found.step), undefined);
            assert.equal(found.attempt.status, 'PROCESSING');
          } else {
            assert.equal(found.attempt, lastAttempt(found.step));
            assert.equal(found.attempt.status, 'FAIL');
          }
          // An attempt that stopped before its call recorded no inputs (case.json inputs_source): its inputs are the
          // run's parameters, which the retry gives it (never-called nc-secret-0002).
          const notCalled = run.status !== 'PROCESSING' && fft.inputs_source !== undefined;
          if (notCalled) assert.deepEqual(found.attempt.inputs, {});
          for (const [name, p] of Object.entries(fft.inputs)) {
            assertParam((notCalled ? run.parameters : found.attempt.inputs)[name], p, `${fft.internal_name} input ${name}`, r.catalogFolder);
          }
        });
      } else if (e.status === 'SUCCESS') {
        it('a successful run has no failed task', () => {
          assert.equal(firstFailedTask(run), null);
        });
      }

      if (e.failed_function) {
        const ff = e.failed_function;
        it('job: status, failed function and its inputs', () => {
          assert.ok(run.job);
          assert.equal(run.job.status, e.job_status);
          assert.deepEqual(run.steps, []);
          const found = firstFailedTask(run);
          assert.ok(found);
          assert.equal(found.command, ff.command);
          assert.equal(found.commandType, 'python');
          for (const [name, p] of Object.entries(ff.inputs)) {
            assertParam(found.attempt.inputs[name], p, `job input ${name}`, r.catalogFolder);
          }
        });
      }

      if (e.next_retry_indicator !== undefined) {
        it('next retry indicator', () => {
          assert.equal(nextRetryIndicator(run), e.next_retry_indicator);
        });
      }

      if (e.retry?.skipped_on_retry || e.retry?.reruns) {
        const retry = e.retry;
        it('steps a retry skips and re-runs (runnable rule)', () => {
          const plan = retrySkipPlan(run);
          if (retry.skipped_on_retry) assert.deepEqual([...plan.skipped].sort(), [...retry.skipped_on_retry].sort());
          if (retry.reruns) assert.deepEqual(plan.rerun, retry.reruns);
          if (retry.not_reached) assert.deepEqual(plan.notReached, retry.not_reached);
        });
      }

      it('summaryFromHead reads the same run id, status, tag, kind and start as the full parse', () => {
        const head = fs.readFileSync(r.file).subarray(0, SUMMARY_HEAD_BYTES).toString('utf8');
        const mtime = fs.statSync(r.file).mtimeMs;
        const s = summaryFromHead(head, r.file, mtime);
        assert.equal(s.error, undefined);
        // A chunked run whose first step is composite has no attempt in its main log: the list takes the start from
        // that step's branch logs (compositeStart.ts, chunked-fs and chunked-minio alike).
        const headBuf = Buffer.from(head);
        const first = r.branchFiles.length ? compositeFirstStep(headBuf, headBuf.length) : undefined;
        for (const f of first === undefined ? [] : r.branchFiles.filter((b) => path.basename(b).startsWith(`BranchLog-${first}.`))) {
          const b = fs.readFileSync(f).subarray(0, BRANCH_HEAD_BYTES);
          const start = branchHeadStart(b, b.length);
          if (start && !(start.ms >= s.startMs)) Object.assign(s, { startMs: start.ms, startTime: start.text });
        }
        const full = summaryFromRun(run, r.file);
        assert.equal(s.runId, full.runId);
        assert.equal(s.status, full.status);
        assert.equal(s.tag, full.tag);
        assert.equal(s.kind, full.kind);
        assert.equal(s.startTime, full.startTime);
        assert.equal(s.startMs, full.startMs);
        assert.equal(s.endMs, mtime);
      });

      it('object parameters name their pickle in the catalog', () => {
        for (const w of walkSteps(run)) {
          for (const a of w.step.attempts) {
            for (const p of [...Object.values(a.inputs), ...Object.values(a.outputs)]) {
              if (p.kind === 'object') {
                assert.equal(p.catalogFile, `${String(p.value)}${run.pickleExtension}`);
                if (r.catalogFolder) assert.ok(fs.existsSync(path.join(r.catalogFolder, p.catalogFile as string)), `${p.catalogFile} in the catalog`);
              } else {
                assert.equal(p.catalogFile, undefined);
              }
            }
          }
        }
      });

      if (r.branchFiles.length > 0) {
        it('the merged raw run log (full=True) nests every branch log and normalises to the same run', () => {
          const raw = parseRunLogText(fs.readFileSync(r.file, 'utf8'), r.file);
          const branches = r.branchFiles.map((f) => parseBranchLogText(fs.readFileSync(f, 'utf8'), f));
          const before = JSON.stringify(raw);
          const merged = mergeBranchLogsRaw(raw, branches);
          assert.equal(JSON.stringify(raw), before, 'input not modified');
          // Nested composites (s3-nested): a branch's parent step may sit in another branch log, at any depth.
          type RawStep = { internal_name?: string; branches?: Record<string, { steps?: Record<string, RawStep> }> };
          const stepsByName = new Map<string, RawStep>();
          const index = (steps: Record<string, RawStep> | undefined): void => {
            for (const [k, st] of Object.entries(steps ?? {})) {
              stepsByName.set(st.internal_name ?? k, st);
              for (const br of Object.values(st.branches ?? {})) index(br.steps);
            }
          };
          index(merged.steps as Record<string, RawStep>);
          for (const b of branches) {
            const parent = b.internal_name.slice(0, b.internal_name.lastIndexOf('.'));
            const attached = JSON.parse(JSON.stringify(stepsByName.get(parent)?.branches?.[b.internal_name] ?? null)) as { steps?: Record<string, RawStep> } | null;
            // What the merge nested into this branch's own composite steps (deeper branch logs) is checked by their own turn.
            const own = b as unknown as { steps: Record<string, RawStep> };
            for (const [k, st] of Object.entries(attached?.steps ?? {})) {
              if (st.branches) st.branches = Object.fromEntries(Object.entries(st.branches).filter(([n]) => n in (own.steps[k]?.branches ?? {})));
            }
            assert.deepEqual(attached, b, `${b.internal_name} under ${parent}`);
          }
          const again = normaliseRun(parseRunLogValue(JSON.parse(JSON.stringify(merged)), r.file));
          assert.deepEqual(again, run);
        });
      }
    });
  }
});
