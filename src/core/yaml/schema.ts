// runnable's YAML schema as its code accepts it (runnable a597927): node and task types, plugin types and
// the config keys each plugin's pydantic model takes. Read from runnable/graph.py, runnable/nodes.py,
// extensions/nodes/*.py, runnable/tasks.py, runnable/context.py, pyproject.toml entry points, extensions/*.

/** What a value must be. `graph` is a branch (start_at + steps); `graphs` a mapping of branch name to graph. */
export type ValueKind =
  | 'string' | 'int' | 'bool' | 'map' | 'stringList' | 'any'
  | 'graph' | 'graphs' | 'returns' | 'catalog' | 'stepRef' | 'steps';

export interface KeySpec {
  kind: ValueKind;
  doc: string;
  required?: boolean;
  values?: readonly string[];
}

export type KeyTable = Readonly<Record<string, KeySpec>>;

// ---------------------------------------------------------------- pipelines

/** Graph keys read by create_graph (description, start_at, steps); `name` is a Graph field too. */
export const GRAPH_KEYS: KeyTable = {
  start_at: { kind: 'stepRef', required: true, doc: 'The step the graph starts at (a key of `steps`).' },
  steps: { kind: 'steps', required: true, doc: 'The steps of the graph, by name. runnable adds the terminal steps `success` and `fail` itself.' },
  description: { kind: 'string', doc: 'Free text describing the pipeline or branch.' },
  name: { kind: 'string', doc: 'Name of the graph.' },
};

export const NODE_TYPES = ['task', 'stub', 'success', 'fail', 'parallel', 'map', 'loop', 'conditional'] as const;
export const TASK_TYPES = ['python', 'shell', 'notebook', 'async-python'] as const;
export const RETURN_KINDS = ['json', 'object', 'metric'] as const;

const TYPE_KEY: KeySpec = { kind: 'string', required: true, values: NODE_TYPES, doc: 'The node type: task, stub, parallel, map, loop, conditional, success or fail.' };
const NEXT_KEY: KeySpec = { kind: 'stepRef', required: true, doc: 'The step to run after this one succeeds; `success` ends the pipeline successfully, `fail` ends it as failed.' };
const ON_FAILURE_KEY: KeySpec = { kind: 'stepRef', doc: 'The step to run when this one fails (instead of ending the run as failed).' };
const OVERRIDES_KEY: KeySpec = { kind: 'map', doc: 'Per-executor overrides: executor type → the name of an override in that executor\'s config.' };

const TRAVERSAL: KeyTable = { type: TYPE_KEY, next: NEXT_KEY, on_failure: ON_FAILURE_KEY, overrides: OVERRIDES_KEY };
const EXECUTABLE: KeyTable = {
  ...TRAVERSAL,
  catalog: { kind: 'catalog', doc: 'Files to `get` from the catalog before the step and `put` into it after (`store_copy` keeps a copy).' },
  max_attempts: { kind: 'int', doc: 'How many times runnable tries the step before it fails (at least 1).' },
};

export const TASK_KEYS: KeyTable = {
  ...EXECUTABLE,
  command_type: { kind: 'string', values: TASK_TYPES, doc: 'How `command` runs: python (default, `module.function`), shell, notebook (`.ipynb` path) or async-python.' },
  command: { kind: 'string', required: true, doc: 'python: dotted path `module.function` resolved from the directory runnable runs in; shell: a shell command; notebook: path to an `.ipynb`.' },
  secrets: { kind: 'stringList', doc: 'Names of secrets the secrets manager exposes as environment variables to the task.' },
  returns: { kind: 'returns', doc: 'Values the task returns, by name, each with a `kind`: json (default), object (pickled into the catalog) or metric.' },
};
/** Keys only some command types take (pydantic models with extra="forbid"). */
export const TASK_TYPE_KEYS: Readonly<Record<string, KeyTable>> = {
  notebook: { optional_ploomber_args: { kind: 'map', doc: 'Extra arguments for ploomber-engine when the notebook runs.' } },
  'async-python': { stream_end_type: { kind: 'string', doc: 'The event type that ends the stream of an async generator task (default `done`).' } },
};

