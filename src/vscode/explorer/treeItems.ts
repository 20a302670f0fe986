// The Runs view's TreeItems, one builder per node kind, from what the model already holds (no I/O). Tooltips of
// runs, steps and attempts are built only when hovered (tooltipOf, through the provider's resolveTreeItem).
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Attempt, Run, Step } from '../../core/runlog/model';
import {
  attemptText, formatDuration, formatRelative, paramText, pipelineName, runDescription, statusIcon, statusKey, statusSymbol,
} from '../../core/explorer/labels';
import type { FailedInfo } from '../../core/explorer/failureReads';
import { isS3Store } from '../../core/stores/s3/openS3Store';
import { describeCredentialSource, identityLabel } from '../../core/stores/s3/credentials';
import type { RunLogStore } from '../../core/stores/runLogStore';
import { codeBlock, escapeMarkdown, inlineCode } from '../../core/text/markdown';
import { Commands } from '../../core/commandIds';
import type { RunRef } from '../services';
import type {
  AttemptNode, BranchNode, CatalogNode, ExplorerNode, GroupNode, InfoNode, MoreNode, ParamGroup, ParamNode, ProblemNode,
  RunNode, StepNode, StoreNode,
} from './nodes';

/** What the builders read from the model, synchronously. */
export interface ItemSource {
  store(storeId: string): RunLogStore | undefined;
  peekRun(ref: RunRef): Run | undefined;
  failedStep(ref: RunRef): FailedInfo | null | undefined;
  cause(ref: RunRef, internalName: string, attempt: Attempt | undefined): string | undefined;
}

export interface ItemContext { source: ItemSource; now: number; remoteTypes: ReadonlySet<string> }

const GROUP_LABEL: Record<ParamGroup | 'catalog', string> = { inputs: 'Inputs', outputs: 'Outputs', metrics: 'Metrics', catalog: 'Catalog' };
const None = vscode.TreeItemCollapsibleState.None;
const Collapsed = vscode.TreeItemCollapsibleState.Collapsed;

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

function icon(status: string): vscode.ThemeIcon {
  const i = statusIcon(status);
  return new vscode.ThemeIcon(i.id, i.color ? new vscode.ThemeColor(i.color) : undefined);
}

/** The TreeItem of a node (without the tooltips tooltipOf builds). */
export function treeItem(element: ExplorerNode, ctx: ItemContext): vscode.TreeItem {
  switch (element.kind) {
    case 'store': return storeItem(element);
    case 'problem': return problemItem(element);
    case 'info': return infoItem(element);
    case 'run': return runItem(element, ctx);
    case 'more': return moreItem(element);
    case 'step': return stepItem(element, ctx);
    case 'branch': return branchItem(element);
    case 'attempt': return attemptItem(element, ctx);
    case 'group': return groupItem(element);
    case 'param': return paramItem(element);
    case 'catalogItem': return catalogItem(element);
  }
}

/** The tooltip built when the user hovers a run, step or attempt; undefined for other kinds (theirs are built with the item). */
export function tooltipOf(element: ExplorerNode, ctx: ItemContext): vscode.MarkdownString | undefined {
  switch (element.kind) {
    case 'run': return runTooltip(element, ctx);
    case 'step': return stepTooltip(element, ctx);
    case 'attempt': return attemptTooltip(element.attempt, element.step, ctx.source.cause(element.ref, element.step?.internalName ?? 'job', element.attempt));
    default: return undefined;
  }
}

function storeItem(element: StoreNode): vscode.TreeItem {
  const d = element.root.descriptor;
  const item = new vscode.TreeItem(d.label, vscode.TreeItemCollapsibleState.Expanded);
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(d.location));
  item.description = element.root.unavailable?.kind === 'memory' ? 'in memory only'
    : folder && path.isAbsolute(d.location) ? path.relative(folder.uri.fsPath, d.location) || '.' : d.location;
  // An S3 root says which identity reads it (never a value): `s3://runnable · profile dev`, `· instance role`, ...
  const identity = storeIdentity(element);
  if (identity) item.description = `${String(item.description)} · ${identityLabel(identity)}`;
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

/** The identity an S3 root reads with (decided by its first listing); undefined for other roots. */
export function storeIdentity(element: StoreNode): Parameters<typeof identityLabel>[0] | undefined {
  return !element.root.unavailable && isS3Store(element.root.store) ? element.root.store.identity : undefined;
}

function problemItem(element: ProblemNode): vscode.TreeItem {
  const item = new vscode.TreeItem(path.basename(element.file) || 'Configuration', None);
  item.description = element.message;
  item.tooltip = new vscode.MarkdownString().appendMarkdown('**Problem in** ').appendText(element.file).appendMarkdown('\n\n').appendText(element.message);
  item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
  item.contextValue = 'problem';
  if (path.isAbsolute(element.file)) item.resourceUri = vscode.Uri.file(element.file);
  if (path.isAbsolute(element.file)) item.command = { command: 'vscode.open', title: 'Open Config', arguments: [vscode.Uri.file(element.file)] };
  return item;
}

