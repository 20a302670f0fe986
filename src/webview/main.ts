// Run-details webview entry (bundled to dist/webview.js): receives a shaped run (or a comparison) from the extension,
// draws the header, the timeline / graph tabs and the step panel, posts actions back, and reports what it rendered.
import { formatDuration } from '../core/details/format';
import type { AttemptDiff } from '../core/details/attemptDiff';
import type { GraphNode } from '../core/details/graph';
import type { DetailsAction, FromWebview, RenderedState, ToWebview } from '../core/details/messages';
import type { RunDetails } from '../core/details/runDetails';
import { renderCompare } from './compareView';
import { h, statusClass, statusText } from './dom';
import { GraphView } from './graphView';
import { renderStepPanel } from './stepPanel';
import { TimelineView } from './timelineView';
import { Tooltip } from './tooltip';

interface VsCodeApi { postMessage(m: FromWebview): void; getState(): unknown; setState(s: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;

type Tab = 'timeline' | 'graph';
interface Saved { tab?: Tab; selected?: string; collapsed?: string[]; runId?: string }

class App {
  private readonly vscode = acquireVsCodeApi();
  private readonly root = document.getElementById('app') ?? document.body;
  private readonly tooltip = new Tooltip();
  private details: RunDetails | undefined;
  private tab: Tab = 'timeline';
  private selected: string | undefined;
  private collapsed = new Set<string>();
  private renderCount = 0;
  private readonly timeline: TimelineView;
  private readonly graph: GraphView;
  private lastState: RenderedState | undefined;
  /** Diffs the first message left out, fetched on demand (needStep). */
  private readonly fetched = new Map<string, AttemptDiff>();
  private readonly pending = new Set<string>();

  constructor() {
    const saved = (this.vscode.getState() ?? {}) as Saved;
    if (saved.tab) this.tab = saved.tab;
    this.selected = saved.selected;
    this.collapsed = new Set(saved.collapsed ?? []);
    const host = {
      tooltip: this.tooltip,
      get selected() { return app.selected; },
      get collapsed() { return app.collapsed; },
      select: (id: string) => this.select(id),
      toggle: (id: string) => this.toggle(id),
      selectNode: (n: GraphNode) => this.selectNode(n),
      diff: (id: string) => this.diff(id),
    };
    const app = this;
    this.timeline = new TimelineView(host);
    this.graph = new GraphView(host);
    document.body.append(this.tooltip.el);
    window.addEventListener('message', (e: MessageEvent<ToWebview>) => this.onMessage(e.data));
    let resizeTimer: number | undefined;
    window.addEventListener('resize', () => {
      clearTimeout(resizeTimer);
      // A resize redraws the bars to the new width; the focused bar keeps its focus and its keyboard position
      // (the side bar closing while the user moves with the arrows must not drop them out of the timeline).
      resizeTimer = window.setTimeout(() => { if (this.details && this.tab === 'timeline') this.render(true, performance.now(), true); }, 120);
    });
    this.vscode.postMessage({ type: 'ready' });
  }

  private onMessage(m: ToWebview): void {
    if (!m || typeof m !== 'object') return;
    const t0 = performance.now();
    switch (m.type) {
      case 'details': {
        const sameRun = this.details?.runId === m.details.runId || (this.vscode.getState() as Saved | undefined)?.runId === m.details.runId;
        this.details = m.details;
        if (!sameRun || !this.selected || !(this.selected in m.details.steps || m.details.timeline.rows.some((r) => r.id === this.selected))) {
          this.selected = m.details.firstFailed ?? (sameRun ? this.selected : undefined);
        }
        if (!sameRun) this.collapsed.clear();
        this.fetched.clear();
        this.pending.clear();
        this.render(false, t0);
        break;
      }
      case 'compare':
        this.details = undefined;
        this.root.replaceChildren(renderCompare(m.comparison));
        this.report({ view: 'compare', runId: `${m.comparison.a.runId} ${m.comparison.b.runId}`, timelineRows: 0, timelineBars: 0, graphNodes: 0, failedRows: [], failedPathNodes: [] }, t0);
        break;
      case 'error':
        this.details = undefined;
        this.root.replaceChildren(h('div', { class: 'error', role: 'alert' }, m.message));
        this.report({ view: 'error', timelineRows: 0, timelineBars: 0, graphNodes: 0, failedRows: [], failedPathNodes: [] }, t0);
        break;
      case 'select':
        if (this.details) this.select(m.step);
        break;
      case 'step':
        this.pending.delete(m.diff.internalName);
        this.fetched.set(m.diff.internalName, m.diff);
        if (this.details && this.selected === m.diff.internalName) {
          this.root.querySelector('.step-panel')?.replaceWith(renderStepPanel(this.details, this.selected, m.diff, (a, st) => this.act(a, st)));
        }
        break;
      case 'tab':
        if (this.details) this.setTab(m.tab);
        break;
    }
  }

  private render(keepFocus: boolean, t0 = performance.now(), relayout = false): void {
    const d = this.details;
    if (!d) return;
    this.vscode.setState({ tab: this.tab, selected: this.selected, collapsed: [...this.collapsed], runId: d.runId } satisfies Saved);
    const hadFocus = keepFocus && this.root.contains(document.activeElement);
    const header = this.header(d);
    const tabs = this.tabs();
    const view = h('div', { class: 'view', id: `panel-${this.tab}`, role: 'tabpanel', 'aria-labelledby': `tab-${this.tab}` });
    this.root.replaceChildren(header, tabs, view);
    let rows = 0;
    let bars = 0;
    let failedRows: string[] = [];
    let graphNodes = 0;
    let failedPath: string[] = [];
    if (this.tab === 'timeline') {
      view.append(this.timeline.el);
      const r = this.timeline.render(d.timeline, view.clientWidth || window.innerWidth, view, relayout);
      ({ rows, bars, failedRows } = r);
    } else {
      view.append(this.graph.el);
      const g = this.graph.render(d.graph);
      graphNodes = g.nodes;
      failedPath = g.failedPath;
    }
    this.root.append(renderStepPanel(d, this.selected, this.selected ? this.diff(this.selected) : undefined, (a, step) => this.act(a, step)));
    if (hadFocus) (this.tab === 'timeline' ? this.timeline : this.graph).focusSelected();
    const failedRowsAll = d.timeline.rows.filter((r) => r.failed).map((r) => r.id);
    this.report({
      view: 'details', runId: d.runId, tab: this.tab, selectedStep: this.selected,
      timelineRows: rows, timelineBars: bars, graphNodes,
      failedRows: this.tab === 'timeline' ? failedRows : failedRowsAll,
      failedPathNodes: this.tab === 'graph' ? failedPath : d.graph.nodes.filter((n) => n.onFailedPath).map((n) => n.id),
      causeShown: this.root.querySelector('.run-cause')?.textContent ?? undefined,
      stepCauseShown: this.root.querySelector('.step-cause')?.textContent ?? undefined,
      driftShown: this.root.querySelector('.code-drift .drift-label')?.textContent ?? undefined,
      editedShown: this.root.querySelector('.inputs-edited')?.textContent ?? undefined,
      editedColumns: Array.from(this.root.querySelectorAll('th.edited'), (e) => e.textContent ?? ''),
    }, t0);
  }

  private header(d: RunDetails): HTMLElement {
    const actions = h('div', { class: 'actions' });
    const button = (label: string, action: DetailsAction, title: string, primary = false): void => {
      const b = h('button', { class: primary ? 'primary' : 'secondary', title, 'data-action': action }, label);
      b.addEventListener('click', () => this.act(action, action === 'retryLocally' ? d.firstFailed : undefined));
      actions.append(b);
    };
    if (d.status === 'FAIL') button('Retry locally', 'retryLocally', `Retry under the debugger from ${d.firstFailed ?? 'the failed step'} (retry indicator ${d.nextRetryIndicator})`, true);
    if (d.status === 'FAIL') button('Retry with…', 'retryWith', 'Retry with environment variables and a retry indicator you give (remembered for this run)');
    button('Open run log', 'openRunLog', 'Open the run log JSON');
    button('Reveal in Runs view', 'revealInTree', 'Select this run in the Runs view');
    const facts = [
      d.kind === 'job' ? 'job' : `pipeline ${d.definitionFile || '?'}`,
      d.startTime ? `started ${d.startTime}` : undefined,
      `took ${formatDuration(d.durationMs)}`,
      d.executor ? `executor ${d.executor}` : undefined,
      d.tag ? `tag ${d.tag}` : undefined,
      d.timeline.indicators.length > 1 ? `${d.timeline.indicators.length} executions (${d.timeline.indicators.map((i) => (i === '' ? 'original' : `retry ${i}`)).join(', ')})` : undefined,
      d.status === 'FAIL' && d.firstFailed ? `failed at ${d.firstFailed}` : undefined,
    ].filter((x): x is string => !!x);
    const cause = d.status === 'FAIL' && d.firstFailedCause ? h('pre', { class: 'run-cause', title: 'The exception the step raised, from its captured output' }, d.firstFailedCause) : undefined;
    return h('header', { class: 'run-head' },
      h('h1', {}, h('span', { class: `dot ${statusClass(d.status)}`, 'aria-hidden': 'true' }), ` ${d.runId} `, h('span', { class: `badge ${statusClass(d.status)}` }, statusText(d.status))),
      h('div', { class: 'facts' }, ...facts.map((f) => h('span', {}, f))),
      ...(cause ? [cause] : []),
      ...(d.warnings.length ? [h('div', { class: 'warning' }, d.warnings.join(' '))] : []),
      actions);
  }

  private tabs(): HTMLElement {
    const list = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Run views' });
    for (const [id, label] of [['timeline', 'Timeline'], ['graph', 'Graph']] as Array<[Tab, string]>) {
      const active = id === this.tab;
      const b = h('button', { class: `tab${active ? ' active' : ''}`, role: 'tab', id: `tab-${id}`, 'aria-selected': String(active), 'aria-controls': `panel-${id}`, tabindex: active ? 0 : -1 }, label);
      b.addEventListener('click', () => this.setTab(id));
      b.addEventListener('keydown', (e) => {
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
          e.preventDefault();
          this.setTab(this.tab === 'timeline' ? 'graph' : 'timeline');
          document.getElementById(`tab-${this.tab}`)?.focus();
        }
      });
      list.append(b);
    }
    return list;
  }

  /** The step's diff if known; otherwise asks the extension once (the answer re-draws the step panel). */
  private diff(id: string): AttemptDiff | undefined {
    const d = this.details?.steps[id] ?? this.fetched.get(id);
    if (!d && this.details?.timeline.rows.some((r) => r.id === id && r.bars.length) && !this.pending.has(id)) {
      this.pending.add(id);
      this.vscode.postMessage({ type: 'needStep', stepInternalName: id });
    }
    return d;
  }

  private setTab(tab: Tab): void {
    if (tab === this.tab) return;
    this.tab = tab;
    this.tooltip.hide();
    this.render(false);
  }

  private select(id: string): void {
    this.selected = id;
    this.tooltip.hide();
    this.vscode.postMessage({ type: 'select', stepInternalName: id });
    this.render(true);
  }

  private selectNode(n: GraphNode): void {
    const d = this.details;
    if (!d) return;
    const failed = n.steps.find((s) => d.timeline.rows.find((r) => r.id === s)?.status === 'FAIL');
    const id = failed ?? n.steps[0];
    if (id) this.select(id);
  }

  private toggle(id: string): void {
    if (this.collapsed.has(id)) this.collapsed.delete(id);
    else this.collapsed.add(id);
    this.render(true);
  }

  private act(action: DetailsAction, step?: string): void {
    this.vscode.postMessage({ type: 'action', action, stepInternalName: step });
  }

  private report(partial: Omit<RenderedState, 'renderMs' | 'renderCount'>, t0: number): void {
    const count = ++this.renderCount;
    // After the frame is laid out: what the user sees is ready.
    requestAnimationFrame(() => {
      this.lastState = { ...partial, renderMs: performance.now() - t0, renderCount: count };
      this.vscode.postMessage({ type: 'rendered', state: this.lastState });
    });
  }
}

new App();
