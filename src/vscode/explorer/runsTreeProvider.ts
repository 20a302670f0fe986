// Maps the RunsModel to the Runs view: which nodes a node has (store roots, a page of runs and "Show more runs",
// steps, branches, attempts, parameter groups and values) and their TreeItems (treeItems.ts). Reads, caches,
// budgets and coalescing live in the model; this file keeps node objects by id (VS Code matches a changed element
// by identity) and forwards the model's coalesced changes as one tree event each.
import * as vscode from 'vscode';
import type { Run, Step } from '../../core/runlog/model';
import type { TreeChange } from '../../core/explorer/changeBatch';
import { isFilterActive } from '../../core/explorer/runFilter';
import { identityLabel } from '../../core/stores/s3/credentials';
import { iterateAsOf } from '../../core/runlog/stepLog';
import { errorMessage } from '../../core/text/errorMessage';
import {
  ids, type AttemptNode, type BranchNode, type ExplorerNode, type GroupNode, type InfoNode, type ParamGroup,
  type RunNode, type StepNode, type StoreNode,
} from './nodes';
import { REMOTE_STORE_TYPES, type RunsModel } from './runsModel';
import { storeIdentity, tooltipOf, treeItem, type ItemContext } from './treeItems';
import { Disposable } from '../disposable';

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ExplorerNode | ExplorerNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** Node objects by id: VS Code matches changed elements by identity, so a node is reused across reads. */
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly parents = new Map<string, ExplorerNode | undefined>();
  /** The identity label each S3 root was drawn with: the chain decides on the first listing, and the root is redrawn. */
  private readonly shownIdentity = new Map<string, string>();

  constructor(private readonly model: RunsModel, private readonly now: () => number = Date.now) {
    super();
    this.register(model.onDidChangeTree((c) => this.forward(c)));
  }

  /** One model change, one tree event: everything, or the nodes of these stores and runs (only those drawn). */
  private forward(c: TreeChange): void {
    if (c.all) { this.changed.fire(undefined); return; }
    const nodes = [...c.stores.map((s) => ids.store(s)), ...c.runs.map((r) => ids.run(r.storeId, r.runId))]
      .map((id) => this.nodes.get(id)).filter((n): n is ExplorerNode => n !== undefined);
    if (nodes.length) this.changed.fire(nodes);
  }

  /** Reuses the node object with this id (updated in place) so change events and reveal find it. */
  private node<T extends ExplorerNode>(fresh: T, parent: ExplorerNode | undefined): T {
    const seen = this.nodes.get(fresh.id) as T | undefined;
    const n = seen && seen.kind === fresh.kind ? Object.assign(seen, fresh) : fresh;
    this.nodes.set(n.id, n);
    this.parents.set(n.id, parent);
    return n;
  }

  private info(parent: ExplorerNode | undefined, key: string, message: string, severity: InfoNode['severity'] = 'info', detail?: string): InfoNode {
    return this.node({ kind: 'info', id: ids.child(parent?.id ?? 'root', `info:${key}`), message, severity, detail }, parent);
  }

  getParent(element: ExplorerNode): ExplorerNode | undefined {
    return this.parents.get(element.id);
  }

  // --- children ----------------------------------------------------------------------------------------------------

  async getChildren(element?: ExplorerNode): Promise<ExplorerNode[]> {
    try {
      return await this.children(element);
    } catch (e) {
      // Never throw out of the view: the failure becomes an item that says what went wrong.
      return [this.info(element, 'error', errorMessage(e), 'error')];
    }
  }

  private async children(element?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!element) return this.roots();
    switch (element.kind) {
      case 'store': return this.storeChildren(element);
      case 'run': return this.runChildren(element);
      case 'step': return this.stepChildren(element);
      case 'branch': {
        const run = this.model.peekRun(element.ref);
        if (run) await this.model.readCauses(element.ref, run, element.branch.steps);
        return element.branch.steps.map((s) => this.stepNode(element, s, element.pickleExtension));
      }
      case 'attempt': return this.attemptChildren(element);
      case 'group': return this.groupChildren(element);
      default: return [];
    }
  }

  private async roots(): Promise<ExplorerNode[]> {
    const state = await this.model.state();
    const problems = state.problems.map((p, i) => this.node({ kind: 'problem' as const, id: `problem:${i}:${p.file}`, file: p.file, message: p.message }, undefined));
    const stores = state.roots.map((root) => this.node({ kind: 'store' as const, id: ids.store(root.descriptor.id), root }, undefined));
    // No runs anywhere (and nothing wrong): an empty tree lets the view's welcome text explain what to do.
    let empty = !problems.length;
    if (empty) {
      for (const s of stores) {
        // Only local stores are asked here: a remote listing must not hold up the roots.
        if (!s.root.store?.watchPath) { empty = false; break; }
        try {
          const listing = await this.model.listing(s.root.descriptor.id);
          if (listing.kind === 'unavailable' || listing.runs.length) { empty = false; break; }
        } catch { empty = false; break; }
      }
    }
    void vscode.commands.executeCommand('setContext', 'runnable.noRuns', empty);
    void vscode.commands.executeCommand('setContext', 'runnable.noFolder', state.noFolder);
    return empty ? [] : [...problems, ...stores];
  }

  private async storeChildren(element: StoreNode): Promise<ExplorerNode[]> {
    const { root } = element;
    if (root.unavailable) return [this.info(element, root.unavailable.kind, root.unavailable.message, root.unavailable.kind === 'error' ? 'error' : 'info')];
    const storeId = root.descriptor.id;
    // A remote listing can take a while (pages of 1,000 keys, then summaries): the view shows its progress bar.
    const listing = REMOTE_STORE_TYPES.has(root.descriptor.type)
      ? await vscode.window.withProgress({ location: { viewId: 'runnable.runs' } }, () => this.model.listing(storeId))
      : await this.model.listing(storeId);
    const identity = storeIdentity(element);
    if (identity && this.shownIdentity.get(storeId) !== identityLabel(identity)) this.model.redrawStore(storeId);
    // A store that cannot be listed at all (an S3 endpoint unreachable or refusing, a folder that is not one): its
    // sentence as the root's one item.
    if (listing.kind === 'unavailable') return [this.info(element, 'list-error', listing.message, 'error')];
    const all = listing.runs;
    // The rows show at once; the view's progress bar stays while their statuses are read.
    const filling = this.model.fillingSummaries(storeId);
    if (filling) void vscode.window.withProgress({ location: { viewId: 'runnable.runs' } }, () => filling.catch(() => undefined));
    if (!all.length) return [this.info(element, 'empty', this.model.emptyStoreText(root.descriptor))];
    const page = await this.model.page(storeId);
    if (!page.total && isFilterActive(this.model.filter)) return [this.info(element, 'filtered', `No runs match the filter (${page.listed} hidden).`)];
    const rows: ExplorerNode[] = page.runs.map((summary) => this.node({ kind: 'run' as const, id: ids.run(storeId, summary.runId), ref: { storeId, runId: summary.runId }, summary }, element));
    if (page.runs.length < page.total) rows.push(this.node({ kind: 'more' as const, id: ids.more(storeId), storeId, shown: page.runs.length, total: page.total }, element));
    return rows;
  }

  private async runChildren(element: RunNode): Promise<ExplorerNode[]> {
    if (element.summary.error) return [];
    let run: Run;
    try {
      // A failed run past the store's budget names its failed step now (the model redraws its row once).
      run = await this.model.openRun(element.ref);
    } catch (e) {
      return [this.info(element, 'read-error', errorMessage(e), 'error')];
    }
    await this.model.readCauses(element.ref, run, run.steps);
    const warnings = run.warnings.map((w, i) => this.info(element, `warning${i}`, w, 'warning'));
    if (run.kind === 'job') {
      if (!run.job) return [...warnings, this.info(element, 'nojob', 'This job run has no job log yet.')];
      const job = run.job;
      return [...warnings, ...job.attempts.map((a) => this.node({
        kind: 'attempt' as const, id: ids.attempt(`${element.id}/job`, a.number), ref: element.ref, attempt: a, catalog: job.catalog, pickleExtension: run.pickleExtension,
      }, element))];
    }
    if (!run.steps.length) return [...warnings, this.info(element, 'nosteps', 'No steps recorded yet.')];
    return [...warnings, ...run.steps.map((s) => this.stepNode(element, s, run.pickleExtension, run))];
  }

  private stepNode(parent: RunNode | BranchNode, step: Step, pickleExtension: string, run?: Run): StepNode {
    const runNodeId = ids.run(parent.ref.storeId, parent.ref.runId);
    const fullRun = run ?? this.model.peekRun(parent.ref);
    const iterateAs = step.type === 'map' && fullRun ? iterateAsOf(fullRun, step) : undefined;
    return this.node({
      kind: 'step' as const, id: ids.step(runNodeId, step.internalName),
      ref: { storeId: parent.ref.storeId, runId: parent.ref.runId, stepInternalName: step.internalName }, step, pickleExtension, iterateAs,
    }, parent);
  }

  private async stepChildren(element: StepNode): Promise<ExplorerNode[]> {
    const { step } = element;
    const run = this.model.peekRun(element.ref);
    if (run && !step.branches.length) await this.model.readCauses(element.ref, run, [step]);
    const runNodeId = ids.run(element.ref.storeId, element.ref.runId);
    const branches: ExplorerNode[] = step.branches.map((b) => this.node({
      kind: 'branch' as const, id: ids.branch(runNodeId, b.internalName), ref: { storeId: element.ref.storeId, runId: element.ref.runId, stepInternalName: step.internalName },
      branch: b, parent: step, pickleExtension: element.pickleExtension, iterateAs: element.iterateAs,
    }, element));
    const attempts: ExplorerNode[] = step.attempts.map((a) => this.node({
      kind: 'attempt' as const, id: ids.attempt(element.id, a.number), ref: element.ref, attempt: a, catalog: step.catalog, pickleExtension: element.pickleExtension, step,
    }, element));
    return [...branches, ...attempts];
  }

  private attemptChildren(element: AttemptNode): ExplorerNode[] {
    const a = element.attempt;
    const groups: (ParamGroup | 'catalog')[] = [];
    if (Object.keys(a.inputs).length) groups.push('inputs');
    if (Object.keys(a.outputs).length) groups.push('outputs');
    if (Object.keys(a.metrics).length) groups.push('metrics');
    if (element.catalog.length) groups.push('catalog');
    if (!groups.length) return [this.info(element, 'nothing', 'No inputs, outputs, metrics or catalog items recorded.')];
    return groups.map((g) => this.node({
      kind: 'group' as const, id: ids.group(element.id, g), ref: element.ref, group: g, attempt: a, catalog: element.catalog, pickleExtension: element.pickleExtension,
    }, element));
  }

  private groupChildren(element: GroupNode): ExplorerNode[] {
    if (element.group === 'catalog') {
      return element.catalog.map((item, i) => this.node({ kind: 'catalogItem' as const, id: ids.child(element.id, `${i}:${item.name}`), ref: element.ref, item }, element));
    }
    const group = element.group;
    return Object.entries(element.attempt[group]).map(([name, value]) => this.node({
      kind: 'param' as const, id: ids.child(element.id, name), ref: element.ref, name, value, pickleExtension: element.pickleExtension, group,
    }, element));
  }

  // --- tree items --------------------------------------------------------------------------------------------------

  private context(): ItemContext {
    return { source: this.model, now: this.now(), remoteTypes: REMOTE_STORE_TYPES };
  }

  getTreeItem(element: ExplorerNode): vscode.TreeItem {
    try {
      const item = treeItem(element, this.context());
      if (element.kind === 'store') {
        const identity = storeIdentity(element);
        if (identity) this.shownIdentity.set(element.root.descriptor.id, identityLabel(identity));
      }
      item.id = element.id;
      return item;
    } catch (e) {
      const item = new vscode.TreeItem(`Could not show this item: ${errorMessage(e)}`);
      item.id = element.id;
      item.iconPath = new vscode.ThemeIcon('error');
      return item;
    }
  }

  /** Builds the markdown tooltip of a run, step or attempt when the user hovers it (none is built for a list of 10,000). */
  resolveTreeItem(item: vscode.TreeItem, element: ExplorerNode): vscode.TreeItem {
    if (item.tooltip === undefined) {
      try {
        item.tooltip = tooltipOf(element, this.context());
      } catch (e) {
        item.tooltip = `Could not describe this item: ${errorMessage(e)}`;
      }
    }
    return item;
  }
}
