// The pipeline graph as recorded in run_config.dag (nodes, branches, `next` and `on_failure` edges), coloured by
// this run's statuses, with the failed path marked and a top-to-bottom layout (composites as boxes holding their
// branches side by side). A map's branch is drawn once, its status gathered over the recorded iterations.
import type { Run, Status, Step } from '../runlog/model';
import { walkSteps } from '../runlog/rules';

export const NOT_RUN = 'NOT_RUN';

export interface GraphNode {
  /** Path in the dag: `score_all`, `prepare.schema.validate`, map branches use `*`: `score_all.*.score chunk`. */
  id: string;
  name: string;
  type: string;
  /** Gathered over the concrete steps this node stands for; `NOT_RUN` when none is in the log. */
  status: Status;
  /** Internal names of the recorded steps (several for nodes inside a map). */
  steps: string[];
  /** Counts of the concrete steps by status (`3 × SUCCESS, 1 × FAIL` for a node inside a map). */
  counts: Record<string, number>;
  /** Composite box this node sits in ("" at the top). */
  parentId: string;
  composite: boolean;
  onFailedPath: boolean;
  command?: string;
  x: number; y: number; w: number; h: number;
}

/** A branch inside a composite box (parallel branch, conditional case, the map's branch). */
export interface GraphCluster {
  id: string;
  name: string;
  status: Status;
  /** Map: how many iterations were recorded. */
  iterations?: number;
  x: number; y: number; w: number; h: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: 'next' | 'on_failure' | 'fail';
  /** Both ends ran and the edge was the one followed (next after success, on_failure/fail after a failure). */
  taken: boolean;
  onFailedPath: boolean;
  points: Array<[number, number]>;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: GraphNode[];
  clusters: GraphCluster[];
  edges: GraphEdge[];
  /** Set when run_config.dag is missing or unreadable (jobs, very old logs): the sentence to show instead. */
  problem?: string;
}

// Layout constants (px): node boxes, gaps, composite header/padding.
const NODE_W = 170;
const NODE_H = 34;
const TERMINAL_W = 90;
const TERMINAL_H = 26;
const GAP_Y = 26;
const GAP_X = 22;
const HEADER = 28;
const PAD = 12;
const CLUSTER_HEADER = 22;

interface DagNode { node_type?: string; name?: string; next_node?: string; on_failure?: string; command?: string; branches?: Record<string, Dag>; branch?: Dag }
interface Dag { start_at?: string; nodes?: Record<string, DagNode> }

/** A laid-out dag, positioned at (0,0); `place` shifts it. */
interface Block { w: number; h: number; nodes: GraphNode[]; clusters: GraphCluster[]; edges: GraphEdge[] }

const COMPOSITE = new Set(['parallel', 'map', 'conditional', 'loop']);

export function buildGraph(run: Run): GraphLayout {
  const dag = run.runConfig?.dag as Dag | undefined;
  if (run.kind === 'job') return { width: 0, height: 0, nodes: [], clusters: [], edges: [], problem: 'A job has no pipeline graph: it runs one function.' };
  if (!dag || typeof dag !== 'object' || !dag.nodes || typeof dag.nodes !== 'object') {
    return { width: 0, height: 0, nodes: [], clusters: [], edges: [], problem: `Run ${run.runId} records no readable run_config.dag, so its graph cannot be drawn.` };
  }
  const byName = new Map<string, Step>();
  for (const { step } of walkSteps(run)) byName.set(step.internalName, step);
  const failed = run.status === 'FAIL';
  const block = layoutDag(dag, [''], '', '', byName, failed);
  const margin = 10;
  shift(block, margin, margin);
  return { width: block.w + 2 * margin, height: block.h + 2 * margin, nodes: block.nodes, clusters: block.clusters, edges: block.edges };
}

/**
 * prefixes: the concrete internal-name prefixes this dag stands for ("" at the top; `score_all.1`, `score_all.2`, …
 * inside a map); idPrefix: the dag path prefix for node ids.
 */
