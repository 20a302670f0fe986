// Shared helpers for the integration suite that runs inside the VS Code extension host (code-server or test-electron).
// log() goes to $VSCT_TEST_LOG because the extension host pins console.log; waits are on events, never sleeps.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import * as vscode from 'vscode';
import { execFileSync } from 'child_process';
import type { RunRef, Services } from '../../src/vscode/services';
import { testPython as testPythonOf } from '../helpers/python';

export const EXTENSION_ID = 'runnable-tools.runnable-retry';

const origLog = console.log.bind(console);

/** One line to the runner's log file (printed by scripts/run-integration.mjs) and to the host console. */
export function log(...args: unknown[]): void {
  const line = util.format(...args);
  if (process.env.VSCT_TEST_LOG) fs.appendFileSync(process.env.VSCT_TEST_LOG, line + '\n');
  origLog(line);
}

/** Rejects with `what` in the message when `promise` does not settle within `ms`. */
export function withTimeout<T>(promise: Thenable<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    Promise.resolve(promise).then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}

/**
 * Resolves with the first value `event` fires that satisfies `predicate` (default: any).
 * Subscribe BEFORE triggering the action that fires the event.
 */
export function waitFor<T>(
  event: vscode.Event<T>,
  predicate: (value: T) => boolean = () => true,
  ms = 30_000,
  what = 'an event',
): Promise<T> {
  let sub: vscode.Disposable | undefined;
  const fired = new Promise<T>((resolve) => {
    sub = event((value) => {
      if (predicate(value)) resolve(value);
    });
  });
  return withTimeout(fired, ms, what).finally(() => sub?.dispose());
}

/**
 * Resolves once `check` returns a truthy value, re-checking whenever one of `events` fires
 * (and on a coarse interval as a fallback for state VS Code exposes without an event).
 */
export async function waitUntil<T>(
  check: () => T | undefined | false | null | Promise<T | undefined | false | null>,
  opts: { events?: vscode.Event<unknown>[]; ms?: number; what?: string } = {},
): Promise<T> {
  const { events = [], ms = 30_000, what = 'a condition' } = opts;
  const first = await check();
  if (first) return first;
  const subs: vscode.Disposable[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    return await withTimeout(new Promise<T>((resolve, reject) => {
      const recheck = (): void => {
        Promise.resolve(check()).then((v) => { if (v) resolve(v); }, reject);
      };
      for (const e of events) subs.push(e(recheck));
      timer = setInterval(recheck, 200);
    }), ms, what);
  } finally {
    if (timer) clearInterval(timer);
    for (const s of subs) s.dispose();
  }
}

