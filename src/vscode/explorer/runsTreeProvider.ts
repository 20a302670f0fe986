// Maps the RunsModel to TreeItems: store roots, runs, steps, branches, attempts, parameter groups and values.
// Reads go through the model; this file only builds nodes, labels, tooltips and contextValues.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Attempt, Run, RunSummary, Step } from '../../core/runlog/model';
import { firstFailedTask } from '../../core/runlog/rules';
import {
  attemptText, formatDuration, formatRelative, paramText, pipelineName, runDescription, statusIcon, statusKey, statusSymbol,
} from '../../core/explorer/labels';
import {
  ids, type AttemptNode, type BranchNode, type ExplorerNode, type GroupNode, type InfoNode, type ParamGroup,
  type RunNode, type StepNode, type StoreNode,
} from './nodes';
import { isFilterActive } from '../../core/explorer/runFilter';
import { isS3Store } from '../../core/stores/s3/openS3Store';
import { describeCredentialSource, identityLabel } from '../../core/stores/s3/credentials';
import { REMOTE_STORE_TYPES, type RunsModel } from './runsModel';
import { iterateAsOf } from '../../core/runlog/stepLog';
import type { RunRef } from '../services';
import { codeBlock, escapeMarkdown, inlineCode } from '../../core/text/markdown';
import { errorMessage } from '../../core/text/errorMessage';
import { Disposable } from '../disposable';

const GROUP_LABEL: Record<ParamGroup | 'catalog', string> = { inputs: 'Inputs', outputs: 'Outputs', metrics: 'Metrics', catalog: 'Catalog' };

function md(): vscode.MarkdownString {
  const m = new vscode.MarkdownString('', true);
  m.supportThemeIcons = true;
  return m;
}

/** `**name** text` line with the text escaped. */
function line(m: vscode.MarkdownString, name: string, value: string | undefined): void {
  if (value === undefined || value === '') return;
  m.appendMarkdown(`**${name}** `);
  m.appendText(value);
  m.appendMarkdown('  \n');
}

/** A path or id as inline code (no markdown escapes inside, so it reads and copies as written). */
const code = inlineCode;

/** Failed runs per store whose failed step is read in the background for their description (newest first). */
export const FAILED_STEP_READS = 200;
/** Of those, how many a local store reads before its rows are first drawn (the rest fill in without a redraw storm). */
export const FAILED_STEPS_BEFORE_DRAW = 50;