function layoutDag(dag: Dag, prefixes: string[], idPrefix: string, parentId: string, byName: Map<string, Step>, runFailed: boolean): Block {
  const nodesIn = dag.nodes ?? {};
  const names = Object.keys(nodesIn);
  const id = (n: string): string => (idPrefix ? `${idPrefix}.${n}` : n);

  // Layers: longest path from start_at along next/on_failure edges (cycles ignored); unreachable nodes go last.
  const layer = new Map<string, number>();
  const start = dag.start_at && nodesIn[dag.start_at] ? dag.start_at : names[0];
  const order: string[] = [];
  if (start !== undefined) {
    layer.set(start, 0);
    const queue = [start];
    let guard = 0;
    while (queue.length && guard++ < names.length * names.length + 10) {
      const n = queue.shift()!;
      if (!order.includes(n)) order.push(n);
      for (const t of targets(nodesIn[n])) {
        if (!nodesIn[t]) continue;
        const l = layer.get(n)! + 1;
        if ((layer.get(t) ?? -1) < l && l <= names.length) {
          layer.set(t, l);
          queue.push(t);
        }
      }
    }
  }
  const maxLayer = Math.max(0, ...layer.values());
  for (const n of names) {
    if (!layer.has(n)) layer.set(n, maxLayer + 1);
  }
  // runnable's success/fail terminals always end the dag: keep them on the last layer, side by side.
  const last = Math.max(...names.map((n) => layer.get(n)!));
  for (const n of names) {
    const t = nodesIn[n].node_type;
    if ((t === 'success' || t === 'fail') && !targets(nodesIn[n]).length) layer.set(n, last);
  }

  // Children first: each node's own box (composites recurse).
  const built = new Map<string, { node: GraphNode; inner?: Block }>();
  for (const n of names) {
    const dn = nodesIn[n];
    const type = dn.node_type ?? 'task';
    const concrete = prefixes.map((p) => (p ? `${p}.${n}` : n));
    const steps = concrete.map((c) => byName.get(c)).filter((s): s is Step => !!s);
    const counts: Record<string, number> = {};
    for (const s of steps) counts[s.status] = (counts[s.status] ?? 0) + 1;
    const node: GraphNode = {
      id: id(n), name: dn.name ?? n, type, status: gather(steps), steps: steps.map((s) => s.internalName), counts, parentId,
      composite: COMPOSITE.has(type), onFailedPath: false, command: dn.command, x: 0, y: 0, w: 0, h: 0,
    };
    if (!node.composite) {
      const terminal = type === 'success' || type === 'fail';
      node.w = terminal ? TERMINAL_W : NODE_W;
      node.h = terminal ? TERMINAL_H : NODE_H;
      built.set(n, { node });
      continue;
    }
    // Branches: parallel/conditional by name; map/loop: one template branch standing for every recorded iteration.
    // A loop (runnable extensions/nodes/loop.py) records iteration i as branch `<loop>.<i>` (0, 1, …) of its step log,
    // steps `<loop>.<i>.<step>`, exactly like a map's `<map>.<value>`; test/unit/detailsLoop.test.ts checks that shape.
    const branchDags: Array<{ name: string; dag: Dag; prefixes: string[]; idPart: string; iterations?: number }> = [];
    if (dn.branches && typeof dn.branches === 'object') {
      for (const [bn, bd] of Object.entries(dn.branches)) branchDags.push({ name: bn, dag: bd, prefixes: concrete.map((c) => `${c}.${bn}`), idPart: bn });
    } else if (dn.branch && typeof dn.branch === 'object') {
      const iterations = steps.flatMap((s) => s.branches.map((b) => b.internalName));
      branchDags.push({ name: type === 'map' ? 'each iteration' : 'each loop', dag: dn.branch, prefixes: iterations, idPart: '*', iterations: iterations.length });
    }
    const inner: Block = { w: 0, h: 0, nodes: [], clusters: [], edges: [] };
    let x = PAD;
    let h = 0;
    for (const b of branchDags) {
      const sub = layoutDag(b.dag, b.prefixes, `${node.id}.${b.idPart}`, `${node.id}.${b.idPart}`, byName, runFailed);
      const cw = Math.max(sub.w, NODE_W) + 2 * PAD;
      const ch = sub.h + CLUSTER_HEADER + PAD;
      shift(sub, x + (cw - sub.w) / 2, HEADER + CLUSTER_HEADER);
      inner.clusters.push({ id: `${node.id}.${b.idPart}`, name: b.name, status: stepsOfBranches(steps, b.prefixes), iterations: b.iterations, x, y: HEADER, w: cw, h: ch });
      inner.nodes.push(...sub.nodes);
      inner.clusters.push(...sub.clusters);
      inner.edges.push(...sub.edges);
      x += cw + GAP_X;
      h = Math.max(h, ch);
    }
    node.w = Math.max(NODE_W, x - GAP_X + PAD);
    node.h = HEADER + h + PAD;
    built.set(n, { node, inner });
  }

  // Place layers top to bottom, nodes of a layer side by side, centred.
  const layers: string[][] = [];
  for (const n of [...order, ...names.filter((m) => !order.includes(m))]) {
    (layers[layer.get(n)!] ??= []).push(n);
  }
  const rows = layers.filter((l) => l && l.length);
  const width = Math.max(NODE_W, ...rows.map((r) => r.reduce((t, n) => t + built.get(n)!.node.w, 0) + GAP_X * (r.length - 1)));
  const out: Block = { w: width, h: 0, nodes: [], clusters: [], edges: [] };
  let y = 0;
  for (const r of rows) {
    const rw = r.reduce((t, n) => t + built.get(n)!.node.w, 0) + GAP_X * (r.length - 1);
    let x = (width - rw) / 2;
    const rh = Math.max(...r.map((n) => built.get(n)!.node.h));
    for (const n of r) {
      const { node, inner } = built.get(n)!;
      node.x = x;
      node.y = y;
      out.nodes.push(node);
      if (inner) {
        shift(inner, x, y);
        out.nodes.push(...inner.nodes);
        out.clusters.push(...inner.clusters);
        out.edges.push(...inner.edges);
      }
      x += node.w + GAP_X;
    }
    y += rh + GAP_Y;
  }
  out.h = Math.max(0, y - GAP_Y);

  // Edges of this dag, and the failed path through it.
  const nodeOf = (n: string): GraphNode | undefined => built.get(n)?.node;
  const ownEdges: GraphEdge[] = [];
  const lanes = { used: 0 };
  for (const n of names) {
    const dn = nodesIn[n];
    const from = nodeOf(n)!;
    const add = (t: string | undefined, kind: GraphEdge['kind']): void => {
      const to = t ? nodeOf(t) : undefined;
      if (!to) return;
      const ran = from.status !== NOT_RUN && to.status !== NOT_RUN;
      const taken = ran && (kind === 'next' ? from.status !== 'FAIL' || (from.counts.SUCCESS ?? 0) > 0 : from.status === 'FAIL');
      ownEdges.push({ from: from.id, to: to.id, kind, taken, onFailedPath: false, points: route(from, to, width, lanes) });
    };
    add(dn.next_node, 'next');
    add(dn.on_failure, 'on_failure');
    // Without on_failure, runnable goes to the dag's `fail` node when a step fails.
    if (from.status === 'FAIL' && !dn.on_failure && dn.node_type !== 'fail' && dn.node_type !== 'success') {
      const failName = names.find((m) => nodesIn[m].node_type === 'fail');
      if (failName && failName !== dn.next_node) add(failName, 'fail');
    }
  }
  if (lanes.used) out.w = width + 6 + 4 * lanes.used;
  // Failed path: from the start along taken edges to each failed node, then the failure edge out of it.
  if (runFailed && start !== undefined) {
    const parents = new Map<string, GraphEdge>();
    const seenIds = new Set<string>([id(start)]);
    const queue = [id(start)];
    while (queue.length) {
      const cur = queue.shift()!;
      for (const e of ownEdges) {
        if (e.from === cur && e.taken && e.kind === 'next' && !seenIds.has(e.to)) {
          seenIds.add(e.to);
          parents.set(e.to, e);
          queue.push(e.to);
        }
      }
    }
    for (const n of names) {
      const node = nodeOf(n)!;
      if (node.status !== 'FAIL' || node.type === 'fail' || node.type === 'success') continue;
      let cur: string | undefined = node.id;
      while (cur) {
        const nd = out.nodes.find((m) => m.id === cur);
        if (nd) nd.onFailedPath = true;
        const pe = parents.get(cur);
        if (pe) pe.onFailedPath = true;
        cur = pe?.from;
      }
      for (const e of ownEdges) {
        if (e.from === node.id && e.taken && e.kind !== 'next') {
          e.onFailedPath = true;
          const to = out.nodes.find((m) => m.id === e.to);
          if (to) to.onFailedPath = true;
        }
      }
    }
  }
  out.edges.push(...ownEdges);
  return out;
}

