// The timeline: one row per step and branch (indented under its composite, collapsible), every attempt a bar on the
// shared time axis labelled with its retry indicator; folded idle gaps drawn as hatched bands. Keyboard: Up/Down
// between rows, Left/Right between attempts (or collapse/expand), Enter selects the step, Home/End.
import { timeToX, type TimeAxis } from '../core/details/axis';
import { formatDuration } from '../core/details/format';
import type { AttemptDiff } from '../core/details/attemptDiff';
import type { Timeline, TimelineBar, TimelineRow } from '../core/details/timeline';
import { h, statusClass, statusText, textWidth } from './dom';
import type { Tooltip } from './tooltip';

const LABEL_W = 300;
const MIN_TRACK = 240;
/** Must match --row-h in media/details.css. */
const ROW_H = 24;
const OVERSCAN = 20;

export interface TimelineHost {
  tooltip: Tooltip;
  selected: string | undefined;
  collapsed: Set<string>;
  select(rowId: string): void;
  toggle(rowId: string): void;
  diff(rowId: string): AttemptDiff | undefined;
}

interface Target { el: HTMLElement; row: TimelineRow; bar?: TimelineBar }

export class TimelineView {
  readonly el = h('div', { class: 'timeline', role: 'grid', 'aria-label': 'Timeline of the run: steps and their attempts' });
  /** Rows not hidden under a collapsed composite; only those near the viewport have elements (a 1,000-iteration
   * map has 3,000 rows: drawing them all costs seconds on a busy machine). */
  private rows: TimelineRow[] = [];
  private axis: TimeAxis | undefined;
  private track = MIN_TRACK;
  private body: HTMLElement | undefined;
  private readonly drawn = new Map<number, { el: HTMLElement; targets: Target[] }>();
  private focusRow = 0;
  private focusCol = 0;
  private scroller: HTMLElement | undefined;
  private scrollQueued = false;
  private readonly onScroll = (): void => {
    if (this.scrollQueued) return;
    this.scrollQueued = true;
    requestAnimationFrame(() => { this.scrollQueued = false; this.drawWindow(); });
  };

  constructor(private readonly host: TimelineHost) {
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    // Delegated: one listener per kind for thousands of bars.
    const targetOf = (e: Event): Target | undefined => {
      const el = (e.target as Element | null)?.closest?.('[data-r]') as HTMLElement | null;
      return el ? this.drawn.get(Number(el.dataset.r))?.targets[Number(el.dataset.c)] : undefined;
    };
    const show = (e: Event): void => {
      const t = targetOf(e);
      if (t?.bar) this.host.tooltip.showBar(t.bar, Number(t.el.dataset.c), t.row.name, this.host.diff(t.row.id), t.el);
    };
    this.el.addEventListener('mouseover', show);
    // Focus that arrives by click, Tab or script moves the keyboard position there, so the arrows go on from the
    // element the user sees focused (not from the row the last render chose).
    this.el.addEventListener('focusin', (e) => {
      const el = (e.target as Element | null)?.closest?.('[data-r]') as HTMLElement | null;
      if (el) {
        const r = Number(el.dataset.r);
        const c = Number(el.dataset.c);
        if (this.rows[r] && (r !== this.focusRow || c !== this.focusCol)) {
          const prev = this.target(this.focusRow, this.focusCol);
          if (prev && prev.el !== el) prev.el.tabIndex = -1;
          this.focusRow = r;
          this.focusCol = c;
          el.tabIndex = 0;
        }
      }
      show(e);
    });
    this.el.addEventListener('mouseout', (e) => { if (targetOf(e)?.bar) this.host.tooltip.hide(); });
    this.el.addEventListener('focusout', () => this.host.tooltip.hide());
    this.el.addEventListener('click', (e) => {
      const tw = (e.target as Element).closest?.('.twisty');
      const rowEl = (e.target as Element | null)?.closest?.('.tl-row') as HTMLElement | null;
      const t = targetOf(e) ?? (rowEl ? this.drawn.get(Number(rowEl.dataset.index))?.targets[0] : undefined);
      if (!t) return;
      if (tw && t.row.hasChildren) this.host.toggle(t.row.id);
      else this.host.select(t.row.id);
    });
  }

