// The pipeline graph runnable records with every run (run_config.dag), as the retry rules read it: the nodes by name,
// each with its type, its next node, and for composites the graph of each branch (parallel and conditional: one per
// branch name / case; map and loop: one graph every iteration runs). Untyped JSON: readers check each value's type.
import type { Run } from './model';

export interface RawDagNode {
  node_type?: unknown;
  next_node?: unknown;
  /** task: its kind (python, notebook, shell, async-python) and what it runs */
  command_type?: unknown;
  command?: unknown;
  /** task: the names its secrets service must provide (set as env vars around the call) */
  secrets?: unknown;
  /** map */
  iterate_on?: unknown;
  iterate_as?: unknown;
  /** loop */
  index_as?: unknown;
  break_on?: unknown;
  max_iterations?: unknown;
  /** map and loop */
  branch?: RawDag;
  /** parallel and conditional */
  branches?: Record<string, RawDag>;
}

export interface RawDag {
  start_at?: unknown;
  nodes?: Record<string, RawDagNode>;
}

/** The run's recorded graph. */
export function runDag(run: Run): RawDag | undefined {
  return run.runConfig?.dag as RawDag | undefined;
}

/** The node named `name` of `graph`, if it has one. */
export function dagNode(graph: RawDag | undefined, name: string): RawDagNode | undefined {
  const nodes = graph?.nodes;
  return nodes && typeof nodes === 'object' && Object.hasOwn(nodes, name) ? nodes[name] : undefined;
}

/** The graph a branch of composite `node` runs: its own (parallel, conditional) or the one of every iteration (map, loop). */
export function branchGraph(node: RawDagNode | undefined, branchName: string): RawDag | undefined {
  return (node?.branches && Object.hasOwn(node.branches, branchName) ? node.branches[branchName] : undefined) ?? node?.branch;
}

/**
 * The node of the step with this internal name: `map_state.2.execute` is node `execute` of the graph map_state's
 * iteration 2 runs (names alternate node, branch, node…; runnable forbids `.` in names). Undefined for a branch's name.
 */
export function dagNodeAt(run: Run, internalName: string): RawDagNode | undefined {
  const parts = internalName.split('.');
  if (parts.length % 2 === 0) return undefined;
  let node = dagNode(runDag(run), parts[0]);
  for (let i = 1; i + 1 < parts.length && node; i += 2) node = dagNode(branchGraph(node, parts[i]), parts[i + 1]);
  return node;
}

/** The secrets a task node asks for (its `secrets`); [] for other nodes, none or unknown. */
export function nodeSecrets(node: RawDagNode | undefined): string[] {
  const v = node?.node_type === 'task' ? node.secrets : undefined;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

/** The secrets a task asks for, by the step's internal name. */
export function stepSecrets(run: Run, internalName: string): string[] {
  return nodeSecrets(dagNodeAt(run, internalName));
}