function targets(dn: DagNode | undefined): string[] {
  if (!dn) return [];
  return [dn.next_node, dn.on_failure].filter((t): t is string => typeof t === 'string' && t.length > 0);
}

/** A node standing for several recorded steps: FAIL if any failed, else PROCESSING if any runs, SUCCESS if all did. */
function gather(steps: Step[]): Status {
  if (!steps.length) return NOT_RUN;
  if (steps.some((s) => s.status === 'FAIL')) return 'FAIL';
  if (steps.some((s) => s.status === 'PROCESSING')) return 'PROCESSING';
  if (steps.every((s) => s.status === 'SUCCESS')) return 'SUCCESS';
  return steps[0].status;
}

/** A cluster's status from the recorded branches it stands for. */
function stepsOfBranches(composites: Step[], branchNames: string[]): Status {
  const wanted = new Set(branchNames);
  const branches = composites.flatMap((s) => s.branches).filter((b) => wanted.has(b.internalName));
  if (!branches.length) return NOT_RUN;
  if (branches.some((b) => b.status === 'FAIL')) return 'FAIL';
  if (branches.some((b) => b.status === 'PROCESSING')) return 'PROCESSING';
  if (branches.every((b) => b.status === 'SUCCESS')) return 'SUCCESS';
  return branches[0].status;
}

