// Analyses one runnable YAML file (pipeline or config) with the `yaml` package's AST and source ranges:
// diagnostics, steps and graphs (outline, references, definition), key docs (hover), completion contexts.
// Pure: offsets in, offsets out; the Python lookup is passed in.
import * as Y from 'yaml';
import type { Document, Node, Pair, YAMLMap } from 'yaml';
import { parseWithStepCache, type StepChunkCache } from './chunkedParse';
import { parseRunnableYaml } from './parseYaml';
import { detectRunnableYaml, type RunnableFileKind } from './detect';
import type { PythonLookup } from './pythonLookup';
import {
  CATALOG_STEP_KEYS, GRAPH_KEYS, IMPLICIT_TERMINALS, NODE_KEYS, NODE_TYPES, OPEN_NODE_TYPES, PLUGIN_KEYS,
  RETURN_KEYS, SERVICES, TASK_TYPE_KEYS, TASK_TYPES, type KeySpec, type KeyTable,
} from './schema';
import { suggest } from './suggest';

export type Severity = 'error' | 'warning' | 'information';

/** `replacement`: the "Did you mean" text for [start, end), offered as a quick fix. */
export interface Diag { start: number; end: number; message: string; severity: Severity; code: string; replacement?: string }

export interface StepInfo {
  name: string;
  /** Dot path as runnable records it: `parallel.branch.step`; map iterations show as `map.{iterate_as}.step`. */
  internalName: string;
  graphId: number;
  type: string | undefined;
  keyStart: number; keyEnd: number;
  /** The whole `name: {...}` pair. */
  start: number; end: number;
  command?: { value: string; commandType: string; start: number; end: number };
  branches: GraphInfo[];
}

export interface GraphInfo {
  id: number;
  /** Branch label in the outline ("" for the top-level dag). */
  name: string;
  internalName: string;
  start: number; end: number;
  keyStart: number; keyEnd: number;
  steps: Map<string, StepInfo>;
}

export interface RefInfo { kind: 'next' | 'on_failure' | 'start_at'; target: string; graphId: number; start: number; end: number }

export interface KeyDoc { start: number; end: number; key: string; doc: string }

/** A mapping the cursor may add keys to: what it is and which keys it already has. */
export interface MappingContext {
  start: number; end: number;
  /** Offset of the first key (its column is the indentation new keys must have). */
  keyOffset: number;
  readonly keys: string[];
  what:
    | { kind: 'root' }
    | { kind: 'graph'; graphId: number }
    | { kind: 'steps'; graphId: number }
    | { kind: 'step'; graphId: number; nodeType: string | undefined; commandType: string }
    | { kind: 'plugin'; service: string; plugin: string | undefined }
    | { kind: 'pluginConfig'; service: string; plugin: string | undefined }
    | { kind: 'catalog' }
    | { kind: 'return' };
}

export interface Analysis {
  fileKind: RunnableFileKind | undefined;
  diagnostics: Diag[];
  graphs: GraphInfo[];
  /** Top-level graph (the dag), when the file is a pipeline. */
  dag: GraphInfo | undefined;
  refs: RefInfo[];
  /** Docs of the known keys (and plugin/node type values), for hover; built on request. */
  keyDocs(): KeyDoc[];
  contexts: MappingContext[];
  /** Collections and block scalars, as [startOffset, endOffset]; computed on request (folding is rarer than typing). */
  folds(): Array<[number, number]>;
}

export interface AnalyzeOptions {
  python?: PythonLookup;
  /** Folder of the YAML file, to resolve python modules next to it. */
  yamlDir?: string;
  /** Treat the text as this kind even if detection says otherwise (a `runnable.yamlGlobs` match). */
  fileKind?: RunnableFileKind;
  /** Step parses of this document's previous version, so an edit re-parses only what changed. */
  stepCache?: StepChunkCache;
}

// Bound once: the bundler turns named imports into getter calls, which costs in the per-node hot path.
const isAlias = Y.isAlias;
const isMap = Y.isMap;
const isScalar = Y.isScalar;
const isSeq = Y.isSeq;

const TEMPLATED = /\$\{[^}]*\}/;

function kindLabel(kind: string): string {
  return kind === 'int' ? 'an integer' : kind === 'bool' ? 'true or false' : kind === 'map' ? 'a mapping' : kind === 'stringList' ? 'a list of strings' : 'text';
}

