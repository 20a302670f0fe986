// Talks LSP to the real bundled language server (dist/server.js) over stdio, as an editor would.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { Diagnostic, PublishDiagnosticsParams } from 'vscode-languageserver-protocol';

export const repoRoot = path.resolve(__dirname, '../../..');
export const serverJs = path.join(repoRoot, 'dist', 'server.js');

export interface LspSession {
  conn: MessageConnection;
  /** What the server answered to `initialize`. */
  capabilities: Record<string, unknown>;
  /** Opens a document and resolves with the diagnostics the server publishes for that version. */
  open(file: string, text?: string): Promise<{ uri: string; text: string; diagnostics: Diagnostic[] }>;
  /** Replaces the whole text and waits for the new diagnostics. */
  change(uri: string, text: string): Promise<Diagnostic[]>;
  logs: string[];
  close(): Promise<void>;
}

export async function startSession(root: string, initializationOptions: Record<string, unknown> = {}): Promise<LspSession> {
  if (!fs.existsSync(serverJs)) throw new Error(`${serverJs} is missing: run \`npm run build\` first.`);
  const child: ChildProcess = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const logs: string[] = [];
  const waiters = new Map<string, Array<(p: PublishDiagnosticsParams) => void>>();
  const versions = new Map<string, number>();
  conn.onNotification('window/logMessage', (p: { message: string }) => logs.push(p.message));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    const list = waiters.get(p.uri) ?? [];
    waiters.set(p.uri, []);
    for (const w of list) w(p);
  });
  conn.listen();
  const rootUri = pathToFileURL(root).toString();
  const init = await conn.sendRequest<{ capabilities: Record<string, unknown> }>('initialize', {
    processId: process.pid, rootUri, capabilities: {}, initializationOptions,
    workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
  });
  void conn.sendNotification('initialized', {});

  const nextDiagnostics = (uri: string, version: number): Promise<Diagnostic[]> => new Promise((resolve) => {
    const wait = (p: PublishDiagnosticsParams): void => {
      if (p.version !== undefined && p.version !== version) { waiters.get(uri)!.push(wait); return; }
      resolve(p.diagnostics);
    };
    waiters.set(uri, [...(waiters.get(uri) ?? []), wait]);
  });

  return {
    conn, logs, capabilities: init.capabilities,
    async open(file, text) {
      const body = text ?? fs.readFileSync(file, 'utf8');
      const uri = pathToFileURL(file).toString();
      versions.set(uri, 1);
      const got = nextDiagnostics(uri, 1);
      void conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version: 1, text: body } });
      return { uri, text: body, diagnostics: await got };
    },
    async change(uri, text) {
      const v = (versions.get(uri) ?? 1) + 1;
      versions.set(uri, v);
      const got = nextDiagnostics(uri, v);
      void conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text }] });
      return got;
    },
    async close() {
      await conn.sendRequest('shutdown');
      void conn.sendNotification('exit');
      await new Promise<void>((resolve) => { if (child.exitCode !== null) resolve(); else child.once('exit', () => resolve()); });
      conn.dispose();
    },
  };
}

/** Offset of an LSP position in `text`. */
export function offsetAt(text: string, pos: { line: number; character: number }): number {
  let off = 0;
  for (let l = 0; l < pos.line; l++) off = text.indexOf('\n', off) + 1;
  return off + pos.character;
}

/** LSP position of the `nth` occurrence of `needle` (plus `delta` characters). */
export function positionOf(text: string, needle: string, delta = 0, nth = 0): { line: number; character: number } {
  let idx = -1;
  for (let i = 0; i <= nth; i++) idx = text.indexOf(needle, idx + 1);
  if (idx < 0) throw new Error(`"${needle}" not in text`);
  const off = idx + delta;
  const before = text.slice(0, off);
  const line = before.split('\n').length - 1;
  return { line, character: off - (before.lastIndexOf('\n') + 1) };
}

export function rangeText(text: string, d: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }): string {
  return text.slice(offsetAt(text, d.range.start), offsetAt(text, d.range.end));
}
