// The messages between the extension and the run-details webview (both sides import these types).
import type { AttemptDiff } from './attemptDiff';
import type { RunComparison } from './compare';
import type { RunDetails } from './runDetails';

export type ToWebview =
  | { type: 'details'; details: RunDetails; /** a refresh after the run changed on disk */ update: boolean }
  | { type: 'compare'; comparison: RunComparison }
  | { type: 'error'; message: string }
  /** The answer to `needStep`: a step whose diff RunDetails.steps left out. */
  | { type: 'step'; diff: AttemptDiff }
  /** Select a step / switch the tab as a click would (the extension's API and tests use these). */
  | { type: 'select'; step: string }
  | { type: 'tab'; tab: 'timeline' | 'graph' };

export type DetailsAction = 'retryLocally' | 'retryWith' | 'showStepOutput' | 'openRunLog' | 'revealInTree' | 'showChanges' | 'retryAtCommit';

/** What the page drew, posted after every render (tests and the extension read it). */
export interface RenderedState {
  view: 'details' | 'compare' | 'error';
  runId?: string;
  /** Active tab: timeline or graph (details only). */
  tab?: 'timeline' | 'graph';
  selectedStep?: string;
  timelineRows: number;
  timelineBars: number;
  graphNodes: number;
  /** Row ids drawn as failed tasks / graph node ids on the failed path. */
  failedRows: string[];
  failedPathNodes: string[];
  /** The text drawn as the run's cause in the header and as the selected step's cause (read back from the DOM). */
  causeShown?: string;
  stepCauseShown?: string;
  /** The "changed since commit …" line drawn in the step panel. */
  driftShown?: string;
  /** The "inputs edited in the sandbox" line of the step panel, and the attempt columns marked edited. */
  editedShown?: string;
  editedColumns?: string[];
  renderMs: number;
  renderCount: number;
}

export type FromWebview =
  | { type: 'ready' }
  | { type: 'rendered'; state: RenderedState }
  | { type: 'action'; action: DetailsAction; stepInternalName?: string }
  | { type: 'select'; stepInternalName: string }
  | { type: 'needStep'; stepInternalName: string };
