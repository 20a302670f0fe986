// Raw run log (+ chunked branch logs) -> the normalised Run every feature reads: steps in execution
// order, branches nested and named, commands from run_config.dag, times parsed, object pickles named.

import { boundDepth } from './depth';
import { RunLogError } from './errors';
import type {
  Attempt,
  Branch,
  CatalogItem,
  CodeIdentity,
  JobLog,
  ParamValue,
  Run,
  Step,
} from './model';
import { attachBranchLogs, branchesOf, type BranchAttachments } from './rawMerge';
import type {
  RawBranchLog,
  RawCodeIdentity,
  RawDataCatalog,
  RawJobLog,
  RawParameter,
  RawRunLog,
  RawStepAttempt,
  RawStepLog,
} from './schema';
import { parseRunnableTime } from './time';

/** A dag (or a composite node's branch) as runnable serialises it in run_config.dag. */
interface DagGraph {
  start_at?: unknown;
  nodes?: Record<string, DagNode>;
}
interface DagNode {
  node_type?: unknown;
  command?: unknown;
  command_type?: unknown;
  next_node?: unknown;
  on_failure?: unknown;
  /** task nodes: what the function's return values are recorded as (`[{name, kind}]`, tasks.TaskReturns). */
  returns?: unknown;
  /** map and loop nodes (extensions/nodes/map.py, loop.py): one graph run per iteration. */
  branch?: DagGraph;
  /** parallel and conditional nodes: graphs keyed by branch name / case. */
  branches?: Record<string, DagGraph>;
}

interface Context {
  pickleExtension: string;
  /** Earliest attempt start of a step or any step below it (composites have no attempts of their own). */
  earliest: Map<Step, number>;
  /** Chunked stores: branch logs read from their own files, by parent step. */
  attachments: BranchAttachments | undefined;
}

const DEFAULT_PICKLE_EXTENSION = '.dill';
const DEFAULT_COMMAND_TYPE = 'python';

export function normaliseRun(raw: RawRunLog, branchLogs: RawBranchLog[] = [], source?: string): Run {
  try {
    return normaliseRunUnguarded(raw, branchLogs);
  } catch (e) {
    // Branches nested thousands deep (a hostile or broken log) exhaust the stack: a sentence naming the file.
    if (e instanceof RangeError) {
      throw new RunLogError(`${source ?? `Run ${String(raw.run_id)}`}: the run log nests too deeply to read (${e.message}). Fix or remove the file.`, source);
    }
    throw e;
  }
}

function normaliseRunUnguarded(raw: RawRunLog, branchLogs: RawBranchLog[]): Run {
  const attachments = branchLogs.length > 0 ? attachBranchLogs(raw, branchLogs) : undefined;
  const warnings = attachments ? [...attachments.warnings] : [];
  
  const runConfig = (raw.run_config ?? {}) as Record<string, unknown>;
  const pickler = asRecord(runConfig.pickler);
  const pickleExtension = typeof pickler?.extension === 'string' ? pickler.extension : DEFAULT_PICKLE_EXTENSION;
  const ctx: Context = { pickleExtension, earliest: new Map(), attachments };

  const steps = normaliseSteps(raw.steps ?? {}, asGraph(runConfig.dag), '', ctx);
  const job = raw.job ? normaliseJob(raw.job, asRecord(runConfig.job), ctx) : undefined;
  const isJob = job !== undefined || typeof runConfig.job_definition_file === 'string';

  const attempts = collectAttempts(steps, job ? [...job.attempts] : []);
  attributeStubAttempts(steps);
  let first: Attempt | undefined;
  let last: Attempt | undefined;
  for (const a of attempts) {
    if (Number.isFinite(a.startMs) && (!first || a.startMs < first.startMs)) {
      first = a;
    }
    const end = Number.isFinite(a.endMs) ? a.endMs : a.startMs;
    if (Number.isFinite(end) && (!last || end > (Number.isFinite(last.endMs) ? last.endMs : last.startMs))) {
      last = a;
    }
  }
  const lastEndTime = last ? last.endTime || last.startTime : undefined;

  return {
    runId: raw.run_id,
    status: raw.status,
    tag: raw.tag ?? '',
    dagHash: raw.dag_hash ?? '',
    kind: isJob ? 'job' : 'pipeline',
    executionMode: typeof runConfig.execution_mode === 'string' ? runConfig.execution_mode : '',
    definitionFile: str(isJob ? runConfig.job_definition_file ?? runConfig.pipeline_definition_file : runConfig.pipeline_definition_file) ?? '',
    startTime: first?.startTime,
    endTime: lastEndTime,
    startMs: first ? first.startMs : NaN,
    endMs: lastEndTime !== undefined ? parseRunnableTime(lastEndTime) : NaN,
    steps,
    job,
    parameters: normaliseParams(raw.parameters, ctx),
    executor: str(asRecord(runConfig.pipeline_executor)?.service_name) ?? str(asRecord(runConfig.job_executor)?.service_name) ?? '',
    pickleExtension,
    runConfig,
    warnings,
  };
}

