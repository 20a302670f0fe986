// One run's details tab: loads the run through the Runs model, posts the shaped run to the page, answers the page's
// requests (a step's attempt diff, actions -> extension commands) and re-posts when the run changes on disk.
import * as vscode from 'vscode';
import { diffStep } from '../../core/details/attemptDiff';
import type { FromWebview, RenderedState, ToWebview } from '../../core/details/messages';
import { failedAttempts, shapeRunDetails, type RunDetails } from '../../core/details/runDetails';
import { stepCodeDrift } from '../../core/retry/stepDrift';
import { readEditRecords } from '../../core/sandbox/editInputs';
import { sandboxOf } from '../../core/sandbox/sandboxCopy';
import { folderOfStore } from '../debug/startSession';
import type { Run } from '../../core/runlog/model';
import { Commands } from '../../core/commandIds';
import type { RunRef, Services } from '../services';
import { revealInTree } from './revealInTree';
import { pageHtml, webviewOptions } from './webviewPage';
import { errorMessage } from '../../core/text/errorMessage';
import { Disposable } from '../disposable';

export const DETAILS_VIEW_TYPE = 'runnable.runDetails';
/** Quiet time after a change event before re-reading the run (a retry writes the log many times). */
const RELOAD_DELAY_MS = 250;

/** What the Open Run Details command returns: the panel and what its page last drew (tests read this). */
export interface DetailsHandle {
  readonly ref: RunRef;
  readonly panel: vscode.WebviewPanel;
  readonly state: RenderedState | undefined;
  readonly onDidRender: vscode.Event<RenderedState>;
  /** Resolves with the next render whose state satisfies `predicate` (the current one if it already does). */
  whenRendered(predicate?: (s: RenderedState) => boolean): Promise<RenderedState>;
  /** Posts a message to the page as the user would act (select a step, switch the tab). */
  post(message: ToWebview): Thenable<boolean>;
}

