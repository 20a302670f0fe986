// The pipeline graph in SVG: nodes coloured by this run's statuses, composite boxes holding their branches,
// `next` / `on_failure` / failure edges, the failed path drawn bold. Nodes are focusable; arrow keys move to the
// nearest node in that direction, Enter selects its step.
import type { GraphLayout, GraphNode } from '../core/details/graph';
import { h, s, statusClass, statusText } from './dom';
import type { Tooltip } from './tooltip';

export interface GraphHost {
  tooltip: Tooltip;
  selected: string | undefined;
  /** Selects the step a node stands for (a map node: its failed iteration first). */
  selectNode(node: GraphNode): void;
}

export class GraphView {
  readonly el = h('div', { class: 'graph', role: 'group', 'aria-label': 'Pipeline graph of the run' });
  private nodes: Array<{ node: GraphNode; el: SVGGElement }> = [];
  private focused = 0;

  constructor(private readonly host: GraphHost) {
    this.el.addEventListener('keydown', (e) => this.onKey(e));
  }

  render(g: GraphLayout): { nodes: number; failedPath: string[] } {
    if (g.problem) {
      this.el.replaceChildren(h('p', { class: 'muted' }, g.problem));
      this.nodes = [];
      return { nodes: 0, failedPath: [] };
    }
    const svg = s('svg', { width: g.width, height: g.height, viewBox: `0 0 ${g.width} ${g.height}`, class: 'graph-svg' });
    svg.append(s('defs', {},
      marker('arrow', 'edge-arrow'), marker('arrow-fail', 'edge-arrow failpath'), marker('arrow-muted', 'edge-arrow muted')));
    // Composite boxes first (behind), then their branch boxes, edges, leaf nodes on top.
    const composites = g.nodes.filter((n) => n.composite);
    for (const n of composites) svg.append(this.node(n));
    for (const c of g.clusters) {
      svg.append(s('g', { class: `cluster ${statusClass(c.status)}` },
        s('rect', { x: c.x, y: c.y, width: c.w, height: c.h, rx: 4 }),
        s('text', { x: c.x + 8, y: c.y + 15, class: 'cluster-label' }, c.iterations !== undefined ? `${c.name} (${c.iterations} recorded)` : c.name)));
    }
    for (const e of g.edges) {
      const cls = `edge kind-${e.kind}${e.taken ? ' taken' : ''}${e.onFailedPath ? ' failpath' : ''}`;
      const markerId = e.onFailedPath ? 'arrow-fail' : e.taken ? 'arrow' : 'arrow-muted';
      const path = s('polyline', { points: e.points.map(([x, y]) => `${x},${y}`).join(' '), class: cls, 'marker-end': `url(#${markerId})` });
      svg.append(path);
      if (e.kind === 'on_failure') {
        const [x, y] = e.points[1] ?? e.points[0];
        svg.append(s('text', { x: x + 3, y: y - 3, class: 'edge-label' }, 'on_failure'));
      }
    }
    this.nodes = [];
    for (const n of g.nodes) {
      const el = n.composite ? (svg.querySelector(`[data-id="${cssEscape(n.id)}"]`) as SVGGElement) : this.node(n);
      if (!n.composite) svg.append(el);
      this.nodes.push({ node: n, el });
    }
    // Reading order for keyboard: top to bottom, left to right.
    this.nodes.sort((a, b) => a.node.y - b.node.y || a.node.x - b.node.x);
    const sel = this.nodes.findIndex((x) => x.node.steps.includes(this.host.selected ?? '\u0000'));
    this.focused = sel >= 0 ? sel : Math.min(this.focused, this.nodes.length - 1);
    if (this.nodes[this.focused]) this.nodes[this.focused].el.setAttribute('tabindex', '0');
    this.el.replaceChildren(svg, legend());
    return { nodes: g.nodes.length, failedPath: g.nodes.filter((n) => n.onFailedPath).map((n) => n.id) };
  }

  focusSelected(): void {
    this.nodes[this.focused]?.el.focus();
  }

