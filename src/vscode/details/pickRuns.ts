// Which run a details command is about: its argument (tree node, RunRef), the run the active debug session of ours
// retries or replays, or a quick pick; for Compare Runs, a second run picked from the stores' listings.
import * as vscode from 'vscode';
import { samePipeline } from '../../core/details/compare';
import type { Run, RunSummary } from '../../core/runlog/model';
import { findRunIn } from '../../core/stores/storeRegistry';
import { storeSourceOf, toRunRef, type RunRef, type Services } from '../services';
import { errorMessage } from '../../core/text/errorMessage';

/** The debug type of Retry locally (a debugpy launch underneath) and of Replay (the inline replay adapter). */
const OUR_DEBUG_TYPE = 'runnable';

/**
 * The run of the active `runnable` debug session: a Retry locally (its configuration keeps `runId`, and `storeId`
 * when started from the Runs view) or a Replay (`runId` + `storeId`). A debugpy child session carries its parent's
 * configuration, so the root session is asked. A launch.json retry names no store: the first store holding the
 * run (the one of its `configFile` first) is taken, as the retry itself does (core/stores/storeRegistry.ts).
 */
export async function debugSessionRun(services: Services, session = vscode.debug.activeDebugSession): Promise<RunRef | undefined> {
  let s = session;
  while (s?.parentSession && s.parentSession.type === OUR_DEBUG_TYPE) s = s.parentSession;
  if (s?.type !== OUR_DEBUG_TYPE) return undefined;
  const c = s.configuration as { runId?: unknown; storeId?: unknown; configFile?: unknown };
  if (typeof c.runId !== 'string' || !c.runId) return undefined;
  if (typeof c.storeId === 'string') return { storeId: c.storeId, runId: c.runId };
  const configFile = typeof c.configFile === 'string' ? c.configFile : undefined;
  const named = (d: { configFiles: string[] }): boolean => !!configFile && d.configFiles.some((f) => f === configFile || f.endsWith(`/${configFile}`));
  const source = storeSourceOf(services.runs);
  const descriptors = await source.descriptors();
  try {
    const { store } = await findRunIn({ ...source, descriptors: async () => [...descriptors.filter(named), ...descriptors.filter((x) => !named(x))] }, c.runId);
    return { storeId: store.descriptor.id, runId: c.runId };
  } catch {
    return undefined;
  }
}

/** The run to open, and whether it is the one a debug session of ours is on (the tab then opens beside the source). */
export async function pickDetailsRun(services: Services, arg: unknown): Promise<{ ref: RunRef; fromSession: boolean } | undefined> {
  const given = toRunRef(arg);
  if (given) return { ref: given, fromSession: false };
  const ofSession = await debugSessionRun(services);
  if (ofSession) return { ref: ofSession, fromSession: true };
  const picked = await services.runs.pickRun({ title: 'Open the details of…' });
  return picked ? { ref: picked, fromSession: false } : undefined;
}

interface Candidate extends vscode.QuickPickItem { ref: RunRef }

/**
 * Two runs to compare: two selected tree items, or the given/picked one and a second picked from the listings.
 * Only summaries are listed (what the Runs view already holds); the picked run alone is read in full, and when it
 * turns out to be of another pipeline the user is told so and picks again.
 */
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
  const first = toRunRef(arg) ?? (await debugSessionRun(services)) ?? (await services.runs.pickRun({ title: 'Compare runs: pick the first run' }));
  if (!first) return undefined;
  const base = await services.runs.getRun(first);
  const pipeline = base.definitionFile || `dag_hash ${base.dagHash.slice(0, 8) || '?'}`;
  let items = await otherRuns(services, first, base.kind);
  for (;;) {
    if (!items.length) {
      void vscode.window.showInformationMessage(`No other run of the pipeline of ${first.runId} (${pipeline}) is in the workspace's stores: run it again, then compare.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, {
      title: `Compare ${first.runId} with…`,
      placeHolder: `A run of the same pipeline (${pipeline}); the one you pick is checked`,
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    let other: Run;
    try {
      other = await services.runs.getRun(picked.ref);
    } catch (e) {
      void vscode.window.showWarningMessage(`Run ${picked.ref.runId} cannot be read (${errorMessage(e)}): pick another run.`);
      items = items.filter((i) => i !== picked);
      continue;
    }
    if (samePipeline(base, other)) return [first, picked.ref];
    void vscode.window.showWarningMessage(`Run ${other.runId} is of another pipeline (${other.definitionFile || `dag_hash ${other.dagHash.slice(0, 8) || '?'}`}) than ${first.runId} (${pipeline}): pick a run of the same pipeline.`);
    items = items.filter((i) => i !== picked);
  }
}

/** Every readable run (pipeline or job, as `first`) of the workspace's stores but `first`: its own store first, each newest first (as listed). */
async function otherRuns(services: Services, first: RunRef, kind: Run['kind']): Promise<Candidate[]> {
  const descriptors = await services.runs.descriptors();
  const ordered = [...descriptors.filter((d) => d.id === first.storeId), ...descriptors.filter((d) => d.id !== first.storeId)];
  // Kinds known: a remote run still waiting for its summary would list as a pipeline.
  const lists = await Promise.all(ordered.map((d) => (services.runs.settledRuns?.(d.id) ?? services.runs.listRuns(d.id)).catch(() => [] as RunSummary[])));
  const out: Candidate[] = [];
  ordered.forEach((d, i) => {
    for (const s of lists[i]) {
      if (s.error || s.kind !== kind || (d.id === first.storeId && s.runId === first.runId)) continue;
      out.push({
        label: s.runId,
        description: [s.status, s.tag, s.startTime].filter(Boolean).join(' · '),
        detail: d.id !== first.storeId ? d.label : undefined,
        ref: { storeId: d.id, runId: s.runId },
      });
    }
  });
  return out;
}