/**
 * Down to the next layer: bottom centre to top centre (with a bend). Skipping layers, sideways or up: out of the
 * right side into a lane right of everything in this dag (each such edge its own lane), so no edge crosses a node.
 */
function route(a: GraphNode, b: GraphNode, width: number, lanes: { used: number }): Array<[number, number]> {
  const ax = a.x + a.w / 2;
  const bx = b.x + b.w / 2;
  const ay = a.y + a.h;
  if (b.y >= ay && b.y - ay <= GAP_Y + 1) {
    const midY = ay + (b.y - ay) / 2;
    return ax === bx ? [[ax, ay], [bx, b.y]] : [[ax, ay], [ax, midY], [bx, midY], [bx, b.y]];
  }
  const lane = width + 4 + 4 * lanes.used++;
  const y1 = a.y + a.h / 2 + (b.y > a.y ? 6 : -6);
  const y2 = b.y + b.h / 2;
  return [[a.x + a.w, y1], [lane, y1], [lane, y2], [b.x + b.w, y2]];
}

function shift(block: Block, dx: number, dy: number): void {
  for (const n of block.nodes) { n.x += dx; n.y += dy; }
  for (const c of block.clusters) { c.x += dx; c.y += dy; }
  for (const e of block.edges) e.points = e.points.map(([x, y]) => [x + dx, y + dy]);
}
