// Bench: the extension's activation, our own work only: loading dist/extension.js and running activate() against a
// stand-in `vscode` module (every API answers with an inert object; events never fire, the Runs view stays hidden)
// on examples/. Goal: under 50 ms. Then it lets what activation started settle (store discovery reads the configs)
// and checks that nothing was read from a run log store or catalog: that waits until the Runs view is visible.
// Floor: loading the bundle alone (require, no activate). Run: node scripts/bench/activation.mjs
import fs from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// BENCH_BUNDLE: another build of the entry (e.g. the minified one `npm run package` ships, built elsewhere).
const bundle = path.resolve(process.env.BENCH_BUNDLE ?? path.join(repo, 'dist', 'extension.js'));
if (!fs.existsSync(bundle)) { console.error(`${bundle} is missing: run \`npm run build\` first.`); process.exit(2); }
const examples = path.join(repo, 'examples');
const GOAL_MS = 50;
const REPEAT = Number(process.env.BENCH_REPEAT ?? 15);

// ---- a vscode that answers everything -------------------------------------------------------------------------
const disposable = { dispose() {} };
const event = () => disposable;
function inert(name = 'vscode') {
  const target = function () {};
  return new Proxy(target, {
    get(_t, key) {
      if (key === 'then') return undefined; // not a thenable
      if (key === Symbol.toPrimitive) return () => name;
      if (key === 'dispose') return () => undefined;
      if (typeof key === 'string' && /^onDid|^onWill/.test(key)) return event;
      return inert(`${name}.${String(key)}`);
    },
    set: () => true,
    apply: () => inert(`${name}()`),
    construct: () => inert(`new ${name}`),
  });
}
class EventEmitter { event = event; fire() {} dispose() {} }
const uri = (p) => ({ scheme: 'file', fsPath: p, path: p, toString: () => `file://${p}`, with: () => uri(p) });
const Uri = { file: uri, joinPath: (u, ...ps) => uri(path.join(u.fsPath, ...ps)), parse: (s) => uri(s.replace(/^file:\/\//, '')) };
const config = { get: (_k, d) => d, has: () => false, inspect: () => undefined, update: async () => undefined };
const folder = { uri: uri(examples), name: 'examples', index: 0 };
// A plain object (esbuild's interop copies own keys): the namespaces and classes the bundle names, each inert.
const names = ['CodeAction', 'ConfigurationTarget', 'DebugAdapterExecutable', 'DebugAdapterInlineImplementation',
  'DebugConfigurationProviderTriggerKind', 'Diagnostic', 'Location', 'MarkdownString', 'NotebookCellKind', 'Position',
  'ProgressLocation', 'Range', 'RelativePattern', 'Selection', 'SourceBreakpoint', 'StatusBarAlignment', 'TextEditorRevealType',
  'ThemeColor', 'ThemeIcon', 'TreeItem', 'TreeItemCollapsibleState', 'ViewColumn', 'commands', 'debug', 'env', 'languages',
  'tasks', 'l10n', 'authentication', 'notebooks', 'tests', 'scm', 'comments', 'LogLevel', 'UIKind', 'TreeItemCheckboxState',
  'FileType', 'CompletionItemKind', 'DiagnosticSeverity', 'ExtensionMode', 'CancellationTokenSource', 'lm', 'chat'];
const stub = new Proxy(Object.assign(Object.fromEntries(names.map((n) => [n, inert(n)])), {
  version: '1.100.0',
  EventEmitter, Uri, Disposable: class { constructor(f) { this.dispose = f; } static from(...ds) { return { dispose: () => ds.forEach((d) => d.dispose()) }; } },
  workspace: new Proxy({
    workspaceFolders: [folder], textDocuments: [], isTrusted: true,
    getConfiguration: () => config, getWorkspaceFolder: () => folder,
    createFileSystemWatcher: () => ({ onDidChange: event, onDidCreate: event, onDidDelete: event, dispose() {} }),
  }, { get: (t, k) => (k in t ? t[k] : inert(`workspace.${String(k)}`)) }),
  window: new Proxy({
    activeTextEditor: undefined, visibleTextEditors: [],
    createTreeView: () => new Proxy({ visible: false, onDidChangeVisibility: event, onDidExpandElement: event, onDidCollapseElement: event }, { get: (t, k) => (k in t ? t[k] : inert(`treeView.${String(k)}`)) }),
    createOutputChannel: () => new Proxy({}, { get: () => () => undefined }),
  }, { get: (t, k) => (k in t ? t[k] : inert(`window.${String(k)}`)) }),
  extensions: { getExtension: () => undefined, onDidChange: event, all: [] },
}), { get: (t, k) => (k in t ? t[k] : inert(String(k))) });

const originalLoad = Module._load;
Module._load = function (request, parent, isMain) {
  return request === 'vscode' ? stub : originalLoad.call(this, request, parent, isMain);
};

function context() {
  const memento = { get: (_k, d) => d, update: async () => undefined, keys: () => [], setKeysForSync() {} };
  return new Proxy({
    subscriptions: [], extensionPath: repo, extensionUri: uri(repo), asAbsolutePath: (p) => path.join(repo, p),
    globalState: memento, workspaceState: memento, secrets: { get: async () => undefined, store: async () => undefined, delete: async () => undefined, onDidChange: event },
    storageUri: uri(path.join(repo, '.vscode-test', 'bench-storage')), globalStorageUri: uri(path.join(repo, '.vscode-test', 'bench-storage')),
    logUri: uri(path.join(repo, '.vscode-test', 'bench-logs')), extension: { id: 'runnable-tools.runnable-retry', packageJSON: {} }, extensionMode: 1,
  }, { get: (t, k) => (k in t ? t[k] : inert(`context.${String(k)}`)) });
}

// ---- which files the activation touches --------------------------------------------------------------------------
const touched = [];
const fsp = fs.promises;
for (const [obj, names] of [[fs, ['readFile', 'readFileSync', 'readdir', 'readdirSync', 'open', 'openSync', 'stat', 'statSync', 'lstat', 'lstatSync', 'opendir', 'opendirSync']], [fsp, ['readFile', 'readdir', 'open', 'stat', 'lstat', 'opendir']]]) {
  for (const n of names) {
    const orig = obj[n];
    obj[n] = function (p, ...rest) {
      if (typeof p === 'string') touched.push({ op: n, file: path.resolve(p), stack: process.env.BENCH_TRACE ? new Error().stack : '' });
      return orig.call(this, p, ...rest);
    };
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = (c) => (c.user + c.system) / 1000;

function loadFresh() {
  for (const k of Object.keys(require.cache)) if (k.startsWith(path.dirname(bundle))) delete require.cache[k];
  return require(bundle);
}

// Floor: the bundle's own load (module evaluation); then load + activate(), each in a fresh module cache.
// CPU time beside wall time: on a busy machine the difference is time spent waiting for a core.
const loadWall = [], loadCpu = [], actWall = [], actCpu = [];
let services, subs = 0, readsBefore = 0;
for (let i = 0; i < REPEAT; i++) {
  let c0 = process.cpuUsage();
  let t0 = performance.now();
  const ext = loadFresh();
  loadWall.push(performance.now() - t0);
  loadCpu.push(cpuMs(process.cpuUsage(c0)));
  const ctx = context();
  if (i === REPEAT - 1) readsBefore = touched.length;
  c0 = process.cpuUsage();
  t0 = performance.now();
  const api = await ext.activate(ctx);
  actWall.push(performance.now() - t0);
  actCpu.push(cpuMs(process.cpuUsage(c0)));
  if (i < REPEAT - 1) for (const d of ctx.subscriptions) d.dispose?.();
  else { services = api; subs = ctx.subscriptions.length; }
}
const [lw, lc, aw, ac] = [loadWall, loadCpu, actWall, actCpu].map(median);
console.log(`activation on examples/ (${REPEAT} runs, fresh module cache each, medians; ${subs} disposables registered):`);
console.log(`  load dist/extension.js: ${lw.toFixed(1)} ms wall, ${lc.toFixed(1)} ms cpu`);
console.log(`  activate(): ${aw.toFixed(1)} ms wall, ${ac.toFixed(1)} ms cpu; load + activate against the floor (load alone): ${((lc + ac) / lc).toFixed(2)}x cpu`);
console.log(`  ours (load + activate): ${(lw + aw).toFixed(1)} ms wall, ${(lc + ac).toFixed(1)} ms cpu; goal < ${GOAL_MS} ms: cpu ${((lc + ac) / GOAL_MS).toFixed(2)}x of the goal (${lc + ac < GOAL_MS ? 'met' : 'NOT met'}), wall ${((lw + aw) / GOAL_MS).toFixed(2)}x`);

// What activation started (discovery of configs, for the Runs view and S3 stores): let it finish, then check that no
// store or catalog was read while the Runs view stays hidden.
// (the stores' folders are only known once discovery has run; the check covers everything since the last activate())
const d0 = performance.now();
const descriptors = await services.runs.descriptors();
console.log(`  started by activation, off the activate() call: store discovery ${(performance.now() - d0).toFixed(1)} ms (${descriptors.length} stores from the configs)`);
await new Promise((r) => setImmediate(r));
const storeDirs = descriptors.flatMap((d) => [d.location, d.catalog?.location]).filter((p) => typeof p === 'string' && path.isAbsolute(p));
const under = (f) => storeDirs.some((s) => f === s || f.startsWith(s + path.sep));
const since = touched.slice(readsBefore);
// Listing folders is the config search (core/config/findConfigFiles walks the workspace for YAML with a run-log-store
// key); opening or reading a file under a store is reading runs.
const runReads = since.filter((t) => under(t.file) && !/^(readdir|opendir|stat|lstat)/.test(t.op));
const listed = since.filter((t) => under(t.file) && /^(readdir|opendir)/.test(t.op));
console.log(`  files touched by activate() and discovery: ${since.length}; folders inside stores or catalogs listed by the config search: ${listed.length}`);
console.log(`  run log or catalog files read before the Runs view is visible: ${runReads.length}${runReads.length ? ` (${[...new Set(runReads.map((t) => `${t.op} ${path.relative(repo, t.file)}`))].slice(0, 8).join(', ')})` : ''}`);
if (process.env.BENCH_TRACE) for (const t of runReads.slice(0, 3)) console.log(t.stack);
const inStore = runReads;
for (const d of services.context.subscriptions) d.dispose?.();
process.exit(inStore.length ? 1 : 0);
