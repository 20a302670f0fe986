// JSON schemas (draft-07) of runnable pipelines and configs, generated from the tables in schema.ts, for users of
// Red Hat YAML (package.json `yamlValidation`, `yaml.schemas`). The files in schemas/ are this module's output
// (test/unit/jsonSchema.test.ts checks they are current; RUNNABLE_WRITE_SCHEMAS=1 rewrites them).
import {
  CATALOG_STEP_KEYS, GRAPH_KEYS, NODE_KEYS, NODE_TYPES, OPEN_NODE_TYPES, PLUGIN_KEYS, RETURN_KEYS, SERVICES,
  TASK_TYPE_KEYS, type KeySpec, type KeyTable,
} from './schema';

type JsonSchema = Record<string, unknown>;

export const SCHEMA_FILES = {
  pipeline: 'runnable-pipeline.schema.json',
  config: 'runnable-config.schema.json',
} as const;

const DRAFT = 'http://json-schema.org/draft-07/schema#';

function described(schema: JsonSchema, doc: string): JsonSchema {
  // Red Hat YAML shows markdownDescription on hover; other tools read description.
  return { ...schema, description: doc.replace(/`/g, ''), markdownDescription: doc };
}

function valueSchema(spec: KeySpec): JsonSchema {
  switch (spec.kind) {
    case 'string': return spec.values ? { type: 'string', enum: [...spec.values] } : { type: 'string' };
    case 'int': return { type: 'integer' };
    case 'bool': return { type: 'boolean' };
    case 'map': return { type: 'object' };
    case 'stringList': return { type: 'array', items: { type: 'string' } };
    case 'stepRef': return { type: 'string' };
    case 'graph': return { $ref: '#/definitions/graph' };
    case 'graphs': return { type: 'object', additionalProperties: { $ref: '#/definitions/graph' } };
    case 'steps': return { type: 'object', additionalProperties: { $ref: '#/definitions/step' } };
    case 'catalog': return objectOf(CATALOG_STEP_KEYS, false);
    case 'returns': return { type: 'array', items: objectOf(RETURN_KEYS, false) };
    case 'any': return {};
  }
}

/** Config values may be `${name}` placeholders runnable fills from RUNNABLE_VAR_name, whatever type they stand for. */
const PLACEHOLDER: JsonSchema = { type: 'string', pattern: '\\$\\{[^}]+\\}' };

function objectOf(keys: KeyTable, open: boolean, config = false): JsonSchema {
  const required = config ? [] : Object.entries(keys).filter(([, s]) => s.required).map(([k]) => k);
  const value = (s: KeySpec): JsonSchema => config && (s.kind === 'int' || s.kind === 'bool') ? { anyOf: [valueSchema(s), PLACEHOLDER] } : valueSchema(s);
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(keys).map(([k, s]) => [k, described(value(s), s.doc)])),
    ...(required.length ? { required } : {}),
    additionalProperties: open,
  };
}

/** One `if type == X then X's keys` per node type: each node model forbids keys it does not know (stub ignores them). */
function stepSchema(): JsonSchema {
  const taskKeys = Object.values(TASK_TYPE_KEYS).reduce<KeyTable>((all, extra) => ({ ...all, ...extra }), NODE_KEYS.task);
  return {
    type: 'object',
    required: ['type'],
    properties: { type: described({ type: 'string', enum: [...NODE_TYPES] }, NODE_KEYS.task.type.doc) },
    allOf: NODE_TYPES.map((t) => ({
      if: { properties: { type: { const: t } } },
      then: objectOf(t === 'task' ? taskKeys : NODE_KEYS[t], OPEN_NODE_TYPES.has(t)),
    })),
  };
}

export function pipelineJsonSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    title: 'runnable pipeline',
    description: 'A runnable pipeline definition (runnable execute --file ...): a `dag` with `start_at` and `steps`.',
    type: 'object',
    required: ['dag'],
    properties: { dag: described({ $ref: '#/definitions/graph' }, 'The pipeline.') },
    definitions: {
      graph: objectOf(GRAPH_KEYS, false),
      step: stepSchema(),
    },
  };
}

/** A service (`run-log-store:`): `type` picks the plugin; its settings sit beside `type` or under `config`. */
function serviceSchema(name: string): JsonSchema {
  const svc = SERVICES[name];
  const plugins = Object.keys(svc.plugins);
  return described({
    type: 'object',
    required: ['type'],
    properties: { type: described({ type: 'string', enum: plugins }, PLUGIN_KEYS.type.doc) },
    allOf: plugins.map((p) => {
      const plugin = svc.plugins[p];
      const settings = { ...svc.baseKeys, ...plugin.keys };
      const open = !!plugin.open;
      // config: a required setting may sit beside `type` or under `config` (the language server checks that one).
      const inline = objectOf({ ...settings, type: PLUGIN_KEYS.type, config: PLUGIN_KEYS.config }, open, true);
      (inline.properties as Record<string, JsonSchema>).config = described(objectOf(settings, open, true), PLUGIN_KEYS.config.doc);
      return { if: { properties: { type: { const: p } } }, then: described(inline, plugin.doc) };
    }),
  }, svc.doc);
}

export function configJsonSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    title: 'runnable configuration',
    description: 'A runnable configuration (RUNNABLE_CONFIGURATION_FILE, runnable-config.yaml): the services a run uses.',
    type: 'object',
    // runnable reads `run_log_store` as `run-log-store` (context.py): both spellings are the service.
    properties: Object.fromEntries(Object.keys(SERVICES).flatMap((s) => {
      const ref = { $ref: `#/definitions/${s}` };
      return s.includes('-') ? [[s, ref], [s.replace(/-/g, '_'), ref]] : [[s, ref]];
    })),
    definitions: Object.fromEntries(Object.keys(SERVICES).map((s) => [s, serviceSchema(s)])),
    additionalProperties: false,
  };
}

/** The files' text, as committed under schemas/. */
export function schemaFileText(kind: keyof typeof SCHEMA_FILES): string {
  return JSON.stringify(kind === 'pipeline' ? pipelineJsonSchema() : configJsonSchema(), null, 2) + '\n';
}