export class RunDetailsPanel extends Disposable implements DetailsHandle {
  private readonly rendered = new vscode.EventEmitter<RenderedState>();
  readonly onDidRender = this.rendered.event;
  private lastState: RenderedState | undefined;
  private run: Run | undefined;
  private lastPosted = '';
  private ready = false;
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(private readonly services: Services, readonly ref: RunRef, readonly panel: vscode.WebviewPanel, private readonly onDispose: () => void) {
    super();
    const extUri = services.context.extensionUri;
    panel.webview.options = webviewOptions(extUri);
    panel.iconPath = vscode.Uri.joinPath(extUri, 'media', 'runnable.svg');
    panel.webview.html = pageHtml(panel.webview, extUri, `Run ${ref.runId}`);
    this.register(
      this.rendered,
      panel.webview.onDidReceiveMessage((m: FromWebview) => this.onMessage(m)),
      services.runs.onDidChange(() => this.scheduleReload()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get state(): RenderedState | undefined {
    return this.lastState;
  }

  whenRendered(predicate: (s: RenderedState) => boolean = () => true): Promise<RenderedState> {
    if (this.lastState && predicate(this.lastState)) return Promise.resolve(this.lastState);
    return new Promise((resolve) => {
      const sub = this.onDidRender((s) => {
        if (predicate(s)) { sub.dispose(); resolve(s); }
      });
      this.register(sub);
    });
  }

  post(message: ToWebview): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  private async onMessage(m: FromWebview): Promise<void> {
    try {
      switch (m?.type) {
        case 'ready':
          // A page (re)loaded (first open, or shown again after being hidden): send the run whatever was sent before.
          this.ready = true;
          this.lastPosted = '';
          await this.load(false);
          break;
        case 'rendered':
          this.lastState = m.state;
          this.rendered.fire(m.state);
          break;
        case 'needStep': {
          const diff = this.run ? diffStep(this.run, m.stepInternalName) : undefined;
          if (diff) await this.post({ type: 'step', diff });
          break;
        }
        case 'select':
          break;
        case 'action':
          await this.act(m.action, m.stepInternalName);
          break;
      }
    } catch (e) {
      const msg = errorMessage(e);
      this.services.log.error(`Run details ${this.ref.runId}: ${msg}`);
      void vscode.window.showErrorMessage(msg);
    }
  }

  private async act(action: string, step: string | undefined): Promise<void> {
    const ref: RunRef = { storeId: this.ref.storeId, runId: this.ref.runId, ...(step && step !== 'job' ? { stepInternalName: step } : {}) };
    switch (action) {
      case 'retryLocally': await vscode.commands.executeCommand(Commands.retryLocally, ref); break;
      case 'retryWith': await vscode.commands.executeCommand(Commands.retryWith, ref); break;
      case 'showStepOutput': await vscode.commands.executeCommand(Commands.showStepOutput, ref); break;
      case 'openRunLog': await vscode.commands.executeCommand(Commands.openRunLog, { storeId: ref.storeId, runId: ref.runId }); break;
      case 'revealInTree': await revealInTree(this.services, ref); break;
      case 'showChanges': await vscode.commands.executeCommand(Commands.showChangesSinceRun, ref); break;
      case 'retryAtCommit': await vscode.commands.executeCommand(Commands.retryAtRecordedCommit, { storeId: ref.storeId, runId: ref.runId }); break;
    }
  }

  private scheduleReload(): void {
    if (this.isDisposed || !this.ready) return;
    clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.load(true), RELOAD_DELAY_MS);
  }

  /** The first failed task's file against the commit its attempt recorded; git only in a trusted workspace. */
  private async drift(run: Run): Promise<RunDetails['drift']> {
    if (!vscode.workspace.isTrusted || run.status !== 'FAIL') return undefined;
    const cwd = folderOfStore(this.services.runs.store(this.ref.storeId))?.uri.fsPath;
    if (!cwd) return undefined;
    const d = await stepCodeDrift(run, cwd).catch(() => undefined);
    return d && !('error' in d) ? { step: d.step, kind: d.kind, label: d.label, text: d.text } : undefined;
  }

  /** Reads the run and posts it when what the page would draw changed. Errors become a sentence on the page. */
  private async load(update: boolean): Promise<void> {
    let message: ToWebview;
    try {
      const run = (this.run = await this.services.runs.getRun(this.ref));
      // The user's errors from the failed attempts' captured logs (cached per read run by the model).
      const causes: Record<string, Record<number, string>> = {};
      await Promise.all(failedAttempts(run).map(async ({ internalName, attempt }) => {
        const cause = await this.services.runs.failureCause(this.ref, run, internalName, attempt).catch(() => undefined);
        if (cause) (causes[internalName] ??= {})[attempt.number] = cause;
      }));
      const details = shapeRunDetails(run, causes);
      const drift = await this.drift(run);
      if (drift) details.drift = drift;
      const store = this.services.runs.store(this.ref.storeId);
      const sandbox = store && sandboxOf(store.descriptor);
      const edits = sandbox ? (await readEditRecords(sandbox))[run.runId] : undefined;
      if (edits?.length) details.edits = edits.map((e) => ({ step: e.step, attempt: e.attempt, changed: e.changed }));
      message = { type: 'details', details, update };
      this.panel.title = `Run ${this.run.runId}${this.run.status === 'FAIL' ? ' (failed)' : ''}`;
    } catch (e) {
      message = { type: 'error', message: `Run ${this.ref.runId} could not be read: ${errorMessage(e)} Refresh the Runs view, or check the store's files.` };
    }
    if (this.isDisposed) return;
    const text = JSON.stringify(message.type === 'details' ? message.details : message);
    if (update && text === this.lastPosted) return;
    this.lastPosted = text;
    await this.post(message);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    clearTimeout(this.reloadTimer);
    this.onDispose();
    super.dispose();
    this.panel.dispose();
  }
}
