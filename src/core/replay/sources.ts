// Where a replayed step lives in the workspace: its Python function (file, def line, body range, found from
// the source text, no interpreter) and its step in the pipeline YAML; and which breakpoints a step's attempt hits.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Branch, Run, Step } from '../runlog/model';
import { logicalLines } from '../python/pySource';
import { locateStatically } from '../python/staticLocate';
import { analyzeRunnableYaml, type GraphInfo, type StepInfo } from '../yaml/analyze';

export interface SourceRange {
  absFile: string;
  /** The line the debugger shows (a function's first body line; a YAML step's key). */
  line: number;
  /** Lines a breakpoint may sit on to hit this step (a function's def through its last body line; a YAML step's block). */
  startLine: number;
  endLine: number;
  kind: 'python' | 'yaml';
}

export interface StepSources {
  python?: SourceRange;
  yaml?: SourceRange;
}

export interface SourceBreakpoint {
  line: number;
  verified: boolean;
}

function norm(file: string): string {
  const p = path.resolve(file);
  return process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

export class ReplaySources {
  private readonly python = new Map<string, SourceRange | undefined>();
  private yamlFile: string | undefined;
  private yamlDag: GraphInfo | undefined;
  private yamlStarts: number[] = [];
  private pipeline: SourceRange | undefined;
  private readonly byStep = new Map<Step, StepSources>();
  /** Breakpoints by normalised file. */
  private readonly breakpoints = new Map<string, SourceBreakpoint[]>();
  readonly notes: string[] = [];

  constructor(private readonly cwd: string, private readonly run: Run) {}

  /** Reads the step functions and the pipeline YAML once; what is missing just has no source. */
  async prepare(steps: Iterable<Step>): Promise<void> {
    const commands = new Set<string>();
    for (const s of steps) if (s.command && (s.commandType ?? 'python') === 'python') commands.add(s.command);
    for (const c of commands) this.python.set(c, await this.locatePython(c));
    if (this.run.executionMode === 'yaml' && this.run.definitionFile) {
      const file = path.resolve(this.cwd, this.run.definitionFile);
      try {
        const text = await fs.readFile(file, 'utf8');
        this.yamlDag = analyzeRunnableYaml(text).dag;
        this.yamlStarts = lineStarts(text);
        this.yamlFile = file;
        this.pipeline = { absFile: file, line: 1, startLine: 1, endLine: 1, kind: 'yaml' };
      } catch (e) {
        this.notes.push(`The pipeline YAML ${file} cannot be read (${(e as Error).message}); replay shows no YAML source.`);
      }
    } else if (this.run.definitionFile) {
      this.pipeline = await this.locatePython(this.run.definitionFile);
    }
  }

  private async locatePython(command: string): Promise<SourceRange | undefined> {
    const loc = await locateStatically(this.cwd, command);
    if ('error' in loc) {
      this.notes.push(`${command}: ${loc.error}`);
      return undefined;
    }
    let endLine = loc.line;
    try {
      const lines = logicalLines(await fs.readFile(loc.absFile, 'utf8'));
      const i = lines.findIndex((l) => l.startLine === loc.defLine);
      if (i >= 0) {
        endLine = lines[i].endLine;
        for (let j = i + 1; j < lines.length && lines[j].indent > lines[i].indent; j++) endLine = lines[j].endLine;
      }
    } catch {
      /* located a moment ago: keep the body's first line as the end */
    }
    return { absFile: loc.absFile, line: loc.line, startLine: loc.defLine, endLine: Math.max(endLine, loc.line), kind: 'python' };
  }

  pipelineSource(): SourceRange | undefined {
    return this.pipeline;
  }

  forStep(step: Step, composites: Step[], branches: Branch[]): StepSources {
    let s = this.byStep.get(step);
    if (!s) {
      s = { python: step.command ? this.python.get(step.command) : undefined, yaml: this.yamlStep(step, composites, branches) };
      this.byStep.set(step, s);
    }
    return s;
  }

  // Walks the dag of the YAML along the composites (map: its one branch; parallel/conditional: by branch name).
  private yamlStep(step: Step, composites: Step[], branches: Branch[]): SourceRange | undefined {
    if (!this.yamlDag || !this.yamlFile) return undefined;
    let graph: GraphInfo | undefined = this.yamlDag;
    for (let d = 0; d < composites.length && graph; d++) {
      const info: StepInfo | undefined = graph.steps.get(composites[d].name);
      if (!info) return undefined;
      graph = composites[d].type === 'map' ? info.branches[0] : info.branches.find((g) => g.name === branches[d].name);
    }
    const info = graph?.steps.get(step.name);
    if (!info) return undefined;
    const line = lineOf(this.yamlStarts, info.keyStart);
    return { absFile: this.yamlFile, line, startLine: line, endLine: Math.max(line, lineOf(this.yamlStarts, Math.max(info.start, info.end - 1))), kind: 'yaml' };
  }

  /** Replaces a file's breakpoints; verified = the line lies in some step's function or YAML step. */
  setBreakpoints(file: string, lines: number[], steps: Iterable<{ step: Step; composites: Step[]; branches: Branch[] }>): SourceBreakpoint[] {
    const key = norm(file);
    const ranges: SourceRange[] = [];
    for (const { step, composites, branches } of steps) {
      const s = this.forStep(step, composites, branches);
      for (const r of [s.python, s.yaml]) if (r && norm(r.absFile) === key && !ranges.includes(r)) ranges.push(r);
    }
    const bps = lines.map((line) => ({ line, verified: ranges.some((r) => line >= r.startLine && line <= r.endLine) }));
    if (bps.length) this.breakpoints.set(key, bps);
    else this.breakpoints.delete(key);
    return bps;
  }

  /** Whether a breakpoint sits on this step's function or YAML step. */
  hits(step: Step, composites: Step[], branches: Branch[]): boolean {
    return this.hitKinds(step, composites, branches).length > 0;
  }

  /** Which of the step's sources hold a breakpoint: its Python function, its YAML step, both or neither. */
  hitKinds(step: Step, composites: Step[], branches: Branch[]): Array<'python' | 'yaml'> {
    if (this.breakpoints.size === 0) return [];
    const s = this.forStep(step, composites, branches);
    const kinds: Array<'python' | 'yaml'> = [];
    for (const r of [s.python, s.yaml]) {
      const bps = r && this.breakpoints.get(norm(r.absFile));
      if (bps?.some((b) => b.verified && b.line >= r!.startLine && b.line <= r!.endLine)) kinds.push(r!.kind);
    }
    return kinds;
  }
}