export class RunsTreeProvider extends Disposable implements vscode.TreeDataProvider<ExplorerNode> {
  private readonly changed = this.register(new vscode.EventEmitter<ExplorerNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  /** Node objects by id: VS Code matches changed elements by identity, so a node is reused across reads. */
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly parents = new Map<string, ExplorerNode | undefined>();
  /**
   * First failed step of failed runs and the user's error from its captured log, once read; null when there is no
   * failed step or the run cannot be read.
   */
  private readonly failedStep = new Map<string, FailedInfo | null>();
  /**
   * Background reads started per store for the failed step in run descriptions, since the store was last listed.
   * VS Code asks for the item of every run of an expanded store (10,000 in a big one), newest first: the newest
   * FAILED_STEP_READS failed runs name their step at once; older ones when expanded or selected.
   */
  private readonly failedStepReads = new Map<string, number>();
  /** Failed-step reads in flight, by run node id: a second request (VS Code and a command listing the same store)
   * waits for the same read instead of starting and counting another. */
  private readonly failedStepReading = new Map<string, Promise<void>>();
  private readonly pending = new Set<ExplorerNode>();
  private pendingTimer: NodeJS.Timeout | undefined;
  /** The identity label each S3 root was drawn with: the chain decides on the first listing, and the root is redrawn. */
  private readonly shownIdentity = new Map<string, string>();

  constructor(private readonly model: RunsModel, private readonly now: () => number = Date.now) {
    super();
    this.register(model.onDidChangeStore((c) => {
      const storeNode = c.storeId ? this.nodes.get(ids.store(c.storeId)) : undefined;
      if (storeNode) {
        for (const k of [...this.failedStep.keys()]) if (k.startsWith(ids.run(c.storeId!, ''))) this.failedStep.delete(k);
        for (const k of [...this.causes.keys()]) if (k.startsWith(ids.run(c.storeId!, ''))) this.causes.delete(k);
        this.failedStepReads.delete(c.storeId!);
        this.changed.fire(storeNode);
      } else {
        this.failedStep.clear();
        this.causes.clear();
        this.failedStepReads.clear();
        this.changed.fire(undefined);
      }
    }));
    // Summaries of a remote root landed: that root's rows are redrawn (never the whole view); its caches stand.
    this.register(model.onDidFillSummaries(({ storeId }) => {
      const storeNode = this.nodes.get(ids.store(storeId));
      if (storeNode) this.changed.fire(storeNode);
    }));
  }

  override dispose(): void {
    clearTimeout(this.pendingTimer);
    super.dispose();
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
        if (run) await this.readCauses(element.ref, run, element.branch.steps);
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
    if (isS3Store(root.store) && this.shownIdentity.get(storeId) !== identityLabel(root.store.identity)) this.fireSoon(element);
    // A store that cannot be listed at all (an S3 endpoint unreachable or refusing, a folder that is not one): its
    // sentence as the root's one item.
    if (listing.kind === 'unavailable') return [this.info(element, 'list-error', listing.message, 'error')];
    const all = listing.runs;
    // The rows show at once; the view's progress bar stays while their statuses are read.
    const filling = this.model.fillingSummaries(storeId);
    if (filling) void vscode.window.withProgress({ location: { viewId: 'runnable.runs' } }, () => filling.catch(() => undefined));
    if (!all.length) return [this.info(element, 'empty', this.model.emptyStoreText(root.descriptor))];
    const runs = await this.model.filteredRuns(storeId);
    if (!runs.length && isFilterActive(this.model.filter)) return [this.info(element, 'filtered', `No runs match the filter (${all.length} hidden).`)];
    // The newest failed runs of a local store name their failed step before the rows are drawn: naming them
    // afterwards redraws rows the user may have just right-clicked, and a redraw closes an open context menu.
    if (root.store?.watchPath) await this.nameFailedSteps(storeId, runs.filter((r) => r.status === 'FAIL' && !r.error).slice(0, FAILED_STEPS_BEFORE_DRAW));
    return runs.map((summary) => this.node({ kind: 'run' as const, id: ids.run(storeId, summary.runId), ref: { storeId, runId: summary.runId }, summary }, element));
  }

  /** Reads these failed runs (the model's read gate bounds the concurrency) and keeps their failed step's name. */
  private async nameFailedSteps(storeId: string, failed: RunSummary[]): Promise<void> {
    await Promise.all(failed
      .filter((s) => !this.failedStep.has(ids.run(storeId, s.runId)))
      .map((s) => this.readFailedStep(ids.run(storeId, s.runId), { storeId, runId: s.runId })));
  }

  /** One read per run at a time, counted once against the store's FAILED_STEP_READS. */
  private readFailedStep(id: string, ref: RunRef): Promise<void> {
    const pending = this.failedStepReading.get(id);
    if (pending) return pending;
    this.failedStepReads.set(ref.storeId, (this.failedStepReads.get(ref.storeId) ?? 0) + 1);
    // The cause is read with the run (one catalog listing and the step's log), counted against the same budget.
    const read = this.model.loadRunInBackground(ref).then(
      async (r) => { this.failedStep.set(id, await this.failedInfo(ref, r)); },
      () => { this.failedStep.set(id, null); },
    ).finally(() => { this.failedStepReading.delete(id); });
    this.failedStepReading.set(id, read);
    return read;
  }

  private async runChildren(element: RunNode): Promise<ExplorerNode[]> {
    if (element.summary.error) return [];
    let run: Run;
    try {
      run = await this.model.getRun(element.ref);
    } catch (e) {
      return [this.info(element, 'read-error', errorMessage(e), 'error')];
    }
    if (run.status === 'FAIL' && !this.failedStep.has(element.id)) {
      // An older failed run (past FAILED_STEP_READS) names its failed step once it has been read.
      this.failedStep.set(element.id, await this.failedInfo(element.ref, run));
      this.fireSoon(element);
    }
    await this.readCauses(element.ref, run, run.steps);
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

  /**
   * Reads the causes of these steps' failed attempts (a failed task's, not a composite's) before their items are
   * drawn, so a row never redraws under the user's pointer. Few per expansion; cached per read run in the model.
   */
  private async readCauses(ref: RunRef, run: Run, steps: Step[]): Promise<void> {
    await Promise.all(steps.flatMap((s) => s.attempts.filter((a) => a.status === 'FAIL').map(async (a) => {
      const key = causeKey(ref, s.internalName, a.number);
      if (this.causes.has(key)) return;
      this.causes.set(key, await this.model.failureCause(ref, run, run.kind === 'job' ? 'job' : s.internalName, a).catch(() => undefined));
    })));
  }

  /** Causes of failed attempts by causeKey (undefined: read, none found). */
  private readonly causes = new Map<string, string | undefined>();

  private cause(ref: RunRef, internalName: string, attempt: Attempt | undefined): string | undefined {
    return attempt ? this.causes.get(causeKey(ref, internalName, attempt.number)) : undefined;
  }

  private async failedInfo(ref: RunRef, run: Run): Promise<FailedInfo | null> {
    const f = firstFailedTask(run);
    if (!f) return null;
    const cause = await this.model.failureCause(ref, run, f.internalName, f.attempt).catch(() => undefined);
    this.causes.set(causeKey(ref, f.internalName, f.attempt.number), cause);
    return { name: run.kind === 'job' ? undefined : f.internalName, cause };
  }

  private async stepChildren(element: StepNode): Promise<ExplorerNode[]> {
    const { step } = element;
    const run = this.model.peekRun(element.ref);
    if (run && !step.branches.length) await this.readCauses(element.ref, run, [step]);
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

  getTreeItem(element: ExplorerNode): vscode.TreeItem {
    try {
      const item = this.treeItem(element);
      item.id = element.id;
      return item;
    } catch (e) {
      const item = new vscode.TreeItem(`Could not show this item: ${errorMessage(e)}`);
      item.id = element.id;
      item.iconPath = new vscode.ThemeIcon('error');
      return item;
    }
  }

  private treeItem(element: ExplorerNode): vscode.TreeItem {
    const None = vscode.TreeItemCollapsibleState.None;
    const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;
    switch (element.kind) {
      case 'store': return this.storeItem(element);
      case 'problem': {
        const item = new vscode.TreeItem(path.basename(element.file) || 'Configuration', None);
        item.description = element.message;
        item.tooltip = new vscode.MarkdownString().appendMarkdown('**Problem in** ').appendText(element.file).appendMarkdown('\n\n').appendText(element.message);
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
        item.contextValue = 'problem';
        if (path.isAbsolute(element.file)) item.resourceUri = vscode.Uri.file(element.file);
        if (path.isAbsolute(element.file)) item.command = { command: 'vscode.open', title: 'Open Config', arguments: [vscode.Uri.file(element.file)] };
        return item;
      }
      case 'info': {
        const item = new vscode.TreeItem(element.message, None);
        item.tooltip = element.detail ?? element.message;
        item.iconPath = new vscode.ThemeIcon(element.severity === 'error' ? 'error' : element.severity === 'warning' ? 'warning' : 'info',
          element.severity === 'error' ? new vscode.ThemeColor('problemsErrorIcon.foreground') : element.severity === 'warning' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
        item.contextValue = element.severity === 'error' ? 'error' : 'info';
        return item;
      }
      case 'run': return this.runItem(element);
      case 'step': return this.stepItem(element);
      case 'branch': {
        const b = element.branch;
        const label = element.parent.type === 'map' && element.iterateAs ? `${element.iterateAs} = ${b.name}` : b.name;
        const item = new vscode.TreeItem(label, b.steps.length ? Collapsed : None);
        item.description = `${statusSymbol(b.status)} ${b.status} · ${b.steps.length} step${b.steps.length === 1 ? '' : 's'}`;
        item.iconPath = this.icon(b.status);
        const tip = md();
        tip.appendMarkdown(`$(${element.parent.type === 'map' ? 'list-ordered' : 'git-branch'}) **${escapeMarkdown(element.parent.type)} branch** `).appendText(b.internalName).appendMarkdown('\n\n');
        line(tip, 'Status', b.status);
        line(tip, 'Steps', b.steps.map((s) => s.name).join(', '));
        item.tooltip = tip;
        item.contextValue = `branch.${statusKey(b.status)}`;
        return item;
      }
      case 'attempt': {
        const a = element.attempt;
        const cause = this.cause(element.ref, element.step?.internalName ?? 'job', a);
        const t = attemptText(a, cause);
        const item = new vscode.TreeItem(t.label, Collapsed);
        item.description = t.description;
        item.iconPath = this.icon(a.status);
        item.tooltip = this.attemptTooltip(a, element.step, cause);
        item.contextValue = `attempt.${element.step ? 'step' : 'job'}.${statusKey(a.status)}`;
        return item;
      }
      case 'group': {
        const count = element.group === 'catalog' ? element.catalog.length : Object.keys(element.attempt[element.group]).length;
        const item = new vscode.TreeItem(GROUP_LABEL[element.group], Collapsed);
        item.description = String(count);
        item.iconPath = new vscode.ThemeIcon({ inputs: 'arrow-right', outputs: 'arrow-left', metrics: 'graph', catalog: 'archive' }[element.group]);
        item.contextValue = `group.${element.group}`;
        return item;
      }
      case 'param': {
        const t = paramText(element.name, element.value, element.pickleExtension);
        const item = new vscode.TreeItem(t.label, None);
        item.description = element.value.kind === 'json' ? undefined : element.value.kind;
        const tip = md();
        tip.appendMarkdown('**').appendText(element.name).appendMarkdown(`** · ${element.value.kind} ${element.group === 'inputs' ? 'input' : element.group === 'outputs' ? 'output' : 'metric'}\n\n`);
        if (element.value.kind === 'object') {
          tip.appendText(`A pickled object; runnable stores it in the run's catalog as ${t.full}.`);
        } else {
          tip.appendMarkdown(codeBlock(t.full, 'json'));
        }
        item.tooltip = tip;
        item.iconPath = new vscode.ThemeIcon(element.value.kind === 'object' ? 'package' : element.value.kind === 'metric' ? 'graph-line' : 'symbol-variable');
        item.contextValue = `param.${element.value.kind}`;
        return item;
      }
      case 'catalogItem': {
        const c = element.item;
        const item = new vscode.TreeItem(c.name, None);
        item.description = [c.stage, c.dataHash.slice(0, 8)].filter(Boolean).join(' · ');
        const tip = md();
        line(tip, 'Catalog item', c.name);
        line(tip, 'Stage', c.stage);
        line(tip, 'Path', c.catalogRelativePath);
        line(tip, 'Location', c.catalogHandlerLocation);
        line(tip, 'Hash', c.dataHash);
        item.tooltip = tip;
        item.iconPath = new vscode.ThemeIcon('file');
        item.contextValue = 'catalogItem';
        return item;
      }
    }
  }

  private icon(status: string): vscode.ThemeIcon {
    const i = statusIcon(status);
    return new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);
  }

  private storeItem(element: StoreNode): vscode.TreeItem {
    const d = element.root.descriptor;
    const item = new vscode.TreeItem(d.label, vscode.TreeItemCollapsibleState.Expanded);
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(d.location));
    item.description = element.root.unavailable?.kind === 'memory' ? 'in memory only'
        : folder && path.isAbsolute(d.location) ? path.relative(folder.uri.fsPath, d.location) || '.' : d.location;
    // An S3 root says which identity reads it (never a value): `s3://runnable · profile dev`, `· instance role`, ...
    const identity = !element.root.unavailable && isS3Store(element.root.store) ? element.root.store.identity : undefined;
    if (identity) {
      const label = identityLabel(identity);
      this.shownIdentity.set(d.id, label);
      item.description = `${String(item.description)} · ${label}`;
    }
    item.iconPath = new vscode.ThemeIcon(element.root.unavailable?.kind === 'error' ? 'error' : d.type.includes('minio') ? 'cloud' : 'database');
    const tip = md();
    tip.appendMarkdown('$(database) **').appendText(d.label).appendMarkdown('**\n\n');
    line(tip, 'Store type', d.type);
    tip.appendMarkdown(`**Location** ${code(d.location)}  \n`);
    if (d.catalog) tip.appendMarkdown(`**Catalog** ${code(d.catalog.type)} ${code(d.catalog.location)}  \n`);
    if (identity) {
      tip.appendMarkdown('**Identity** ').appendText(describeCredentialSource(identity));
      tip.appendMarkdown('  \n*Runnable: Choose AWS Profile* or *Set S3 Credentials* changes it.  \n');
    }
    if (d.configFiles.length) {
      tip.appendMarkdown('**Config files**\n');
      for (const f of d.configFiles) tip.appendMarkdown(`- ${code(f)}\n`);
    } else {
      tip.appendMarkdown('No config file: runnable\'s defaults.\n');
    }
    if (element.root.unavailable) tip.appendMarkdown('\n').appendText(element.root.unavailable.message);
    item.tooltip = tip;
    item.contextValue = element.root.unavailable ? `store.${element.root.unavailable.kind}` : `store.${d.type}`;
    return item;
  }

  private runItem(element: RunNode): vscode.TreeItem {
    const r = element.summary;
    const item = new vscode.TreeItem(r.runId, r.error ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
    if (r.error) {
      item.description = r.error;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
      item.tooltip = new vscode.MarkdownString().appendMarkdown('**Could not read run** ').appendText(r.runId).appendMarkdown('\n\n').appendText(r.error).appendMarkdown('\n\n').appendText(r.source);
      item.contextValue = 'run.error';
      return item;
    }
    if (r.pending) {
      item.description = ['status not read yet', formatRelative(r.endMs, this.now())].filter(Boolean).join(' · ');
      item.iconPath = new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('disabledForeground'));
      item.tooltip = new vscode.MarkdownString().appendMarkdown('**').appendText(r.runId).appendMarkdown('** — status not read yet\n\n')
        .appendText('Listed from the bucket; its status, tag and failed step are being read from the first KB of its run log.')
        .appendMarkdown(`\n\n**Source** ${code(r.source)}`);
      item.contextValue = `run.pending${REMOTE_STORE_TYPES.has(this.model.store(element.ref.storeId)?.descriptor.type ?? '') ? '.remote' : ''}`;
      return item;
    }
    const failed = r.status === 'FAIL' ? this.failedStepOf(element) : undefined;
    const full = this.model.peekRun(element.ref);
    const durationMs = full && Number.isFinite(full.endMs - full.startMs) ? full.endMs - full.startMs : undefined;
    // The pipeline once the run has been read (the summary's first 4 KB do not hold run_config).
    const pipeline = full ? pipelineName(full.definitionFile) : undefined;
    item.description = runDescription(r, this.now(), failed?.name, durationMs, failed?.cause, pipeline);
    item.iconPath = this.icon(r.status);
    const tip = md();
    tip.appendMarkdown(`$(${statusIcon(r.status).id}) **`).appendText(r.runId).appendMarkdown(`** — ${escapeMarkdown(r.status)}${r.kind === 'job' ? ' (job)' : ''}\n\n`);
    line(tip, 'Pipeline', pipeline);
    line(tip, 'Tag', r.tag);
    line(tip, 'Started', r.startTime ? `${r.startTime} (${formatRelative(r.startMs, this.now()) ?? ''})` : undefined);
    line(tip, 'Ended', full?.endTime);
    line(tip, 'Duration', formatDuration(durationMs));
    line(tip, 'First failed step', failed?.name);
    line(tip, 'Cause', failed?.cause);
    if (r.source) tip.appendMarkdown(`**Source** ${code(r.source)}  \n`);
    item.tooltip = tip;
    // `.remote` last: menus matching /^run\.failed/ keep working; "Pull Run to Local Sandbox" shows only on these.
    const remote = REMOTE_STORE_TYPES.has(this.model.store(element.ref.storeId)?.descriptor.type ?? '') ? '.remote' : '';
    item.contextValue = `run.${statusKey(r.status)}${r.kind === 'job' ? '.job' : ''}${remote}`;
    return item;
  }

  /** The failed step's name when known; otherwise reads the run in the background and refreshes this item. */
  private failedStepOf(element: RunNode): FailedInfo | undefined {
    const known = this.failedStep.get(element.id);
    if (known !== undefined) return known ?? undefined;
    // VS Code may ask for the same item again before its read ends (or while the rows' pre-draw read runs): one read,
    // counted once; this item is redrawn when it ends.
    const pending = this.failedStepReading.get(element.id);
    if (!pending && (this.failedStepReads.get(element.ref.storeId) ?? 0) >= FAILED_STEP_READS) return undefined;
    void (pending ?? this.readFailedStep(element.id, element.ref)).then(() => this.fireSoon(element));
    return undefined;
  }

  /** Coalesces the many per-run updates of a freshly listed store into one event. */
  private fireSoon(node: ExplorerNode): void {
    this.pending.add(node);
    this.pendingTimer ??= setTimeout(() => {
      this.pendingTimer = undefined;
      const nodes = [...this.pending];
      this.pending.clear();
      for (const n of nodes) this.changed.fire(n);
    }, 50);
  }

  private stepItem(element: StepNode): vscode.TreeItem {
    const s = element.step;
    const hasChildren = s.branches.length > 0 || s.attempts.length > 0;
    const item = new vscode.TreeItem(s.name, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    const last = s.attempts[s.attempts.length - 1];
    // runnable records its terminal `fail` node as SUCCESS when the run reaches it (the node itself ran fine): the
    // row reads as what it means, the failure path taken, not as a green success inside a failed run.
    const failPath = s.type === 'fail' && s.status === 'SUCCESS';
    const parts = [failPath ? '✗ failure path taken' : `${statusSymbol(s.status)} ${s.status}`];
    if (s.type !== 'task' && !failPath) parts.push(s.type);
    if (s.branches.length) parts.push(`${s.branches.length} branch${s.branches.length === 1 ? '' : 'es'}`);
    if (s.attempts.length > 1) parts.push(`${s.attempts.length} attempts`);
    const dur = formatDuration(last?.durationMs);
    if (dur) parts.push(dur);
    const cause = last?.status === 'FAIL' ? this.cause(element.ref, s.internalName, last) : undefined;
    if (cause) parts.push(cause);
    item.description = parts.join(' · ');
    item.iconPath = failPath ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')) : this.icon(s.status);
    const tip = md();
    tip.appendMarkdown(`$(${statusIcon(s.status).id}) **`).appendText(s.name).appendMarkdown(`** — ${escapeMarkdown(s.type)}, ${escapeMarkdown(s.status)}\n\n`);
    if (failPath) tip.appendMarkdown('The run reached its `fail` node: a step before it failed and the pipeline took its failure path (runnable records the node itself as SUCCESS).\n\n');
    line(tip, 'Internal name', s.internalName);
    line(tip, 'Command', s.command ? `${s.command}${s.commandType ? ` (${s.commandType})` : ''}` : undefined);
    line(tip, 'Attempts', s.attempts.length ? String(s.attempts.length) : undefined);
    if (s.mock) line(tip, 'Mocked', 'yes');
    const message = s.message || (last?.status === 'FAIL' ? last.message : '');
    if (cause) tip.appendMarkdown(codeBlock(cause, 'text'));
    if (message.trim()) tip.appendMarkdown(codeBlock(message.trim(), 'text'));
    item.tooltip = tip;
    item.contextValue = `step.${statusKey(s.type)}.${statusKey(s.status)}`;
    return item;
  }

  private attemptTooltip(a: Attempt, step: Step | undefined, cause: string | undefined): vscode.MarkdownString {
    const tip = md();
    tip.appendMarkdown(`$(${statusIcon(a.status).id}) **Attempt ${a.number}** of `).appendText(step ? step.name : 'the job').appendMarkdown(` — ${escapeMarkdown(a.status)}\n\n`);
    line(tip, 'Retry indicator', a.retryIndicator || '(original run)');
    line(tip, 'Started', a.startTime);
    line(tip, 'Ended', a.endTime);
    line(tip, 'Duration', formatDuration(a.durationMs));
    if (cause) tip.appendMarkdown(codeBlock(cause, 'text'));
    if (a.message.trim()) tip.appendMarkdown(codeBlock(a.message.trim(), 'text'));
    return tip;
  }
}

/** A failed run's first failed task (none named for a job) and the user's error it ended with. */
interface FailedInfo { name?: string; cause?: string }

function causeKey(ref: RunRef, internalName: string, attempt: number): string {
  return `${ids.run(ref.storeId, ref.runId)}/${internalName}#${attempt}`;
}