function normaliseSteps(rawSteps: Record<string, RawStepLog>, graph: DagGraph | undefined, parentBranch: string, ctx: Context): Step[] {
  const dagOrder = graphOrder(graph);
  const entries = Object.entries(rawSteps).map(([key, raw], recorded) => {
    const name = raw.name || lastSegment(raw.internal_name || key);
    const node = graph?.nodes?.[name];
    const step = normaliseStep(raw, key, name, node, parentBranch, ctx);
    return { step, recorded, dag: dagOrder.get(name) ?? Number.MAX_SAFE_INTEGER };
  });
  // Execution order: by the earliest recorded attempt start (a composite by its earliest descendant).
  // Steps that never started go last, in dag order, then as recorded.
  entries.sort((a, b) => {
    const ta = ctx.earliest.get(a.step) ?? NaN;
    const tb = ctx.earliest.get(b.step) ?? NaN;
    const fa = Number.isFinite(ta);
    const fb = Number.isFinite(tb);
    if (fa && fb && ta !== tb) {
      return ta - tb;
    }
    if (fa !== fb) {
      return fa ? -1 : 1;
    }
    return a.dag - b.dag || a.recorded - b.recorded;
  });
  return entries.map((e) => e.step);
}

function normaliseStep(raw: RawStepLog, key: string, name: string, node: DagNode | undefined, parentBranch: string, ctx: Context): Step {
  const internalName = raw.internal_name || key;
  const attempts = (raw.attempts ?? []).map((a) => normaliseAttempt(a, ctx));
  const branches = normaliseBranches(branchesOf(raw, ctx.attachments), internalName, node, ctx);
  const step: Step = {
    internalName,
    name,
    type: raw.step_type,
    status: raw.status,
    message: raw.message ?? '',
    mock: raw.mock ?? false,
    attempts,
    branches,
    catalog: (raw.data_catalog ?? []).map(normaliseCatalog),
    parentBranch,
  };
  if (node && typeof node.command === 'string') {
    step.command = node.command;
  }
  if (node && Array.isArray(node.returns)) {
    step.returns = node.returns
      .filter((r): r is { name: string; kind?: unknown } => !!r && typeof r === 'object' && typeof (r as { name?: unknown }).name === 'string')
      .map((r) => ({ name: r.name, kind: typeof r.kind === 'string' ? r.kind : 'json' }));
  }
  if (node && typeof node.command_type === 'string') {
    step.commandType = node.command_type;
  } else if (node && node.node_type === 'task') {
    // YAML dags omit command_type for python tasks: runnable's tasks.create_task defaults it to
    // defaults.COMMAND_TYPE ("python").
    step.commandType = DEFAULT_COMMAND_TYPE;
  }
  let earliest = NaN;
  for (const a of attempts) {
    if (Number.isFinite(a.startMs) && !(a.startMs >= earliest)) {
      earliest = a.startMs;
    }
  }
  for (const b of branches) {
    for (const s of b.steps) {
      const t = ctx.earliest.get(s) ?? NaN;
      if (Number.isFinite(t) && !(t >= earliest)) {
        earliest = t;
      }
    }
  }
  ctx.earliest.set(step, earliest);
  return step;
}

