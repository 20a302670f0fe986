// What the Variables view shows for a replayed position, as a lazy tree: parameters (json expanded as
// structures, object parameters with their catalog file, metrics), catalog items, timing, run facts. Pure.
import type { Attempt, Branch, CatalogItem, ParamValue, Run, Step } from '../runlog/model';

export interface VarNode {
  name: string;
  value: string;
  type?: string;
  /** Present when the node expands. */
  children?: () => VarNode[];
}

export interface Scope {
  name: string;
  /** Shown expanded (VS Code expands the first non-expensive scopes). */
  expensive: boolean;
  children: () => VarNode[];
}

const PREVIEW_ITEMS = 5;

function preview(v: unknown, depth = 0): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) {
    if (depth > 0) return `Array(${v.length})`;
    const items = v.slice(0, PREVIEW_ITEMS).map((x) => preview(x, depth + 1));
    return `[${items.join(', ')}${v.length > PREVIEW_ITEMS ? ', …' : ''}]`;
  }
  if (typeof v === 'object') {
    if (depth > 0) return '{…}';
    const keys = Object.keys(v as object);
    const items = keys.slice(0, PREVIEW_ITEMS).map((k) => `${k}: ${preview((v as Record<string, unknown>)[k], depth + 1)}`);
    return `{${items.join(', ')}${keys.length > PREVIEW_ITEMS ? ', …' : ''}}`;
  }
  return JSON.stringify(v) ?? String(v);
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'dict';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'string') return 'str';
  return typeof v;
}

export function jsonNode(name: string, v: unknown, type?: string): VarNode {
  const node: VarNode = { name, value: preview(v), type: type ?? jsonType(v) };
  if (Array.isArray(v) && v.length) node.children = () => v.map((x, i) => jsonNode(String(i), x));
  else if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
    node.children = () => Object.entries(v as Record<string, unknown>).map(([k, x]) => jsonNode(k, x));
  }
  return node;
}

function text(name: string, value: string | number | boolean | undefined | null, type?: string): VarNode {
  return { name, value: value === undefined || value === null ? '—' : typeof value === 'string' ? value : String(value), type };
}

/** One parameter: json as a structure; metric as its value; object as its catalog file (the pickle is not read). */
export function paramNode(name: string, p: ParamValue, catalogPath: (file: string) => string | undefined): VarNode {
  if (p.kind === 'object') {
    const file = p.catalogFile ?? `${String(p.value)}.dill`;
    const where = catalogPath(file);
    return {
      name,
      value: `object · catalog: ${file}`,
      type: 'object',
      children: () => [text('pickle', String(p.value)), text('catalogFile', file), ...(where ? [text('path', where)] : [])],
    };
  }
  return jsonNode(name, p.value, p.kind === 'metric' ? `metric · ${jsonType(p.value)}` : undefined);
}

export function paramNodes(params: Record<string, ParamValue>, catalogPath: (file: string) => string | undefined): VarNode[] {
  return Object.entries(params).map(([k, p]) => paramNode(k, p, catalogPath));
}

function catalogNodes(items: CatalogItem[]): VarNode[] {
  return items.map((c) => ({
    name: c.name,
    value: `${c.stage} · ${c.catalogRelativePath}`,
    type: 'catalog item',
    children: () => [text('stage', c.stage), text('catalogRelativePath', c.catalogRelativePath), text('dataHash', c.dataHash), text('location', c.catalogHandlerLocation)],
  }));
}

function timingNodes(a: Attempt): VarNode[] {
  return [
    text('attempt', a.number, 'int'),
    text('status', a.status),
    text('retryIndicator', a.retryIndicator === '' ? '"" (original run)' : a.indicatorInferred ? `${a.retryIndicator} (a stub: runnable records none; read from when it ran)` : a.retryIndicator),
    text('start', a.startTime),
    text('end', a.endTime),
    text('durationMs', a.durationMs === undefined ? undefined : Math.round(a.durationMs), 'int'),
    text('message', a.message.trim() || undefined),
  ];
}

function stepNodes(s: Step): VarNode[] {
  return [
    text('internalName', s.internalName),
    text('type', s.type),
    text('status', s.status),
    text('command', s.command),
    text('commandType', s.commandType),
    text('attempts', s.attempts.length, 'int'),
    ...(s.message.trim() ? [text('message', s.message.trim())] : []),
  ];
}

export function attemptScopes(step: Step, attempt: Attempt, catalogPath: (file: string) => string | undefined): Scope[] {
  return [
    { name: 'Inputs', expensive: false, children: () => paramNodes(attempt.inputs, catalogPath) },
    { name: 'Outputs', expensive: false, children: () => paramNodes(attempt.outputs, catalogPath) },
    { name: 'Metrics', expensive: false, children: () => paramNodes(attempt.metrics, catalogPath) },
    { name: 'Catalog', expensive: false, children: () => catalogNodes(step.catalog) },
    { name: 'Timing', expensive: false, children: () => timingNodes(attempt) },
  ];
}

export function stepScopes(step: Step): Scope[] {
  return [
    { name: 'Step', expensive: false, children: () => stepNodes(step) },
    { name: 'Catalog', expensive: false, children: () => catalogNodes(step.catalog) },
  ];
}

export function branchScopes(branch: Branch, catalogPath: (file: string) => string | undefined): Scope[] {
  return [
    { name: 'Branch', expensive: false, children: () => [text('internalName', branch.internalName), text('name', branch.name), text('status', branch.status)] },
    { name: 'Parameters', expensive: false, children: () => paramNodes(branch.parameters, catalogPath) },
  ];
}

export function runScopes(run: Run, catalogPath: (file: string) => string | undefined): Scope[] {
  return [
    {
      name: 'Run',
      expensive: false,
      children: () => [
        text('runId', run.runId),
        text('status', run.status),
        text('tag', run.tag || undefined),
        text('dagHash', run.dagHash),
        text('executionMode', run.executionMode),
        text('definitionFile', run.definitionFile),
        text('executor', run.executor),
        text('start', run.startTime),
        text('end', run.endTime),
      ],
    },
    { name: 'Parameters', expensive: false, children: () => paramNodes(run.parameters, catalogPath) },
  ];
}