class Analyzer {
  readonly out: Analysis;
  private readonly seen = new Set<string>();
  // Hover docs are recorded per mapping and expanded on request: typing should not pay for every key's doc.
  private readonly extraDocs: KeyDoc[] = [];
  private readonly docTables: Array<{ map: YAMLMap; table: KeyTable }> = [];
  /** One lookup per distinct command: big pipelines call the same functions many times. */
  private readonly pythonMemo = new Map<string, ReturnType<PythonLookup['resolve']>>();
  private nextGraphId = 0;

  constructor(private readonly doc: Document, private readonly opts: AnalyzeOptions, fileKind: RunnableFileKind | undefined) {
    this.out = { fileKind, diagnostics: [], graphs: [], dag: undefined, refs: [], keyDocs: () => this.collectKeyDocs(), contexts: [], folds: () => this.collectFolds() };
  }

  diag(start: number, end: number, message: string, severity: Severity, code: string, replacement?: string): void {
    const k = `${start}:${end}:${code}:${message}`;
    if (this.seen.has(k)) return; // aliased branches are visited once per use
    this.seen.add(k);
    this.out.diagnostics.push({ start, end, message, severity, code, ...(replacement ? { replacement } : {}) });
  }

  deref(node: unknown): Node | undefined {
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target as Node | undefined;
    }
    return (node ?? undefined) as Node | undefined;
  }

  run(): void {
    for (const e of this.doc.errors) this.diag(e.pos[0], Math.max(e.pos[1], e.pos[0] + 1), e.message.split('\n')[0], 'error', 'yaml-syntax');
    const root = this.doc.contents;
    if (!isMap(root)) return;
    this.context(root, { kind: 'root' });
    const isPipeline = this.out.fileKind === 'pipeline';
    const rootNames = new Set<string>();
    for (const pair of root.items) {
      const name = keyName(pair);
      if (name === undefined) continue;
      if (rootNames.has(name)) this.duplicateKey(pair, name);
      rootNames.add(name);
      const [ks, ke] = keyRange(pair);
      if (name === 'dag') {
        this.keyDoc(ks, ke, name, 'The pipeline: a graph with `start_at` and `steps`.');
        this.out.dag = this.graph(pair, '', '', undefined);
      } else if (SERVICES[name.replace(/_/g, '-')]) {
        // runnable reads `run_log_store` as `run-log-store` (context.py: key.replace("-", "_")).
        const service = name.replace(/_/g, '-');
        this.keyDoc(ks, ke, name, SERVICES[service].doc);
        this.service(service, pair);
      } else if (!isPipeline) {
        // Extra top-level keys in a config become unknown services; pipelines often hold YAML anchors up there.
        const hint = suggest(name, [...Object.keys(SERVICES), 'dag']);
        this.diag(ks, ke, `Unknown top-level key \`${name}\` in a runnable config${hint ? `. Did you mean \`${hint}\`?` : `; expected one of ${Object.keys(SERVICES).join(', ')}.`}`, 'warning', 'unknown-key', hint);
      }
    }
  }

  private collectFolds(): Array<[number, number]> {
    const folds: Array<[number, number]> = [];
    const visit = (node: unknown): void => {
      const n = this.deref(node);
      if (!n || isAlias(node)) return;
      if (isMap(n) || isSeq(n)) {
        if (n.range) folds.push([n.range[0], n.range[1]]);
        for (const item of n.items as unknown[]) {
          if (isMap(n)) {
            const p = item as Pair;
            const v = p.value;
            if ((isMap(v) || isSeq(v)) && v.range && isScalar(p.key) && p.key.range) folds.push([p.key.range[0], v.range[1]]);
            visit(v);
          } else visit(item);
        }
      } else if (isScalar(n) && n.range && (n.type === 'BLOCK_LITERAL' || n.type === 'BLOCK_FOLDED')) {
        folds.push([n.range[0], n.range[1]]);
      }
    };
    visit(this.doc.contents);
    return folds;
  }

  private duplicateKey(pair: Pair, name: string): void {
    const [s, e] = keyRange(pair);
    this.diag(s, e, `Duplicate key \`${name}\`: Map keys must be unique (PyYAML would silently keep only the last one).`, 'error', 'yaml-syntax');
  }

  private keyDoc(start: number, end: number, key: string, doc: string): void {
    this.extraDocs.push({ start, end, key, doc });
  }

  private collectKeyDocs(): KeyDoc[] {
    const docs = [...this.extraDocs];
    for (const { map, table } of this.docTables) {
      for (const pair of map.items) {
        const name = keyName(pair);
        const spec = name === undefined ? undefined : table[name];
        if (spec) { const [s, e] = keyRange(pair); docs.push({ start: s, end: e, key: name!, doc: spec.doc }); }
      }
    }
    return docs;
  }

  private context(map: YAMLMap, what: MappingContext['what']): void {
    if (!map.range) return;
    const first = map.items[0];
    const keyOffset = first && isScalar(first.key) && first.key.range ? first.key.range[0] : map.range[0];
    this.out.contexts.push({
      start: map.range[0], end: map.range[1], keyOffset, what,
      get keys() { return map.items.map(keyName).filter((k): k is string => k !== undefined); },
    });
  }

  /** Checks a mapping's keys against a table; returns the pairs by key. */
  private checkKeys(map: YAMLMap, table: KeyTable, where: string, owner: [number, number], opts: { open?: boolean; unknownSeverity?: Severity; rejected?: Readonly<Record<string, string | undefined>>; templated?: boolean } = {}): Map<string, Pair> {
    const pairs = new Map<string, Pair>();
    this.docTables.push({ map, table });
    for (const pair of map.items) {
      const name = keyName(pair);
      if (name === undefined) continue;
      if (pairs.has(name)) this.duplicateKey(pair, name);
      pairs.set(name, pair);
      const spec = table[name];
      if (spec) {
        this.checkValue(pair, spec, name, opts.templated ?? false);
        continue;
      }
      const [ks, ke] = keyRange(pair);
      if (opts.rejected && name in opts.rejected) {
        const right = opts.rejected[name];
        this.diag(ks, ke, right
          ? `runnable rejects \`${name}\` in ${where} (its docs show it, its code does not accept it): use \`${right}\`.`
          : `runnable rejects \`${name}\` in ${where} (its docs show it, its code does not accept it): remove it.`, 'error', 'rejected-key');
        continue;
      }
      if (opts.open) continue;
      const hint = suggest(name, Object.keys(table));
      this.diag(ks, ke, `Unknown key \`${name}\` in ${where}.${hint ? ` Did you mean \`${hint}\`?` : ` Expected one of: ${Object.keys(table).join(', ')}.`}`, opts.unknownSeverity ?? 'error', 'unknown-key', hint);
    }
    for (const [name, spec] of requiredOf(table)) {
      if (!pairs.has(name)) this.diag(owner[0], owner[1], `${capitalise(where)} needs \`${name}\`: ${spec.doc}`, 'error', 'missing-key');
    }
    return pairs;
  }

  private checkValue(pair: Pair, spec: KeySpec, name: string, templated: boolean): void {
    const v = this.deref(pair.value);
    // Fast path for the common, valid scalars (this runs for every key of every step).
    if (isScalar(v)) {
      const val = v.value;
      if ((spec.kind === 'string' || spec.kind === 'stepRef') && typeof val === 'string' && (!spec.values || spec.values.includes(val))) return;
      if (spec.kind === 'int' && typeof val === 'number' && Number.isInteger(val) && (name !== 'max_attempts' || val >= 1)) return;
      if (spec.kind === 'bool' && typeof val === 'boolean') return;
    }
    const [ks, ke] = keyRange(pair);
    const [vs, ve] = v?.range ? [v.range[0], v.range[1]] : [ks, ke];
    if (v === undefined || (isScalar(v) && v.value === null)) {
      if (spec.kind !== 'map' && spec.kind !== 'any') this.diag(ks, ke, `\`${name}\` has no value; it expects ${kindLabel(spec.kind)}.`, 'error', 'wrong-type');
      return;
    }
    if (isScalar(v) && typeof v.value === 'string' && templated && TEMPLATED.test(v.value)) return;
    const wrong = (expected: string): void => this.diag(vs, ve, `\`${name}\` expects ${expected}.`, 'error', 'wrong-type');
    switch (spec.kind) {
      case 'string': case 'stepRef':
        if (!isScalar(v)) { wrong('text'); return; }
        if (typeof v.value !== 'string' && spec.kind === 'string') { wrong(`text (quote it: "${String(v.value)}")`); return; }
        if (spec.values && !spec.values.includes(String(v.value))) {
          const hint = suggest(String(v.value), spec.values);
          this.diag(vs, ve, `\`${String(v.value)}\` is not a valid \`${name}\`${hint ? `. Did you mean \`${hint}\`?` : '.'} Valid: ${spec.values.join(', ')}.`, 'error', 'unknown-value', hint);
        }
        return;
      case 'int':
        if (!isScalar(v) || typeof v.value !== 'number' || !Number.isInteger(v.value)) wrong('an integer');
        else if (name === 'max_attempts' && v.value < 1) this.diag(vs, ve, '`max_attempts` must be at least 1.', 'error', 'wrong-type');
        return;
      case 'bool':
        if (!isScalar(v) || typeof v.value !== 'boolean') wrong('true or false');
        return;
      case 'map': case 'catalog':
        if (!isMap(v)) wrong('a mapping');
        return;
      case 'stringList':
        if (!isSeq(v)) { wrong('a list of strings'); return; }
        for (const item of v.items) {
          const it = this.deref(item);
          if (!isScalar(it) && it?.range) this.diag(it.range[0], it.range[1], `Each entry of \`${name}\` must be a string.`, 'error', 'wrong-type');
        }
        return;
      case 'returns':
        if (!isSeq(v)) wrong('a list of `- name: ...` entries');
        return;
      case 'graph': case 'graphs': case 'steps':
        if (!isMap(v)) wrong(spec.kind === 'graphs' ? 'a mapping of branch names to graphs' : spec.kind === 'steps' ? 'a mapping of step names to steps' : 'a graph (a mapping with `start_at` and `steps`)');
        return;
      default:
        return;
    }
  }

  // ------------------------------------------------------------ configs

  private service(name: string, pair: Pair): void {
    const spec = SERVICES[name];
    const v = this.deref(pair.value);
    const owner = keyRange(pair);
    if (!isMap(v)) {
      this.diag(owner[0], owner[1], `\`${name}\` needs a mapping with \`type:\` (one of ${Object.keys(spec.plugins).join(', ')}).`, 'error', 'wrong-type');
      return;
    }
    const typePair = v.items.find((p) => keyName(p) === 'type');
    const typeNode = typePair ? this.deref(typePair.value) : undefined;
    const plugin = isScalar(typeNode) && typeof typeNode.value === 'string' ? typeNode.value : undefined;
    const pluginSpec = plugin !== undefined ? spec.plugins[plugin] : undefined;
    this.context(v, { kind: 'plugin', service: name, plugin });
    if (typeNode && plugin !== undefined && !pluginSpec && typeNode.range) {
      const hint = suggest(plugin, Object.keys(spec.plugins));
      this.diag(typeNode.range[0], typeNode.range[1], `Unknown ${name} type \`${plugin}\`${hint ? `. Did you mean \`${hint}\`?` : '.'} runnable provides: ${Object.keys(spec.plugins).join(', ')}.`, 'error', 'unknown-plugin', hint);
    } else if (pluginSpec && typeNode?.range) {
      this.keyDoc(typeNode.range[0], typeNode.range[1], plugin!, pluginSpec.doc);
    }
    const where = `the ${plugin ?? ''} ${name} config`.replace('  ', ' ');
    const configKeys: KeyTable = pluginSpec ? { ...spec.baseKeys, ...pluginSpec.keys } : {};
    const hasConfig = v.items.some((p) => keyName(p) === 'config');
    // runnable's get_service_by_name: with `config`, only its content is passed; without, the sibling keys are.
    const table: KeyTable = hasConfig || !pluginSpec ? PLUGIN_KEYS : { ...PLUGIN_KEYS, ...configKeys };
    const pairs = this.checkKeys(v, table, `\`${name}\``, owner, {
      open: !pluginSpec || pluginSpec.open, rejected: pluginSpec?.rejected, templated: true,
      unknownSeverity: hasConfig ? 'warning' : 'error',
    });
    const config = pairs.get('config');
    const cfg = config ? this.deref(config.value) : undefined;
    if (isMap(cfg)) {
      this.context(cfg, { kind: 'pluginConfig', service: name, plugin });
      if (pluginSpec) this.checkKeys(cfg, configKeys, where, keyRange(config!), { open: pluginSpec.open, rejected: pluginSpec.rejected, templated: true });
    }
  }

  // ------------------------------------------------------------ pipelines

  /** `pair` is `dag: {...}`, `branch: {...}` or `<branch name>: {...}`. */
  private graph(pair: Pair, internalName: string, label: string, parent: StepInfo | undefined): GraphInfo | undefined {
    const v = this.deref(pair.value);
    const [ks, ke] = keyRange(pair);
    if (!isMap(v) || !v.range) {
      this.diag(ks, ke, `\`${keyName(pair)}\` must be a graph: a mapping with \`start_at\` and \`steps\`.`, 'error', 'wrong-type');
      return undefined;
    }
    // Through an alias (`branch: *simple_branch`) the graph's text sits at the anchor; the pair ends at the alias.
    const raw = pair.value as Node | null;
    const end = isAlias(raw) && raw.range ? raw.range[1] : v.range[1];
    const g: GraphInfo = { id: this.nextGraphId++, name: label, internalName, start: ks, end, keyStart: ks, keyEnd: ke, steps: new Map() };
    this.out.graphs.push(g);
    if (parent) parent.branches.push(g);
    this.context(v, { kind: 'graph', graphId: g.id });
    const where = parent ? `branch \`${label}\` of \`${parent.name}\`` : 'the dag';
    const pairs = this.checkKeys(v, GRAPH_KEYS, where, [ks, ke], { unknownSeverity: 'warning' });

    const startPair = pairs.get('start_at');
    const startNode = startPair ? this.deref(startPair.value) : undefined;
    const startRef = isScalar(startNode) && startNode.value !== null && startNode.range
      ? { kind: 'start_at' as const, target: String(startNode.value), graphId: g.id, start: startNode.range[0], end: startNode.range[1] }
      : undefined;
    if (startRef) this.out.refs.push(startRef);

    const stepsPair = pairs.get('steps');
    const stepsMap = stepsPair ? this.deref(stepsPair.value) : undefined;
    const edges = new Map<string, RefInfo[]>();
    if (isMap(stepsMap)) {
      this.context(stepsMap, { kind: 'steps', graphId: g.id });
      for (const sp of stepsMap.items) {
        const name = keyName(sp);
        if (name === undefined) continue;
        if (g.steps.has(name)) this.duplicateKey(sp, name);
        const info = this.step(sp, name, g, internalName);
        if (info) edges.set(name, info);
      }
    }
    this.checkGraph(g, startRef, edges);
    return g;
  }

  private step(pair: Pair, name: string, g: GraphInfo, prefix: string): RefInfo[] | undefined {
    const [ks, ke] = keyRange(pair);
    const v = this.deref(pair.value);
    const internalName = prefix ? `${prefix}.${name}` : name;
    if (/[.%]/.test(name)) this.diag(ks, ke, `Step name \`${name}\` contains \`${name.includes('.') ? '.' : '%'}\`; runnable rejects \`.\` and \`%\` in step names (they separate internal names). Rename the step.`, 'error', 'bad-step-name');
    const raw = pair.value as Node | null;
    const endNode = isAlias(raw) ? raw : v;
    const info: StepInfo = { name, internalName, graphId: g.id, type: undefined, keyStart: ks, keyEnd: ke, start: ks, end: endNode?.range ? endNode.range[1] : ke, branches: [] };
    g.steps.set(name, info);
    if (!isMap(v)) {
      this.diag(ks, ke, `Step \`${name}\` must be a mapping with \`type:\` (${NODE_TYPES.join(', ')}).`, 'error', 'wrong-type');
      return undefined;
    }
    const typePair = v.items.find((p) => keyName(p) === 'type');
    const typeNode = typePair ? this.deref(typePair.value) : undefined;
    const type = isScalar(typeNode) && typeof typeNode.value === 'string' ? typeNode.value : undefined;
    info.type = type;
    const ctPair = v.items.find((p) => keyName(p) === 'command_type');
    const ctNode = ctPair ? this.deref(ctPair.value) : undefined;
    const commandType = isScalar(ctNode) && ctNode.value !== null ? String(ctNode.value) : 'python';
    this.context(v, { kind: 'step', graphId: g.id, nodeType: type, commandType });
    if (!typePair) {
      this.diag(ks, ke, `Step \`${name}\` has no \`type\`: add \`type: task\` (or ${NODE_TYPES.filter((t) => t !== 'task').join(', ')}).`, 'error', 'missing-key');
      // Its keys are still checked, against every node type's: `tpye: task` is the typo that made `type` missing.
      const known = new Set(Object.values(NODE_KEYS).flatMap((t) => Object.keys(t)));
      for (const p of v.items) {
        const k = keyName(p);
        const kn = p.key as Node | null;
        if (k === undefined || known.has(k) || !kn?.range) continue;
        const hint = suggest(k, [...known]);
        this.diag(kn.range[0], kn.range[1], `Unknown key \`${k}\` in step \`${name}\`.${hint ? ` Did you mean \`${hint}\`?` : ''}`, 'error', 'unknown-key', hint);
      }
      return this.refsOf(v, g);
    }
    const table = type ? NODE_KEYS[type] : undefined;
    if (!table) {
      if (typeNode?.range) {
        const hint = type ? suggest(type, NODE_TYPES) : undefined;
        this.diag(typeNode.range[0], typeNode.range[1], `Unknown node type \`${type ?? String((typeNode as { value?: unknown }).value)}\`${hint ? `. Did you mean \`${hint}\`?` : '.'} runnable provides: ${NODE_TYPES.join(', ')}.`, 'error', 'unknown-node-type', hint);
      }
      return this.refsOf(v, g);
    }
    if (typeNode?.range) this.keyDoc(typeNode.range[0], typeNode.range[1], type!, `A \`${type}\` node.`);
    if ((type === 'success' || type === 'fail') && name !== type) {
      this.diag(ks, ke, `runnable adds a \`${type}\` step to every graph itself; a second ${type} step (\`${name}\`) makes the graph invalid ("There should be exactly one ${type} node"). Remove it and use \`next: ${type}\`.`, 'error', 'extra-terminal');
    }
    const keys = type === 'task' ? taskKeys(commandType) : table;
    const where = `${type} step \`${name}\``;
    const pairs = this.checkKeys(v, keys, where, [ks, ke], { open: OPEN_NODE_TYPES.has(type!) });

    if (type === 'task') this.task(info, pairs, commandType);
    if (type === 'conditional') {
      const p = pairs.get('parameter');
      const pv = p ? this.deref(p.value) : undefined;
      if (isScalar(pv) && typeof pv.value === 'string' && !/^[A-Za-z0-9]+$/.test(pv.value) && pv.range) {
        this.diag(pv.range[0], pv.range[1], `The conditional \`parameter\` must be alphanumeric (runnable rejects \`${pv.value}\`).`, 'error', 'wrong-type');
      }
    }
    // Branches: parallel/conditional name them; map and loop have one.
    for (const key of ['branches', 'branch', 'default'] as const) {
      const bp = pairs.get(key);
      if (!bp || !keys[key]) continue;
      if (key === 'branches') {
        const bm = this.deref(bp.value);
        if (!isMap(bm)) continue;
        for (const b of bm.items) {
          const bname = keyName(b);
          if (bname !== undefined) this.graph(b, `${internalName}.${bname}`, bname, info);
        }
        if (bm.items.length === 0) this.diag(keyRange(bp)[0], keyRange(bp)[1], `A ${type} step needs at least one branch.`, 'error', 'missing-key');
      } else if (key === 'branch') {
        const iter = type === 'map' ? scalarText(this.deref(pairs.get('iterate_as')?.value)) ?? 'item' : scalarText(this.deref(pairs.get('index_as')?.value)) ?? 'index';
        this.graph(bp, `${internalName}.{${iter}}`, 'branch', info);
      } else {
        this.graph(bp, `${internalName}.default`, 'default', info);
      }
    }
    return this.refsOf(v, g);
  }

  private task(info: StepInfo, pairs: Map<string, Pair>, commandType: string): void {
    const cp = pairs.get('command');
    const cn = cp ? this.deref(cp.value) : undefined;
    if (isScalar(cn) && typeof cn.value === 'string' && cn.range) {
      const value = cn.value;
      info.command = { value, commandType, start: cn.range[0], end: cn.range[1] };
      if ((commandType === 'python' || commandType === 'async-python') && TASK_TYPES.includes(commandType)) this.pythonCommand(value, cn.range[0], cn.range[1]);
      if (commandType === 'notebook' && !value.trim().endsWith('.ipynb')) this.diag(cn.range[0], cn.range[1], 'A notebook task\'s `command` must be the path of an `.ipynb` file.', 'error', 'wrong-type');
    }
    const rp = pairs.get('returns');
    const rv = rp ? this.deref(rp.value) : undefined;
    if (!isSeq(rv)) return;
    for (const item of rv.items) {
      const it = this.deref(item);
      if (!it?.range) continue;
      if (!isMap(it)) {
        this.diag(it.range[0], it.range[1], 'Each entry of `returns` is a mapping: `- name: <parameter>` (with an optional `kind: json|object|metric`).', 'error', 'wrong-type');
        continue;
      }
      this.context(it, { kind: 'return' });
      const rpairs = this.checkKeys(it, RETURN_KEYS, 'a `returns` entry', [it.range[0], it.range[1]]);
      const kn = rpairs.get('kind') ? this.deref(rpairs.get('kind')!.value) : undefined;
      if (commandType === 'shell' && isScalar(kn) && kn.value === 'object' && kn.range) {
        this.diag(kn.range[0], kn.range[1], 'A shell task cannot return objects: use `kind: json` or `kind: metric`.', 'error', 'returns-kind');
      }
    }
    const cat = pairs.get('catalog');
    const cv = cat ? this.deref(cat.value) : undefined;
    if (isMap(cv)) {
      this.context(cv, { kind: 'catalog' });
      this.checkKeys(cv, CATALOG_STEP_KEYS, 'the step\'s `catalog`', keyRange(cat!));
    }
  }

  private pythonCommand(command: string, start: number, end: number): void {
    const py = this.opts.python;
    if (!/^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)+$/.test(command.trim())) {
      this.diag(start, end, `A python task's \`command\` is a dotted path \`module.function\`; \`${command}\` is not. For a shell command add \`command_type: shell\`.`, 'error', 'python-command');
      return;
    }
    if (!py) return;
    const key = command.trim();
    let r = this.pythonMemo.get(key);
    if (!r) { r = py.resolve(key, this.opts.yamlDir); this.pythonMemo.set(key, r); }
    if (r.status === 'no-module') {
      this.diag(start, end, `Python module \`${r.module}\` was not found in the workspace (looked for ${r.module.replace(/\./g, '/')}.py from the workspace root and this file's folder). If it is an installed package, ignore this.`, 'warning', 'python-module');
    } else if (r.status === 'no-function') {
      this.diag(start, end, `\`${r.func}\` is not defined at module level in ${r.file.split(/[\\/]/).slice(-2).join('/')}: runnable will fail with AttributeError. Check the name.`, 'error', 'python-function');
    }
  }

  private refsOf(v: YAMLMap, g: GraphInfo): RefInfo[] {
    const refs: RefInfo[] = [];
    for (const p of v.items) {
      const k = keyName(p);
      if (k !== 'next' && k !== 'on_failure') continue;
      const n = this.deref(p.value);
      if (!isScalar(n) || n.value === null || n.value === '' || !n.range) continue;
      const ref: RefInfo = { kind: k, target: String(n.value), graphId: g.id, start: n.range[0], end: n.range[1] };
      refs.push(ref);
      this.out.refs.push(ref);
    }
    return refs;
  }

  /** Missing targets, start_at, reachability, cycles and terminal paths (runnable's Graph.check_graph, with ranges). */
  private checkGraph(g: GraphInfo, startRef: RefInfo | undefined, edges: Map<string, RefInfo[]>): void {
    const names = new Set<string>([...g.steps.keys(), ...IMPLICIT_TERMINALS]);
    const candidates = [...g.steps.keys()].filter((n) => !(IMPLICIT_TERMINALS as readonly string[]).includes(n));
    const broken = new Set<string>();
    const checkRef = (ref: RefInfo, from?: string): void => {
      if (names.has(ref.target)) return;
      if (from) broken.add(from);
      const hint = suggest(ref.target, names);
      const what = ref.kind === 'start_at' ? '`start_at`' : `\`${ref.kind}\``;
      this.diag(ref.start, ref.end, `${what} names \`${ref.target}\`, which is not a step of ${g.name ? `branch \`${g.name}\`` : 'this dag'}${hint ? `. Did you mean \`${hint}\`?` : '.'}`, 'error', 'missing-step', hint);
    };
    if (startRef) checkRef(startRef);
    for (const [from, refs] of edges) for (const r of refs) checkRef(r, from);
    const isTerminal = (n: string): boolean => {
      const s = g.steps.get(n);
      return s ? s.type === 'success' || s.type === 'fail' : (IMPLICIT_TERMINALS as readonly string[]).includes(n);
    };
    // Adjacency over existing targets, built once (big pipelines walk it several times).
    const adjacency = new Map<string, string[]>();
    for (const [n, refs] of edges) {
      const targets: string[] = [];
      for (const r of refs) if (names.has(r.target)) targets.push(r.target);
      adjacency.set(n, targets);
    }
    const NONE: string[] = [];
    const out = (n: string): string[] => adjacency.get(n) ?? NONE;

    // Reachability from start_at.
    const reached = new Set<string>();
    if (startRef && names.has(startRef.target) && broken.size === 0) {
      const stack = [startRef.target];
      while (stack.length) {
        const n = stack.pop()!;
        if (reached.has(n)) continue;
        reached.add(n);
        for (const t of out(n)) if (!reached.has(t)) stack.push(t);
      }
      for (const n of candidates) {
        const s = g.steps.get(n)!;
        if (!reached.has(n) && !isTerminal(n)) this.diag(s.keyStart, s.keyEnd, `Step \`${n}\` is never reached: no \`next\` or \`on_failure\` leads to it from \`start_at: ${startRef.target}\`.`, 'warning', 'unreachable');
      }
    }

    // Cycles (runnable's is_dag): iterative DFS, report the edge that closes each cycle.
    const color = new Map<string, 0 | 1 | 2>();
    const inCycle = new Set<string>();
    for (const root of g.steps.keys()) {
      if (color.get(root)) continue;
      const path: string[] = [];
      const iters: Array<{ n: string; i: number; refs: RefInfo[] }> = [];
      const push = (n: string): void => { color.set(n, 1); path.push(n); iters.push({ n, i: 0, refs: (edges.get(n) ?? []).filter((r) => names.has(r.target)) }); };
      push(root);
      while (iters.length) {
        const top = iters[iters.length - 1];
        if (top.i >= top.refs.length) { color.set(top.n, 2); iters.pop(); path.pop(); continue; }
        const ref = top.refs[top.i++];
        const c = color.get(ref.target) ?? 0;
        if (c === 1) {
          const cyc = path.slice(path.indexOf(ref.target));
          cyc.forEach((n) => inCycle.add(n));
          this.diag(ref.start, ref.end, `\`${ref.kind}: ${ref.target}\` closes a cycle: ${[...cyc, ref.target].join(' → ')}. runnable only runs acyclic graphs.`, 'error', 'cycle');
        } else if (c === 0 && g.steps.has(ref.target)) push(ref.target);
      }
    }

    // Terminal path: every step must be able to end in success or fail. Steps with broken refs count as ending
    // (their own diagnostic says what is wrong), so only cycle traps are reported here.
    const canEnd = new Set<string>();
    const incoming = new Map<string, string[]>();
    for (const n of g.steps.keys()) for (const t of out(n)) { const l = incoming.get(t); if (l) l.push(n); else incoming.set(t, [n]); }
    const queue: string[] = [];
    for (const n of names) {
      if (isTerminal(n) || broken.has(n) || !g.steps.has(n) || (edges.get(n) ?? []).every((r) => r.kind !== 'next')) { canEnd.add(n); queue.push(n); }
    }
    while (queue.length) {
      const n = queue.pop()!;
      for (const from of incoming.get(n) ?? []) if (!canEnd.has(from)) { canEnd.add(from); queue.push(from); }
    }
    for (const [n, s] of g.steps) {
      if (canEnd.has(n) || inCycle.has(n)) continue;
      if (startRef && reached.size && !reached.has(n)) continue;
      this.diag(s.keyStart, s.keyEnd, `No path from \`${n}\` to \`success\` or \`fail\`: every route from it runs into a cycle.`, 'error', 'no-terminal-path');
    }
  }
}

