// The runnable YAML language server (stdio or node IPC): wires core/yaml's analysis to LSP requests.
// No `vscode` import; started by src/vscode/language/register.ts, and by the tests over stdio.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind, CompletionItemKind, createConnection, DiagnosticSeverity, FoldingRangeKind, MarkupKind, ProposedFeatures,
  SymbolKind, TextDocumentSyncKind, TextDocuments, type CodeAction, type Connection, type Diagnostic, type DocumentSymbol,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyzeRunnableYaml, type Analysis } from '../core/yaml/analyze';
import { StepChunkCache } from '../core/yaml/chunkedParse';
import { detectRunnableYaml, matchesAnyGlob } from '../core/yaml/detect';
import { complete, definitionAt, hoverAt, outline, type OutlineItem } from '../core/yaml/features';
import { PythonLookup } from '../core/yaml/pythonLookup';
import { yamlDagShape } from './dagShape';
import { stepPathOf } from './stepPath';
import { createStepStatusSource, type StepStatusSource } from './stepStatus';
import { errorMessage } from '../core/text/errorMessage';
import { quietSdkNodeVersionWarning } from '../core/stores/s3/loadSdk';

interface ServerSettings { yamlGlobs: string[] }

/**
 * Diagnostics another YAML language server already reports: with Red Hat YAML (redhat.vscode-yaml) running beside
 * us, YAML syntax errors and duplicate keys would show twice, so only runnable's own findings are ours.
 */
const GENERIC_YAML_CODES: ReadonlySet<string> = new Set(['yaml-syntax']);

function uriToPath(uri: string): string | undefined {
  try { return uri.startsWith('file:') ? fileURLToPath(uri) : undefined; } catch { return undefined; }
}

