// The shape of a pipeline (every step's branch path and node type) from the YAML and from a run's recorded
// run_config.dag: a run made with the SDK (execution_mode python) counts as a run of a YAML with the same shape.
import type { GraphInfo } from '../core/yaml/analyze';

// runnable adds `success` and `fail` to every graph itself; a YAML rarely spells them out.
const TERMINALS = new Set(['success', 'fail']);
const ITERATING = new Set(['map', 'loop']);

/** Lines `path type`, sorted; a map/loop branch is `*`, a parallel/conditional branch its name. */
function shapeOf(lines: string[]): string {
  return lines.sort().join('\n');
}

export function yamlDagShape(dag: GraphInfo): string {
  const lines: string[] = [];
  const visit = (g: GraphInfo, prefix: string): void => {
    for (const s of g.steps.values()) {
      if (TERMINALS.has(s.type ?? '')) continue;
      const at = prefix + s.name;
      lines.push(`${at} ${s.type ?? '?'}`);
      for (const b of s.branches) visit(b, `${at}/${s.type && ITERATING.has(s.type) ? '*' : b.name}/`);
    }
  };
  visit(dag, '');
  return shapeOf(lines);
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * From run_config.dag as runnable dumps it: `{start_at, nodes: {name: {node_type, branches?, branch?, default?}}}`
 * (parallel/conditional: `branches` keyed by branch name; map/loop: one `branch`; conditional: `default` or null).
 * Undefined when the dag is missing or not a graph.
 */
export function runDagShape(runConfig: Record<string, unknown>): string | undefined {
  const dag = runConfig.dag;
  if (!isObject(dag) || !isObject(dag.nodes)) return undefined;
  const lines: string[] = [];
  const visit = (g: Json, prefix: string): void => {
    if (!isObject(g.nodes)) return;
    for (const [name, node] of Object.entries(g.nodes)) {
      if (!isObject(node)) continue;
      const type = typeof node.node_type === 'string' ? node.node_type : '?';
      if (TERMINALS.has(type)) continue;
      const at = prefix + name;
      lines.push(`${at} ${type}`);
      if (isObject(node.branch)) visit(node.branch, `${at}/${ITERATING.has(type) ? '*' : 'branch'}/`);
      if (isObject(node.branches)) for (const [b, sub] of Object.entries(node.branches)) if (isObject(sub)) visit(sub, `${at}/${b}/`);
      if (isObject(node.default)) visit(node.default, `${at}/default/`);
    }
  };
  visit(dag, '');
  return shapeOf(lines);
}
