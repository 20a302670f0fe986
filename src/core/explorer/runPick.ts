// The rows of the run quick pick, from the stores' listings: pure, so the picker and a test that checks it compute
// the same rows from the same model state.
import type { RunSummary } from '../runlog/model';
import { formatRelative, statusIcon } from './labels';
import type { FailedInfo, RunKey } from './failureReads';

export interface PickListing { storeId: string; storeLabel: string; runs: RunSummary[] }

export interface RunPickRow {
  ref: RunKey;
  label: string;
  description: string;
  failed: boolean;
}

/** Every readable run (or every failed one), store by store in listing order (newest first within a store). */
export function runPickRows(listings: PickListing[], options: { failedOnly?: boolean }, nowMs: number): RunPickRow[] {
  const rows: RunPickRow[] = [];
  for (const l of listings) {
    for (const r of l.runs) {
      if (r.error || (options.failedOnly && r.status !== 'FAIL')) continue;
      rows.push({
        ref: { storeId: l.storeId, runId: r.runId },
        label: `$(${statusIcon(r.status).id}) ${r.runId}`,
        description: [r.tag, formatRelative(r.startMs, nowMs), l.storeLabel].filter(Boolean).join(' · '),
        failed: r.status === 'FAIL',
      });
    }
  }
  return rows;
}

/** A failed row's detail: `✗ deploy: RuntimeError: …` (a job names no step). */
export function failedDetail(info: FailedInfo | null | undefined): string | undefined {
  if (!info) return undefined;
  const text = [info.name, info.cause].filter(Boolean).join(': ');
  return text ? `✗ ${text}` : undefined;
}
