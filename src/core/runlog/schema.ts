// zod schemas of runnable's run log as its pydantic models write it (runnable/datastore.py @ a597927).
// Tolerant: extra fields pass through, missing fields take runnable's defaults.

import { z } from 'zod';

// Parameter = Annotated[Union[JsonParameter, ObjectParameter, MetricParameter], Field(discriminator="kind")].
// `description` is a pydantic computed field (written, never read back): kept optional.
export const JsonParameterSchema = z
  .object({ kind: z.literal('json'), value: z.unknown(), description: z.unknown().optional() })
  .passthrough();
export const MetricParameterSchema = z
  .object({ kind: z.literal('metric'), value: z.unknown(), description: z.unknown().optional() })
  .passthrough();
/** `value` is the pickle's name; the file in the catalog is `value + pickler.extension`. */
export const ObjectParameterSchema = z
  .object({ kind: z.literal('object'), value: z.string(), description: z.unknown().optional() })
  .passthrough();
export const ParameterSchema = z.discriminatedUnion('kind', [
  JsonParameterSchema,
  ObjectParameterSchema,
  MetricParameterSchema,
]);
export type RawParameter = z.infer<typeof ParameterSchema>;

const ParametersSchema = z.record(z.string(), ParameterSchema).default(() => ({}));

export const CodeIdentitySchema = z
  .object({
    code_identifier: z.string().nullable().default(''),
    code_identifier_type: z.string().nullable().default(''),
    code_identifier_dependable: z.boolean().nullable().default(false),
    code_identifier_url: z.string().nullable().default(''),
    code_identifier_message: z.string().nullable().default(''),
  })
  .passthrough();
export type RawCodeIdentity = z.infer<typeof CodeIdentitySchema>;

export const DataCatalogSchema = z
  .object({
    name: z.string(),
    data_hash: z.string().default(''),
    catalog_relative_path: z.string().default(''),
    catalog_handler_location: z.string().default(''),
    stage: z.string().default(''),
  })
  .passthrough();
export type RawDataCatalog = z.infer<typeof DataCatalogSchema>;

export const StepAttemptSchema = z
  .object({
    attempt_number: z.number().int().default(1),
    start_time: z.string().default(''),
    end_time: z.string().default(''),
    status: z.string().default('FAIL'),
    message: z.string().default(''),
    input_parameters: ParametersSchema,
    output_parameters: ParametersSchema,
    user_defined_metrics: ParametersSchema,
    retry_indicator: z.string().default(''),
    code_identities: z.array(CodeIdentitySchema).default(() => []),
  })
  .passthrough();
export type RawStepAttempt = z.infer<typeof StepAttemptSchema>;

// StepLog and BranchLog refer to each other (a composite step holds branches, a branch holds steps),
// so their types are written out and the schemas are lazy.
export interface RawStepLog {
  name: string;
  internal_name: string;
  status: string;
  step_type: string;
  message: string;
  mock: boolean;
  attempts: RawStepAttempt[];
  branches: Record<string, RawBranchLog>;
  data_catalog: RawDataCatalog[];
  [extra: string]: unknown;
}

export interface RawBranchLog {
  internal_name: string;
  status: string;
  /** Keyed by the step's full internal name (`score_all.2.score chunk`). */
  steps: Record<string, RawStepLog>;
  parameters: Record<string, RawParameter>;
  [extra: string]: unknown;
}

// The object schemas are built once; only the recursive references are lazy (a lazy getter that
// built the object schema would rebuild it for every step parsed).
const StepLogObjectSchema = z
  .object({
    name: z.string(),
    internal_name: z.string(),
    status: z.string().default('FAIL'),
    step_type: z.string().default('task'),
    message: z.string().default(''),
    mock: z.boolean().default(false),
    attempts: z.array(StepAttemptSchema).default(() => []),
    branches: z.record(z.string(), z.lazy(() => BranchLogSchema)).default(() => ({})),
    data_catalog: z.array(DataCatalogSchema).default(() => []),
  })
  .passthrough();

export const StepLogSchema: z.ZodType<RawStepLog, z.ZodTypeDef, unknown> = StepLogObjectSchema as unknown as z.ZodType<RawStepLog, z.ZodTypeDef, unknown>;

const BranchLogObjectSchema = z
  .object({
    internal_name: z.string(),
    status: z.string().default('FAIL'),
    steps: z.record(z.string(), z.lazy(() => StepLogSchema)).default(() => ({})),
    parameters: ParametersSchema,
  })
  .passthrough();

export const BranchLogSchema: z.ZodType<RawBranchLog, z.ZodTypeDef, unknown> = BranchLogObjectSchema as unknown as z.ZodType<RawBranchLog, z.ZodTypeDef, unknown>;

export const JobLogSchema = z
  .object({
    status: z.string().default('FAIL'),
    message: z.string().default(''),
    mock: z.boolean().default(false),
    code_identities: z.array(CodeIdentitySchema).default(() => []),
    attempts: z.array(StepAttemptSchema).default(() => []),
    data_catalog: z.array(DataCatalogSchema).default(() => []),
  })
  .passthrough();
export type RawJobLog = z.infer<typeof JobLogSchema>;

export const RunLogSchema = z
  .object({
    run_id: z.string(),
    dag_hash: z.string().nullable().default(null),
    tag: z.string().nullable().default(''),
    status: z.string().default('FAIL'),
    steps: z.record(z.string(), StepLogSchema).default(() => ({})),
    job: JobLogSchema.nullable().default(null),
    parameters: ParametersSchema,
    run_config: z.record(z.string(), z.unknown()).default(() => ({})),
  })
  .passthrough();
export type RawRunLog = z.infer<typeof RunLogSchema>;
