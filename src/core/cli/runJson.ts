// The JSON shapes `runnable-runs list --json` and `show --json` print (the "Headless front door" contract).
import type { Attempt, Branch, ParamValue, Run, RunSummary, Step } from '../runlog/model';
import { firstFailedTask, nextRetryIndicator } from '../runlog/rules';
import type { StoreDescriptor } from '../stores/runLogStore';

export interface ListJsonEntry {
  runId: string;
  status: string;
  tag: string;
  startTime: string | null;
  endTime: string | null;
  kind: 'pipeline' | 'job';
  /** `type`: for a local run its layout (file-system or chunked-fs: the store type that reads it, one folder may
   * hold both), else the store's type. */
  store: { type: string; location: string };
  error?: string;
}

export function listEntryJson(s: RunSummary, d: StoreDescriptor): ListJsonEntry {
  const e: ListJsonEntry = {
    runId: s.runId,
    status: s.status,
    tag: s.tag,
    startTime: s.startTime ?? null,
    endTime: s.endTime ?? null,
    kind: s.kind,
    store: { type: s.layout ?? d.type, location: d.location },
  };
  if (s.error) e.error = s.error;
  return e;
}

function params(p: Record<string, ParamValue>): Record<string, { kind: string; value: unknown }> {
  const out: Record<string, { kind: string; value: unknown }> = {};
  for (const [k, v] of Object.entries(p)) out[k] = { kind: v.kind, value: v.value };
  return out;
}

function attemptJson(a: Attempt): Record<string, unknown> {
  return {
    number: a.number,
    status: a.status,
    retryIndicator: a.retryIndicator,
    startTime: a.startTime,
    endTime: a.endTime,
    message: a.message,
    inputs: params(a.inputs),
    outputs: params(a.outputs),
    metrics: params(a.metrics),
  };
}

function branchJson(b: Branch): Record<string, unknown> {
  return { internalName: b.internalName, status: b.status, steps: b.steps.map(stepJson) };
}

function stepJson(s: Step): Record<string, unknown> {
  return {
    internalName: s.internalName,
    name: s.name,
    type: s.type,
    status: s.status,
    attempts: s.attempts.map(attemptJson),
    branches: s.branches.map(branchJson),
  };
}

export function showJson(run: Run): Record<string, unknown> {
  const failed = firstFailedTask(run);
  const out: Record<string, unknown> = {
    runId: run.runId,
    status: run.status,
    tag: run.tag,
    dagHash: run.dagHash,
    executionMode: run.executionMode,
    definitionFile: run.definitionFile,
    steps: run.steps.map(stepJson),
    firstFailedTask: failed ? { internalName: failed.internalName, command: failed.command ?? null, commandType: failed.commandType ?? null } : null,
    nextRetryIndicator: nextRetryIndicator(run),
  };
  // Beyond the contract, only when there is something to say: a job's log, and non-fatal oddities.
  // The executor when it is not runnable's default: a mocked run's tasks may never have run (showCommand.ts executorLine).
  if (run.executor && run.executor !== 'local') out.executor = run.executor;
  if (run.job) out.job = { status: run.job.status, message: run.job.message, attempts: run.job.attempts.map(attemptJson) };
  if (run.warnings.length) out.warnings = run.warnings;
  return out;
}