  private node(n: GraphNode): SVGGElement {
    const selected = this.host.selected !== undefined && n.steps.includes(this.host.selected);
    const cls = `node ${statusClass(n.status)} type-${n.type}${n.composite ? ' composite' : ''}${n.onFailedPath ? ' failpath' : ''}${selected ? ' selected' : ''}`;
    const multi = n.steps.length > 1;
    const countText = multi ? Object.entries(n.counts).map(([k, v]) => `${v} ${statusText(k)}`).join(', ') : statusText(n.status);
    const g = s('g', {
      class: cls, tabindex: -1, role: 'button', 'data-id': n.id,
      'aria-label': `${n.type} ${n.name}: ${countText}${n.onFailedPath ? ', on the failed path' : ''}`,
    });
    const terminal = n.type === 'success' || n.type === 'fail';
    g.append(s('rect', { x: n.x, y: n.y, width: n.w, height: n.h, rx: terminal ? n.h / 2 : 6 }));
    if (n.composite) {
      g.append(s('text', { x: n.x + 10, y: n.y + 18, class: 'node-title' }, `${n.name}`),
        s('text', { x: n.x + n.w - 10, y: n.y + 18, class: 'node-sub', 'text-anchor': 'end' }, n.type));
    } else {
      g.append(s('text', { x: n.x + n.w / 2, y: n.y + (terminal ? n.h / 2 + 4 : 15), 'text-anchor': 'middle', class: 'node-title' }, clip(n.name, terminal ? 12 : 24)));
      if (!terminal) g.append(s('text', { x: n.x + n.w / 2, y: n.y + 28, 'text-anchor': 'middle', class: 'node-sub' }, clip(multi ? countText : `${n.type} · ${statusText(n.status)}`, 28)));
    }
    const tip = (): void => this.host.tooltip.showText([n.name, `${n.type} · ${countText}`, ...(n.command ? [n.command] : []), ...(n.steps.length > 1 ? [`${n.steps.length} recorded steps (map iterations)`] : [])], g);
    g.addEventListener('mouseenter', tip);
    g.addEventListener('focus', tip);
    g.addEventListener('mouseleave', () => this.host.tooltip.hide());
    g.addEventListener('blur', () => this.host.tooltip.hide());
    g.addEventListener('click', (e) => { e.stopPropagation(); this.host.selectNode(n); });
    return g;
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.nodes.length) return;
    const cur = this.nodes[this.focused];
    let next = this.focused;
    const dirs: Record<string, [number, number]> = { ArrowDown: [0, 1], ArrowUp: [0, -1], ArrowRight: [1, 0], ArrowLeft: [-1, 0] };
    if (e.key in dirs) {
      next = nearest(this.nodes.map((x) => x.node), this.focused, dirs[e.key]);
    } else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = this.nodes.length - 1;
    else if (e.key === 'Tab') return;
    else if (e.key === 'Enter' || e.key === ' ') {
      this.host.selectNode(cur.node);
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    cur.el.setAttribute('tabindex', '-1');
    this.focused = next;
    const el = this.nodes[next].el;
    el.setAttribute('tabindex', '0');
    el.focus();
  }
}

/** The closest node whose centre lies in direction `d` (within a 45° cone), else stay. */
function nearest(nodes: GraphNode[], from: number, d: [number, number]): number {
  const c = (n: GraphNode): [number, number] => [n.x + n.w / 2, n.y + Math.min(n.h, 34) / 2];
  const [fx, fy] = c(nodes[from]);
  let best = from;
  let bestScore = Infinity;
  nodes.forEach((n, i) => {
    if (i === from) return;
    const [x, y] = c(n);
    const along = (x - fx) * d[0] + (y - fy) * d[1];
    const across = Math.abs((x - fx) * d[1]) + Math.abs((y - fy) * d[0]);
    if (along <= 0 || across > along * 1.5) return;
    const score = along + across * 2;
    if (score < bestScore) { bestScore = score; best = i; }
  });
  return best;
}

function marker(id: string, cls: string): SVGMarkerElement {
  return s('marker', { id, viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M0,0 L10,5 L0,10 z', class: cls }));
}

function legend(): HTMLElement {
  const item = (cls: string, text: string): HTMLElement => h('span', { class: 'legend-item' }, h('span', { class: `dot ${cls}` }), text);
  return h('div', { class: 'legend', 'aria-hidden': 'true' },
    item('status-success', 'succeeded'), item('status-fail', 'failed'), item('status-processing', 'running'), item('status-not_run', 'not run'),
    h('span', { class: 'legend-item' }, h('span', { class: 'legend-line failpath' }), 'failed path'),
    h('span', { class: 'legend-item' }, h('span', { class: 'legend-line dashed' }), 'on_failure / failure'));
}

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

function cssEscape(v: string): string {
  return v.replace(/["\\]/g, '\\$&');
}
