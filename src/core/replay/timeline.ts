// The replay timeline: every recorded attempt of a run, in the order runnable started them, with a
// "composite" event wherever replay enters a map/parallel/conditional node; plus the threads and the moves
// (step over / into / out / back, continue / reverse continue) the debugger offers over it. Pure.
import type { Attempt, Branch, Run, Step } from '../runlog/model';
import { isComposite } from '../runlog/rules';

export interface ReplayEvent {
  index: number;
  kind: 'composite' | 'attempt';
  step: Step;
  /** Attempt events only. */
  attempt?: Attempt;
  /** Enclosing composite steps and the branch taken in each, outermost first (same length). */
  composites: Step[];
  branches: Branch[];
  /** composites.length: 0 = a step of the pipeline itself. */
  depth: number;
  startMs: number;
  /** The pipeline (1) or the innermost enclosing branch's thread. */
  threadId: number;
}

export interface ReplayThread {
  id: number;
  name: string;
  /** undefined for the pipeline thread. */
  branch?: Branch;
  /** Indices of this thread's own events (not those of nested branches), ascending. */
  events: number[];
}

export const PIPELINE_THREAD = 1;

interface Leaf {
  step: Step;
  attempt: Attempt;
  composites: Step[];
  branches: Branch[];
  order: number;
}

/** A position that is off the end of the recording (the replay has finished). */
export const END = -1;

export class Timeline {
  readonly events: ReplayEvent[] = [];
  readonly threads: ReplayThread[] = [];
  private readonly threadByBranch = new Map<Branch, ReplayThread>();

  constructor(readonly run: Run) {
    const leaves: Leaf[] = [];
    const visit = (steps: Step[], composites: Step[], branches: Branch[]): void => {
      for (const step of steps) {
        if (isComposite(step)) {
          for (const b of step.branches) visit(b.steps, [...composites, step], [...branches, b]);
          continue;
        }
        for (const attempt of step.attempts) leaves.push({ step, attempt, composites, branches, order: leaves.length });
      }
    };
    visit(run.steps, [], []);
    // Recorded start times decide the order; walk order breaks ties and places attempts without a time.
    const key = (l: Leaf): number => (Number.isFinite(l.attempt.startMs) ? l.attempt.startMs : Number.NEGATIVE_INFINITY);
    leaves.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb && Number.isFinite(ka) && Number.isFinite(kb)) return ka - kb;
      return a.order - b.order;
    });
    this.threads.push({ id: PIPELINE_THREAD, name: `pipeline ${run.runId}`, events: [] });
    let open: Branch[] = [];
    let openComposites: Step[] = [];
    for (const leaf of leaves) {
      let common = 0;
      while (common < open.length && common < leaf.branches.length && open[common] === leaf.branches[common]) common++;
      for (let d = common; d < leaf.branches.length; d++) {
        // The next iteration / branch of the composite replay is already in: no new entry event.
        const sameComposite = d === common && d < open.length && openComposites[d] === leaf.composites[d];
        if (!sameComposite) this.push('composite', leaf.composites[d], undefined, leaf.composites.slice(0, d), leaf.branches.slice(0, d), leaf.attempt.startMs);
      }
      this.push('attempt', leaf.step, leaf.attempt, leaf.composites, leaf.branches, leaf.attempt.startMs);
      open = leaf.branches;
      openComposites = leaf.composites;
    }
  }

  private push(kind: ReplayEvent['kind'], step: Step, attempt: Attempt | undefined, composites: Step[], branches: Branch[], startMs: number): void {
    const index = this.events.length;
    const inner = branches[branches.length - 1];
    const thread = inner ? this.threadFor(inner, composites[composites.length - 1]) : this.threads[0];
    this.events.push({ index, kind, step, attempt, composites, branches, depth: composites.length, startMs, threadId: thread.id });
    thread.events.push(index);
  }

  private threadFor(branch: Branch, composite: Step): ReplayThread {
    let t = this.threadByBranch.get(branch);
    if (!t) {
      const label = composite.type === 'map' ? `${composite.name} [${branch.name}]` : `${composite.name} / ${branch.name}`;
      t = { id: this.threads.length + 1, name: label, branch, events: [] };
      this.threads.push(t);
      this.threadByBranch.set(branch, t);
    }
    return t;
  }

  thread(id: number): ReplayThread | undefined {
    return this.threads[id - 1];
  }

  /** The thread's position when replay stands at `at`: its latest event so far, else its first one. */
  threadPosition(threadId: number, at: number): number | undefined {
    const t = this.thread(threadId);
    if (!t || t.events.length === 0) return undefined;
    const ev = t.events;
    let lo = 0;
    let hi = ev.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ev[mid] <= at) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return ev[best >= 0 ? best : 0];
  }

  /** Step Over: past a composite's branches; else the next event. */
  next(i: number): number {
    const e = this.events[i];
    if (e.kind === 'composite') {
      for (let j = i + 1; j < this.events.length; j++) if (this.events[j].depth <= e.depth) return j;
      return END;
    }
    return this.at(i + 1);
  }

  /** Step Into: into a composite's first branch; else the same as Step Over. */
  stepIn(i: number): number {
    return this.at(i + 1);
  }

  /** Step Out: the first event outside the current branch (the pipeline level: the end). */
  stepOut(i: number): number {
    const d = this.events[i].depth;
    for (let j = i + 1; j < this.events.length; j++) if (this.events[j].depth < d) return j;
    return END;
  }

  /** Step Back: the event whose Step Over lands here (a composite when coming back out of its branches). */
  stepBack(i: number): number {
    if (i <= 0) return 0;
    const d = this.events[i].depth;
    for (let j = i - 1; j >= 0; j--) if (this.events[j].depth <= d) return j;
    return i - 1;
  }

  /** Continue: the first event after `from` that `stops`; END when none. `from` = -1 starts at the beginning. */
  continueFrom(from: number, stops: (e: ReplayEvent) => boolean): number {
    for (let j = from + 1; j < this.events.length; j++) if (stops(this.events[j])) return j;
    return END;
  }

  /** Reverse Continue: the last event before `from` that `stops`; the first event when none. */
  reverseFrom(from: number, stops: (e: ReplayEvent) => boolean): number {
    for (let j = from - 1; j >= 0; j--) if (stops(this.events[j])) return j;
    return 0;
  }

  private at(j: number): number {
    return j < this.events.length ? j : END;
  }
}
