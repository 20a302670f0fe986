// The replay debug adapter: a @vscode/debugadapter DebugSession that "runs" a recorded run by walking its
// timeline. Nothing is executed; stack, variables, output and exceptions all come from the run log and catalog.
import * as path from 'node:path';
import {
  Breakpoint, DebugSession, Handles, InitializedEvent, OutputEvent, Scope as DapScope, Source, StackFrame,
  StoppedEvent, TerminatedEvent, Thread, Event as DapEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { END, Timeline, type ReplayEvent } from '../core/replay/timeline';
import { ReplaySources, type SourceRange } from '../core/replay/sources';
import { attemptScopes, branchScopes, runScopes, stepScopes, type Scope, type VarNode } from '../core/replay/variables';
import type { Run } from '../core/runlog/model';
import type { RunLogStore } from '../core/stores/runLogStore';
import { LOOP_PLACEHOLDER, MAP_PLACEHOLDER, pickLogForAttempt } from '../core/runlog/stepLog';
import { errorMessage } from '../core/text/errorMessage';

/** Mirrors `contributes.debuggers[runnable].configurationAttributes.replay`. */
export interface ReplayLaunchArgs extends DebugProtocol.LaunchRequestArguments {
  runId: string;
  cwd: string;
  configFile?: string;
  storeId?: string;
  stopOnEntry?: boolean;
}

export interface LoadedRun {
  run: Run;
  /** For catalog reads (captured output, object parameters); absent when the catalog is not reachable. */
  store?: RunLogStore;
  storeId?: string;
}

/** Where the adapter gets its run: the separate process searches the workspace's stores, VS Code asks its RunsService. */
export interface ReplayRunSource {
  load(args: ReplayLaunchArgs): Promise<LoadedRun | { error: string }>;
}

export const FAILED_ATTEMPTS = 'failedAttempts';
/** Custom event on every stop: the extension offers "Retry locally" while paused on a failed attempt. */
export const REPLAY_STOPPED_EVENT = 'runnable.replayStopped';

interface Frame {
  name: string;
  source?: SourceRange;
  scopes: () => Scope[];
}

function alnum(s: string): string {
  return Array.from(s).filter((c) => /[\p{L}\p{N}]/u.test(c)).join('');
}

// The first exception line of a captured traceback is the user's own error (runnable's wrapper comes last).
const ERROR_LINE = /^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)): (.*)$/m;

export class ReplaySession extends DebugSession {
  private timeline: Timeline | undefined;
  private sources: ReplaySources | undefined;
  private loaded: LoadedRun | undefined;
  private args: ReplayLaunchArgs | undefined;
  private position = END;
  private failedFilter = false;
  /** The attempt a breakpoint on its pipeline YAML step (and none on its function) stopped at. */
  private yamlStop: ReplayEvent | undefined;
  private catalogFiles: string[] = [];
  private readonly printed = new Set<number>();
  private readonly errorLines = new Map<number, string>();
  private readonly frames = new Handles<Frame>();
  private readonly vars = new Handles<() => VarNode[]>();
  private configurationDone!: () => void;
  private readonly configured = new Promise<void>((resolve) => (this.configurationDone = resolve));

