// A small stand-in for the `vscode` module, so the glue under src/vscode/ runs under plain Node in the unit tier
// (as vscode-python-debugger tests its glue with stubs). It implements only what the glue under test calls, with
// VS Code's documented behaviour (EventEmitter, Uri.file, configuration lookups); everything a test needs to drive
// (configuration values, file-watcher events, executed commands, quick picks) is exposed on `fake`.
// `installVscodeFake()` makes `require('vscode')` answer this module; call it before importing the glue.
import Module from 'node:module';
import * as path from 'node:path';

type Listener<T> = (e: T) => unknown;

export class Disposable {
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((i) => i.dispose()));
  }
  private done = false;
  constructor(private readonly fn: () => unknown) {}
  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.fn();
  }
}

export class EventEmitter<T> {
  private listeners: Listener<T>[] = [];
  readonly event = (listener: Listener<T>, thisArgs?: unknown, disposables?: Disposable[]): Disposable => {
    const bound: Listener<T> = (e) => listener.call(thisArgs, e);
    this.listeners.push(bound);
    const d = new Disposable(() => { this.listeners = this.listeners.filter((l) => l !== bound); });
    disposables?.push(d);
    return d;
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void { this.listeners = []; }
  get listenerCount(): number { return this.listeners.length; }
}

export class Uri {
  private constructor(readonly scheme: string, readonly fsPath: string, readonly authority = '', readonly query = '') {}
  static file(p: string): Uri { return new Uri('file', path.resolve(p)); }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/([^/]*))?([^?]*)(?:\?(.*))?$/i.exec(s);
    return m ? new Uri(m[1], decodeURIComponent(m[3]), m[2] ?? '', m[4] ?? '') : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri { return new Uri(base.scheme, path.join(base.fsPath, ...parts), base.authority); }
  get path(): string { return this.fsPath; }
  toString(): string { return `${this.scheme}://${this.authority}${this.fsPath}${this.query ? `?${this.query}` : ''}`; }
  with(change: { query?: string }): Uri { return new Uri(this.scheme, this.fsPath, this.authority, change.query ?? this.query); }
}

export class RelativePattern {
  readonly baseUri: Uri;
  constructor(base: Uri | string, readonly pattern: string) { this.baseUri = typeof base === 'string' ? Uri.file(base) : base; }
}

export class ThemeIcon { constructor(readonly id: string, readonly color?: unknown) {} }
export class ThemeColor { constructor(readonly id: string) {} }
export class MarkdownString {
  constructor(public value = '', public supportThemeIcons = false) {}
  appendMarkdown(s: string): this { this.value += s; return this; }
  appendText(s: string): this { this.value += s; return this; }
}
export enum TreeItemCollapsibleState { None = 0, Collapsed = 1, Expanded = 2 }
export enum ConfigurationTarget { Global = 1, Workspace = 2, WorkspaceFolder = 3 }
export class TreeItem {
  constructor(public label: unknown, public collapsibleState = TreeItemCollapsibleState.None) {}
}

/** A file-system watcher whose events the test fires. */
export class FakeWatcher {
  readonly created = new EventEmitter<Uri>();
  readonly changed = new EventEmitter<Uri>();
  readonly deleted = new EventEmitter<Uri>();
  readonly onDidCreate = this.created.event;
  readonly onDidChange = this.changed.event;
  readonly onDidDelete = this.deleted.event;
  disposed = false;
  constructor(readonly pattern: string | RelativePattern) {}
  dispose(): void { this.disposed = true; }
}

export interface FakeQuickPick {
  title?: string; placeholder?: string; busy: boolean; items: unknown[]; activeItems: unknown[]; selectedItems: unknown[];
  matchOnDescription: boolean; matchOnDetail: boolean; shown: boolean;
  accept(item: unknown): void; hide(): void;
}

