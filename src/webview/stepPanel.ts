// The step panel: the selected step's attempts side by side (status, message, duration, inputs, outputs, metrics),
// cells that differ from the original attempt highlighted, and the actions on the step.
import type { AttemptDiff } from '../core/details/attemptDiff';
import type { DetailsAction } from '../core/details/messages';
import type { RunDetails } from '../core/details/runDetails';
import type { TimelineRow } from '../core/details/timeline';
import { h, statusClass, statusText } from './dom';

/** diff: the step's attempt diff; undefined while the extension is still sending it (a step with attempts) or for composites. */
export function renderStepPanel(details: RunDetails, stepId: string | undefined, diff: AttemptDiff | undefined, act: (a: DetailsAction, step?: string) => void): HTMLElement {
  const panel = h('section', { class: 'step-panel', 'aria-label': 'Selected step', 'aria-live': 'polite' });
  if (!stepId) {
    panel.append(h('p', { class: 'muted' }, 'Select a step in the timeline or the graph (click, or Enter on a focused bar or node) to see its attempts.'));
    return panel;
  }
  const row: TimelineRow | undefined = details.timeline.rows.find((r) => r.id === stepId);
  const status = diff?.status ?? row?.status ?? 'NOT_RUN';
  const actions = h('div', { class: 'actions' });
  const button = (label: string, action: DetailsAction, title: string, primary = false): HTMLButtonElement => {
    const b = h('button', { class: primary ? 'primary' : 'secondary', title, 'data-action': action }, label);
    b.addEventListener('click', () => act(action, stepId));
    return b;
  };
  if (details.status === 'FAIL' && (row?.failed || stepId === details.firstFailed)) {
    actions.append(button('Retry locally', 'retryLocally', `Retry run ${details.runId} locally under the debugger (retry indicator ${details.nextRetryIndicator})`, true));
  }
  if (diff) actions.append(button('Show step output', 'showStepOutput', 'Open the output this step captured'));
  actions.append(button('Reveal in Runs view', 'revealInTree', 'Select this step in the Runs view'));
  panel.append(h('header', { class: 'step-head' },
    h('h2', {}, h('span', { class: `dot ${statusClass(status)}`, 'aria-hidden': 'true' }), ` ${row?.name ?? stepId}`),
    h('span', { class: `badge ${statusClass(status)}` }, statusText(status)),
    h('code', { class: 'muted' }, stepId),
    diff?.command ? h('code', { class: 'muted' }, diff.command) : undefined,
    actions));
  // The user's error of the step's latest failed attempt (from its captured log), above runnable's own message.
  const causes = details.causes[stepId] ?? {};
  const lastFailed = [...(row?.bars ?? [])].reverse().find((b) => b.status === 'FAIL' && causes[b.attemptNumber]);
  if (lastFailed) panel.append(h('pre', { class: 'step-message step-cause' }, causes[lastFailed.attemptNumber]));
  if (row?.message.trim()) panel.append(h('pre', { class: 'step-message' }, row.message.trim()));
  // What changed since the run: the function's file against the commit the attempt recorded (git, trusted only).
  const drift = details.drift?.step === stepId ? details.drift : undefined;
  if (drift) {
    const line = h('p', { class: `code-drift ${drift.kind}`, title: drift.text }, h('span', { class: 'drift-label' }, drift.label));
    if (drift.kind !== 'missing') line.append(' ', button('Show changes', 'showChanges', 'Open a diff of the file at the run\'s commit against the working file'));
    if (drift.kind === 'changed') line.append(' ', button('Retry at the recorded commit', 'retryAtCommit', 'Retry in a temporary git worktree of the run\'s commit (your working tree is untouched)'));
    panel.append(line);
  }
  if (!diff && row?.bars.length) {
    panel.append(h('p', { class: 'muted' }, 'Loading the attempts…'));
    return panel;
  }
  if (!diff) {
    const children = details.timeline.rows.filter((r) => r.parentId === stepId);
    panel.append(h('p', { class: 'muted' }, row?.kind === 'branch'
      ? `A branch has no attempts of its own: ${children.length} step${children.length === 1 ? '' : 's'} ran in it.`
      : `A ${row?.type ?? 'composite'} node has no attempts of its own; its ${children.length} branch${children.length === 1 ? '' : 'es'} are nested under it in the timeline.`));
    return panel;
  }
  // Edited in the sandbox (Edit Inputs): what a retry of this copy receives instead of what the attempt recorded.
  const edits = (details.edits ?? []).filter((e) => e.step === stepId);
  for (const e of edits) {
    const what = e.changed.length ? e.changed.map((c) => `${c.name} = ${c.now} (recorded ${c.recorded})`).join('; ') : 'saved with the recorded values';
    panel.append(h('p', { class: 'inputs-edited' }, `Inputs of attempt #${e.attempt} edited in this sandbox: ${what}. A retry here receives these values.`));
  }
  if (diff.changedKeys.length && diff.columns.length > 1) {
    panel.append(h('p', { class: 'changed-summary' }, `Changed since the original attempt: ${diff.changedKeys.join(', ')}`));
  }
  const table = h('table', { class: 'attempts' });
  table.append(h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''),
    ...diff.columns.map((c) => {
      const edited = edits.some((e) => e.attempt === c.number);
      return h('th', { scope: 'col', class: `${statusClass(c.status)}${edited ? ' edited' : ''}`, title: edited ? 'Its inputs were edited in this sandbox' : undefined },
        `#${c.number} ${c.label}${edited ? ' · inputs edited' : ''}`, h('br'), h('span', { class: 'muted' }, c.startTime));
    }))));
  const body = h('tbody');
  let group = '';
  for (const r of diff.rows) {
    if (r.group !== group && (r.group === 'inputs' || r.group === 'outputs' || r.group === 'metrics')) {
      body.append(h('tr', { class: 'group-row' }, h('th', { colspan: diff.columns.length + 1, scope: 'rowgroup' }, r.group)));
    }
    group = r.group;
    const tr = h('tr', {}, h('th', { scope: 'row' }, r.group === r.key ? r.key : r.key));
    r.values.forEach((v, i) => {
      const changed = r.changed[i];
      tr.append(h('td', { class: `${changed ? 'changed' : ''}${v === undefined ? ' absent' : ''}${r.key === 'status' && v ? ` ${statusClass(v)}` : ''}`, title: changed ? 'differs from the original attempt' : undefined },
        r.group === 'message' ? h('pre', {}, v ?? '') : v === undefined ? '—' : v));
    });
    body.append(tr);
  }
  table.append(body);
  panel.append(h('div', { class: 'table-wrap' }, table));
  return panel;
}
