// What an empty local store root says. "Run a pipeline with this config and it appears here" is true for a config
// whose executor runs here (local, local-container, emulator, mocked), not for an Argo one: with `pipeline-executor:
// argo` runnable only writes argo-pipeline.yaml on this machine (extensions/pipeline_executor/argo.py); the pods
// write their run logs to the config's folder on the cluster's volume (runnable's examples/configs/argo-config.yaml:
// chunked-fs at /mnt/run_log_store on `pvc_for_runnable`), so that root stays empty here until the folder is copied.
import * as path from 'node:path';
import type { LoadedConfig } from '../config/configFile';
import type { StoreDescriptor } from '../stores/runLogStore';

const LOCAL_TYPES = new Set(['file-system', 'chunked-fs']);

/** The executor a loaded config names (runnable's default: local). */
export function executorOf(config: LoadedConfig | undefined): string {
  return config?.pipelineExecutor?.type ?? 'local';
}

/**
 * The sentence of a store root without runs: `configs` are the loaded configs by file. A local store named only by
 * Argo configs (runnable's defaults not among its readers) says where its runs are and how to see them.
 */
export function emptyStoreSentence(d: StoreDescriptor, configs: ReadonlyMap<string, LoadedConfig>): { text: string; elsewhere: boolean } {
  const readers = d.layouts ? Object.values(d.layouts) : [];
  const byDefaults = readers.some((r) => r?.defaults);
  if (LOCAL_TYPES.has(d.type) && d.configFiles.length && !byDefaults && d.configFiles.every((f) => executorOf(configs.get(f)) === 'argo')) {
    const names = d.configFiles.map((f) => path.basename(f)).join(', ');
    const pvc = configs.get(d.configFiles[0])?.pipelineExecutor?.raw?.config;
    const volume = pvc && typeof pvc === 'object' && typeof (pvc as Record<string, unknown>).pvc_for_runnable === 'string' ? ` (volume ${(pvc as Record<string, unknown>).pvc_for_runnable as string})` : '';
    return { elsewhere: true, text: `No runs here: ${names} run${d.configFiles.length > 1 ? '' : 's'} pipelines on Argo, which writes their run logs to ${d.location} inside the cluster${volume}; runnable only writes argo-pipeline.yaml on this machine. Copy that folder here and point a local config at it to see and retry those runs.` };
  }
  return { elsewhere: false, text: 'No runs yet: run a pipeline with this config and it appears here.' };
}
