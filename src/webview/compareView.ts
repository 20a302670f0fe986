// "Compare Runs": two runs of one pipeline side by side: parameters, then every step's status, attempts and duration,
// differences highlighted.
import { formatDuration } from '../core/details/format';
import type { RunComparison } from '../core/details/compare';
import { h, statusClass, statusText } from './dom';

export function renderCompare(c: RunComparison): HTMLElement {
  const root = h('div', { class: 'compare' });
  root.append(h('header', { class: 'run-head' },
    h('h1', {}, `Compare ${c.a.runId} ↔ ${c.b.runId}`),
    h('div', { class: 'facts' },
      h('span', {}, `pipeline ${c.definitionFile || '?'}`),
      h('span', {}, `same ${c.samePipelineBy}${c.dagDiffers ? ' (the dag changed between the runs)' : ''}`),
      h('span', { class: c.differences ? 'changed-summary' : 'muted' }, c.differences ? `${c.differences} difference${c.differences === 1 ? '' : 's'}` : 'no differences'))));
  const side = (x: RunComparison['a']): Array<HTMLElement | string> => [h('span', { class: `badge ${statusClass(x.status)}` }, statusText(x.status)), ` ${x.startTime ?? ''} · ${formatDuration(x.durationMs)}${x.tag ? ` · tag ${x.tag}` : ''}`];
  const runs = h('table', { class: 'compare-table' },
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col' }, c.a.runId), h('th', { scope: 'col' }, c.b.runId))),
    h('tbody', {}, h('tr', {}, h('th', { scope: 'row' }, 'run'), h('td', {}, ...side(c.a)), h('td', {}, ...side(c.b)))));
  root.append(runs);

  root.append(h('h2', {}, 'Parameters'));
  const params = h('tbody');
  for (const p of c.parameters) {
    params.append(h('tr', { class: p.differs ? 'differs' : '' }, h('th', { scope: 'row' }, p.name),
      h('td', { class: p.differs ? 'changed' : '' }, p.a ?? '—'), h('td', { class: p.differs ? 'changed' : '' }, p.b ?? '—')));
  }
  root.append(c.parameters.length ? h('table', { class: 'compare-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'name'), h('th', {}, c.a.runId), h('th', {}, c.b.runId))), params) : h('p', { class: 'muted' }, 'Neither run has parameters.'));

  root.append(h('h2', {}, 'Steps'));
  const steps = h('tbody');
  for (const st of c.steps) {
    const cell = (x: typeof st.a): HTMLElement => x
      ? h('td', { class: st.statusDiffers ? 'changed' : '' }, h('span', { class: `dot ${statusClass(x.status)}` }), ` ${statusText(x.status)} · ${x.duration}${x.attempts > 1 ? ` · ${x.attempts} attempts` : ''}`)
      : h('td', { class: 'absent changed' }, 'not run');
    const delta = st.durationDeltaMs === undefined ? '' : `${st.durationDeltaMs >= 0 ? '+' : '−'}${formatDuration(Math.abs(st.durationDeltaMs))}`;
    steps.append(h('tr', { class: st.statusDiffers ? 'differs' : '' },
      h('th', { scope: 'row', style: `padding-left:${6 + st.depth * 14}px` }, st.name, st.type !== 'task' ? h('span', { class: 'chip' }, st.type) : undefined),
      cell(st.a), cell(st.b), h('td', { class: 'muted' }, delta)));
  }
  root.append(h('table', { class: 'compare-table steps' },
    h('thead', {}, h('tr', {}, h('th', {}, 'step'), h('th', {}, c.a.runId), h('th', {}, c.b.runId), h('th', {}, 'Δ duration'))), steps));
  return root;
}