function normaliseBranches(rawBranches: Record<string, RawBranchLog>, stepName: string, node: DagNode | undefined, ctx: Context): Branch[] {
  const branchKeys = node?.branches ? Object.keys(node.branches) : [];
  const entries = Object.entries(rawBranches).map(([key, raw], recorded) => {
    const internalName = raw.internal_name || key;
    // The branch name is what follows `<step>.`: a map iteration value may itself contain a dot.
    const name = internalName.startsWith(`${stepName}.`) ? internalName.slice(stepName.length + 1) : lastSegment(internalName);
    const graph = node?.branch ?? node?.branches?.[name];
    const branch: Branch = {
      internalName,
      name,
      status: raw.status,
      steps: normaliseSteps(raw.steps ?? {}, asGraph(graph), internalName, ctx),
      parameters: normaliseParams(raw.parameters, ctx),
    };
    let earliest = NaN;
    for (const s of branch.steps) {
      const t = ctx.earliest.get(s) ?? NaN;
      if (Number.isFinite(t) && !(t >= earliest)) {
        earliest = t;
      }
    }
    const dagIndex = branchKeys.indexOf(name);
    return { branch, earliest, recorded, dag: dagIndex === -1 ? Number.MAX_SAFE_INTEGER : dagIndex };
  });
  entries.sort((a, b) => {
    const fa = Number.isFinite(a.earliest);
    const fb = Number.isFinite(b.earliest);
    if (fa && fb && a.earliest !== b.earliest) {
      return a.earliest - b.earliest;
    }
    if (fa !== fb) {
      return fa ? -1 : 1;
    }
    return a.dag - b.dag || naturalCompare(a.branch.name, b.branch.name) || a.recorded - b.recorded;
  });
  return entries.map((e) => e.branch);
}

function normaliseAttempt(raw: RawStepAttempt, ctx: Context): Attempt {
  const startMs = parseRunnableTime(raw.start_time);
  const endMs = parseRunnableTime(raw.end_time);
  return {
    number: raw.attempt_number,
    status: raw.status,
    retryIndicator: raw.retry_indicator ?? '',
    startTime: raw.start_time,
    endTime: raw.end_time,
    startMs,
    endMs,
    durationMs: Number.isFinite(startMs) && Number.isFinite(endMs) ? endMs - startMs : undefined,
    message: raw.message ?? '',
    inputs: normaliseParams(raw.input_parameters, ctx),
    outputs: normaliseParams(raw.output_parameters, ctx),
    metrics: normaliseParams(raw.user_defined_metrics, ctx),
    codeIdentities: (raw.code_identities ?? []).map(normaliseCodeIdentity),
  };
}

function normaliseJob(raw: RawJobLog, jobConfig: Record<string, unknown> | undefined, ctx: Context): JobLog {
  const attempts = raw.attempts.map((a) => normaliseAttempt(a, ctx));
  const job: JobLog = {
    status: raw.status,
    message: raw.message,
    attempts,
    catalog: raw.data_catalog.map(normaliseCatalog),
    codeIdentities: raw.code_identities.map(normaliseCodeIdentity),
  };
  const commandType = str(jobConfig?.task_type) ?? str(jobConfig?.command_type);
  if (commandType) {
    job.commandType = commandType;
  }
  // run_config.job does not serialise a PythonJob's function (only task_type, secrets, returns), so
  // the command is read from the attempt message runnable writes (runnable/tasks.py):
  // "Call to the function job.backfill did not succeed." (shell: "Call to the command X did not succeed").
  const command = str(jobConfig?.command) ?? commandFromMessages(attempts);
  if (command) {
    job.command = command;
  }
  return job;
}

function commandFromMessages(attempts: Attempt[]): string | undefined {
  for (const a of attempts) {
    const m = /(?:Call to the (?:async )?function|Call to the notebook command|Call to the command|Function call:|Async function call:) (.+?) did not succeed/.exec(a.message);
    if (m) {
      return m[1];
    }
  }
  return undefined;
}

function normaliseParams(raw: Record<string, RawParameter> | undefined, ctx: Context): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  for (const [name, p] of Object.entries(raw ?? {})) {
    // Bounded here, once: every reader of the model is recursive (core/runlog/depth.ts).
    const value: ParamValue = { kind: p.kind, value: boundDepth(p.value) };
    if (p.kind === 'object') {
      value.catalogFile = `${p.value}${ctx.pickleExtension}`;
    }
    out[name] = value;
  }
  return out;
}

function normaliseCatalog(raw: RawDataCatalog): CatalogItem {
  return {
    name: raw.name,
    dataHash: raw.data_hash,
    catalogRelativePath: raw.catalog_relative_path,
    catalogHandlerLocation: raw.catalog_handler_location,
    stage: raw.stage,
  };
}

