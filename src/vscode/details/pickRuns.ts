// Which run a details command is about: its argument (tree node, RunRef), the active runnable debug session's run,
// or a quick pick; for Compare Runs, a second run of the same pipeline (same dag_hash or definition file).
import * as vscode from 'vscode';
import { samePipeline } from '../../core/details/compare';
import type { Run } from '../../core/runlog/model';
import { toRunRef, type RunRef, type Services } from '../services';

/** The run of the active `runnable` debug session (a Retry locally), when there is one. */
export function debugSessionRun(): RunRef | undefined {
  const s = vscode.debug.activeDebugSession;
  const c = s?.configuration as { runId?: unknown; storeId?: unknown } | undefined;
  return s?.type === 'runnable' && typeof c?.runId === 'string' && typeof c.storeId === 'string' ? { storeId: c.storeId, runId: c.runId } : undefined;
}

export async function pickDetailsRun(services: Services, arg: unknown): Promise<RunRef | undefined> {
  return toRunRef(arg) ?? debugSessionRun() ?? (await services.runs.pickRun({ title: 'Open the details of…' }));
}

/** Two runs to compare: two selected tree items, or the given/picked one and a second picked among its pipeline's runs. */
export async function pickRunPair(services: Services, arg: unknown, selection: unknown): Promise<[RunRef, RunRef] | undefined> {
  if (Array.isArray(selection)) {
    const refs = selection.map(toRunRef).filter((r): r is RunRef => !!r);
    const distinct = refs.filter((r, i) => refs.findIndex((x) => x.storeId === r.storeId && x.runId === r.runId) === i);
    if (distinct.length === 2) return [distinct[0], distinct[1]];
  }
  if (Array.isArray(arg) && arg.length === 2) {
    const [x, y] = arg.map(toRunRef);
    if (x && y) return [x, y];
  }
  const first = toRunRef(arg) ?? debugSessionRun() ?? (await services.runs.pickRun({ title: 'Compare runs: pick the first run' }));
  if (!first) return undefined;
  const base = await services.runs.getRun(first);
  const candidates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Finding other runs of ${base.definitionFile || base.runId}…` },
    () => samePipelineRuns(services, first, base));
  if (!candidates.length) {
    void vscode.window.showInformationMessage(`No other run of the pipeline of ${first.runId} (${base.definitionFile || 'same dag_hash'}) is in the workspace's stores: run it again, then compare.`);
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    candidates.map(({ ref, run, by }) => ({ label: run.runId, description: `${run.status} · ${run.startTime ?? ''}`, detail: `same ${by}${ref.storeId !== first.storeId ? ` · ${ref.storeId}` : ''}`, ref })),
    { title: `Compare ${first.runId} with…`, placeHolder: 'Runs of the same pipeline' });
  return picked ? [first, picked.ref] : undefined;
}

async function samePipelineRuns(services: Services, first: RunRef, base: Run): Promise<Array<{ ref: RunRef; run: Run; by: string }>> {
  const out: Array<{ ref: RunRef; run: Run; by: string }> = [];
  for (const d of await services.runs.descriptors()) {
    let summaries;
    try { summaries = await services.runs.listRuns(d.id); } catch { continue; }
    for (const s of summaries) {
      if (s.error || (d.id === first.storeId && s.runId === first.runId)) continue;
      const ref = { storeId: d.id, runId: s.runId };
      try {
        const run = await services.runs.getRun(ref);
        const by = samePipeline(base, run);
        if (by) out.push({ ref, run, by });
      } catch { /* an unreadable run is listed as an error in the tree; not a candidate */ }
    }
  }
  return out;
}
