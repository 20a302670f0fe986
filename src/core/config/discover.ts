// Which run log stores a workspace uses, as runnable resolves configuration: the primary config (setting, else
// RUNNABLE_CONFIGURATION_FILE, else runnable-config.yaml, else runnable's defaults) plus every other runnable config
// among the workspace's YAML files; one StoreDescriptor per distinct store. Never throws for bad configs.
import { ASYNC_CONFIG_FS, type ConfigFs } from './configFs';
import * as path from 'node:path';
import type { RunLayout } from '../runlog/model';
import { LOCAL_LAYOUTS, type StoreDescriptor } from './descriptor';
import { ConfigError, isServiceConfig, type LoadedConfig, loadConfigFile, parseConfigText, RUN_LOG_STORE_KEY, SERVICE_KEY } from './configFile';
import { DEFAULT_CONFIG_GLOBS, findConfigFiles } from './findConfigFiles';
import { configCredentials, type CredentialSource, type StoreCredentials } from './credentials';
import { KNOWN_STORE_TYPES, resolveCatalog, resolveRunLogStore, serviceKwargs } from './storeSettings';
import { gatherVariables } from './templating';

/** runnable's defaults.USER_CONFIG_FILE and the env var naming the config (defaults.RUNNABLE_CONFIGURATION_FILE). */
export const USER_CONFIG_FILE = 'runnable-config.yaml';
export const CONFIG_ENV = 'RUNNABLE_CONFIGURATION_FILE';
export const DEFAULTS_LABEL = 'runnable defaults';
// Bigger YAML files are data, not configs.
const MAX_CONFIG_BYTES = 1024 * 1024;

export interface DiscoverOptions {
  /** Workspace folder: config paths and store paths resolve against it (runnable resolves them against its cwd). */
  cwd: string;
  /** The `runnable.configFile` setting / CLI `--config`. */
  configFile?: string;
  env: Record<string, string | undefined>;
  /** The `runnable.variables` setting / CLI `--var`, over RUNNABLE_VAR_* from `env`. */
  variables?: Record<string, string>;
  /** Globs (relative to cwd) of the YAML files to look at for more configs; default every .yaml/.yml. */
  globs?: string[];
  signal?: AbortSignal;
  /** How the files are read (configFs.ts); default asynchronously. */
  fs?: ConfigFs;
}

export interface ConfigProblem {
  file: string;
  message: string;
}

export interface Discovery {
  stores: StoreDescriptor[];
  problems: ConfigProblem[];
  /** The config runnable itself would use from this folder (undefined: runnable's defaults). */
  primaryConfig: string | undefined;
  /** Every config file read and parsed (primary first): the retry chooses its config among these (retryConfig.ts)
   * instead of walking the workspace again. */
  configs: LoadedConfig[];
  /** The keys the configs set for their S3 stores, by store id (the first config naming a store wins): open the
   * stores with it (openStore / StoreRegistry). Never on the descriptors, which labels, logs and JSON see. */
  credentials: CredentialSource;
}

/** The config runnable would pick. Here the explicit setting wins over the environment: in VS Code the setting is
 * the user's deliberate choice, while the environment is whatever VS Code was started with. */
export async function primaryConfigFile(cwd: string, configFile: string | undefined, env: Record<string, string | undefined>, fs: ConfigFs = ASYNC_CONFIG_FS): Promise<string | undefined> {
  if (configFile) return path.resolve(cwd, configFile);
  const fromEnv = env[CONFIG_ENV];
  if (fromEnv) return path.resolve(cwd, fromEnv);
  const user = path.join(cwd, USER_CONFIG_FILE);
  try {
    if ((await fs.stat(user)).isFile()) return user;
  } catch {
    /* no runnable-config.yaml: runnable's defaults */
  }
  return undefined;
}

interface Entry {
  file: string | undefined;
  config: LoadedConfig | undefined;
  error: string | undefined;
}