function infoItem(element: InfoNode): vscode.TreeItem {
  const item = new vscode.TreeItem(element.message, None);
  item.tooltip = element.detail ?? element.message;
  item.iconPath = new vscode.ThemeIcon(element.severity === 'error' ? 'error' : element.severity === 'warning' ? 'warning' : 'info',
    element.severity === 'error' ? new vscode.ThemeColor('problemsErrorIcon.foreground') : element.severity === 'warning' ? new vscode.ThemeColor('problemsWarningIcon.foreground') : undefined);
  item.contextValue = element.severity === 'error' ? 'error' : 'info';
  return item;
}

function moreItem(element: MoreNode): vscode.TreeItem {
  const item = new vscode.TreeItem(`Show more runs (${element.shown} of ${element.total})`, None);
  item.iconPath = new vscode.ThemeIcon('ellipsis');
  item.tooltip = `${element.total - element.shown} older runs are not listed yet: this lists the next page of them (runnable.runsPageSize runs a page).`;
  item.command = { command: Commands.showMoreRuns, title: 'Show More Runs', arguments: [element] };
  item.contextValue = 'more';
  return item;
}

function isRemote(ref: RunRef, ctx: ItemContext): boolean {
  return ctx.remoteTypes.has(ctx.source.store(ref.storeId)?.descriptor.type ?? '');
}

function runItem(element: RunNode, ctx: ItemContext): vscode.TreeItem {
  const r = element.summary;
  const item = new vscode.TreeItem(r.runId, r.error ? None : Collapsed);
  if (r.error) {
    item.description = r.error;
    item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground'));
    item.contextValue = 'run.error';
    return item;
  }
  // `.remote` last: menus matching /^run\.failed/ keep working; "Pull Run to Local Sandbox" shows only on these.
  const remote = isRemote(element.ref, ctx) ? '.remote' : '';
  if (r.pending) {
    item.description = ['status not read yet', formatRelative(r.endMs, ctx.now)].filter(Boolean).join(' · ');
    item.iconPath = new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('disabledForeground'));
    item.contextValue = `run.pending${remote}`;
    return item;
  }
  const { failed, durationMs, pipeline } = runFacts(element, ctx);
  item.description = runDescription(r, ctx.now, failed?.name, durationMs, failed?.cause, pipeline);
  item.iconPath = icon(r.status);
  item.contextValue = `run.${statusKey(r.status)}${r.kind === 'job' ? '.job' : ''}${remote}`;
  return item;
}

function runFacts(element: RunNode, ctx: ItemContext): { failed?: FailedInfo; durationMs?: number; pipeline?: string; full?: Run } {
  const r = element.summary;
  const failed = r.status === 'FAIL' ? ctx.source.failedStep(element.ref) ?? undefined : undefined;
  const full = ctx.source.peekRun(element.ref);
  const durationMs = full && Number.isFinite(full.endMs - full.startMs) ? full.endMs - full.startMs : undefined;
  // The pipeline once the run has been read (the summary's first 4 KB do not hold run_config).
  return { failed, durationMs, pipeline: full ? pipelineName(full.definitionFile) : undefined, full };
}

function runTooltip(element: RunNode, ctx: ItemContext): vscode.MarkdownString {
  const r = element.summary;
  if (r.error) {
    return new vscode.MarkdownString().appendMarkdown('**Could not read run** ').appendText(r.runId).appendMarkdown('\n\n').appendText(r.error).appendMarkdown('\n\n').appendText(r.source);
  }
  if (r.pending) {
    return new vscode.MarkdownString().appendMarkdown('**').appendText(r.runId).appendMarkdown('** — status not read yet\n\n')
      .appendText('Listed from the bucket; its status, tag and failed step are being read from the first KB of its run log.')
      .appendMarkdown(`\n\n**Source** ${code(r.source)}`);
  }
  const { failed, durationMs, pipeline, full } = runFacts(element, ctx);
  const tip = md();
  tip.appendMarkdown(`$(${statusIcon(r.status).id}) **`).appendText(r.runId).appendMarkdown(`** — ${escapeMarkdown(r.status)}${r.kind === 'job' ? ' (job)' : ''}\n\n`);
  line(tip, 'Pipeline', pipeline);
  line(tip, 'Tag', r.tag);
  line(tip, 'Started', r.startTime ? `${r.startTime} (${formatRelative(r.startMs, ctx.now) ?? ''})` : undefined);
  line(tip, 'Ended', full?.endTime);
  line(tip, 'Duration', formatDuration(durationMs));
  line(tip, 'First failed step', failed?.name);
  line(tip, 'Cause', failed?.cause);
  if (r.source) tip.appendMarkdown(`**Source** ${code(r.source)}  \n`);
  return tip;
}

/** runnable records its terminal `fail` node as SUCCESS when the run reaches it (the node itself ran fine). */
function isFailPath(s: Step): boolean {
  return s.type === 'fail' && s.status === 'SUCCESS';
}