  /** Lays out the rows (drawing those in view); returns how many rows and bars the timeline holds and the failed rows. */
  render(t: Timeline, width: number, scroller: HTMLElement, relayout = false): { rows: number; bars: number; failedRows: string[] } {
    this.track = Math.max(MIN_TRACK, width - LABEL_W - 16);
    this.axis = t.axis;
    this.rows = visibleRows(t.rows, this.host.collapsed);
    if (this.scroller !== scroller) {
      this.scroller?.removeEventListener('scroll', this.onScroll);
      this.scroller = scroller;
      scroller.addEventListener('scroll', this.onScroll, { passive: true });
    }
    const body = h('div', { class: 'tl-body', style: `height:${this.rows.length * ROW_H}px` });
    for (const seg of t.axis.segments) {
      if (!seg.gap) continue;
      body.append(h('div', { class: 'tl-gap', style: `left:${LABEL_W + seg.x0 * this.track}px;width:${Math.max(6, (seg.x1 - seg.x0) * this.track)}px`, 'aria-hidden': 'true' }));
    }
    this.body = body;
    this.drawn.clear();
    this.el.replaceChildren(this.ruler(t.axis, this.track), body);
    this.el.setAttribute('aria-rowcount', String(this.rows.length));
    // Keep the keyboard position on the selected row across re-renders; a relayout (the panel resized) keeps it
    // where the user had moved it.
    const sel = relayout ? -1 : this.rows.findIndex((r) => r.id === this.host.selected);
    this.focusRow = sel >= 0 ? sel : Math.max(0, Math.min(this.focusRow, this.rows.length - 1));
    if (sel >= 0) this.scrollToRow(sel);
    this.drawWindow();
    let bars = 0;
    const failedRows: string[] = [];
    for (const r of this.rows) {
      bars += r.bars.length;
      if (r.failed) failedRows.push(r.id);
    }
    return { rows: this.rows.length, bars, failedRows };
  }

  focusSelected(): void {
    this.target(this.focusRow, this.focusCol)?.el.focus();
  }

