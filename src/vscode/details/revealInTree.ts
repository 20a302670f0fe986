// "Reveal in Runs view" from the details page: walks the Runs tree from its store root down to the run (and the
// step, through its composite and branch nodes) and selects it.
import * as vscode from 'vscode';
import type { ExplorerNode } from '../explorer/nodes';
import type { RunRef, Services } from '../services';

export async function revealInTree(services: Services, ref: RunRef): Promise<ExplorerNode | undefined> {
  const explorer = services.explorer;
  if (!explorer) throw new Error('The Runs view is not available: open the Runnable view from the activity bar.');
  const provider = explorer.provider as vscode.TreeDataProvider<ExplorerNode>;
  const view = explorer.treeView as vscode.TreeView<ExplorerNode>;
  await vscode.commands.executeCommand('runnable.runs.focus');
  const kids = async (n?: ExplorerNode): Promise<ExplorerNode[]> => (await provider.getChildren(n)) ?? [];
  const store = (await kids()).find((n) => n.kind === 'store' && n.root.descriptor.id === ref.storeId);
  if (!store) throw new Error(`The store of run ${ref.runId} is not in the Runs view (filtered out or no longer configured).`);
  const run = (await kids(store)).find((n) => n.kind === 'run' && n.ref.runId === ref.runId);
  if (!run) throw new Error(`Run ${ref.runId} is not in the Runs view: clear the filter or refresh the view.`);
  let target: ExplorerNode = run;
  const step = ref.stepInternalName;
  // Down through composites: `score_all.2.score chunk` is under step `score_all`, branch `score_all.2`.
  for (let depth = 0; step && depth < 32; depth++) {
    const children = await kids(target);
    const exact = children.find((n) => n.kind === 'step' && n.step.internalName === step);
    if (exact) { target = exact; break; }
    const next = children.find((n) =>
      (n.kind === 'step' && step.startsWith(`${n.step.internalName}.`)) || (n.kind === 'branch' && (step === n.branch.internalName || step.startsWith(`${n.branch.internalName}.`))));
    if (!next) break;
    target = next;
    if (next.kind === 'branch' && next.branch.internalName === step) break;
  }
  await view.reveal(target, { select: true, focus: true, expand: false });
  return target;
}