/** Everything the server holds, created per connection (no module-level state). */
export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  let roots: string[] = [];
  let settings: ServerSettings = { yamlGlobs: [] };
  /** Red Hat YAML is installed: it owns syntax errors, outline and folding of every YAML file (initializationOptions). */
  let yamlExtension = false;
  const python = new PythonLookup(() => roots);
  const analyses = new Map<string, { version: number; analysis: Analysis | undefined }>();
  const stepCaches = new Map<string, StepChunkCache>();
  const pending = new Map<string, NodeJS.Immediate>();
  let status: StepStatusSource | undefined;

  const log = (msg: string): void => connection.console.log(msg);

  function analysisOf(doc: TextDocument): Analysis | undefined {
    const cached = analyses.get(doc.uri);
    if (cached && cached.version === doc.version) return cached.analysis;
    const text = doc.getText();
    const file = uriToPath(doc.uri);
    const byGlob = file && settings.yamlGlobs.length && matchesAnyGlob(file, settings.yamlGlobs);
    const detected = detectRunnableYaml(text);
    const fileKind = detected ?? (byGlob ? (/^dag\s*:/m.test(text) || !text.trim() ? 'pipeline' : 'config') : undefined);
    let analysis: Analysis | undefined;
    if (fileKind) {
      let stepCache = stepCaches.get(doc.uri);
      if (!stepCache) { stepCache = new StepChunkCache(); stepCaches.set(doc.uri, stepCache); }
      try {
        analysis = analyzeRunnableYaml(text, { python, yamlDir: file ? path.dirname(file) : undefined, fileKind, stepCache });
      } catch (e) {
        // One odd file must not take the server down for the others: say which file, keep serving.
        stepCaches.delete(doc.uri);
        log(`Could not analyse ${doc.uri}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      }
    }
    analyses.set(doc.uri, { version: doc.version, analysis });
    return analysis;
  }

  function validate(doc: TextDocument): void {
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const analysis = analysisOf(doc);
    const diagnostics: Diagnostic[] = (analysis?.diagnostics ?? []).filter((d) => !(yamlExtension && GENERIC_YAML_CODES.has(d.code))).map((d) => ({
      range: { start: doc.positionAt(d.start), end: doc.positionAt(d.end) },
      message: d.message,
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: 'runnable',
      code: d.code,
      ...(d.replacement ? { data: { replacement: d.replacement } } : {}),
    }));
    void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
    // CPU time beside wall time: on a busy machine the difference is time spent waiting for a core.
    const cpu = process.cpuUsage(cpu0);
    if (analysis) log(`${doc.uri}: ${diagnostics.length} diagnostic(s) in ${(performance.now() - t0).toFixed(1)} ms (cpu ${((cpu.user + cpu.system) / 1000).toFixed(1)} ms)`);
  }

  function schedule(doc: TextDocument): void {
    // Coalesce bursts of edits into one analysis of the latest text.
    const prev = pending.get(doc.uri);
    if (prev) clearImmediate(prev);
    pending.set(doc.uri, setImmediate(() => {
      pending.delete(doc.uri);
      const latest = documents.get(doc.uri);
      if (latest) validate(latest);
    }));
  }

  function revalidateAll(): void {
    analyses.clear();
    for (const d of documents.all()) schedule(d);
  }

  connection.onInitialize((params) => {
    roots = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((p): p is string => !!p);
    if (!roots.length && params.rootUri) { const r = uriToPath(params.rootUri); if (r) roots = [r]; }
    const init = (params.initializationOptions ?? {}) as Partial<ServerSettings> & { configFile?: unknown; variables?: unknown; yamlExtension?: unknown };
    settings = { yamlGlobs: Array.isArray(init.yamlGlobs) ? init.yamlGlobs.filter((g) => typeof g === 'string') : [] };
    yamlExtension = init.yamlExtension === true;
    status = createStepStatusSource(() => roots, log, {
      configFile: typeof init.configFile === 'string' && init.configFile ? init.configFile : undefined,
      variables: init.variables && typeof init.variables === 'object' ? init.variables as Record<string, string> : {},
    });
    log(`runnable language server: roots ${roots.join(', ') || '(none)'}; extra globs ${settings.yamlGlobs.join(', ') || '(none)'}`
      + (yamlExtension ? '; Red Hat YAML is installed: leaving YAML syntax errors, outline and folding to it' : ''));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: [' ', ':', '.'] },
        hoverProvider: true,
        definitionProvider: true,
        // Not offered beside Red Hat YAML: the outline and the folding would hold every entry twice.
        documentSymbolProvider: !yamlExtension,
        foldingRangeProvider: !yamlExtension,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'runnable-yaml', version: '0.1.0' },
    };
  });

  // "Did you mean `type`?" as a quick fix: the diagnostic carries its replacement for its own range.
  connection.onCodeAction((params): CodeAction[] => params.context.diagnostics.flatMap((d) => {
    const replacement = (d.data as { replacement?: unknown } | undefined)?.replacement;
    if (d.source !== 'runnable' || typeof replacement !== 'string') return [];
    return [{
      title: `Change to \`${replacement}\``,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [params.textDocument.uri]: [{ range: d.range, newText: replacement }] } },
    }];
  }));

  connection.onDidChangeConfiguration((change) => {
    const s = (change.settings as { runnable?: { yamlGlobs?: unknown } } | undefined)?.runnable;
    if (s && Array.isArray(s.yamlGlobs)) {
      settings = { yamlGlobs: s.yamlGlobs.filter((g): g is string => typeof g === 'string') };
      revalidateAll();
    }
  });

  connection.onDidChangeWatchedFiles((change) => {
    for (const c of change.changes) {
      const file = uriToPath(c.uri);
      if (file?.endsWith('.py')) python.invalidate(file);
    }
    status?.invalidate();
    revalidateAll();
  });

  documents.onDidOpen((e) => schedule(e.document));
  documents.onDidChangeContent((e) => schedule(e.document));
  documents.onDidClose((e) => {
    analyses.delete(e.document.uri);
    stepCaches.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  connection.onCompletion((params) => {
    const doc = documents.get(params.textDocument.uri);
    const analysis = doc && analysisOf(doc);
    if (!doc || !analysis) return [];
    const kinds = { key: CompletionItemKind.Property, value: CompletionItemKind.EnumMember, step: CompletionItemKind.Reference, function: CompletionItemKind.Function };
    return complete(doc.getText(), doc.offsetAt(params.position), analysis, python).map((c) => ({
      label: c.label, kind: kinds[c.kind], detail: c.detail, insertText: c.insert,
      documentation: c.doc ? { kind: MarkupKind.Markdown, value: c.doc } : undefined,
    }));
  });

  connection.onHover(async (params) => {
    const doc = documents.get(params.textDocument.uri);
    const analysis = doc && analysisOf(doc);
    if (!doc || !analysis) return null;
    const h = hoverAt(analysis, doc.offsetAt(params.position));
    if (!h) return null;
    let value = h.markdown;
    if (h.step && analysis.dag && status) {
      try {
        const stepPath = stepPathOf(analysis, h.step);
        const lines = stepPath ? await status.describe(stepPath, uriToPath(doc.uri), yamlDagShape(analysis.dag)) : [];
        if (lines.length) value += `\n\n---\n\n${lines.map((l) => `- ${l}`).join('\n')}`;
      } catch (e) {
        log(`step status unavailable: ${errorMessage(e)}`);
      }
    }
    return { contents: { kind: MarkupKind.Markdown, value }, range: { start: doc.positionAt(h.start), end: doc.positionAt(h.end) } };
  });

  connection.onDefinition((params) => {
    const doc = documents.get(params.textDocument.uri);
    const analysis = doc && analysisOf(doc);
    if (!doc || !analysis) return null;
    const file = uriToPath(doc.uri);
    const d = definitionAt(analysis, doc.offsetAt(params.position), python, file ? path.dirname(file) : undefined);
    if (!d) return null;
    if (d.kind === 'local') return { uri: doc.uri, range: { start: doc.positionAt(d.start), end: doc.positionAt(d.end) } };
    const pos = { line: d.line, character: 0 };
    return { uri: pathToFileURL(d.file).toString(), range: { start: pos, end: pos } };
  });

  connection.onDocumentSymbol((params) => {
    const doc = documents.get(params.textDocument.uri);
    const analysis = doc && analysisOf(doc);
    if (!doc || !analysis) return [];
    const toSymbol = (o: OutlineItem): DocumentSymbol => {
      const range = { start: doc.positionAt(o.start), end: doc.positionAt(Math.max(o.end, o.selEnd)) };
      return {
        name: o.name, detail: o.detail,
        kind: o.kind === 'step' ? SymbolKind.Function : o.kind === 'dag' ? SymbolKind.Module : SymbolKind.Namespace,
        range, selectionRange: { start: doc.positionAt(o.selStart), end: doc.positionAt(o.selEnd) },
        children: o.children.map(toSymbol),
      };
    };
    return outline(analysis).map(toSymbol);
  });

  connection.onFoldingRanges((params) => {
    const doc = documents.get(params.textDocument.uri);
    const analysis = doc && analysisOf(doc);
    if (!doc || !analysis) return [];
    const seen = new Set<string>();
    const out = [];
    for (const [s, e] of analysis.folds()) {
      const startLine = doc.positionAt(s).line;
      // A collection's range ends after its trailing newline; fold up to the last line with content.
      let endLine = doc.positionAt(e).line;
      if (endLine > startLine && doc.getText({ start: { line: endLine, character: 0 }, end: doc.positionAt(e) }).trim() === '') endLine--;
      const k = `${startLine}:${endLine}`;
      if (endLine <= startLine || seen.has(k)) continue;
      seen.add(k);
      out.push({ startLine, endLine, kind: FoldingRangeKind.Region });
    }
    return out;
  });

  // For diagnostics and the crash-restart test: which process serves this connection.
  connection.onRequest('runnable/serverInfo', () => ({ pid: process.pid }));

  documents.listen(connection);
  connection.listen();
}

quietSdkNodeVersionWarning();
startServer(createConnection(ProposedFeatures.all));
