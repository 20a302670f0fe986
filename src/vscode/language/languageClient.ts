// Starts, restarts and stops the runnable YAML language server (dist/server.js over node IPC).
// Started lazily by register.ts on the first runnable YAML document; restarts after a crash with a notice.
import * as vscode from 'vscode';
// Types only at the top: the client library (about half of the bundle) is evaluated when the first runnable YAML
// opens, not on activation (scripts/bench/activation.mjs).
import type {
  CloseHandlerResult, ErrorHandlerResult, LanguageClient, LanguageClientOptions, ServerOptions,
} from 'vscode-languageclient/node';
import type { Logger } from '../logger';
import type { LanguageSettings } from './languageSettings';
import { hasYamlExtension } from './yamlExtension';
import { errorMessage } from '../../core/text/errorMessage';
import { Disposable } from '../disposable';

/** Crashes tolerated within CRASH_WINDOW_MS before the server stays down until "Restart Language Server". */
const MAX_CRASHES = 4;
const CRASH_WINDOW_MS = 3 * 60_000;

export type ServerState = 'stopped' | 'starting' | 'running';

export class RunnableLanguageClient extends Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<void> | undefined;
  private crashes: number[] = [];
  private readonly channel: vscode.LogOutputChannel;
  /** Python edits change which `command:` targets exist. */
  private readonly pyWatcher: vscode.FileSystemWatcher;
  private readonly stateEmitter = this.register(new vscode.EventEmitter<ServerState>());
  /** Subscriptions tied to the current LanguageClient, dropped with it. */
  private clientSubscriptions: vscode.Disposable[] = [];
  private restarts = 0;
  /** vscode-languageclient, loaded by the first start. */
  private library: typeof import('vscode-languageclient/node') | undefined;
  /** Whether the running server was told Red Hat YAML is installed; undefined while none runs. */
  private startedBesideYamlExtension: boolean | undefined;
  /** Fires as the server stops, starts and runs again (after a crash: stopped, starting, running). */
  readonly onDidChangeServerState = this.stateEmitter.event;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: Logger, private readonly settings: () => LanguageSettings) {
    super();
    this.channel = this.register(vscode.window.createOutputChannel('Runnable Language Server', { log: true }));
    this.pyWatcher = this.register(vscode.workspace.createFileSystemWatcher('**/*.py'));
    // Red Hat YAML installed, enabled or removed while we run: the server's capabilities depend on it.
    this.register(vscode.extensions.onDidChange(() => {
      if (this.startedBesideYamlExtension === undefined || this.startedBesideYamlExtension === hasYamlExtension()) return;
      this.log.info(`Red Hat YAML was ${hasYamlExtension() ? 'installed or enabled' : 'removed or disabled'}: restarting the runnable language server.`);
      void this.restart();
    }));
  }

  /** Whether the running server leaves YAML syntax errors, outline and folding to Red Hat YAML. */
  get besideYamlExtension(): boolean | undefined {
    return this.startedBesideYamlExtension;
  }

  get serverCapabilities(): Readonly<Record<string, unknown>> | undefined {
    return this.client?.initializeResult?.capabilities as Readonly<Record<string, unknown>> | undefined;
  }

  get running(): boolean {
    return !!this.library && this.client?.state === this.library.State.Running;
  }

  /** How many times the server was restarted after it stopped unexpectedly (not counting "Restart Language Server"). */
  get automaticRestarts(): number {
    return this.restarts;
  }

  /** The server's process id (its `runnable/serverInfo` request); undefined when no server was started. */
  async serverInfo(): Promise<{ pid: number } | undefined> {
    const c = this.client;
    return c ? c.sendRequest<{ pid: number }>('runnable/serverInfo') : undefined;
  }

  /** Starts the server once; later calls wait for the same start. */
  start(): Promise<void> {
    this.starting ??= this.doStart().catch((e: unknown) => {
      this.starting = undefined;
      const msg = errorMessage(e);
      this.log.error(`Runnable language server failed to start: ${msg}`);
      void vscode.window.showErrorMessage(`The runnable language server could not start (${msg}). See the "Runnable Language Server" output, then run "Runnable: Restart Language Server".`);
    });
    return this.starting;
  }

  async restart(): Promise<void> {
    this.crashes = [];
    const old = this.client;
    this.client = undefined;
    this.starting = undefined;
    this.dropClientSubscriptions();
    if (old) {
      try { await old.stop(); } catch { /* already stopped */ }
      await old.dispose();
    }
    await this.start();
  }

  private async doStart(): Promise<void> {
    this.library ??= await import('vscode-languageclient/node');
    const { CloseAction, ErrorAction, LanguageClient, State, TransportKind } = this.library;
    const module = this.context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const s = this.settings();
    const yamlExtension = hasYamlExtension();
    this.startedBesideYamlExtension = yamlExtension;
    const clientOptions: LanguageClientOptions = {
      documentSelector: [{ scheme: 'file', language: 'yaml' }, { scheme: 'untitled', language: 'yaml' }],
      outputChannel: this.channel,
      initializationOptions: { yamlGlobs: s.yamlGlobs, configFile: s.configFile, variables: s.variables, yamlExtension },
      synchronize: { configurationSection: 'runnable', fileEvents: this.pyWatcher },
      errorHandler: {
        error: (): ErrorHandlerResult => ({ action: ErrorAction.Continue }),
        closed: (): CloseHandlerResult => this.onClosed(CloseAction),
      },
    };
    const client = new LanguageClient('runnable.languageServer', 'Runnable Language Server', serverOptions, clientOptions);
    this.client = client;
    this.clientSubscriptions.push(client.onDidChangeState((e) => {
      this.stateEmitter.fire(e.newState === State.Running ? 'running' : e.newState === State.Starting ? 'starting' : 'stopped');
    }));
    this.log.info(`Starting the runnable language server: node ${module} (ipc)${yamlExtension ? '; Red Hat YAML is installed, so it keeps YAML syntax errors, outline and folding' : ''}`);
    await client.start();
    this.log.info('Runnable language server running');
  }

  private onClosed(CloseAction: typeof import('vscode-languageclient/node').CloseAction): CloseHandlerResult {
    const now = Date.now();
    this.crashes = [...this.crashes.filter((t) => now - t < CRASH_WINDOW_MS), now];
    if (this.crashes.length > MAX_CRASHES) {
      this.log.error(`Runnable language server crashed ${this.crashes.length} times in 3 minutes; not restarting.`);
      return { action: CloseAction.DoNotRestart, message: 'The runnable language server keeps crashing and was stopped. See the "Runnable Language Server" output, then run "Runnable: Restart Language Server".' };
    }
    this.restarts++;
    this.log.warn('Runnable language server stopped unexpectedly; restarting it.');
    void vscode.window.showWarningMessage('The runnable language server stopped unexpectedly and was restarted.');
    return { action: CloseAction.Restart };
  }

  private dropClientSubscriptions(): void {
    for (const d of this.clientSubscriptions.splice(0)) d.dispose();
  }

  override dispose(): void {
    const c = this.client;
    this.client = undefined;
    this.dropClientSubscriptions();
    if (c) void c.stop().catch(() => undefined).then(() => c.dispose());
    super.dispose();
  }
}