const requiredMemo = new WeakMap<KeyTable, Array<[string, KeySpec]>>();
function requiredOf(table: KeyTable): Array<[string, KeySpec]> {
  let r = requiredMemo.get(table);
  if (!r) { r = Object.entries(table).filter(([, s]) => s.required); requiredMemo.set(table, r); }
  return r;
}

const taskKeyTables = new Map<string, KeyTable>();
function taskKeys(commandType: string): KeyTable {
  let t = taskKeyTables.get(commandType);
  if (!t) { t = { ...NODE_KEYS.task, ...(TASK_TYPE_KEYS[commandType] ?? {}) }; taskKeyTables.set(commandType, t); }
  return t;
}

function capitalise(s: string): string { return s.charAt(0).toUpperCase() + s.slice(1); }

function keyName(pair: Pair): string | undefined {
  const k = pair.key;
  if (isScalar(k) && k.value !== null && k.value !== undefined) return String(k.value);
  return undefined;
}

function keyRange(pair: Pair): [number, number] {
  const k = pair.key as Node | null;
  if (k && k.range) return [k.range[0], k.range[1]];
  return [0, 0];
}

function scalarText(n: Node | undefined): string | undefined {
  return isScalar(n) && n.value !== null ? String(n.value) : undefined;
}

export { parseRunnableYaml };

export function analyzeRunnableYaml(text: string, opts: AnalyzeOptions = {}): Analysis {
  const fileKind = opts.fileKind ?? detectRunnableYaml(text);
  const doc = (fileKind === 'pipeline' && opts.stepCache && parseWithStepCache(text, opts.stepCache)) || parseRunnableYaml(text);
  const a = new Analyzer(doc, opts, fileKind);
  a.run();
  return a.out;
}