  /** Draws the rows in (and just around) the scroller's viewport; drops the others. */
  private drawWindow(): void {
    const body = this.body;
    const axis = this.axis;
    if (!body || !axis || !body.isConnected) return;
    const sc = this.scroller;
    const top = sc ? sc.scrollTop - body.offsetTop : 0;
    const height = sc?.clientHeight || window.innerHeight;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(this.rows.length - 1, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    for (const [i, d] of this.drawn) {
      if ((i < first || i > last) && i !== this.focusRow) { d.el.remove(); this.drawn.delete(i); }
    }
    const frag = document.createDocumentFragment();
    for (let i = first; i <= last; i++) if (!this.drawn.has(i)) frag.append(this.draw(i));
    if (!this.drawn.has(this.focusRow) && this.rows[this.focusRow]) frag.append(this.draw(this.focusRow));
    body.append(frag);
    const cur = this.target(this.focusRow, this.focusCol);
    if (cur) cur.el.tabIndex = 0;
  }

  private draw(i: number): HTMLElement {
    const d = this.row(this.rows[i], this.axis!, this.track, i);
    d.el.style.top = `${i * ROW_H}px`;
    this.drawn.set(i, d);
    return d.el;
  }

  private target(r: number, c: number): Target | undefined {
    const ts = this.drawn.get(r)?.targets;
    return ts?.[Math.min(c, ts.length - 1)];
  }

  private scrollToRow(i: number): void {
    const sc = this.scroller;
    const body = this.body;
    if (!sc || !body) return;
    const y = body.offsetTop + i * ROW_H;
    const headroom = 26; // the sticky ruler
    if (y - headroom < sc.scrollTop) sc.scrollTop = y - headroom;
    else if (y + ROW_H > sc.scrollTop + sc.clientHeight) sc.scrollTop = y + ROW_H - sc.clientHeight;
  }

  private ruler(axis: TimeAxis, track: number): HTMLElement {
    const ruler = h('div', { class: 'tl-ruler', 'aria-hidden': 'true' }, h('div', { class: 'tl-ruler-label', style: `width:${LABEL_W}px` }, 'step'));
    const scale = h('div', { class: 'tl-scale', style: `width:${track}px` });
    const scaled = axis.segments.filter((s) => !s.gap);
    const scaledMs = scaled.reduce((t, s) => t + (s.endMs - s.startMs), 0) || 1;
    const scaledPx = scaled.reduce((t, s) => t + (s.x1 - s.x0) * track, 0) || 1;
    const step = niceStep((scaledMs / scaledPx) * 110);
    for (const seg of axis.segments) {
      if (seg.gap) {
        const x = seg.x0 * track;
        scale.append(h('div', { class: 'tl-gap-label', style: `left:${x}px;width:${(seg.x1 - seg.x0) * track}px`, title: `${formatDuration(seg.endMs - seg.startMs)} with nothing running (folded)` }, '⋯'));
        continue;
      }
      const first = Math.ceil((seg.startMs - axis.startMs) / step) * step + axis.startMs;
      for (let t = first; t <= seg.endMs; t += step) {
        const x = timeToX(axis, t) * track;
        // Leave room for the label: stop short of the canvas end and of a folded gap.
        if (x > track - 30 || (seg.x1 < 1 && x > seg.x1 * track - 40)) break;
        scale.append(h('div', { class: 'tl-tick', style: `left:${x}px` }, `+${formatDuration(t - axis.startMs)}`));
      }
    }
    ruler.append(scale);
    return ruler;
  }

  private row(row: TimelineRow, axis: TimeAxis, track: number, index: number): { el: HTMLElement; targets: Target[] } {
    const selected = row.id === this.host.selected;
    const el = h('div', {
      class: `tl-row ${statusClass(row.status)} kind-${row.kind}${row.failed ? ' failed' : ''}${selected ? ' selected' : ''}`,
      role: 'row', 'data-id': row.id, 'data-index': index, 'aria-selected': selected ? 'true' : 'false',
    });
    const collapsed = this.host.collapsed.has(row.id);
    const twisty = row.hasChildren
      ? h('span', { class: `twisty${collapsed ? ' collapsed' : ''}`, 'aria-hidden': 'true' }, collapsed ? '▸' : '▾')
      : h('span', { class: 'twisty' }, '');
    const duration = Number.isFinite(row.startMs) && Number.isFinite(row.endMs) ? formatDuration(row.endMs - row.startMs) : '';
    const label = h('div', {
      class: 'tl-label', role: 'rowheader', style: `width:${LABEL_W}px;padding-left:${6 + row.depth * 14}px`, title: row.id,
      'aria-expanded': row.hasChildren ? String(!collapsed) : undefined, tabindex: -1,
      'aria-label': `${row.kind === 'branch' ? 'branch' : row.type} ${row.name}, ${statusText(row.status)}${duration ? `, ${duration}` : ''}${row.bars.length ? `, ${row.bars.length} attempt${row.bars.length > 1 ? 's' : ''}` : ''}`,
    }, twisty, h('span', { class: `dot ${statusClass(row.status)}`, 'aria-hidden': 'true' }),
      h('span', { class: 'tl-name' }, row.kind === 'branch' ? `[${row.name}]` : row.name),
      row.kind === 'step' && row.type !== 'task' ? h('span', { class: 'chip' }, row.type) : undefined,
      h('span', { class: 'tl-dur' }, duration));
    const trackEl = h('div', { class: 'tl-track', role: 'gridcell', style: `width:${track}px` });
    const targets: Target[] = [];
    if (!row.bars.length && Number.isFinite(row.startMs)) {
      const x0 = timeToX(axis, row.startMs) * track;
      const x1 = timeToX(axis, row.endMs) * track;
      trackEl.append(h('div', { class: `tl-span ${statusClass(row.status)}`, style: `left:${x0}px;width:${Math.max(2, x1 - x0)}px` }));
    }
    row.bars.forEach((bar, i) => {
      const x0 = timeToX(axis, bar.startMs) * track;
      const x1 = timeToX(axis, bar.endMs) * track;
      const w = Math.max(3, x1 - x0);
      const nextX = i + 1 < row.bars.length ? timeToX(axis, row.bars[i + 1].startMs) * track : track;
      const long = `${bar.label} · ${formatDuration(bar.durationMs)}`;
      const b = h('div', {
        class: `tl-bar ${statusClass(bar.status)}${bar.retryIndicator ? ' retry' : ''}`, role: 'button', tabindex: -1,
        style: `left:${x0}px;width:${w}px`, 'data-attempt': bar.attemptNumber, 'data-indicator': bar.retryIndicator,
        'aria-label': `${row.name}: attempt ${bar.attemptNumber}, ${bar.label}, ${statusText(bar.status)}, ${formatDuration(bar.durationMs)}`,
        'aria-describedby': 'tooltip',
      });
      // The label goes inside the bar when it fits, else right after it when there is room before the next attempt.
      if (w >= textWidth(long)) b.append(h('span', { class: 'tl-bar-text' }, long));
      else if (w >= textWidth(bar.label)) b.append(h('span', { class: 'tl-bar-text' }, bar.label));
      else if (nextX - (x0 + w) >= textWidth(bar.label) + 4) trackEl.append(h('span', { class: 'tl-bar-after', style: `left:${x0 + w + 3}px`, 'aria-hidden': 'true' }, bar.label));
      b.dataset.r = String(index);
      b.dataset.c = String(i);
      trackEl.append(b);
      targets.push({ el: b, row, bar });
    });
    if (!targets.length) {
      label.dataset.r = String(index);
      label.dataset.c = '0';
      targets.push({ el: label, row });
    }
    el.append(label, trackEl);
    return { el, targets };
  }

  private onKey(e: KeyboardEvent): void {
    const n = this.rows.length;
    if (!n) return;
    const cur = this.target(this.focusRow, this.focusCol);
    let r = this.focusRow;
    let c = this.focusCol;
    const row = this.rows[r];
    switch (e.key) {
      case 'ArrowDown': r = Math.min(n - 1, r + 1); break;
      case 'ArrowUp': r = Math.max(0, r - 1); break;
      case 'ArrowRight':
        if (!row.bars.length && row.hasChildren && this.host.collapsed.has(row.id)) { this.host.toggle(row.id); e.preventDefault(); return; }
        c = Math.min(Math.max(0, row.bars.length - 1), c + 1); break;
      case 'ArrowLeft':
        if (!row.bars.length && row.hasChildren && !this.host.collapsed.has(row.id)) { this.host.toggle(row.id); e.preventDefault(); return; }
        c = Math.max(0, c - 1); break;
      case 'Home': r = 0; break;
      case 'End': r = n - 1; break;
      case 'PageDown': r = Math.min(n - 1, r + 15); break;
      case 'PageUp': r = Math.max(0, r - 15); break;
      case 'Enter': case ' ':
        this.host.select(row.id);
        e.preventDefault();
        return;
      default: return;
    }
    e.preventDefault();
    if (cur) cur.el.tabIndex = -1;
    this.focusRow = r;
    this.focusCol = Math.min(c, Math.max(0, this.rows[r].bars.length - 1));
    this.scrollToRow(r);
    this.drawWindow();
    const next = this.target(r, this.focusCol);
    if (next) {
      next.el.tabIndex = 0;
      next.el.focus({ preventScroll: true });
    }
  }
}

/** Rows not hidden under a collapsed ancestor. */
export function visibleRows(rows: TimelineRow[], collapsed: Set<string>): TimelineRow[] {
  if (!collapsed.size) return rows;
  const hidden = new Set<string>();
  return rows.filter((r) => {
    if (r.parentId && (collapsed.has(r.parentId) || hidden.has(r.parentId))) {
      hidden.add(r.id);
      return false;
    }
    return true;
  });
}

/** 1, 2 or 5 times a power of ten, at least `ms`. */
function niceStep(ms: number): number {
  const p = Math.pow(10, Math.floor(Math.log10(Math.max(ms, 0.001))));
  for (const m of [1, 2, 5, 10]) if (m * p >= ms) return m * p;
  return 10 * p;
}