function configName(file: string | undefined): string {
  return file ? path.basename(file) : DEFAULTS_LABEL;
}

function errorDescriptor(file: string, type: string, message: string): StoreDescriptor {
  return {
    id: `error:${type}:${file}`,
    type,
    location: '',
    configFiles: [file],
    label: `${configName(file)} · ${type}`,
    catalog: undefined,
    settings: {},
    problem: message,
  };
}

export async function discoverStores(opts: DiscoverOptions): Promise<Discovery> {
  const cwd = path.resolve(opts.cwd);
  const fs = opts.fs ?? ASYNC_CONFIG_FS;
  const variables = gatherVariables(opts.env, opts.variables ?? {});
  const problems: ConfigProblem[] = [];
  const entries: Entry[] = [];

  const primary = await primaryConfigFile(cwd, opts.configFile, opts.env, fs);
  if (primary) {
    try {
      entries.push({ file: primary, config: await loadConfigFile(primary, variables, fs), error: undefined });
    } catch (e) {
      entries.push({ file: primary, config: undefined, error: (e as Error).message });
    }
  } else {
    entries.push({ file: undefined, config: { file: '', runLogStore: undefined, catalog: undefined, missingVariables: [] }, error: undefined });
  }

  // Don't walk into the primary store's folders: a chunked store can hold many thousand folders.
  const skip: string[] = [];
  const primaryCfg = entries[0].config;
  if (primaryCfg) {
    const s = primaryCfg.runLogStore;
    skip.push(resolveRunLogStore(s?.type ?? 'file-system', s ? serviceKwargs(s.raw) : {}, cwd).location);
    const c = primaryCfg.catalog;
    skip.push(resolveCatalog(c?.type ?? 'file-system', c ? serviceKwargs(c.raw) : {}, cwd).location);
  }
  const candidates = await findConfigFiles(cwd, opts.globs?.length ? opts.globs : DEFAULT_CONFIG_GLOBS, skip.filter(Boolean), opts.signal, fs);
  for (const file of candidates) {
    if (file === primary) continue;
    opts.signal?.throwIfAborted();
    let text: string;
    try {
      const st = await fs.stat(file);
      if (st.size > MAX_CONFIG_BYTES) continue;
      text = await fs.readFile(file);
    } catch {
      continue; // unreadable YAML we were not asked for: not ours to report
    }
    if (RUN_LOG_STORE_KEY.test(text)) {
      try {
        entries.push({ file, config: parseConfigText(text, file, variables), error: undefined });
      } catch (e) {
        entries.push({ file, config: undefined, error: e instanceof ConfigError ? e.message : String(e) });
      }
    } else if (SERVICE_KEY.test(text)) {
      // A config on runnable's default store (configFile.ts SERVICE_KEY). Not naming a store, a file that does not
      // parse as a runnable config is somebody else's YAML: skipped, not reported.
      try {
        const config = parseConfigText(text, file, variables);
        if (isServiceConfig(config)) entries.push({ file, config, error: undefined });
      } catch {
        continue;
      }
    }
  }

  // One root per store: configs naming the same remote store share its id; local configs naming the same folder
  // share one root whatever their type (file-system and chunked-fs), since the folder can hold runs of both
  // layouts and each local store lists both. `layouts` records which configs read which layout.
  const byKey = new Map<string, StoreDescriptor>();
  const configKeys = new Map<string, NonNullable<StoreCredentials['config']>>();
  const names = new Map<string, string[]>();
  const types = new Map<string, string[]>();
  const add = (d: StoreDescriptor, file: string | undefined): void => {
    const local = !d.problem && (LOCAL_LAYOUTS as readonly string[]).includes(d.type);
    const key = local ? `local:${d.location}` : d.id;
    if (local) {
      const layout = d.type as RunLayout;
      const existing = byKey.get(key)?.layouts ?? {};
      const readers = (existing[layout] ??= { configFiles: [], defaults: false });
      if (file) {
        if (!readers.configFiles.includes(file)) readers.configFiles.push(file);
      } else readers.defaults = true;
      if (!byKey.has(key)) d.layouts = existing;
    }
    const existing = byKey.get(key);
    if (!existing) {
      byKey.set(key, d);
      names.set(key, [configName(file)]);
      types.set(key, [d.type]);
      return;
    }
    // Same store named by another config: one root listing every config that points at it.
    if (file && !existing.configFiles.includes(file)) existing.configFiles.push(file);
    const n = names.get(key)!;
    if (!n.includes(configName(file))) n.push(configName(file));
    const t = types.get(key)!;
    if (!t.includes(d.type)) t.push(d.type);
    existing.label = `${namesLabel(n)} · ${t.join(' + ')}`;
  };

  for (const entry of entries) {
    if (entry.error !== undefined || !entry.config) {
      const file = entry.file ?? cwd;
      problems.push({ file, message: entry.error ?? 'unreadable config' });
      add(errorDescriptor(file, 'invalid-config', entry.error ?? 'unreadable config'), file);
      continue;
    }
    const cfg = entry.config;
    const name = configName(entry.file);
    const storeType = cfg.runLogStore?.type ?? 'file-system';
    if (!(KNOWN_STORE_TYPES as readonly string[]).includes(storeType)) {
      const file = entry.file ?? cwd;
      const message = `${file}: unknown run log store type "${storeType}": runnable knows ${KNOWN_STORE_TYPES.join(', ')}. Fix \`run-log-store.type\`.`;
      problems.push({ file, message });
      add(errorDescriptor(file, storeType, message), file);
      continue;
    }
    if (cfg.missingVariables.length && entry.file) {
      const names = cfg.missingVariables.map((n) => '${' + n + '}').join(', ');
      problems.push({
        file: entry.file,
        message: `${entry.file}: no value for ${names}, left as written (as runnable does): set RUNNABLE_VAR_${cfg.missingVariables[0]} or add it to runnable.variables.`,
      });
    }
    const store = resolveRunLogStore(storeType, cfg.runLogStore ? serviceKwargs(cfg.runLogStore.raw) : {}, cwd);
    const catalogType = cfg.catalog?.type ?? 'file-system';
    const catalog = resolveCatalog(catalogType, cfg.catalog ? serviceKwargs(cfg.catalog.raw) : {}, cwd);
    const d: StoreDescriptor = {
      id: store.id,
      type: store.type,
      location: store.location,
      configFiles: entry.file ? [entry.file] : [],
      label: `${name} · ${store.type}`,
      catalog: { type: catalog.type, location: catalog.location },
      settings: store.settings,
    };
    if ((store.secrets || catalog.secrets) && !configKeys.has(d.id)) configKeys.set(d.id, { runLogStore: store.secrets, catalog: catalog.secrets });
    add(d, entry.file);
  }
  let stores = [...byKey.values()];
  // Without any config runnable would use its defaults. When the workspace has other configs and the default
  // folder does not exist and no config names it, that root would only ever be empty, so it is left out. A folder
  // another config also names is that config's root too (merged above), so it always stays.
  if (!primary && stores.length > 1) {
    const d = stores[0];
    if (d.configFiles.length === 0 && !(await exists(d.location, fs))) stores = stores.slice(1);
  }
  const configs = entries.flatMap((e) => (e.file && e.config ? [e.config] : []));
  return { stores, problems, primaryConfig: primary, configs, credentials: configCredentials(configKeys) };
}

/** Config names for a root's label: the first, then how many more (all of them in the tooltip), so labels and quick-pick rows are never cut off. */
const LABEL_NAMES = 1;
function namesLabel(n: string[]): string {
  return n.length <= LABEL_NAMES ? n.join(', ') : `${n.slice(0, LABEL_NAMES).join(', ')} +${n.length - LABEL_NAMES} more`;
}

async function exists(p: string, fs: ConfigFs): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