export const NODE_KEYS: Readonly<Record<string, KeyTable>> = {
  task: TASK_KEYS,
  // StubNode has extra="ignore": any other key is accepted and ignored.
  stub: EXECUTABLE,
  success: { type: TYPE_KEY },
  fail: { type: TYPE_KEY },
  parallel: {
    ...TRAVERSAL,
    branches: { kind: 'graphs', required: true, doc: 'Branches run in parallel, by name; each is a graph with `start_at` and `steps`.' },
  },
  map: {
    ...TRAVERSAL,
    iterate_on: { kind: 'string', required: true, doc: 'The parameter (a list) the map iterates over.' },
    iterate_as: { kind: 'string', required: true, doc: 'The name each item of `iterate_on` gets inside the branch.' },
    reducer: { kind: 'string', doc: 'A Python lambda (as text) that reduces the iterations\' returns; default collects them into a list.' },
    branch: { kind: 'graph', required: true, doc: 'The graph run once per item of `iterate_on`.' },
  },
  loop: {
    ...TRAVERSAL,
    branch: { kind: 'graph', required: true, doc: 'The graph run on each iteration.' },
    max_iterations: { kind: 'int', required: true, doc: 'Upper bound on the number of iterations.' },
    break_on: { kind: 'string', required: true, doc: 'The boolean parameter that ends the loop when true.' },
    index_as: { kind: 'string', required: true, doc: 'The name the iteration index gets inside the branch.' },
  },
  conditional: {
    ...TRAVERSAL,
    parameter: { kind: 'string', required: true, doc: 'The (alphanumeric) parameter whose value picks the branch.' },
    branches: { kind: 'graphs', required: true, doc: 'Branches by the parameter value that selects them.' },
    default: { kind: 'graph', doc: 'The branch run when no branch matches the parameter.' },
  },
};
export const OPEN_NODE_TYPES: ReadonlySet<string> = new Set(['stub']);

export const CATALOG_STEP_KEYS: KeyTable = {
  get: { kind: 'stringList', doc: 'Files (globs) copied from the catalog into the working folder before the step.' },
  put: { kind: 'stringList', doc: 'Files (globs) copied into the catalog after the step.' },
  store_copy: { kind: 'bool', doc: 'Keep a copy of the files in the catalog (default true).' },
};
export const RETURN_KEYS: KeyTable = {
  name: { kind: 'string', required: true, doc: 'The parameter name the returned value is stored under.' },
  kind: { kind: 'string', values: RETURN_KINDS, doc: 'json (default), object (pickled into the catalog) or metric.' },
};

/** Names runnable adds to every graph (Graph.add_terminal_nodes). */
export const IMPLICIT_TERMINALS = ['success', 'fail'] as const;

// ---------------------------------------------------------------- configs

export interface PluginSpec {
  doc: string;
  /** Keys of the plugin's model (extra="forbid" unless `open`). */
  keys: KeyTable;
  /** The model accepts more than we list (argo, k8s, mocked): keys are not checked. */
  open?: boolean;
  /** Keys runnable's docs show but the model rejects → the key it takes instead (undefined: none). */
  rejected?: Readonly<Record<string, string | undefined>>;
}

export interface ServiceSpec {
  doc: string;
  plugins: Readonly<Record<string, PluginSpec>>;
  /** Keys every plugin of the service takes (fields of the base model). */
  baseKeys: KeyTable;
}

const S3_KEYS: KeyTable = {
  endpoint_url: { kind: 'string', doc: 'The S3/minio endpoint (default `http://localhost:9002`).' },
  aws_access_key_id: { kind: 'string', doc: 'Access key id (default `minioadmin`). Prefer `${VAR}` templating over literal credentials.' },
  aws_secret_access_key: { kind: 'string', doc: 'Secret access key (default `minioadmin`). Prefer `${VAR}` templating over literal credentials.' },
  bucket: { kind: 'string', doc: 'The bucket (may include a prefix: `bucket/prefix`).' },
};
// runnable's docs (docs/production/run-log.md, catalog.md) show these names; MinioRunLogStore/MinioCatalog reject them.
const MINIO_REJECTED = {
  endpoint: 'endpoint_url',
  access_key: 'aws_access_key_id',
  secret_key: 'aws_secret_access_key',
  bucket_name: 'bucket',
} as const;
// docs/production/catalog.md shows these for `s3`; S3Catalog (extra="forbid") takes none of them.
const S3_CATALOG_REJECTED = {
  bucket_name: undefined, prefix: undefined, aws_access_key_id: undefined,
  aws_secret_access_key: undefined, region_name: undefined, endpoint_url: undefined,
};
const LOG_FOLDER: KeyTable = { log_folder: { kind: 'string', doc: 'Folder of the run logs, relative to where runnable runs (default `.run_log_store`).' } };
const CONTAINER_KEYS: KeyTable = {
  docker_image: { kind: 'string', required: true, doc: 'The image the steps run in.' },
  auto_remove_container: { kind: 'bool', doc: 'Remove the container after the step (default true).' },
  environment: { kind: 'map', doc: 'Environment variables set in the container.' },
};