export function getExtension(): vscode.Extension<Services> {
  const ext = vscode.extensions.getExtension<Services>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the repo root?)`);
  return ext;
}

/** Activates the extension under test (if not yet) and returns what activate() returned. */
export async function getApi(): Promise<Services> {
  const ext = getExtension();
  const api = await withTimeout(ext.activate(), 60_000, `activation of ${EXTENSION_ID}`);
  if (!api) throw new Error(`${EXTENSION_ID} activated but returned no Services object`);
  return api;
}

/** The opened workspace folder (examples/ in the repo). */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open (the runner opens examples/)');
  return folder.uri.fsPath;
}

/**
 * A fresh copy of the opened workspace (examples/) in a temp folder, for tests that write (a retry appends to its
 * store); `temps` collects it for removal. The workspace's .vscode folder is left out.
 */
export function copyExamples(prefix: string, temps: string[]): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(tmp);
  fs.cpSync(workspaceRoot(), tmp, { recursive: true, filter: (src) => !src.includes(`${path.sep}.vscode`) });
  return tmp;
}

/**
 * Answers the quick picks a command shows with their highlighted row, as a user pressing Enter would, until
 * `settled()` (the command returned, or what it was to do is done). One Enter at a time: an Enter that lands before
 * a pick lists its rows does nothing, so it is pressed again on the next check.
 */
export async function acceptPicksUntil(settled: () => boolean, what: string, ms = 60_000): Promise<void> {
  let busy = false;
  await waitUntil(async () => {
    if (settled()) return true;
    if (busy) return false;
    busy = true;
    try { await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); } finally { busy = false; }
    return false;
  }, { ms, what });
}

/** The repository root (the extension under development). */
export function repoRoot(): string {
  return getExtension().extensionPath ?? path.resolve(__dirname, '..', '..', '..');
}

/** Python with debugpy installed (scripts/test-python.sh makes a venv), else python3. */
export { testPython } from '../helpers/python';

/**
 * The test interpreter as `runnable.pythonPath` for one suite (user settings: the workspace's .vscode is never written).
 * `env()` is the extra environment a retry needs: the stand-in (test/standin) on PYTHONPATH when the interpreter cannot
 * import runnable, nothing when it can (RUNNABLE_TEST_PYTHON pointing at a venv with the real runnable).
 * Call it at describe level: it registers the suite's before/after.
 */
export function useTestPython(): { python: () => string; env: () => Record<string, string>; realRunnable: () => boolean } {
  let python = '';
  let real = false;
  before(async () => {
    python = testPythonOf();
    try {
      execFileSync(python, ['-c', 'import runnable'], { stdio: 'ignore' });
      real = true;
    } catch {
      real = false;
    }
    log(`    interpreter ${python}; ${real ? 'real runnable' : 'stand-in test/standin (runnable not importable)'}`);
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', python, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('runnable').update('pythonPath', undefined, vscode.ConfigurationTarget.Global);
  });
  return {
    python: () => python,
    env: (): Record<string, string> => (real ? {} : { PYTHONPATH: path.join(repoRoot(), 'test', 'standin') }),
    realRunnable: () => real,
  };
}

/** The store of the open workspace that lists `runId` (readable: without a listing error, when asked). */
export async function refOf(runId: string, opts: { readable?: boolean } = {}): Promise<RunRef> {
  const api = await getApi();
  for (const d of await api.runs.descriptors()) {
    const runs = await api.runs.listRuns(d.id).catch(() => []);
    if (runs.some((r) => r.runId === runId && !(opts.readable && r.error))) return { storeId: d.id, runId };
  }
  throw new Error(`no store of the workspace lists ${runId}`);
}

/** A `stopped` event of a `runnable` debug session. */
export interface RunnableStop { session: vscode.DebugSession; threadId: number; reason: string }

/**
 * Watches `runnable` debug sessions from now on: their stops, in order, and the end of the root session.
 * Subscribe before starting the session; dispose when done.
 */
export function watchRunnableSessions(): vscode.Disposable & {
  stops: RunnableStop[];
  /** The first stop (waits up to `ms`). */
  firstStop(what: string, ms?: number): Promise<RunnableStop>;
  /** Continues from `stop` and every later stop until the root session has ended. */
  continueToEnd(stop: RunnableStop): Promise<void>;
} {
  const stops: RunnableStop[] = [];
  let ended: vscode.DebugSession | undefined;
  const subs = [
    vscode.debug.registerDebugAdapterTrackerFactory('runnable', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { reason: string; threadId: number } }) => {
          if (m.type === 'event' && m.event === 'stopped' && m.body) stops.push({ session, threadId: m.body.threadId, reason: m.body.reason });
        },
      }),
    }),
    vscode.debug.onDidTerminateDebugSession((s) => { if (s.type === 'runnable' && !s.parentSession) ended = s; }),
  ];
  return {
    stops,
    firstStop: (what, ms = 90_000) => waitUntil(() => stops[0], { what, ms }),
    async continueToEnd(stop) {
      let seen = stops.indexOf(stop) + 1;
      let current: RunnableStop | undefined = stop;
      while (current) {
        await current.session.customRequest('continue', { threadId: current.threadId }).then(undefined, () => undefined);
        const next = await waitUntil(() => (stops.length > seen ? stops[seen] : ended ? 'ended' : undefined), { what: 'the next stop or the end', ms: 60_000 });
        if (next === 'ended') break;
        seen++;
        current = next;
      }
    },
    dispose: () => subs.forEach((s) => s.dispose()),
  };
}
