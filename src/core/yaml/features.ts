// Editor features over an Analysis: completion at a cursor, hover docs, go to definition, outline.
// Pure (offsets in, offsets out); the language server maps them to LSP positions.
import { escapeMarkdown, inlineCode } from '../text/markdown';
import type { Analysis, GraphInfo, MappingContext, RefInfo, StepInfo } from './analyze';
import type { PythonLookup } from './pythonLookup';
import {
  CATALOG_STEP_KEYS, GRAPH_KEYS, IMPLICIT_TERMINALS, NODE_KEYS, NODE_TYPES, PLUGIN_KEYS, RETURN_KEYS, RETURN_KINDS,
  SERVICES, TASK_TYPE_KEYS, TASK_TYPES, type KeyTable,
} from './schema';

export interface CompletionEntry {
  label: string;
  kind: 'key' | 'value' | 'step' | 'function';
  detail?: string;
  doc?: string;
  /** Text to insert (keys get `: `). */
  insert: string;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function columnOf(text: string, offset: number): number {
  return offset - lineStartOf(text, offset);
}

/** The keys a mapping context accepts. */
export function keysFor(what: MappingContext['what']): KeyTable {
  switch (what.kind) {
    case 'root': return Object.fromEntries([['dag', { kind: 'graph', doc: 'The pipeline.' }], ...Object.entries(SERVICES).map(([k, s]) => [k, { kind: 'map', doc: s.doc }])]) as KeyTable;
    case 'graph': return GRAPH_KEYS;
    case 'steps': return {};
    case 'step': {
      if (!what.nodeType || !NODE_KEYS[what.nodeType]) return { type: NODE_KEYS.task.type };
      return what.nodeType === 'task' ? { ...NODE_KEYS.task, ...(TASK_TYPE_KEYS[what.commandType] ?? {}) } : NODE_KEYS[what.nodeType];
    }
    case 'plugin': return PLUGIN_KEYS;
    case 'pluginConfig': {
      const svc = SERVICES[what.service];
      const plugin = what.plugin ? svc?.plugins[what.plugin] : undefined;
      return plugin ? { ...svc.baseKeys, ...plugin.keys } : {};
    }
    case 'catalog': return CATALOG_STEP_KEYS;
    case 'return': return RETURN_KEYS;
  }
}

/** The mapping whose keys sit at `indent` and which is still open at `offset` (nothing less indented in between). */
function contextAt(text: string, analysis: Analysis, offset: number, indent: number): MappingContext | undefined {
  let best: MappingContext | undefined;
  for (const c of analysis.contexts) {
    if (c.start > offset || columnOf(text, c.keyOffset) !== indent) continue;
    if (best && best.start >= c.start) continue;
    // Between the context's end and the cursor, no non-blank line may be less indented than its keys.
    let open = true;
    if (c.end < offset) {
      const between = text.slice(c.end, lineStartOf(text, offset));
      for (const line of between.split('\n')) {
        if (line.trim() === '' || line.trim().startsWith('#')) continue;
        if (line.length - line.trimStart().length < indent) { open = false; break; }
      }
    }
    if (open) best = c;
  }
  return best;
}

function graphById(analysis: Analysis, id: number): GraphInfo | undefined {
  return analysis.graphs.find((g) => g.id === id);
}

function stepNames(analysis: Analysis, graphId: number | undefined): CompletionEntry[] {
  const g = graphId === undefined ? undefined : graphById(analysis, graphId);
  const names = new Set<string>([...(g ? g.steps.keys() : []), ...IMPLICIT_TERMINALS]);
  return [...names].map((n) => ({
    label: n, kind: 'step' as const, insert: n,
    detail: (IMPLICIT_TERMINALS as readonly string[]).includes(n) && !g?.steps.has(n) ? `ends the ${g?.name ? 'branch' : 'pipeline'} (${n === 'success' ? 'successfully' : 'as failed'})` : g?.steps.get(n)?.type,
  }));
}

export function complete(text: string, offset: number, analysis: Analysis, python?: PythonLookup): CompletionEntry[] {
  const ls = lineStartOf(text, offset);
  const before = text.slice(ls, offset);
  // A value after `key:` on the same line.
  const valueMatch = /^(\s*)(-\s+)?([\w-]+)\s*:\s*("?)([^"#]*)$/.exec(before);
  if (valueMatch) {
    const indent = valueMatch[1].length + (valueMatch[2]?.length ?? 0);
    const key = valueMatch[3];
    const ctx = contextAt(text, analysis, offset, indent);
    const what = ctx?.what;
    if (key === 'type' && what?.kind === 'step') return NODE_TYPES.map((t) => ({ label: t, kind: 'value', insert: t, detail: 'node type' }));
    if (key === 'type' && what?.kind === 'plugin') {
      return Object.entries(SERVICES[what.service]?.plugins ?? {}).map(([t, p]) => ({ label: t, kind: 'value', insert: t, detail: `${what.service} type`, doc: p.doc }));
    }
    if (key === 'command_type') return TASK_TYPES.map((t) => ({ label: t, kind: 'value', insert: t, detail: 'command type' }));
    if (key === 'kind' && what?.kind === 'return') return RETURN_KINDS.map((t) => ({ label: t, kind: 'value', insert: t }));
    if ((key === 'next' || key === 'on_failure') && what?.kind === 'step') {
      const self = [...(graphById(analysis, what.graphId)?.steps.values() ?? [])].find((s) => s.start <= offset && offset <= s.end);
      return stepNames(analysis, what.graphId).filter((e) => e.label !== self?.name);
    }
    if (key === 'start_at' && what?.kind === 'graph') return stepNames(analysis, what.graphId).filter((e) => !(IMPLICIT_TERMINALS as readonly string[]).includes(e.label));
    if (key === 'command' && what?.kind === 'step' && (what.commandType === 'python' || what.commandType === 'async-python') && python) {
      return python.functions().map((f) => ({ label: f, kind: 'function', insert: f, detail: 'python function' }));
    }
    const spec = what ? keysFor(what)[key] : undefined;
    if (spec?.kind === 'bool') return ['true', 'false'].map((b) => ({ label: b, kind: 'value', insert: b }));
    return [];
  }
  // A key: only whitespace (and maybe `- `) before a partial word.
  const keyMatch = /^(\s*)(-\s+)?([\w-]*)$/.exec(before);
  if (!keyMatch) return [];
  const indent = keyMatch[1].length + (keyMatch[2]?.length ?? 0);
  const ctx = contextAt(text, analysis, offset, indent) ?? (indent === 0 && analysis.contexts.length === 0 ? { what: { kind: 'root' as const }, keys: [] as string[] } : undefined);
  if (!ctx) return [];
  const table = keysFor(ctx.what);
  const present = new Set(ctx.keys);
  const typed = keyMatch[3];
  return Object.entries(table)
    .filter(([k]) => !present.has(k) || k === typed)
    .map(([k, spec]) => ({ label: k, kind: 'key' as const, insert: `${k}: `, detail: spec.required ? 'required' : undefined, doc: spec.doc }));
}

export interface HoverInfo { start: number; end: number; markdown: string; step?: StepInfo }

export function hoverAt(analysis: Analysis, offset: number): HoverInfo | undefined {
  for (const g of analysis.graphs) {
    for (const s of g.steps.values()) {
      if (s.keyStart <= offset && offset <= s.keyEnd) {
        const lines = [`**${escapeMarkdown(s.name)}**: ${escapeMarkdown(s.type ?? 'untyped')} step`, `internal name ${inlineCode(s.internalName)}`];
        if (s.command) lines.push(`${escapeMarkdown(s.command.commandType)}: ${inlineCode(s.command.value.split('\n')[0])}`);
        return { start: s.keyStart, end: s.keyEnd, markdown: lines.join('\n\n'), step: s };
      }
    }
  }
  const ref = refAt(analysis, offset);
  if (ref) {
    const target = graphById(analysis, ref.graphId)?.steps.get(ref.target);
    const md = target ? `Goes to step **${escapeMarkdown(target.name)}** (${escapeMarkdown(target.type ?? 'untyped')})` : (IMPLICIT_TERMINALS as readonly string[]).includes(ref.target) ? `\`${ref.target}\`: the terminal step runnable adds to every graph` : undefined;
    if (md) return { start: ref.start, end: ref.end, markdown: md, step: target };
  }
  const k = analysis.keyDocs().find((d) => d.start <= offset && offset <= d.end);
  return k ? { start: k.start, end: k.end, markdown: `**${k.key}**: ${k.doc}` } : undefined;
}

export function refAt(analysis: Analysis, offset: number): RefInfo | undefined {
  return analysis.refs.find((r) => r.start <= offset && offset <= r.end);
}

export type Definition = { kind: 'local'; start: number; end: number } | { kind: 'file'; file: string; line: number };

export function definitionAt(analysis: Analysis, offset: number, python?: PythonLookup, yamlDir?: string): Definition | undefined {
  const ref = refAt(analysis, offset);
  if (ref) {
    const s = graphById(analysis, ref.graphId)?.steps.get(ref.target);
    return s ? { kind: 'local', start: s.keyStart, end: s.keyEnd } : undefined;
  }
  if (!python) return undefined;
  for (const g of analysis.graphs) {
    for (const s of g.steps.values()) {
      const c = s.command;
      if (!c || offset < c.start || offset > c.end) continue;
      if (c.commandType !== 'python' && c.commandType !== 'async-python') return undefined;
      const r = python.resolve(c.value.trim(), yamlDir);
      return r.status === 'ok' ? { kind: 'file', file: r.file, line: r.line } : undefined;
    }
  }
  return undefined;
}

export interface OutlineItem { name: string; detail: string; kind: 'step' | 'branch' | 'dag'; start: number; end: number; selStart: number; selEnd: number; children: OutlineItem[] }

export function outline(analysis: Analysis): OutlineItem[] {
  const ofGraph = (g: GraphInfo, kind: 'dag' | 'branch'): OutlineItem => ({
    name: kind === 'dag' ? 'dag' : g.name, detail: kind === 'dag' ? 'pipeline' : 'branch', kind,
    start: g.start, end: g.end, selStart: g.keyStart, selEnd: g.keyEnd,
    children: [...g.steps.values()].map(ofStep),
  });
  const ofStep = (s: StepInfo): OutlineItem => ({
    name: s.name, detail: s.type ?? '', kind: 'step', start: s.start, end: s.end, selStart: s.keyStart, selEnd: s.keyEnd,
    children: s.branches.map((b) => ofGraph(b, 'branch')),
  });
  return analysis.dag ? [ofGraph(analysis.dag, 'dag')] : [];
}
