// The language feature's settings (`runnable.yamlGlobs`), read and validated here; the rest comes from ../settings.
import * as vscode from 'vscode';
import { z } from 'zod';
import { readSettings, SETTINGS_SECTION } from '../settings';

const globs = z.array(z.string().min(1)).default([]);

export interface LanguageSettings {
  /** Extra globs of YAML files analysed as runnable files even when their keys do not say so. */
  yamlGlobs: string[];
  /** For the step status on hover: the store discovery settings of the first workspace folder. */
  configFile: string | undefined;
  variables: Record<string, string>;
  problems: string[];
}

export function readLanguageSettings(): LanguageSettings {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const base = readSettings(folder);
  const raw = vscode.workspace.getConfiguration(SETTINGS_SECTION, folder).get<unknown>('yamlGlobs');
  const parsed = globs.safeParse(raw ?? undefined);
  const problems = [...base.problems];
  if (!parsed.success) problems.push(`Setting "${SETTINGS_SECTION}.yamlGlobs" must be a list of globs such as "pipelines/**/*.yaml"; using none. Fix it in Settings.`);
  return {
    yamlGlobs: parsed.success ? parsed.data : [],
    configFile: base.settings.configFile,
    variables: base.settings.variables,
    problems,
  };
}
