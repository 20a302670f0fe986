// The "Compare Runs" tab: two runs of one pipeline side by side, recomputed when either changes on disk.
import * as vscode from 'vscode';
import { compareRuns } from '../../core/details/compare';
import type { FromWebview, RenderedState, ToWebview } from '../../core/details/messages';
import type { RunRef, Services } from '../services';
import { pageHtml, webviewOptions } from './webviewPage';
import { errorMessage } from '../../core/text/errorMessage';
import { Disposable } from '../disposable';

export const COMPARE_VIEW_TYPE = 'runnable.compareRuns';

export class ComparePanel extends Disposable {
  private readonly rendered = new vscode.EventEmitter<RenderedState>();
  readonly onDidRender = this.rendered.event;
  state: RenderedState | undefined;
  private lastPosted = '';
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly services: Services, readonly a: RunRef, readonly b: RunRef, readonly panel: vscode.WebviewPanel) {
    super();
    const extUri = services.context.extensionUri;
    panel.webview.options = webviewOptions(extUri);
    panel.webview.html = pageHtml(panel.webview, extUri, `Compare ${a.runId} and ${b.runId}`);
    this.register(
      this.rendered,
      panel.webview.onDidReceiveMessage((m: FromWebview) => {
        if (m?.type === 'ready') { this.lastPosted = ''; void this.load(); }
        if (m?.type === 'rendered') { this.state = m.state; this.rendered.fire(m.state); }
      }),
      services.runs.onDidChange(() => { clearTimeout(this.timer); this.timer = setTimeout(() => void this.load(), 250); }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  override dispose(): void {
    clearTimeout(this.timer);
    super.dispose();
  }

  whenRendered(): Promise<RenderedState> {
    if (this.state) return Promise.resolve(this.state);
    return new Promise((resolve) => { const sub = this.onDidRender((s) => { sub.dispose(); resolve(s); }); });
  }

  private async load(): Promise<void> {
    let message: ToWebview;
    try {
      const [ra, rb] = await Promise.all([this.services.runs.getRun(this.a), this.services.runs.getRun(this.b)]);
      message = { type: 'compare', comparison: compareRuns(ra, rb) };
    } catch (e) {
      message = { type: 'error', message: errorMessage(e) };
    }
    const text = JSON.stringify(message);
    if (text === this.lastPosted) return;
    this.lastPosted = text;
    await this.panel.webview.postMessage(message);
  }
}
