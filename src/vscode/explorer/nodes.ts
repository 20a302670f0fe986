// The Runs view's node kinds. Every node has a stable id (store/run/internal name/...) so expansion survives a
// refresh, and run-related nodes carry `ref` so commands get a RunRef through toRunRef.
import type { Attempt, Branch, CatalogItem, ParamValue, RunSummary, Step } from '../../core/runlog/model';
import type { RunRef } from '../services';
import type { StoreRoot } from './runsModel';

export type ParamGroup = 'inputs' | 'outputs' | 'metrics';

interface NodeBase { readonly id: string }

export interface StoreNode extends NodeBase { kind: 'store'; root: StoreRoot }
/** A config or setting that could not be used (a root of its own). */
export interface ProblemNode extends NodeBase { kind: 'problem'; file: string; message: string }
/** A leaf saying something: "No runs yet", "In memory only", a store or run that cannot be read. */
export interface InfoNode extends NodeBase { kind: 'info'; message: string; detail?: string; severity: 'info' | 'warning' | 'error' }
export interface RunNode extends NodeBase { kind: 'run'; ref: RunRef; summary: RunSummary }
export interface StepNode extends NodeBase { kind: 'step'; ref: RunRef; step: Step; pickleExtension: string; iterateAs?: string }
export interface BranchNode extends NodeBase { kind: 'branch'; ref: RunRef; branch: Branch; parent: Step; pickleExtension: string; iterateAs?: string }
export interface AttemptNode extends NodeBase {
  kind: 'attempt'; ref: RunRef; attempt: Attempt; catalog: CatalogItem[]; pickleExtension: string;
  /** undefined for a job's attempts. */
  step?: Step;
}
export interface GroupNode extends NodeBase {
  kind: 'group'; ref: RunRef; group: ParamGroup | 'catalog'; attempt: Attempt; catalog: CatalogItem[]; pickleExtension: string;
}
export interface ParamNode extends NodeBase { kind: 'param'; ref: RunRef; name: string; value: ParamValue; pickleExtension: string; group: ParamGroup }
export interface CatalogNode extends NodeBase { kind: 'catalogItem'; ref: RunRef; item: CatalogItem }
/** The last row of a store root that lists a page of runs more: `shown` of the `total` the filter lets through. */
export interface MoreNode extends NodeBase { kind: 'more'; storeId: string; shown: number; total: number }

export type ExplorerNode =
  | StoreNode | ProblemNode | InfoNode | RunNode | StepNode | BranchNode | AttemptNode | GroupNode | ParamNode | CatalogNode | MoreNode;

export const ids = {
  store: (storeId: string) => `store:${storeId}`,
  run: (storeId: string, runId: string) => `run:${storeId}/${runId}`,
  more: (storeId: string) => `more:${storeId}`,
  step: (runNodeId: string, internalName: string) => `${runNodeId}/s:${internalName}`,
  branch: (runNodeId: string, internalName: string) => `${runNodeId}/b:${internalName}`,
  attempt: (ownerId: string, n: number) => `${ownerId}/#${n}`,
  group: (attemptId: string, g: string) => `${attemptId}/${g}`,
  child: (parentId: string, name: string) => `${parentId}/${name}`,
};
