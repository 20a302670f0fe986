// Which config the retry hands runnable (RUNNABLE_CONFIGURATION_FILE), chosen from the RUN, not from the folder.
//
// What runnable records and what it does not (seen in its context.py / run_config and in the mixed-configs fixture):
// - run_config records the services by name only: pipeline_executor.service_name (`local`, `argo`, `mocked`, ...),
//   run_log_store.service_name, catalog.service_name, secrets.service_name. It does NOT record which config file was
//   used, nor the store folder, nor the catalog folder. A run made with runnable's defaults and one made through an
//   equivalent local config look the same.
// - runnable picks its config as: RUNNABLE_CONFIGURATION_FILE, else execute(configuration_file=...), else
//   `runnable-config.yaml` in cwd, else DEFAULT_SERVICES (local executor, file-system `.run_log_store`, file-system
//   `.catalog`, env-secrets). Only the `pipeline-executor` key names the executor (`executor:` is ignored).
// - Only the `local` executor runs the steps in the process the debugger is attached to. `mocked` does not retry:
//   its execute_from_graph (extensions/pipeline_executor/mocked.py) has no skip logic and writes a fresh step log for
//   every step it reaches (REPLACING the failed attempts); a step named in its `patches` runs the patch's command, any
//   other task is marked SUCCESS without running (observed by a sweep of examples/08-mocking with real runnable: a
//   patch that raises left the run FAIL, each step with one attempt carrying the retry's indicator; fixture
//   mocked-run); `argo` only writes argo-pipeline.yaml; `local-container` and `emulator` run the steps in other
//   processes. None of those may run for Retry Locally.
//
// So a config qualifies only when (1) its store is the one that holds the run, in the run's layout (a chunked-fs run
// in a folder is read by a chunked-fs config, a `<id>.json` run by a file-system config), (2) its executor is the one
// the run recorded and that executor is `local`. Among those, one whose file-system catalog holds the run's folder
// wins (the catalog location is not recorded; where the run's data is, is the evidence). runnable's defaults
// qualify like a config when nothing would override them (no RUNNABLE_CONFIGURATION_FILE, no runnable-config.yaml).
// When nothing qualifies (an Argo or container run read through a local store, a pulled sandbox), a small local
// config is written for the retry: local executor, the run's store and catalog, its secrets service.
import { existsSync, promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { ConfigError, type LoadedConfig, loadConfigFile } from '../config/configFile';
import { CONFIG_ENV, USER_CONFIG_FILE } from '../config/discover';
import { resolveCatalog, resolveRunLogStore, serviceKwargs } from '../config/storeSettings';
import { gatherVariables } from '../config/templating';
import type { Run } from '../runlog/model';
import type { StoreDescriptor } from '../stores/runLogStore';
import type { SecretsService } from './secretsCheck';

/** runnable's own pipeline executors (its `pipeline_executor` entry points). */
export const RUNNABLE_EXECUTORS = new Set(['local', 'local-container', 'emulator', 'argo', 'mocked']);

/** The executors that run a retry's steps inside the debugged process. */
export const LOCAL_EXECUTORS = new Set(['local']);

/** What running a config with this executor for "Retry Locally" would do instead of a retry under the debugger.
 * `patches`: the mocked executor's patched step names (its config's `patches` keys). */
export function executorConsequence(executor: string, patches: string[] = []): string {
  switch (executor) {
    case 'mocked': return patches.length
      ? `the mocked executor skips nothing: it writes a new log for every step it reaches (the failed attempts are lost), runs the patched step${patches.length > 1 ? 's' : ''} (${patches.join(', ')}) with ${patches.length > 1 ? 'their patches' : 'its patch'} and marks every other task SUCCESS without running it`
      : 'the mocked executor runs nothing: it writes a new log for every step (the failed attempts are lost) and marks each task SUCCESS without running it, so the run ends SUCCESS';
    case 'argo': return 'the argo executor only writes an Argo workflow (argo-pipeline.yaml) and exits; nothing is retried here';
    case 'local-container': return 'the local-container executor runs every step in a container, where the debugger cannot stop';
    case 'emulator': return 'the emulator executor runs every step in a separate process, where the debugger cannot stop';
    // runnable's examples/configs/retry-config.yaml names a `retry` executor that runnable does not have: running it stops
    // at once with "Could not find the service of kind: retry in namespace:pipeline_executor". A plugin could add one.
    default: return RUNNABLE_EXECUTORS.has(executor)
      ? `the ${executor} executor does not run the steps in this process, so the debugger cannot stop in them`
      : `${executor} is not one of runnable's executors (${[...RUNNABLE_EXECUTORS].join(', ')}): runnable stops with "Could not find the service of kind: ${executor}" unless a plugin provides it`;
  }
}

export interface ConfigCandidate {
  /** Absolute config file; undefined: runnable's defaults. */
  file: string | undefined;
  executor: string;
  storeType: string;
  storeId: string;
  catalogType: string;
  catalogLocation: string;
  secrets: string;
  /** dotenv: the file it reads (absolute; runnable's default `.env` in the folder it runs in). */
  secretsLocation?: string;
  /** Its local executor has `enable_parallel: true` on a chunked store (runnable's supports_parallel_writes): map and
   * parallel branches then run in a multiprocessing Pool, outside the process the debugger launched. */
  parallelBranches?: boolean;
  /** The mocked executor's patched steps (its `patches` keys). */
  patches?: string[];
  /** Set when the config is made for the other kind of run: it sets a non-local executor for that kind and none for
   * this run's kind (runnable's examples/11-jobs/emulate.yaml for a pipeline, a mocked config for a job). Its
   * executor for this run is runnable's default, local, but it is no evidence of how the run was made. */
  otherKind?: true;
  /** Why it does not qualify (undefined: it does). */
  rejected?: string;
}

export interface RetryConfigChoice {
  /** The value for RUNNABLE_CONFIGURATION_FILE (absolute); undefined: run with runnable's defaults. */
  configFile: string | undefined;
  /** Set when configFile was written for this retry (its text, for the pre-flight and tests). */
  generated?: string;
  /** One sentence for the pre-flight: which config and why. */
  reason: string;
  /** Set when the user named a config that would not retry under the debugger: what would happen (ask first). */
  confirm?: string;
  /** The secrets service the retry runs with (what its steps' `secrets` are read from). */
  secrets: SecretsService;
  candidates: ConfigCandidate[];
}

export interface ChooseConfigOptions {
  cwd: string;
  run: Run;
  /** The store the run was read from. */
  store: StoreDescriptor;
  /** The run's layout as found on disk (`file-system`: `<id>.json`, `chunked-fs`: `<id>/RunLog.json`); default the store's type. */
  layout?: string;
  /** A config the user named for this retry (launch.json `configFile`, CLI `--config`). */
  explicit?: string;
  env: Record<string, string | undefined>;
  variables?: Record<string, string>;
  /** The workspace's configs as discovery parsed them (Discovery.configs): the candidates. */
  configs: LoadedConfig[];
  /** Where generated configs go (default: the OS temp folder). */
  generatedDir?: string;
}

const rel = (cwd: string, f: string | undefined) => (f ? (path.relative(cwd, f).startsWith('..') ? f : path.relative(cwd, f)) : "runnable's defaults");

function service(run: Run, key: string): string | undefined {
  const v = run.runConfig[key] as { service_name?: unknown } | undefined;
  return v && typeof v.service_name === 'string' ? v.service_name : undefined;
}

function describe(file: string | undefined, cfg: LoadedConfig | undefined, cwd: string, kind: Run['kind'] = 'pipeline'): ConfigCandidate {
  const storeType = cfg?.runLogStore?.type ?? 'file-system';
  const store = resolveRunLogStore(storeType, cfg?.runLogStore ? serviceKwargs(cfg.runLogStore.raw) : {}, cwd);
  const catalogType = cfg?.catalog?.type ?? 'file-system';
  const catalog = resolveCatalog(catalogType, cfg?.catalog ? serviceKwargs(cfg.catalog.raw) : {}, cwd);
  const executorKwargs = cfg?.pipelineExecutor ? serviceKwargs(cfg.pipelineExecutor.raw) : {};
  // A job's run is made by the config's job-executor (extensions/job_executor), a pipeline's by its pipeline-executor.
  const [own, other] = kind === 'job' ? [cfg?.jobExecutor, cfg?.pipelineExecutor] : [cfg?.pipelineExecutor, cfg?.jobExecutor];
  return {
    file,
    parallelBranches: executorKwargs.enable_parallel === true && /^chunked-/.test(store.type),
    executor: (own?.type) ?? 'local',
    ...(kind !== 'job' && own?.type === 'mocked' ? { patches: patchNames(executorKwargs.patches) } : {}),
    ...(!own && other && other.type !== 'local' ? { otherKind: true as const } : {}),
    storeType: store.type,
    storeId: store.id,
    catalogType: catalog.type,
    catalogLocation: catalog.location,
    secrets: cfg?.secrets?.type ?? 'env-secrets',
    ...(cfg?.secrets?.type === 'dotenv' ? { secretsLocation: path.resolve(cwd, String(serviceKwargs(cfg.secrets.raw).location ?? '.env')) } : {}),
  };
}

function patchNames(v: unknown): string[] {
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : [];
}

const secretsService = (c: ConfigCandidate): SecretsService => ({ type: c.secrets, ...(c.secretsLocation ? { location: c.secretsLocation } : {}) });

/** The candidates: the configs discovery already parsed, plus the one named for the retry when discovery skipped it. */
async function workspaceConfigs(opts: ChooseConfigOptions): Promise<ConfigCandidate[]> {
  const cwd = path.resolve(opts.cwd);
  const explicit = opts.explicit ? path.resolve(cwd, opts.explicit) : undefined;
  const out = opts.configs.map((cfg) => describe(cfg.file, cfg, cwd, opts.run.kind));
  if (explicit && !opts.configs.some((c) => c.file === explicit)) {
    try {
      out.unshift(describe(explicit, await loadConfigFile(explicit, gatherVariables(opts.env, opts.variables ?? {})), cwd, opts.run.kind));
    } catch (e) {
      out.unshift({ file: explicit, executor: '', storeType: '', storeId: '', catalogType: '', catalogLocation: '', secrets: '', rejected: e instanceof ConfigError ? e.message : String(e) });
    }
  }
  return out;
}

const place = (storeId: string) => storeId.replace(/^[^:]+:/, '');

function judge(c: ConfigCandidate, run: Run, store: StoreDescriptor, layout: string): string | undefined {
  if (c.rejected) return c.rejected;
  const recordedExecutor = run.executor || 'local';
  if (place(c.storeId) !== place(store.id)) return 'its store does not hold the run';
  if (c.storeType !== layout) return `its ${c.storeType} store cannot read this ${layout} run`;
  if (!LOCAL_EXECUTORS.has(c.executor)) return executorConsequence(c.executor, c.patches);
  // A run made by argo or in a container can only be retried here by the local executor: a local config on the
  // same store (a pulled sandbox's, or the user's own) is what would otherwise be written for the retry.
  if (c.executor !== recordedExecutor && LOCAL_EXECUTORS.has(recordedExecutor)) return `its executor is ${c.executor}, the run was made by ${recordedExecutor}`;
  // The catalog type is not compared: a pulled sandbox holds an S3 run's catalog in a local folder by design.
  // Where the run's catalog data is decides between qualifying configs instead (catalogEvidence).
  return undefined;
}

/** The run's data is in this catalog (file-system: `<catalog>/<run_id>/` exists). Remote catalogs: unknown (0). */
function catalogEvidence(c: ConfigCandidate, runId: string): number {
  if (c.catalogType !== 'file-system' || !c.catalogLocation) return 0;
  return existsSync(path.join(c.catalogLocation, runId)) ? 1 : -1;
}

export async function chooseRetryConfig(opts: ChooseConfigOptions): Promise<RetryConfigChoice> {
  const cwd = path.resolve(opts.cwd);
  const { run, store } = opts;
  const layout = opts.layout ?? store.type;
  const candidates = await workspaceConfigs(opts);
  for (const c of candidates) c.rejected = judge(c, run, store, layout);

  const explicit = opts.explicit ? candidates.find((c) => c.file === path.resolve(cwd, opts.explicit!)) : undefined;
  if (explicit) {
    if (!explicit.rejected) return { configFile: explicit.file, reason: `Config ${rel(cwd, explicit.file)} (named for this retry): ${explicit.executor} executor, its ${explicit.storeType} store holds the run.`, secrets: secretsService(explicit), candidates };
    if (explicit.executor && !LOCAL_EXECUTORS.has(explicit.executor)) {
      return {
        configFile: explicit.file,
        reason: `Config ${rel(cwd, explicit.file)} (named for this retry) uses the ${explicit.executor} executor.`,
        confirm: `${rel(cwd, explicit.file)} runs the ${explicit.executor} executor: ${executorConsequence(explicit.executor, explicit.patches)}.`,
        secrets: secretsService(explicit),
        candidates,
      };
    }
    // Named but unusable for another reason (wrong store, unreadable): fall through to a config that works, and say so.
  }

  // runnable's defaults count when nothing would override them in the retry's process.
  const defaultsApply = !opts.env[CONFIG_ENV] && !existsSync(path.join(cwd, USER_CONFIG_FILE));
  const defaults = describe(undefined, undefined, cwd, run.kind);
  defaults.rejected = judge(defaults, run, store, layout);
  const pool = [...(defaultsApply ? [defaults] : []), ...candidates.filter((c) => c !== explicit)];
  const qualified = pool.filter((c) => !c.rejected);
  // Evidence first (the run's catalog folder), then runnable-config.yaml, other configs by path, the defaults last:
  // an equivalent named config is what a run made through a config most likely used, and an explicit
  // RUNNABLE_CONFIGURATION_FILE keeps the retry's command reproducible (ml-file-system and mixed-local were made so).
  // A config that runs branches in a multiprocessing Pool (enable_parallel on a chunked store) comes after one that runs
  // them in the debugged process: the run log does not record enable_parallel, and both retry the run the same way.
  // Then the secrets service the run recorded (run_config.secrets.service_name): a step that asks for a secret
  // stops before its call when the retry's service does not have it (observed: a dotenv run retried through an
  // env-secrets runnable-config.yaml failed its next secret step; fixture never-called).
  const secrets = service(run, 'secrets');
  const secretsMiss = (c: ConfigCandidate) => (secrets && c.secrets !== secrets ? 1 : 0);
  // A config made for the other kind of run comes after the others, runnable's defaults included (taken, emulate.yaml
  // named a jobs example's emulator for a tutorial pipeline's retry, a mocked config a job's).
  const rank = (c: ConfigCandidate) => [-catalogEvidence(c, run.runId), secretsMiss(c), c.otherKind ? 2 : c.parallelBranches ? 1 : 0, c.file === undefined ? 2 : path.basename(c.file) === USER_CONFIG_FILE ? 0 : 1, c.file ?? ''] as const;
  qualified.sort((a, b) => {
    const ra = rank(a), rb = rank(b);
    return ra[0] - rb[0] || ra[1] - rb[1] || ra[2] - rb[2] || ra[3] - rb[3] || (ra[4] < rb[4] ? -1 : ra[4] > rb[4] ? 1 : 0);
  });
  const others = candidates.filter((c) => c.rejected && place(c.storeId) === place(store.id) && c.file);
  // Grouped by reason: runnable's examples hold four mocked configs, each with the same consequence.
  const byReason = new Map<string, string[]>();
  for (const c of others) byReason.set(c.rejected!, [...(byReason.get(c.rejected!) ?? []), rel(cwd, c.file)]);
  const notTaken = byReason.size ? ` Not taken: ${[...byReason].map(([why, files]) => `${files.join(', ')} (${why})`).join('; ')}.` : '';
  const named = explicit ? `${rel(cwd, explicit.file)} was named but cannot retry this run (${explicit.rejected}). ` : '';
  const best = qualified[0];
  if (best) {
    const why = best.file === undefined
      ? `runnable's defaults (local executor, file-system ${rel(cwd, path.resolve(cwd, '.run_log_store'))}): the run was made by the ${run.executor || 'local'} executor into this store, and no config overrides them`
      : best.executor === (run.executor || 'local')
        ? `${rel(cwd, best.file)}: ${best.executor} executor, as the run recorded, and its ${best.storeType} store holds the run`
        : `${rel(cwd, best.file)}: the run was made by the ${run.executor} executor, which cannot retry under the debugger here; this config runs the ${best.executor} executor on the ${best.storeType} store that holds the run`;
    const parallel = best.parallelBranches
      ? ` Its executor sets enable_parallel: map and parallel branches run in worker processes (multiprocessing), where the debugger may not stop; a config without it would run them here.`
      : qualified.some((c) => c.parallelBranches) ? ` Preferred over ${qualified.filter((c) => c.parallelBranches).map((c) => rel(cwd, c.file)).join(', ')} (enable_parallel: branches in worker processes).` : '';
    const secretsNote = !secrets ? ''
      : secretsMiss(best)
        ? ` Its secrets service is ${best.secrets}; the run read its secrets through ${secrets}, which no config here that can retry it uses: a step that asks for a secret finds it only if ${best.secrets} has it.`
        : secrets !== 'env-secrets' ? ` Its secrets service is ${secrets}, as the run recorded.` : '';
    return { configFile: best.file, reason: `${named}Retry config: ${why}.${parallel}${secretsNote}${notTaken}`, secrets: secretsService(best), candidates };
  }

  // Nothing qualifies: write a local config on the run's store and catalog.
  const text = generatedConfigText(run, store, layout);
  const dir = opts.generatedDir ?? path.join(os.tmpdir(), 'runnable-retry-configs');
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${run.runId.replace(/[^\w.-]/g, '_').slice(0, 80)}-${createHash('sha1').update(text).digest('hex').slice(0, 8)}.yaml`);
  await fs.writeFile(file, text);
  const recorded = run.executor || 'local';
  const because = LOCAL_EXECUTORS.has(recorded)
    ? 'no config in the workspace has a local executor on the store that holds it'
    : `the run was made by the ${recorded} executor, which cannot retry under the debugger here`;
  const written = service(run, 'secrets') ?? 'env-secrets';
  return { configFile: file, generated: text, secrets: { type: written, ...(written === 'dotenv' ? { location: path.join(cwd, '.env') } : {}) }, reason: `${named}Retry config written for this retry (${file}): local executor on the run's ${layout} store and catalog, because ${because}.${notTaken}`, candidates };
}

/** A runnable config: local executor, the store that holds the run, its catalog, the recorded secrets service. */
export function generatedConfigText(run: Run, store: StoreDescriptor, layout: string = store.type): string {
  const doc: Record<string, unknown> = { 'pipeline-executor': { type: 'local' } };
  const storeSettings: Record<string, unknown> = {};
  const type = store.type === 'file-system' || store.type === 'chunked-fs' ? layout : store.type;
  if (type === 'file-system' || type === 'chunked-fs') storeSettings.log_folder = store.location;
  else for (const [k, v] of Object.entries(store.settings)) if (!/secret|access_key|password|token/i.test(k)) storeSettings[k] = v;
  doc['run-log-store'] = { type, ...(Object.keys(storeSettings).length ? { config: storeSettings } : {}) };
  if (store.catalog) {
    const recorded = service(run, 'catalog') ?? store.catalog.type;
    doc.catalog = recorded === 'file-system' && store.catalog.type === 'file-system'
      ? { type: 'file-system', config: { catalog_location: store.catalog.location } }
      : { type: recorded };
  }
  const secrets = service(run, 'secrets');
  if (secrets && secrets !== 'env-secrets') doc.secrets = { type: secrets };
  return `# Written by Runnable Retry & Recovery for a local retry of ${run.runId}: the run was made with\n# ${run.executor || 'local'} executor; this retries it with the local executor on the same store and catalog.\n${stringify(doc)}`;
}
