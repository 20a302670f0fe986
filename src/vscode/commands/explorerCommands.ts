// The Runs view's commands: Refresh, Set/Clear Filter, Show More Runs, Open Run Log, Show Step Output, Copy Run ID.
// Each takes a tree node (or a RunRef) and falls back to a quick pick when run from the palette. Nothing writes to a store.
import * as vscode from 'vscode';
import type { Attempt, Status, Step } from '../../core/runlog/model';
import type { AttemptNode } from '../explorer/nodes';
import { describeFilter, type RunFilter } from '../../core/explorer/runFilter';
import { runLogUri, stepOutputUri } from '../explorer/runDocuments';
import type { RunsModel } from '../explorer/runsModel';
import { statusIcon } from '../../core/explorer/labels';
import { exceptionCause, executionLogCandidates, pickLogForAttempt } from '../../core/runlog/stepLog';
import type { Logger } from '../logger';
import { toRunRef, type RunRef } from '../services';
import { Commands } from '../../core/commandIds';
import { registerCommand } from './registerCommand';

const STATUSES: Status[] = ['FAIL', 'SUCCESS', 'PROCESSING', 'CREATED', 'TRIGGERED'];

function isFilterArg(arg: unknown): arg is RunFilter {
  return !!arg && typeof arg === 'object' && !('ref' in arg) && ('statuses' in arg || 'tag' in arg || 'text' in arg);
}

/** Every step of a run, depth first in execution order (branches inside their composite). */
function allSteps(steps: Step[]): Step[] {
  return steps.flatMap((s) => [s, ...s.branches.flatMap((b) => allSteps(b.steps))]);
}

export function registerExplorerCommands(model: RunsModel, log: Logger): vscode.Disposable {
  const command = (id: string, handler: (...args: unknown[]) => unknown): vscode.Disposable => registerCommand(id, handler, log);

  const refOrPick = async (arg: unknown, title: string): Promise<RunRef | undefined> => toRunRef(arg) ?? model.pickRun({ title });

  return vscode.Disposable.from(
    command(Commands.refresh, () => model.refresh()),

    command(Commands.setFilter, async (arg?: unknown) => {
      if (isFilterArg(arg)) { model.setFilter({ ...model.filter, ...arg }); return model.filter; }
      const next = await askFilter(model);
      if (next) model.setFilter(next);
      return model.filter;
    }),

    command(Commands.clearFilter, () => model.clearFilter()),

    // The "Show more runs" row of a store root (its node, or a store id): one page more of that store's runs.
    command(Commands.showMoreRuns, (arg?: unknown) => {
      const storeId = typeof arg === 'string' ? arg : (arg as { storeId?: unknown } | undefined)?.storeId;
      if (typeof storeId !== 'string' || !model.store(storeId)) throw new Error('Show More Runs needs a store of the Runs view: click the "Show more runs" row of a store.');
      model.showMore(storeId);
    }),

    command(Commands.openRunLog, async (arg?: unknown) => {
      const ref = await refOrPick(arg, 'Open the run log of…');
      if (!ref) return undefined;
      const doc = await vscode.workspace.openTextDocument(runLogUri(ref.storeId, ref.runId));
      const json = doc.languageId === 'json' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'json');
      await vscode.window.showTextDocument(json, { preview: true });
      return json.uri;
    }),

    command(Commands.showStepOutput, async (arg?: unknown) => showStepOutput(model, arg)),

    command(Commands.copyRunId, async (arg?: unknown) => {
      const ref = await refOrPick(arg, 'Copy the id of…');
      if (!ref) return undefined;
      await vscode.env.clipboard.writeText(ref.runId);
      vscode.window.setStatusBarMessage(`Copied run id ${ref.runId}`, 3000);
      return ref.runId;
    }),
  );
}

