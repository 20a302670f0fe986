// Short, display-ready text for parameter values and durations, shared by the timeline, the step panel and compare.
import type { ParamValue } from '../runlog/model';

const MAX_VALUE_CHARS = 200;

/** One line for a parameter: JSON for json/metric values, `object <name>` for pickles (runnable records only the name). */
export function formatParam(p: ParamValue): string {
  if (p.kind === 'object') return `object ${String(p.value)}${p.catalogFile ? ` (${p.catalogFile})` : ''}`;
  let text: string;
  try {
    text = JSON.stringify(p.value) ?? String(p.value);
  } catch {
    text = String(p.value);
  }
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

export function formatParams(params: Record<string, ParamValue>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = formatParam(v);
  return out;
}

/** `85 ms`, `1.2 s`, `3 min 4 s`, `2 h 5 min`; `–` when unknown. */
export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** How an attempt is labelled everywhere: `original` for the first execution, `retry <indicator>` for a retry. */
export function attemptLabel(retryIndicator: string): string {
  return retryIndicator === '' ? 'original' : `retry ${retryIndicator}`;
}
