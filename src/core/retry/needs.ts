// Python packages a retry needs beyond runnable itself, from the steps it will run and the store it writes. runnable
// imports them only when used, so a laptop environment that lacks one (the production image had it) fails at that
// step, after the re-run steps before it have already written their attempts to the run log:
// - a notebook task: runnable/tasks.py NotebookTaskType.execute_command imports ploomber_engine inside its try, and a
//   missing module ends the attempt FAIL with an empty message and an empty execution log (the traceback only reaches
//   the console). Observed with real runnable: fixture notebook-steps (`report` after the fixed `train`), and
//   runnable's own examples/09-retry/parallel.py and map.py, whose notebook steps fail so on a retry without it.
// - an S3 store or catalog (minio, chunked-minio; catalog minio, s3): extensions/run_log_store/minio.py and the
//   catalogs use cloudpathlib's S3Client, which needs boto3 (runnable's `s3` extra, `cloudpathlib[s3]`).
import type { StoreDescriptor } from '../config/descriptor';
import type { RawDagNode } from '../runlog/dag';
import type { Run } from '../runlog/model';
import { walkSteps, type RetrySkipPlan } from '../runlog/rules';

export interface PackageNeed {
  /** The importable name the interpreter is asked for. */
  module: string;
  /** What to install (pip's spelling). */
  install: string;
  /** The conda-forge package, when its name differs (cloudpathlib's S3 extra is the package cloudpathlib-s3). */
  condaInstall?: string;
  /** Who needs it, for the sentence: steps by internal name, or the store. */
  neededBy: string[];
  /** Why, for the sentence: "runnable's notebook tasks import ploomber_engine". */
  why: string;
  /** What happens without it, for the sentence. */
  effect: string;
}

function listed(names: string[]): string {
  return names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
}

const S3_STORES = new Set(['minio', 'chunked-minio']);
const S3_CATALOGS = new Set(['minio', 's3']);

/** Every node in a not-reached node's subtree (the node itself, then every branch of a composite), with its name. */
export function forEachNodeIn(node: RawDagNode, name: string, visit: (node: RawDagNode, name: string) => void): void {
  visit(node, name);
  const graphs = [...Object.entries(node.branches ?? {}), ...(node.branch ? [['', node.branch] as const] : [])];
  for (const [branch, graph] of graphs) {
    for (const [inner, child] of Object.entries(graph?.nodes ?? {})) {
      // A map or loop iteration's name is not known before it runs: `map_state.report`, without the iteration.
      forEachNodeIn(child, `${name}.${branch ? `${branch}.` : ''}${inner}`, visit);
    }
  }
}

/** The packages the steps `skip` says the retry runs (re-run and never reached) and the store it writes need. */
export function retryNeeds(run: Run, skip: RetrySkipPlan, store: StoreDescriptor): PackageNeed[] {
  const needs: PackageNeed[] = [];
  const rerun = new Set(skip.rerun);
  const notebooks = walkSteps(run).filter(({ step }) => rerun.has(step.internalName) && step.commandType === 'notebook').map(({ step }) => step.internalName);
  for (const { internalName, node } of skip.notReachedNodes) {
    forEachNodeIn(node, internalName, (n, name) => {
      if (n.node_type === 'task' && n.command_type === 'notebook') notebooks.push(name);
    });
  }
  if (notebooks.length) {
    needs.push({
      module: 'ploomber_engine', install: 'ploomber-engine', neededBy: notebooks, why: "runnable's notebook tasks import ploomber_engine (runnable's notebook extra)",
      effect: `${listed(notebooks)} would fail with ModuleNotFoundError when reached (runnable records a FAIL with no message)`,
    });
  }
  const s3 = [
    ...(S3_STORES.has(store.type) ? [`the ${store.type} run log store`] : []),
    ...(store.catalog && S3_CATALOGS.has(store.catalog.type) ? [`the ${store.catalog.type} catalog`] : []),
  ];
  if (s3.length) {
    needs.push({
      module: 'boto3', install: 'cloudpathlib[s3]', condaInstall: 'cloudpathlib-s3', neededBy: s3, why: "runnable reads S3 through cloudpathlib's S3Client, which needs boto3 (runnable's s3 extra)",
      effect: `runnable cannot open ${s3.join(' and ')} without it`,
    });
  }
  return needs;
}