async function askFilter(model: RunsModel): Promise<RunFilter | undefined> {
  const current = model.filter;
  type Choice = vscode.QuickPickItem & { what: 'status' | 'tag' | 'text' | 'clear' };
  const choices: Choice[] = [
    { what: 'status', label: '$(pass) Status…', description: current.statuses?.join(', ') },
    { what: 'tag', label: '$(tag) Tag…', description: current.tag },
    { what: 'text', label: '$(search) Text in run id or step name…', description: current.text },
  ];
  if (describeFilter(current)) choices.push({ what: 'clear', label: '$(clear-all) Clear the filter', description: describeFilter(current) });
  const choice = await vscode.window.showQuickPick(choices, { title: 'Filter runs by', placeHolder: 'What to filter on' });
  if (!choice) return undefined;
  switch (choice.what) {
    case 'clear': return {};
    case 'status': {
      const picked = await vscode.window.showQuickPick(
        STATUSES.map((s) => ({ label: `$(${statusIcon(s).id}) ${s}`, status: s, picked: current.statuses?.includes(s) ?? false })),
        { title: 'Show runs with status', canPickMany: true });
      return picked ? { ...current, statuses: picked.map((p) => p.status) } : undefined;
    }
    case 'tag': {
      const tags = new Set<string>();
      for (const d of await model.descriptors()) {
        try { for (const r of await model.settledRuns(d.id)) if (r.tag) tags.add(r.tag); } catch { /* a store that cannot list has no tags */ }
      }
      if (!tags.size) { void vscode.window.showInformationMessage('No run in the workspace’s stores has a tag.'); return undefined; }
      const picked = await vscode.window.showQuickPick([...tags].sort(), { title: 'Show runs with tag' });
      return picked ? { ...current, tag: picked } : undefined;
    }
    case 'text': {
      const text = await vscode.window.showInputBox({ title: 'Show runs whose id or a step name contains', value: current.text ?? '', placeHolder: 'e.g. deploy or nightly' });
      return text === undefined ? undefined : { ...current, text };
    }
  }
}

async function showStepOutput(model: RunsModel, arg: unknown): Promise<vscode.Uri | undefined> {
  let ref = toRunRef(arg);
  const node = arg && typeof arg === 'object' && (arg as { kind?: unknown }).kind === 'attempt' ? arg as AttemptNode : undefined;
  if (!ref) ref = await model.pickRun({ title: 'Show the step output of…' });
  if (!ref) return undefined;
  const run = await model.getRun(ref);
  let internalName = ref.stepInternalName;
  let step: Step | undefined;
  if (run.kind === 'pipeline') {
    const steps = allSteps(run.steps);
    step = internalName ? steps.find((s) => s.internalName === internalName) : undefined;
    if (!step) {
      const picked = await vscode.window.showQuickPick(
        steps.filter((s) => s.attempts.length).map((s) => ({ label: `$(${statusIcon(s.status).id}) ${s.internalName}`, description: s.type, step: s })),
        { title: `Step output of run ${run.runId}`, placeHolder: 'Pick a step' });
      if (!picked) return undefined;
      step = picked.step;
    }
    internalName = step.internalName;
  } else {
    internalName = undefined;
  }
  const store = model.store(ref.storeId);
  if (!store) throw new Error(`The store of run ${ref.runId} is no longer configured; refresh the Runs view.`);
  const files = await store.listCatalog(ref.runId);
  const candidates = executionLogCandidates(run, internalName, files);
  const what = internalName ? `step "${internalName}"` : 'the job';
  if (!candidates.length) {
    void vscode.window.showInformationMessage(`No captured output of ${what} in the catalog of run ${ref.runId}. runnable saves it as <step name><3 characters>.execution.log in the run's catalog folder; is that catalog available on this machine?`);
    return undefined;
  }
  const attempts = step?.attempts ?? run.job?.attempts ?? [];
  const attempt: Attempt | undefined = node?.attempt ?? attempts[attempts.length - 1];
  let file: string | undefined = candidates.length === 1 ? candidates[0] : undefined;
  if (!file && attempt) {
    const logs = await Promise.all(candidates.map(async (name) => ({ name, text: (await store.readCatalogFile(ref!.runId, name))?.toString('utf8') ?? '' })));
    file = pickLogForAttempt(attempt, logs);
  }
  if (!file) {
    const picked = await vscode.window.showQuickPick(candidates, { title: `${candidates.length} captured outputs of ${what} (one per attempt)`, placeHolder: 'Pick one' });
    if (!picked) return undefined;
    file = picked;
  }
  const doc = await vscode.workspace.openTextDocument(stepOutputUri(ref.storeId, ref.runId, file));
  const shown = doc.languageId === 'log' ? doc : await vscode.languages.setTextDocumentLanguage(doc, 'log');
  const editor = await vscode.window.showTextDocument(shown, { preview: true });
  // A failed attempt's log: reveal the traceback of the user's error (the first lines are Rich's preamble), with the
  // exception line selected.
  const cause = exceptionCause(shown.getText());
  if (cause) {
    const at = new vscode.Position(cause.line, 0);
    editor.selection = new vscode.Selection(at, shown.lineAt(cause.line).range.end);
    // Centred: the frames above it (where it was raised) and the chain below stay in view.
    editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenter);
  }
  return shown.uri;
}