export const SERVICES: Readonly<Record<string, ServiceSpec>> = {
  'run-log-store': {
    doc: 'Where runnable records run logs (default: file-system in `.run_log_store`).',
    baseKeys: { supports_parallel_writes: { kind: 'bool', doc: 'Whether parallel branches may write concurrently.' } },
    plugins: {
      buffered: { doc: 'In memory: nothing is persisted, retry is impossible.', keys: {} },
      'file-system': { doc: 'One JSON file per run in `log_folder`.', keys: LOG_FOLDER },
      'chunked-fs': { doc: 'A folder per run holding RunLog.json, StepLog-*/BranchLog-* chunks.', keys: LOG_FOLDER },
      minio: { doc: 'One JSON object per run in an S3/minio bucket.', keys: S3_KEYS, rejected: MINIO_REJECTED },
      'chunked-minio': { doc: 'Chunked run logs in an S3/minio bucket.', keys: S3_KEYS, rejected: MINIO_REJECTED },
    },
  },
  catalog: {
    doc: 'Where runnable stores data passed between steps and pickled objects (default: file-system in `.catalog`).',
    baseKeys: { compute_data_folder: { kind: 'string', doc: 'The folder catalog paths are relative to (default `.`).' } },
    plugins: {
      'do-nothing': { doc: 'No catalog: get/put do nothing.', keys: {} },
      'file-system': { doc: 'A folder per run under `catalog_location`.', keys: { catalog_location: { kind: 'string', doc: 'The catalog folder (default `.catalog`).' } } },
      s3: { doc: 'An S3 bucket through cloudpathlib (credentials from the AWS environment).', keys: {}, rejected: S3_CATALOG_REJECTED },
      minio: { doc: 'A minio/S3 bucket.', keys: S3_KEYS, rejected: MINIO_REJECTED },
    },
  },
  'pipeline-executor': {
    doc: 'How a pipeline runs (default: local).',
    baseKeys: { overrides: { kind: 'map', doc: 'Named overrides steps can select with their `overrides:` key.' } },
    plugins: {
      local: {
        doc: 'Runs the steps in this process.',
        keys: {
          enable_parallel: { kind: 'bool', doc: 'Run parallel branches and map iterations concurrently.' },
          object_serialisation: { kind: 'bool', doc: 'Pickle object returns into the catalog (default true).' },
        },
      },
      'local-container': { doc: 'Runs each step in a local docker container.', keys: { enable_parallel: { kind: 'bool', doc: 'Run branches concurrently.' }, ...CONTAINER_KEYS } },
      emulator: { doc: 'Emulates a container executor with local subprocesses.', keys: {} },
      argo: { doc: 'Transpiles the pipeline into an Argo workflow.', keys: {}, open: true },
      mocked: { doc: 'Runs with steps patched or mocked (for tests).', keys: {}, open: true },
    },
  },
  'job-executor': {
    doc: 'How a job runs (default: local).',
    baseKeys: { mock: { kind: 'bool', doc: 'Do not execute the job, only record it.' } },
    plugins: {
      local: { doc: 'Runs the job in this process.', keys: {} },
      'local-container': { doc: 'Runs the job in a local docker container.', keys: CONTAINER_KEYS },
      emulator: { doc: 'Emulates a container job with a local subprocess.', keys: {} },
      'k8s-job': { doc: 'Runs the job as a Kubernetes job.', keys: {}, open: true },
      'mini-k8s-job': { doc: 'Runs the job as a Kubernetes job on minikube.', keys: {}, open: true },
    },
  },
  secrets: {
    doc: 'Where tasks\' `secrets` come from (default: env-secrets).',
    baseKeys: {},
    plugins: {
      'do-nothing': { doc: 'No secrets.', keys: {} },
      'env-secrets': { doc: 'Secrets are environment variables.', keys: {} },
      dotenv: {
        doc: 'Secrets from a .env file.',
        keys: { location: { kind: 'string', doc: 'The .env file (default `.env`).' }, secrets: { kind: 'map', doc: 'Secrets given inline.' } },
      },
    },
  },
  pickler: {
    doc: 'How object returns are serialised (default: pickle).',
    baseKeys: {},
    plugins: { pickle: { doc: 'Python pickle (`.dill` files).', keys: {} } },
  },
};

export const PLUGIN_KEYS: KeyTable = {
  type: { kind: 'string', required: true, doc: 'The plugin (an entry point of runnable\'s plugin namespace).' },
  config: { kind: 'map', doc: 'Settings passed to the plugin. Without `config`, the other keys here are the settings.' },
};

/** Top-level keys that make a file a runnable pipeline or config. */
export const PIPELINE_ROOT = 'dag';
export const CONFIG_ROOTS = Object.keys(SERVICES);
