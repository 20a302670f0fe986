// The `runnable` launch configuration: the typed mirror of package.json contributes.debuggers[0]
// .configurationAttributes.launch, validated at the boundary so a typo reads as a sentence, not a crash.
import * as path from 'node:path';
import { z } from 'zod';

export const DEBUG_TYPE = 'runnable';

export const consoleKinds = ['internalConsole', 'integratedTerminal', 'externalTerminal'] as const;

const stringMap = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]).transform(String));

export const launchArgsSchema = z
  .object({
    type: z.literal(DEBUG_TYPE),
    request: z.literal('launch'),
    name: z.string(),
    runId: z.string().trim().min(1, 'runId is empty: give the id of a failed run or use ${command:runnable.pickFailedRun}'),
    configFile: z.string().optional(),
    script: z.string().optional(),
    cwd: z.string().optional(),
    python: z.string().optional(),
    env: stringMap.optional(),
    envFile: z.string().optional(),
    retryIndicator: z.string().optional(),
    stopAtFailedStep: z.boolean().default(true),
    justMyCode: z.boolean().default(true),
    console: z.enum(consoleKinds).default('internalConsole'),
    variables: stringMap.optional(),
    noDebug: z.boolean().optional(),
    /** The Runs view's store of the run (set by the commands; a bare runId is looked up in every store). */
    storeId: z.string().optional(),
    /** Debug Step: the step's internal name (`score_all.2.score chunk`) and the attempt (default: the last). */
    step: z.string().trim().min(1, 'step is empty: give a task step\'s name, as the run log records it').optional(),
    attempt: z.number().int().positive().optional(),
  })
  .passthrough();

export type RunnableLaunchArgs = z.infer<typeof launchArgsSchema>;

/** One sentence per problem, naming the attribute. */
export function describeLaunchArgsError(error: z.ZodError): string {
  return error.issues.map((i) => `\`${i.path.join('.') || 'configuration'}\`: ${i.message}`).join('; ');
}

/** Key in the configuration that ties a started session back to its plan and breakpoints. */
export const SESSION_KEY = 'runnableRetrySession';

/** Key in a resolved launch: the debugpy package folder the adapter runs from (absent: the interpreter's debugpy). */
export const DEBUGPY_PACKAGE_KEY = 'runnableDebugpyPackage';

/** plan.argv holds the arguments after the interpreter: `-c code …`, `-m module …` or `script.py …` (debugpy's code/module/program). */
export function argvToLaunch(argv: string[], cwd: string): { program?: string; module?: string; code?: string; args: string[] } {
  if (argv[0] === '-m' && argv[1]) return { module: argv[1], args: argv.slice(2) };
  if (argv[0] === '-c' && argv[1] !== undefined) return { code: argv[1], args: argv.slice(2) };
  if (!argv.length) throw new Error('the retry plan has nothing to run');
  return { program: path.resolve(cwd, argv[0]), args: argv.slice(1) };
}

/** The same configuration without its session token: started again, it is prepared as a new session. */
export function withoutSessionKey<T extends Record<string, unknown>>(config: T): T {
  const copy = { ...config };
  delete copy[SESSION_KEY];
  return copy;
}