  constructor(private readonly runSource: ReplayRunSource) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsStepBack: true,
      supportsExceptionInfoRequest: true,
      supportsSingleThreadExecutionRequests: false,
      exceptionBreakpointFilters: [{ filter: FAILED_ATTEMPTS, label: 'Failed attempts', description: 'Stop at every attempt the run log records as failed', default: true }],
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: ReplayLaunchArgs): Promise<void> {
    if (!args.runId || !args.cwd) {
      this.sendErrorResponse(response, 1, 'A replay configuration needs "runId" (the run to replay) and "cwd" (the workspace folder whose runnable config names the store).');
      return;
    }
    let loaded: LoadedRun | { error: string };
    try {
      loaded = await this.runSource.load(args);
    } catch (e) {
      loaded = { error: errorMessage(e) };
    }
    if ('error' in loaded) {
      this.sendErrorResponse(response, 2, loaded.error);
      return;
    }
    if (loaded.run.kind === 'job') {
      this.sendErrorResponse(response, 3, `Run ${loaded.run.runId} is a job (one function, no steps): there is nothing to step through. Open its details or Retry it instead.`);
      return;
    }
    this.loaded = loaded;
    this.args = args;
    this.timeline = new Timeline(loaded.run);
    this.sources = new ReplaySources(args.cwd, loaded.run);
    await this.sources.prepare(this.timeline.events.map((e) => e.step));
    try {
      this.catalogFiles = loaded.store ? await loaded.store.listCatalog(loaded.run.runId) : [];
    } catch {
      this.catalogFiles = []; // no catalog here: replay goes on without captured output
    }
    const t = this.timeline;
    this.sendEvent(new OutputEvent(`Replaying run ${loaded.run.runId} (${loaded.run.status}): ${t.events.length} positions, ${t.threads.length - 1} branch threads. Nothing is executed.\n`, 'console'));
    for (const note of this.sources.notes) this.sendEvent(new OutputEvent(`${note}\n`, 'console'));
    this.sendEvent(new InitializedEvent());
    await this.configured;
    this.sendResponse(response);
    if (t.events.length === 0) {
      this.sendEvent(new OutputEvent(`Run ${loaded.run.runId} has no recorded attempts.\n`, 'console'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    if (args.stopOnEntry) await this.moveTo(0, 'entry');
    else await this.moveTo(t.continueFrom(-1, (e) => this.stops(e)), undefined);
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.sendResponse(response);
    this.configurationDone();
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    this.failedFilter = args.filters.includes(FAILED_ATTEMPTS) || (args.filterOptions ?? []).some((f) => f.filterId === FAILED_ATTEMPTS);
    this.sendResponse(response);
  }

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const lines = (args.breakpoints ?? []).map((b) => b.line);
    const file = args.source.path;
    if (!file || !this.sources || !this.timeline) {
      response.body = { breakpoints: lines.map((l) => ({ ...new Breakpoint(false, l), message: 'The replay has not loaded its run yet.' })) };
      this.sendResponse(response);
      return;
    }
    const bps = this.sources.setBreakpoints(file, lines, this.timeline.events);
    response.body = {
      breakpoints: bps.map((b) => ({
        ...new Breakpoint(b.verified, b.line),
        ...(b.verified ? {} : { message: 'No replayed step has its function or YAML step here.' }),
      })),
    };
    this.sendResponse(response);
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: (this.timeline?.threads ?? []).map((t) => new Thread(t.id, t.name)) };
    this.sendResponse(response);
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const t = this.timeline;
    const at = t && this.position !== END ? t.threadPosition(args.threadId, this.position) : undefined;
    const frames = at === undefined ? [] : this.framesOf(t!.events[at]);
    const start = args.startFrame ?? 0;
    const count = args.levels ? Math.min(args.levels, frames.length - start) : frames.length - start;
    response.body = {
      stackFrames: frames.slice(start, start + Math.max(0, count)).map((f) => {
        const id = this.frames.create(f);
        const src = f.source;
        const frame = new StackFrame(id, f.name, src ? new Source(path.basename(src.absFile), this.convertDebuggerPathToClient(src.absFile)) : undefined, src ? src.line : 0, 1);
        if (!src) frame.presentationHint = 'label';
        return frame;
      }),
      totalFrames: frames.length,
    };
    this.sendResponse(response);
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    const frame = this.frames.get(args.frameId);
    response.body = { scopes: (frame?.scopes() ?? []).map((s) => new DapScope(s.name, this.vars.create(s.children), s.expensive)) };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    const children = this.vars.get(args.variablesReference);
    let nodes = children ? children() : [];
    if (args.start !== undefined || args.count !== undefined) nodes = nodes.slice(args.start ?? 0, args.count ? (args.start ?? 0) + args.count : undefined);
    response.body = {
      variables: nodes.map((n) => ({ name: n.name, value: n.value, type: n.type, variablesReference: n.children ? this.vars.create(n.children) : 0 })),
    };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const e = this.current();
    if (!e?.attempt || e.attempt.status !== 'FAIL') {
      this.sendErrorResponse(response, 4, 'Replay is not paused on a failed attempt.');
      return;
    }
    const cause = this.errorLines.get(e.index);
    response.body = {
      exceptionId: cause ? cause.split(':')[0] : 'FAIL',
      description: this.failureText(e),
      breakMode: 'always',
      details: { message: e.attempt.message.trim(), typeName: cause?.split(':')[0], fullTypeName: e.step.internalName },
    };
    this.sendResponse(response);
  }

  protected override nextRequest(response: DebugProtocol.NextResponse): void {
    this.move(response, (i) => this.timeline!.next(i), 'step');
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse): void {
    this.move(response, (i) => this.timeline!.stepIn(i), 'step');
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.move(response, (i) => this.timeline!.stepOut(i), 'step');
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse): void {
    this.move(response, (i) => this.timeline!.stepBack(i), 'step');
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.move(response, (i) => this.timeline!.continueFrom(i, (e) => this.stops(e)), undefined);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.move(response, (i) => {
      const j = this.timeline!.reverseFrom(i, (e) => this.stops(e));
      return j;
    }, undefined);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    // Replay only moves on request, so it is always paused already.
    this.sendResponse(response);
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.sendResponse(response);
  }

  private move(response: DebugProtocol.Response, to: (i: number) => number, reason: string | undefined): void {
    if (!this.timeline || this.position === END) {
      this.sendErrorResponse(response, 5, 'The replay has finished: restart it to replay again.');
      return;
    }
    const target = to(this.position);
    this.sendResponse(response);
    void this.moveTo(target, reason);
  }

  /** Where replay stops on Continue: a failed attempt (with the filter on) or a breakpoint on the step. */
  private stops(e: ReplayEvent): boolean {
    if (e.kind !== 'attempt') return false;
    if (this.failedFilter && e.attempt!.status === 'FAIL') return true;
    return this.sources!.hits(e.step, e.composites, e.branches);
  }

  private async moveTo(target: number, reason: string | undefined): Promise<void> {
    const t = this.timeline!;
    const from = this.position;
    // Forward: print the captured output of every attempt replay passes, once.
    if (target === END || target > from) {
      const last = target === END ? t.events.length - 1 : target;
      for (let j = Math.max(0, from + 1); j <= last; j++) await this.printOutput(t.events[j]);
    }
    this.position = target;
    this.frames.reset();
    this.vars.reset();
    if (target === END) {
      this.sendEvent(new OutputEvent(`Replay of ${this.loaded!.run.runId} reached the end of the recording.\n`, 'console'));
      this.sendEvent(new TerminatedEvent());
      return;
    }
    const e = t.events[target];
    const failed = e.attempt?.status === 'FAIL';
    let why = reason;
    if (!why) why = target === 0 && !this.stops(e) ? 'entry' : failed && this.failedFilter ? 'exception' : 'breakpoint';
    // Stopped by a breakpoint on the pipeline YAML only: the top frame shows that YAML step, where the user put it.
    const hit = why === 'breakpoint' && e.kind === 'attempt' ? this.sources!.hitKinds(e.step, e.composites, e.branches) : [];
    this.yamlStop = hit.includes('yaml') && !hit.includes('python') ? e : undefined;
    const stopped = new StoppedEvent(why, e.threadId, why === 'exception' ? this.failureText(e) : undefined) as DebugProtocol.StoppedEvent;
    stopped.body.allThreadsStopped = true;
    stopped.body.description = why === 'exception' ? `Failed attempt: ${e.step.internalName}` : `${e.step.internalName}`;
    if (failed) {
      this.sendEvent(new OutputEvent(`Paused on a failed attempt of ${e.step.internalName}: ${this.failureText(e).split('\n')[0]}\nTo debug it for real, "Runnable: Retry Locally from This Failed Attempt" (debug toolbar) re-runs this run from here with debugpy.\n`, 'console'));
    }
    this.sendEvent(stopped);
    this.sendEvent(new DapEvent(REPLAY_STOPPED_EVENT, {
      runId: this.loaded!.run.runId,
      storeId: this.loaded!.storeId ?? this.args?.storeId,
      stepInternalName: e.step.internalName,
      failedAttempt: failed,
    }));
  }

  private current(): ReplayEvent | undefined {
    return this.timeline && this.position !== END ? this.timeline.events[this.position] : undefined;
  }

  private failureText(e: ReplayEvent): string {
    const cause = this.errorLines.get(e.index);
    const recorded = e.attempt?.message.trim() || `${e.step.internalName} failed`;
    return cause ? `${cause}\n${recorded}` : recorded;
  }

  private async printOutput(e: ReplayEvent): Promise<void> {
    if (e.kind !== 'attempt' || this.printed.has(e.index)) return;
    this.printed.add(e.index);
    const a = e.attempt!;
    const retry = a.retryIndicator ? ` · retry ${a.retryIndicator}` : '';
    this.sendEvent(new OutputEvent(`── ${e.step.internalName} · attempt ${a.number}${retry} · ${a.status} (${a.startTime})\n`, 'console'));
    const text = await this.executionLog(e);
    if (text === undefined) return;
    const cause = ERROR_LINE.exec(text);
    if (cause && a.status === 'FAIL') this.errorLines.set(e.index, `${cause[1]}: ${cause[2]}`);
    this.sendEvent(new OutputEvent(text.endsWith('\n') ? text : `${text}\n`, a.status === 'FAIL' ? 'stderr' : 'stdout'));
  }

  private async executionLog(e: ReplayEvent): Promise<string | undefined> {
    const store = this.loaded?.store;
    if (!store || this.catalogFiles.length === 0) return undefined;
    const run = this.loaded!.run;
    try {
      const names = this.logNames(e);
      if (names.length === 0) return undefined;
      const logs: { name: string; text: string }[] = [];
      for (const name of names) {
        const buf = await store.readCatalogFile(run.runId, name);
        if (buf) logs.push({ name, text: buf.toString('utf8') });
      }
      // one file per attempt: the n-th log (by time) for the n-th attempt when the content does not decide
      const pick = pickLogForAttempt(e.attempt!, logs) ?? logs[Math.min(logs.length - 1, e.step.attempts.indexOf(e.attempt!))]?.name;
      return logs.find((l) => l.name === pick)?.text;
    } catch {
      return undefined;
    }
  }

  // The naming rule is stepOutput.ts's (alnum of the templated name, the map values as `value<v>` or `<v>`, 3 random
  // characters); here the catalog is indexed once by name-without-suffix so each step is a lookup, not a scan.
  private logIndex: Map<string, string[]> | undefined;

  private logNames(e: ReplayEvent): string[] {
    if (!this.logIndex) {
      this.logIndex = new Map();
      for (const f of this.catalogFiles) {
        const m = /^(.*)[A-Z0-9]{3}\.execution\.log$/.exec(f);
        if (!m) continue;
        const list = this.logIndex.get(m[1]) ?? [];
        list.push(f);
        this.logIndex.set(m[1], list);
      }
    }
    let keys = [''];
    for (let d = 0; d < e.depth; d++) {
      const c = e.composites[d];
      keys = keys.map((k) => k + alnum(c.name) + alnum(c.type === 'map' ? MAP_PLACEHOLDER : c.type === 'loop' ? LOOP_PLACEHOLDER : e.branches[d].name));
    }
    keys = keys.map((k) => k + alnum(e.step.name));
    for (let d = 0; d < e.depth; d++) {
      if (e.composites[d].type !== 'map') continue;
      const v = alnum(e.branches[d].name);
      keys = keys.flatMap((k) => [k + 'value' + v, k + v]);
    }
    return [...new Set(keys.flatMap((k) => this.logIndex!.get(k) ?? []))].sort();
  }

  private catalogPath = (file: string): string | undefined => {
    const d = this.loaded?.store?.descriptor;
    const runId = this.loaded?.run.runId;
    if (!d?.catalog || !runId) return undefined;
    return d.catalog.type === 'file-system' ? path.join(d.catalog.location, runId, file) : `${d.catalog.location}/${runId}/${file}`;
  };

  /** pipeline > composite > branch > step > attempt, innermost first. */
  private framesOf(e: ReplayEvent): Frame[] {
    const run = this.loaded!.run;
    const src = this.sources!.forStep(e.step, e.composites, e.branches);
    const stepSource = src.python ?? src.yaml;
    const out: Frame[] = [];
    if (e.attempt) {
      const a = e.attempt;
      const attemptSource = e === this.yamlStop ? src.yaml : stepSource;
      out.push({ name: `${e.step.name} · attempt ${a.number}${a.retryIndicator ? ` (retry ${a.retryIndicator})` : ''} · ${a.status}`, source: attemptSource, scopes: () => attemptScopes(e.step, a, this.catalogPath) });
    }
    const stepFrameSource = stepSource && stepSource.kind === 'python' ? { ...stepSource, line: stepSource.startLine } : stepSource;
    out.push({ name: `${e.step.name} (${e.step.type})`, source: stepFrameSource, scopes: () => stepScopes(e.step) });
    for (let d = e.depth - 1; d >= 0; d--) {
      const composite = e.composites[d];
      const branch = e.branches[d];
      out.push({ name: composite.type === 'map' ? `${composite.name} [${branch.name}]` : `${composite.name} / ${branch.name}`, scopes: () => branchScopes(branch, this.catalogPath) });
      const cs = this.sources!.forStep(composite, e.composites.slice(0, d), e.branches.slice(0, d)).yaml;
      out.push({ name: `${composite.name} (${composite.type})`, source: cs, scopes: () => stepScopes(composite) });
    }
    out.push({ name: `${run.definitionFile || 'pipeline'} · ${run.runId}`, source: this.sources!.pipelineSource(), scopes: () => runScopes(run, this.catalogPath) });
    return out;
  }
}