/** What a test reads and drives. Reset with `fake.reset()` between tests. */
export const fake = {
  /** `section.key` → value, per folder fsPath ('' = the window). */
  settings: new Map<string, Map<string, unknown>>(),
  commands: [] as { command: string; args: unknown[] }[],
  watchers: [] as FakeWatcher[],
  quickPicks: [] as FakeQuickPick[],
  messages: [] as { level: 'info' | 'warn' | 'error'; text: string }[],
  folders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  quickPickAnswer: undefined as ((items: unknown[], options?: unknown) => unknown) | undefined,
  configurationChanged: new EventEmitter<{ affectsConfiguration(section: string, scope?: unknown): boolean }>(),
  foldersChanged: new EventEmitter<unknown>(),
  setFolders(paths: string[]): void {
    this.folders = paths.map((p, index) => ({ uri: Uri.file(p), name: path.basename(p), index }));
    this.foldersChanged.fire({});
  },
  /** Sets `runnable.<key>` (or any `section.key`) and fires onDidChangeConfiguration for it. */
  setSetting(key: string, value: unknown, folder = ''): void {
    const scope = this.settings.get(folder) ?? new Map<string, unknown>();
    scope.set(key, value);
    this.settings.set(folder, scope);
    this.configurationChanged.fire({ affectsConfiguration: (section: string) => key === section || key.startsWith(`${section}.`) });
  },
  reset(): void {
    this.settings.clear();
    this.commands.length = 0;
    this.watchers.length = 0;
    this.quickPicks.length = 0;
    this.messages.length = 0;
    this.folders = undefined;
    this.quickPickAnswer = undefined;
  },
};

function lookup(section: string, key: string, scope: unknown): unknown {
  const full = `${section}.${key}`;
  const folder = scope instanceof Uri ? scope.fsPath : (scope as { uri?: Uri } | undefined)?.uri?.fsPath;
  if (folder !== undefined && fake.settings.get(folder)?.has(full)) return fake.settings.get(folder)!.get(full);
  return fake.settings.get('')?.get(full);
}

export const workspace = {
  get workspaceFolders() { return fake.folders; },
  isTrusted: true,
  getConfiguration(section = '', scope?: unknown) {
    return {
      get<T>(key: string, defaultValue?: T): T | undefined {
        const v = lookup(section, key, scope);
        return (v === undefined ? defaultValue : v) as T | undefined;
      },
      has(key: string): boolean { return lookup(section, key, scope) !== undefined; },
      inspect(key: string) { return { key: `${section}.${key}`, workspaceFolderValue: lookup(section, key, scope) }; },
      update: async (key: string, value: unknown) => { fake.setSetting(`${section}.${key}`, value); },
    };
  },
  onDidChangeConfiguration: fake.configurationChanged.event,
  onDidChangeWorkspaceFolders: fake.foldersChanged.event,
  createFileSystemWatcher(pattern: string | RelativePattern): FakeWatcher {
    const w = new FakeWatcher(pattern);
    fake.watchers.push(w);
    return w;
  },
  getWorkspaceFolder(uri: Uri) { return fake.folders?.find((f) => uri.fsPath === f.uri.fsPath || uri.fsPath.startsWith(f.uri.fsPath + path.sep)); },
};

const handlers = new Map<string, (...a: unknown[]) => unknown>();

export const commands = {
  /** Runs a command registered through this fake (as VS Code would), else only records the call. */
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    fake.commands.push({ command, args });
    const h = handlers.get(command);
    return h ? h(...args) : undefined;
  },
  registerCommand(command: string, fn: (...a: unknown[]) => unknown): Disposable {
    if (handlers.has(command)) throw new Error(`command '${command}' already exists`);
    handlers.set(command, fn);
    return new Disposable(() => handlers.delete(command));
  },
};

export const window = {
  /** The window's focus (the remote poll reads only while focused). */
  state: { focused: true },
  createOutputChannel(_name: string) {
    const noop = () => undefined;
    return { trace: noop, debug: noop, info: noop, warn: noop, error: noop, show: noop, append: noop, appendLine: noop, dispose: noop };
  },
  createQuickPick(): FakeQuickPick & { onDidAccept: unknown; onDidHide: unknown; show(): void; dispose(): void } {
    const accepted = new EventEmitter<void>();
    const hidden = new EventEmitter<void>();
    let items: unknown[] = [];
    const qp = {
      busy: false, activeItems: [] as unknown[], selectedItems: [] as unknown[],
      matchOnDescription: false, matchOnDetail: false, shown: false,
      // As VS Code does: a new list of items highlights its first row again (a pick that keeps the user's row sets
      // activeItems after items).
      get items(): unknown[] { return items; },
      set items(next: unknown[]) { items = next; qp.activeItems = next.length ? [next[0]] : []; },
      onDidAccept: accepted.event, onDidHide: hidden.event,
      show() { qp.shown = true; },
      hide() { if (qp.shown) { qp.shown = false; hidden.fire(); } },
      dispose() { accepted.dispose(); hidden.dispose(); },
      accept(item: unknown) { qp.selectedItems = [item]; accepted.fire(); },
    };
    fake.quickPicks.push(qp as unknown as FakeQuickPick);
    return qp as never;
  },
  /** Answers `fake.quickPickAnswer` (undefined: the user pressed Escape). */
  async showQuickPick(items: unknown[], options?: unknown): Promise<unknown> { return fake.quickPickAnswer?.(items, options); },
  async showInformationMessage(text: string): Promise<undefined> { fake.messages.push({ level: 'info', text }); return undefined; },
  async showWarningMessage(text: string): Promise<undefined> { fake.messages.push({ level: 'warn', text }); return undefined; },
  async showErrorMessage(text: string): Promise<undefined> { fake.messages.push({ level: 'error', text }); return undefined; },
};

