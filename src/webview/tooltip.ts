// The hover/focus card of a timeline bar: the attempt's label, status, times, message, inputs, outputs and metrics.
import type { AttemptDiff } from '../core/details/attemptDiff';
import type { TimelineBar } from '../core/details/timeline';
import { formatDuration } from '../core/details/format';
import { h, statusClass, statusText } from './dom';

export class Tooltip {
  readonly el = h('div', { class: 'tooltip', role: 'tooltip', id: 'tooltip', hidden: true });

  /** diff: the step's attempt diff, whose columns line up with the step's bars (inputs/outputs/metrics come from it). */
  showBar(bar: TimelineBar, index: number, stepName: string, diff: AttemptDiff | undefined, anchor: Element): void {
    const group = (g: 'inputs' | 'outputs' | 'metrics'): Record<string, string> => {
      const out: Record<string, string> = {};
      for (const r of diff?.rows ?? []) if (r.group === g && r.values[index] !== undefined) out[r.key] = r.values[index]!;
      return out;
    };
    this.el.replaceChildren(
      h('div', { class: 'tt-head' }, h('strong', {}, stepName), ' · ', bar.label, ' · ',
        h('span', { class: `badge ${statusClass(bar.status)}` }, statusText(bar.status))),
      h('div', { class: 'tt-time' }, `attempt ${bar.attemptNumber} · ${bar.startTime || '?'} → ${bar.endTime || '?'} · ${formatDuration(bar.durationMs)}`),
      ...(bar.message.trim() ? [h('pre', { class: 'tt-message' }, bar.message.trim())] : []),
      ...this.params('inputs', group('inputs')),
      ...this.params('outputs', group('outputs')),
      ...this.params('metrics', group('metrics')),
    );
    this.place(anchor);
  }

  showText(lines: string[], anchor: Element): void {
    this.el.replaceChildren(...lines.map((l, i) => (i === 0 ? h('div', { class: 'tt-head' }, h('strong', {}, l)) : h('div', {}, l))));
    this.place(anchor);
  }

  hide(): void {
    this.el.hidden = true;
  }

  private params(title: string, values: Record<string, string>): HTMLElement[] {
    const keys = Object.keys(values);
    if (!keys.length) return [];
    const shown = keys.slice(0, 12);
    return [h('div', { class: 'tt-group' }, h('div', { class: 'tt-group-title' }, title),
      ...shown.map((k) => h('div', { class: 'tt-param' }, h('span', { class: 'tt-key' }, k), ' = ', h('code', {}, values[k]))),
      ...(keys.length > shown.length ? [h('div', { class: 'muted' }, `… ${keys.length - shown.length} more`)] : []))];
  }

  private place(anchor: Element): void {
    this.el.hidden = false;
    const r = anchor.getBoundingClientRect();
    const w = this.el.offsetWidth;
    const ht = this.el.offsetHeight;
    let left = r.left;
    let top = r.bottom + 6;
    if (left + w > window.innerWidth - 8) left = Math.max(8, window.innerWidth - w - 8);
    if (top + ht > window.innerHeight - 8) top = Math.max(8, r.top - ht - 6);
    this.el.style.left = `${left + window.scrollX}px`;
    this.el.style.top = `${top + window.scrollY}px`;
  }
}