function stepItem(element: StepNode, ctx: ItemContext): vscode.TreeItem {
  const s = element.step;
  const hasChildren = s.branches.length > 0 || s.attempts.length > 0;
  const item = new vscode.TreeItem(s.name, hasChildren ? Collapsed : None);
  const last = s.attempts[s.attempts.length - 1];
  // The row reads as what it means, the failure path taken, not as a green success inside a failed run.
  const failPath = isFailPath(s);
  const parts = [failPath ? '✗ failure path taken' : `${statusSymbol(s.status)} ${s.status}`];
  if (s.type !== 'task' && !failPath) parts.push(s.type);
  if (s.branches.length) parts.push(`${s.branches.length} branch${s.branches.length === 1 ? '' : 'es'}`);
  if (s.attempts.length > 1) parts.push(`${s.attempts.length} attempts`);
  const dur = formatDuration(last?.durationMs);
  if (dur) parts.push(dur);
  const cause = last?.status === 'FAIL' ? ctx.source.cause(element.ref, s.internalName, last) : undefined;
  if (cause) parts.push(cause);
  item.description = parts.join(' · ');
  item.iconPath = failPath ? new vscode.ThemeIcon('error', new vscode.ThemeColor('problemsErrorIcon.foreground')) : icon(s.status);
  item.contextValue = `step.${statusKey(s.type)}.${statusKey(s.status)}`;
  return item;
}

function stepTooltip(element: StepNode, ctx: ItemContext): vscode.MarkdownString {
  const s = element.step;
  const last = s.attempts[s.attempts.length - 1];
  const cause = last?.status === 'FAIL' ? ctx.source.cause(element.ref, s.internalName, last) : undefined;
  const tip = md();
  tip.appendMarkdown(`$(${statusIcon(s.status).id}) **`).appendText(s.name).appendMarkdown(`** — ${escapeMarkdown(s.type)}, ${escapeMarkdown(s.status)}\n\n`);
  if (isFailPath(s)) tip.appendMarkdown('The run reached its `fail` node: a step before it failed and the pipeline took its failure path (runnable records the node itself as SUCCESS).\n\n');
  line(tip, 'Internal name', s.internalName);
  line(tip, 'Command', s.command ? `${s.command}${s.commandType ? ` (${s.commandType})` : ''}` : undefined);
  line(tip, 'Attempts', s.attempts.length ? String(s.attempts.length) : undefined);
  if (s.mock) line(tip, 'Mocked', 'yes');
  const message = s.message || (last?.status === 'FAIL' ? last.message : '');
  if (cause) tip.appendMarkdown(codeBlock(cause, 'text'));
  if (message.trim()) tip.appendMarkdown(codeBlock(message.trim(), 'text'));
  return tip;
}

function branchItem(element: BranchNode): vscode.TreeItem {
  const b = element.branch;
  const label = element.parent.type === 'map' && element.iterateAs ? `${element.iterateAs} = ${b.name}` : b.name;
  const item = new vscode.TreeItem(label, b.steps.length ? Collapsed : None);
  item.description = `${statusSymbol(b.status)} ${b.status} · ${b.steps.length} step${b.steps.length === 1 ? '' : 's'}`;
  item.iconPath = icon(b.status);
  const tip = md();
  tip.appendMarkdown(`$(${element.parent.type === 'map' ? 'list-ordered' : 'git-branch'}) **${escapeMarkdown(element.parent.type)} branch** `).appendText(b.internalName).appendMarkdown('\n\n');
  line(tip, 'Status', b.status);
  line(tip, 'Steps', b.steps.map((s) => s.name).join(', '));
  item.tooltip = tip;
  item.contextValue = `branch.${statusKey(b.status)}`;
  return item;
}

function attemptItem(element: AttemptNode, ctx: ItemContext): vscode.TreeItem {
  const a = element.attempt;
  const t = attemptText(a, ctx.source.cause(element.ref, element.step?.internalName ?? 'job', a));
  const item = new vscode.TreeItem(t.label, Collapsed);
  item.description = t.description;
  item.iconPath = icon(a.status);
  item.contextValue = `attempt.${element.step ? 'step' : 'job'}.${statusKey(a.status)}`;
  return item;
}

function attemptTooltip(a: Attempt, step: Step | undefined, cause: string | undefined): vscode.MarkdownString {
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

function groupItem(element: GroupNode): vscode.TreeItem {
  const count = element.group === 'catalog' ? element.catalog.length : Object.keys(element.attempt[element.group]).length;
  const item = new vscode.TreeItem(GROUP_LABEL[element.group], Collapsed);
  item.description = String(count);
  item.iconPath = new vscode.ThemeIcon({ inputs: 'arrow-right', outputs: 'arrow-left', metrics: 'graph', catalog: 'archive' }[element.group]);
  item.contextValue = `group.${element.group}`;
  return item;
}

function paramItem(element: ParamNode): vscode.TreeItem {
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

function catalogItem(element: CatalogNode): vscode.TreeItem {
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
