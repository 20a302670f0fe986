// The extension's settings, read in this one place and validated with zod at the boundary.
// A bad value becomes a problem sentence (shown as an error item) and falls back to the default.
import * as vscode from 'vscode';
import { z } from 'zod';

export const SETTINGS_SECTION = 'runnable';

const variableValue = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

const settingsSchema = z.object({
  /** RUNNABLE_CONFIGURATION_FILE for this folder; relative paths resolve against the workspace folder. */
  configFile: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  /** `${name}` placeholders: keys are `name` or `RUNNABLE_VAR_name`. */
  variables: z.record(variableValue).default({}).transform((vars) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(vars)) out[k.replace(/^RUNNABLE_VAR_/, '')] = v;
    return out;
  }),
  /** Globs (relative to the workspace folder) of runnable config files; empty = every YAML file with a `run-log-store` key. */
  configGlobs: z.array(z.string().min(1)).default([]),
  /** Owned by the retry feature (declared in package.json there); read here so settings stay in one place. */
  pythonPath: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  /** A debugpy to debug with when the interpreter has none: the package folder or the folder holding it (retry feature). */
  debugpyPath: z.string().trim().optional().transform((v) => (v ? v : undefined)),
  /** A PROCESSING run whose log has not changed for this many minutes is offered for retry as dead. */
  deadRunMinutes: z.number().min(0).default(10),
  /** A run that fails in a watched (local) or polled (remote) store raises the badge, the status item and a notification. */
  notifyNewFailedRuns: z.boolean().default(true),
  /** The AWS profile each S3 store reads with, keyed by `endpoint_url/bucket` (awsProfileKey). */
  awsProfiles: z.record(z.string().trim().min(1)).default({}),
  /** Runs a store root of the Runs view lists before its "Show more runs" row (newest first, after the filter). */
  runsPageSize: z.number().int().min(1).max(100_000).default(200),
});

export type RunnableSettings = z.output<typeof settingsSchema>;

export interface SettingsRead {
  settings: RunnableSettings;
  /** One sentence per invalid setting, naming it and what to do. */
  problems: string[];
}

const DEFAULTS: RunnableSettings = { configFile: undefined, variables: {}, configGlobs: [], pythonPath: undefined, debugpyPath: undefined, deadRunMinutes: 10, notifyNewFailedRuns: true, awsProfiles: {}, runsPageSize: 200 };

/** Reads the `runnable.*` settings of one workspace folder (or the window when none). */
export function readSettings(scope?: vscode.ConfigurationScope): SettingsRead {
  const cfg = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const raw = {
    configFile: cfg.get<unknown>('configFile'),
    variables: cfg.get<unknown>('variables'),
    configGlobs: cfg.get<unknown>('configGlobs'),
    pythonPath: cfg.get<unknown>('pythonPath'),
    debugpyPath: cfg.get<unknown>('debugpyPath'),
    deadRunMinutes: cfg.get<unknown>('deadRunMinutes'),
    notifyNewFailedRuns: cfg.get<unknown>('notifyNewFailedRuns'),
    awsProfiles: cfg.get<unknown>('awsProfiles'),
    runsPageSize: cfg.get<unknown>('runsPageSize'),
  };
  return parseSettings(raw);
}

/** Validates raw values key by key, so one bad setting does not discard the others. */
export function parseSettings(raw: Record<string, unknown>): SettingsRead {
  const settings: RunnableSettings = { ...DEFAULTS, variables: {}, configGlobs: [], awsProfiles: {} };
  const problems: string[] = [];
  for (const key of Object.keys(settingsSchema.shape) as (keyof RunnableSettings)[]) {
    const parsed = settingsSchema.shape[key].safeParse(raw[key] ?? undefined);
    if (parsed.success) {
      (settings as Record<string, unknown>)[key] = parsed.data;
    } else {
      const why = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`).join('; ');
      problems.push(`Setting "${SETTINGS_SECTION}.${key}" is invalid (${why}); using the default. Fix it in Settings.`);
    }
  }
  return { settings, problems };
}

/** True when a configuration change touches a setting that changes which stores are found. */
export function affectsStoreDiscovery(e: vscode.ConfigurationChangeEvent): boolean {
  return ['configFile', 'variables', 'configGlobs'].some((k) => e.affectsConfiguration(`${SETTINGS_SECTION}.${k}`));
}

/** True when a configuration change touches how many runs a store root lists per page. */
export function affectsRunsPage(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SETTINGS_SECTION}.runsPageSize`);
}