function normaliseCodeIdentity(raw: RawCodeIdentity): CodeIdentity {
  return {
    identifier: raw.code_identifier ?? null,
    type: raw.code_identifier_type ?? null,
    dependable: raw.code_identifier_dependable ?? null,
    url: raw.code_identifier_url ?? null,
    message: raw.code_identifier_message ?? '',
  };
}

/** Node names in the order the graph runs them: from start_at along next_node (then on_failure), then the rest. */
function graphOrder(graph: DagGraph | undefined): Map<string, number> {
  const order = new Map<string, number>();
  const nodes = graph?.nodes ?? {};
  const queue: string[] = typeof graph?.start_at === 'string' ? [graph.start_at] : [];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    const node = nodes[name];
    if (order.has(name) || !node) {
      continue;
    }
    order.set(name, order.size);
    for (const next of [node.next_node, node.on_failure]) {
      if (typeof next === 'string' && next) {
        queue.push(next);
      }
    }
  }
  for (const name of Object.keys(nodes)) {
    if (!order.has(name)) {
      order.set(name, order.size);
    }
  }
  return order;
}

/**
 * runnable's Stub node (extensions/nodes/stub.py) makes its attempt without `retry_indicator`, so a stub a retry ran
 * reads as the original run's (observed with real runnable: fixture stub-retried, `continue to` run by retry 2 between
 * that retry's check_envvar and success attempts, recorded with ""). Every other node records the indicator. Such an
 * attempt is given the indicator of the execution it ran in, by time: the executions' spans come from the attempts
 * that carry their indicator; a stub inside a span belongs to it, one after a span (an execution killed right after
 * its stub) to the latest execution begun before it. A retry's stubs always fall inside its span: a stub never fails,
 * so a retry starts with a task and ends with a terminal node, both recording the indicator. Later executions never
 * move an earlier stub (the history check compares attempts before and after a retry). `indicatorInferred` marks it.
 * A run never retried, or whose stub times cannot be read, is left as recorded.
 */
function attributeStubAttempts(steps: Step[]): void {
  const spans = new Map<string, { start: number; end: number }>();
  const stubs: Attempt[] = [];
  const visit = (list: Step[]): void => {
    for (const st of list) {
      for (const a of st.attempts) {
        if (st.type === 'stub') {
          if (a.retryIndicator === '' && Number.isFinite(a.startMs)) stubs.push(a);
          continue;
        }
        if (!Number.isFinite(a.startMs)) continue;
        const end = Number.isFinite(a.endMs) ? a.endMs : a.startMs;
        const span = spans.get(a.retryIndicator);
        if (!span) spans.set(a.retryIndicator, { start: a.startMs, end });
        else {
          span.start = Math.min(span.start, a.startMs);
          span.end = Math.max(span.end, end);
        }
      }
      for (const b of st.branches) visit(b.steps);
    }
  };
  visit(steps);
  if (!stubs.length || spans.size < 2) return;
  const ordered = [...spans.entries()].map(([indicator, span]) => ({ indicator, ...span })).sort((x, y) => x.start - y.start);
  for (const a of stubs) {
    const t = a.startMs;
    const owner = ordered.find((x) => t >= x.start && t <= x.end) ?? ordered.filter((x) => x.start <= t).pop() ?? ordered[0];
    if (owner.indicator !== '') {
      a.retryIndicator = owner.indicator;
      a.indicatorInferred = true;
    }
  }
}

function collectAttempts(steps: Step[], out: Attempt[] = []): Attempt[] {
  for (const s of steps) {
    for (const a of s.attempts) {
      out.push(a);
    }
    for (const b of s.branches) {
      collectAttempts(b.steps, out);
    }
  }
  return out;
}

/** Map iteration values in value order: numbers numerically, anything else as text. */
function naturalCompare(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  if (a !== '' && b !== '' && Number.isFinite(na) && Number.isFinite(nb) && na !== nb) {
    return na - nb;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function lastSegment(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot === -1 ? name : name.slice(dot + 1);
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function asGraph(v: unknown): DagGraph | undefined {
  const r = asRecord(v);
  if (!r) {
    return undefined;
  }
  const nodes = asRecord(r.nodes);
  return { start_at: r.start_at, nodes: nodes as Record<string, DagNode> | undefined };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