export const env = { appName: 'fake', language: 'en' };

// --- debug: sessions the test starts and ends, and the breakpoint list VS Code keeps -------------------------------
export class Position { constructor(readonly line: number, readonly character: number) {} }
export class Location { constructor(readonly uri: Uri, readonly range: Position) {} }
let breakpointIds = 0;
export class Breakpoint {
  readonly id = `bp-${++breakpointIds}`;
  constructor(readonly enabled = true, readonly condition?: string, readonly hitCondition?: string) {}
}
export class SourceBreakpoint extends Breakpoint {
  constructor(readonly location: Location, enabled?: boolean, condition?: string, hitCondition?: string) { super(enabled, condition, hitCondition); }
}

/** A debug session as the glue sees it: `configuration`, `parentSession` (debugpy's subprocess sessions have one). */
export interface FakeDebugSession { id: string; name: string; type: string; configuration: Record<string, unknown>; parentSession?: FakeDebugSession }

const debugState = {
  breakpoints: [] as Breakpoint[],
  started: new EventEmitter<FakeDebugSession>(),
  terminated: new EventEmitter<FakeDebugSession>(),
  sessions: 0,
};

export const debug = {
  get breakpoints(): readonly Breakpoint[] { return [...debugState.breakpoints]; },
  addBreakpoints(bps: Breakpoint[]): void { debugState.breakpoints.push(...bps); },
  removeBreakpoints(bps: Breakpoint[]): void { debugState.breakpoints = debugState.breakpoints.filter((b) => !bps.includes(b)); },
  onDidStartDebugSession: debugState.started.event,
  onDidTerminateDebugSession: debugState.terminated.event,
  /** Records the launch (fake.launches); answers `fake.startAnswer`. */
  async startDebugging(folder: unknown, config: Record<string, unknown>, options?: unknown): Promise<boolean> {
    fakeDebug.launches.push({ folder, config, options });
    return fakeDebug.startAnswer(config);
  },
};

/** What a debug test drives: sessions starting and ending (with VS Code's events), the launches asked for. */
export const fakeDebug = {
  launches: [] as { folder: unknown; config: Record<string, unknown>; options?: unknown }[],
  startAnswer: (_config: Record<string, unknown>): boolean | Promise<boolean> => true,
  start(configuration: Record<string, unknown>, parentSession?: FakeDebugSession): FakeDebugSession {
    const s: FakeDebugSession = { id: `session-${++debugState.sessions}`, name: String(configuration.name ?? ''), type: String(configuration.type ?? ''), configuration, parentSession };
    debugState.started.fire(s);
    return s;
  },
  end(s: FakeDebugSession): void { debugState.terminated.fire(s); },
  reset(): void {
    this.launches.length = 0;
    this.startAnswer = () => true;
    debugState.breakpoints = [];
  },
};

let installed = false;

/** Makes `require('vscode')` answer this module from now on (idempotent). */
export function installVscodeFake(): void {
  if (installed) return;
  installed = true;
  const m = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = m._resolveFilename;
  m._resolveFilename = function (request: string, ...rest: unknown[]): string {
    if (request === 'vscode') return __filename;
    return original.call(this, request, ...rest);
  };
}

/** A logger that keeps what it was told (the glue's Logger shape). */
export function memoryLogger(): { lines: string[]; trace(m: string): void; debug(m: string): void; info(m: string): void; warn(m: string): void; error(m: string | Error): void; show(): void } {
  const lines: string[] = [];
  const at = (level: string) => (m: unknown) => { lines.push(`${level} ${String(m)}`); };
  return { lines, trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), show: () => undefined };
}
