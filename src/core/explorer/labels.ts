// Pure text for the Runs view: status symbols, relative times, durations, compact parameter values.
// No `vscode` import, so the wording is unit-tested under plain Node.
import type { Attempt, ParamValue, RunSummary, Status } from '../runlog/model';
import { formatDuration, formatRelative } from '../runlog/time';

/** `success` / `failed` / `processing` / `created` / `triggered` / lower-cased other: used in contextValue. */
export function statusKey(status: Status): string {
  switch (status) {
    case 'SUCCESS': return 'success';
    case 'FAIL': return 'failed';
    case 'PROCESSING': return 'processing';
    case 'CREATED': return 'created';
    case 'TRIGGERED': return 'triggered';
    default: return String(status || 'unknown').toLowerCase().replace(/[^a-z0-9_-]/g, '');
  }
}

export function statusSymbol(status: Status): string {
  switch (status) {
    case 'SUCCESS': return '✓';
    case 'FAIL': return '✗';
    case 'PROCESSING': return '⟳';
    case 'CREATED': case 'TRIGGERED': return '○';
    default: return '?';
  }
}

/** ThemeIcon id (and theme colour) for a status. */
export function statusIcon(status: Status): { id: string; color?: string } {
  switch (status) {
    case 'SUCCESS': return { id: 'testing-passed-icon', color: 'testing.iconPassed' };
    case 'FAIL': return { id: 'testing-failed-icon', color: 'testing.iconFailed' };
    case 'PROCESSING': return { id: 'sync~spin' };
    case 'CREATED': case 'TRIGGERED': return { id: 'circle-outline' };
    default: return { id: 'question' };
  }
}

// One relative time and one duration for the tree, the details page and the YAML hover (core/runlog/time.ts).
export { formatDuration, formatRelative } from '../runlog/time';

/**
 * `tag · 3 h ago · 1.2 s`, led by `✗ <failed step>` for failed runs when it is known. The duration comes from the
 * read run (`durationMs`): a summary's end is the file's mtime, which a copied store no longer keeps.
 */
export function runDescription(run: RunSummary, nowMs: number, failedStep?: string, durationMs?: number, cause?: string, pipeline?: string): string {
  const parts: string[] = [];
  // The user's error first (what the user needs), after the step it happened in: `✗ deploy: RuntimeError: …`.
  if (failedStep || cause) parts.push(`✗ ${[failedStep, cause].filter(Boolean).join(': ')}`);
  if (run.kind === 'job') parts.push('job');
  else if (pipeline) parts.push(pipeline);
  if (run.tag) parts.push(run.tag);
  const when = formatRelative(run.startMs, nowMs);
  if (when) parts.push(when);
  const dur = formatDuration(durationMs);
  if (dur) parts.push(dur);
  return parts.join(' · ');
}

/**
 * The pipeline a run came from, as runnable recorded it (definition_file): `pipeline.yaml` for a YAML run (its
 * base name), `pipeline.main` for an SDK run; undefined when none was recorded (an AsyncPipeline run as a script).
 */
export function pipelineName(definitionFile: string | undefined): string | undefined {
  const d = definitionFile?.trim();
  if (!d) return undefined;
  return /\.ya?ml$/i.test(d) ? d.split(/[\\/]/).pop() : d;
}

/**
 * Label and description of an attempt: `#1 ✗ FAIL`, `retry 2 · 84 ms · <the cause, else the message's first line>`
 * (the cause: the user's error from the attempt's captured log).
 */
export function attemptText(a: Attempt, cause?: string): { label: string; description: string } {
  const parts: string[] = [];
  if (a.retryIndicator) parts.push(`retry ${a.retryIndicator}`);
  const dur = formatDuration(a.durationMs);
  if (dur) parts.push(dur);
  const firstLine = cause ?? a.message.trim().split('\n')[0];
  if (firstLine) parts.push(firstLine);
  return { label: `#${a.number} ${statusSymbol(a.status)} ${a.status}`, description: parts.join(' · ') };
}

/** JSON on one line with a space after `,` and `:` (readable yet compact); strings keep their quotes. */
export function compactJson(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? String(value);
  if (Array.isArray(value)) return `[${value.map(compactJson).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${compactJson(v)}`).join(', ')}}`;
}

export const MAX_VALUE_CHARS = 80;

export function truncate(text: string, max = MAX_VALUE_CHARS): { text: string; truncated: boolean } {
  const oneLine = text.replace(/\s*\n\s*/g, ' ');
  if (oneLine.length <= max) return { text: oneLine, truncated: oneLine !== text };
  return { text: oneLine.slice(0, max - 1) + '…', truncated: true };
}

/**
 * `name = value` for json and metric parameters, `name → model.dill (pickled in catalog)` for objects.
 * `full` is the untruncated value for the tooltip.
 */
export function paramText(name: string, p: ParamValue, pickleExtension = '.dill'): { label: string; full: string; truncated: boolean } {
  if (p.kind === 'object') {
    const file = p.catalogFile ?? `${String(p.value)}${pickleExtension}`;
    return { label: `${name} → ${file} (pickled in catalog)`, full: file, truncated: false };
  }
  const full = compactJson(p.value);
  const t = truncate(full);
  return { label: `${name} = ${t.text}`, full: JSON.stringify(p.value, null, 2) ?? full, truncated: t.truncated };
}
