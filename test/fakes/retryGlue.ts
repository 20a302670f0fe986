// What the glue tests of Retry Locally build around RetryPreparation (under the `vscode` fake): the Runs view's model
// as the retry sees it (RunsService over a StoreRegistry of a folder, counting its reads) and the preparation with
// its sessions and log; the interpreter checker is the test's own.
import { memoryLogger } from './vscode';
import { RetryPreparation } from '../../src/vscode/debug/retryPreparation';
import { RetrySessions } from '../../src/vscode/debug/retrySessions';
import { StoreRegistry } from '../../src/core/stores/storeRegistry';
import type { RunsService, Services } from '../../src/vscode/services';
import type { EnvironmentChecker } from '../../src/vscode/python/environmentCheck';

export async function runsOf(cwd: string, picked?: { storeId: string; runId: string }) {
  const registry = await StoreRegistry.discover({ cwd, env: {} });
  const reads: string[] = [];
  const runs = {
    descriptors: () => Promise.resolve(registry.discovery.stores),
    store: (id: string) => registry.store(id),
    getRun: (ref: { storeId: string; runId: string }) => { reads.push(`${ref.storeId} ${ref.runId}`); return registry.store(ref.storeId)!.getRun(ref.runId); },
    pickRun: async () => picked,
  } as unknown as RunsService;
  return { registry, runs, reads };
}

/** `checker`: the interpreter checks as the test wants them (only what RetryPreparation calls). */
export function preparationFor(runs: RunsService, checker: object) {
  const log = memoryLogger();
  const sessions = new RetrySessions(log as never);
  const services = { context: { workspaceState: { get: () => undefined, update: async () => undefined } }, log, runs } as unknown as Services;
  return { preparation: new RetryPreparation(services, checker as EnvironmentChecker, sessions), sessions, log };
}
