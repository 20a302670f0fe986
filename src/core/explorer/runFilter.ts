// The Runs view's filter: by status, tag, and text in the run id or a step name. Pure, no `vscode`.
import type { Run, RunSummary, Status, Step } from '../runlog/model';

export interface RunFilter {
  statuses?: Status[];
  tag?: string;
  /** Case-insensitive substring of the run id or of any step / branch name. */
  text?: string;
}

export function isFilterActive(f: RunFilter): boolean {
  return Boolean(f.statuses?.length || f.tag || f.text);
}

/** Normalises user input: trims, drops empty parts. */
export function normaliseFilter(f: RunFilter): RunFilter {
  const out: RunFilter = {};
  const statuses = (f.statuses ?? []).map((s) => String(s).trim().toUpperCase()).filter(Boolean);
  if (statuses.length) out.statuses = [...new Set(statuses)];
  if (f.tag?.trim()) out.tag = f.tag.trim();
  if (f.text?.trim()) out.text = f.text.trim();
  return out;
}

/** `status FAIL · tag nightly · "deploy"`, for the view's description. */
export function describeFilter(f: RunFilter): string {
  const parts: string[] = [];
  if (f.statuses?.length) parts.push(`status ${f.statuses.join('|')}`);
  if (f.tag) parts.push(`tag ${f.tag}`);
  if (f.text) parts.push(`"${f.text}"`);
  return parts.join(' · ');
}

/** What the summary alone decides. Error runs match only a text filter on their id. */
export function matchesSummary(run: RunSummary, f: RunFilter): boolean {
  if (f.statuses?.length && (run.error || !f.statuses.includes(run.status))) return false;
  if (f.tag && (run.error || run.tag !== f.tag)) return false;
  return true;
}

export function runIdMatchesText(run: RunSummary, f: RunFilter): boolean {
  return !f.text || run.runId.toLowerCase().includes(f.text.toLowerCase());
}

/** Whether any step or branch name of the run contains the filter text. */
export function stepNamesMatchText(run: Run, text: string): boolean {
  const needle = text.toLowerCase();
  const visit = (steps: Step[]): boolean => steps.some((s) =>
    s.name.toLowerCase().includes(needle) || s.branches.some((b) => b.name.toLowerCase().includes(needle) || visit(b.steps)));
  return visit(run.steps);
}
