// Reads one runnable config file the way runnable's ServiceConfigurations.services does: YAML load, variables
// applied, top-level keys with `-` read as `_`, runnable's DEFAULT_SERVICES under them.
import { ASYNC_CONFIG_FS, type ConfigFs } from './configFs';
import { parse } from 'yaml';
import { applyVariables } from './templating';

export interface ServiceSpec {
  type: string;
  /** The section as written (after templating), `type` included. */
  raw: Record<string, unknown>;
}

export interface LoadedConfig {
  file: string;
  /** Undefined when the file does not set it (runnable then uses its default, file-system). */
  runLogStore: ServiceSpec | undefined;
  catalog: ServiceSpec | undefined;
  /** `pipeline-executor` (runnable's default: local). runnable reads only this key: an `executor:` key is ignored. */
  pipelineExecutor?: ServiceSpec | undefined;
  /** `secrets` (runnable's default: env-secrets). */
  secrets?: ServiceSpec | undefined;
  /** `job-executor` (runnable's default: local): what runs a Job. */
  jobExecutor?: ServiceSpec | undefined;
  /** Placeholders in the run-log-store / catalog sections that had no value (left as written, as runnable does). */
  missingVariables: string[];
}

export class ConfigError extends Error {
  constructor(readonly file: string, message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Cheap test before parsing: does the YAML have a top-level run-log-store (or run_log_store) key? */
export const RUN_LOG_STORE_KEY = /^["']?run[-_]log[-_]store["']?\s*:/m;

/**
 * Cheap test before parsing for a config that names no store: a top-level pipeline-executor, job-executor, catalog
 * or secrets key. runnable fills what a config leaves out from its DEFAULT_SERVICES (file-system `.run_log_store`),
 * so such a config still writes to (and retries from) the default store: runnable's own examples/configs/dotenv.yaml
 * and emulate.yaml, and the mocked configs of examples/08-mocking, are of this kind. Other tools' YAML may have
 * these keys too (docker-compose has a top-level `secrets:`): such a file counts only when a section parses with a
 * `type` (isServiceConfig).
 */
export const SERVICE_KEY = /^["']?(?:pipeline[-_]executor|job[-_]executor|catalog|secrets)["']?\s*:/m;

/** Whether a parsed file without a store section is a runnable config: one of its services has a `type`. */
export function isServiceConfig(c: LoadedConfig): boolean {
  return c.runLogStore !== undefined || c.pipelineExecutor !== undefined || c.secrets !== undefined || c.catalog !== undefined || c.jobExecutor !== undefined;
}

function serviceSpec(file: string, key: string, v: unknown): ServiceSpec | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) {
    throw new ConfigError(file, `${file}: \`${key}\` must be a mapping with a \`type\` (e.g. \`type: file-system\`).`);
  }
  const raw = v as Record<string, unknown>;
  if (raw.type === undefined || raw.type === null || raw.type === '') {
    throw new ConfigError(file, `${file}: \`${key}\` has no \`type\`: add e.g. \`type: file-system\`.`);
  }
  return { type: String(raw.type), raw };
}

/** A section we only describe (never reject the file over it): its `type` when it has one. */
function optionalSpec(v: unknown): ServiceSpec | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const raw = v as Record<string, unknown>;
  return raw.type === undefined || raw.type === null || raw.type === '' ? undefined : { type: String(raw.type), raw };
}

/** Parses config text; throws ConfigError with a sentence naming the file. */
export function parseConfigText(text: string, file: string, variables: Record<string, string>): LoadedConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    throw new ConfigError(file, `${file} is not valid YAML: ${msg}. Fix the file or remove it from runnable.configGlobs.`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(file, `${file} is not a runnable config: its top level must be a mapping (run-log-store, catalog, ...).`);
  }
  const services: Record<string, unknown> = {};
  const missing = new Set<string>();
  for (const [key, value] of Object.entries(doc as Record<string, unknown>)) {
    const k = key.replace(/-/g, '_');
    // Only the sections we read need templating; `missing` then only reports placeholders that matter here.
    services[k] = k === 'run_log_store' || k === 'catalog' ? applyVariables(value, variables, missing) : applyVariables(value, variables);
  }
  return {
    file,
    runLogStore: serviceSpec(file, 'run-log-store', services.run_log_store),
    catalog: serviceSpec(file, 'catalog', services.catalog),
    pipelineExecutor: optionalSpec(services.pipeline_executor),
    secrets: optionalSpec(services.secrets),
    jobExecutor: optionalSpec(services.job_executor),
    missingVariables: [...missing],
  };
}

export async function loadConfigFile(file: string, variables: Record<string, string>, fs: ConfigFs = ASYNC_CONFIG_FS): Promise<LoadedConfig> {
  let text: string;
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new ConfigError(file, `Config file ${file} is not a regular file: point runnable.configFile at a YAML file.`);
    text = await fs.readFile(file);
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ConfigError(file, `Config file ${file} does not exist: fix runnable.configFile / RUNNABLE_CONFIGURATION_FILE or create it.`);
    throw new ConfigError(file, `Cannot read config file ${file} (${code ?? (e as Error).message}): check its permissions.`);
  }
  return parseConfigText(text, file, variables);
}
