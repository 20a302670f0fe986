// Is this file a runnable pipeline someone can run, and how is it run? Cheap text checks (a CodeLens asks on every
// edit): a Python file that imports runnable, builds a Pipeline or AsyncPipeline and calls execute (or
// execute_streaming); a YAML file whose top-level `dag:` makes it a pipeline. No `vscode` import.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { findConfigFiles } from '../config/findConfigFiles';
import { detectRunnableYaml } from '../yaml/detect';
import { shellQuote } from '../text/shell';

export interface PipelineFile {
  kind: 'python' | 'yaml';
  /** 0-based line the "Run with runnable" lens goes on: the pipeline's construction, or `dag:`. */
  line: number;
}

const IMPORTS_RUNNABLE = /^[ \t]*(?:from[ \t]+runnable(?:\.\w+)*[ \t]+import\b|import[ \t]+runnable\b)/m;
const BUILDS = /\b(?:Async)?Pipeline[ \t]*\(/;
const EXECUTES = /\.execute(?:_streaming)?[ \t]*\(/;

function lineOf(text: string, index: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The pipeline a file holds, or undefined. `fileName` decides the language (`.py`, `.yaml`/`.yml`). */
export function detectPipelineFile(fileName: string, text: string): PipelineFile | undefined {
  const ext = path.extname(fileName).toLowerCase();
  if (ext === '.py') {
    if (!IMPORTS_RUNNABLE.test(text) || !EXECUTES.test(text)) return undefined;
    const built = BUILDS.exec(text);
    return built ? { kind: 'python', line: lineOf(text, built.index) } : undefined;
  }
  if (ext === '.yaml' || ext === '.yml') {
    if (detectRunnableYaml(text) !== 'pipeline') return undefined;
    const dag = /^dag[ \t]*:/m.exec(text);
    return { kind: 'yaml', line: dag ? lineOf(text, dag.index) : 0 };
  }
  return undefined;
}

/**
 * What runs the pipeline after the interpreter: the script itself (it calls execute), or runnable's CLI for a YAML
 * pipeline (`runnable execute FILE`, as `-m runnable.cli` of the chosen interpreter). `file` relative to the cwd.
 */
export function pipelineArgv(kind: PipelineFile['kind'], file: string): string[] {
  return kind === 'python' ? [file] : ['-m', 'runnable.cli', 'execute', file];
}

/** The shell line a terminal runs: the config as RUNNABLE_CONFIGURATION_FILE (runnable reads it for both kinds). */
export function pipelineShellLine(python: string, kind: PipelineFile['kind'], file: string, configFile: string | undefined): string {
  const run = [python, ...pipelineArgv(kind, file)].map(shellQuote).join(' ');
  return configFile ? `RUNNABLE_CONFIGURATION_FILE=${shellQuote(configFile)} ${run}` : run;
}

/** One row of "Run with runnable"'s config question; `configFile` undefined: the extension passes none. */
export interface ConfigChoice {
  label: string;
  configFile: string | undefined;
  description?: string;
  detail?: string;
}

/**
 * The configs to offer for a pipeline run in `cwd`, the last answer (`''`: none) first, then what runnable uses here.
 * `fallback` is what runnable reads when the extension passes no config (its `RUNNABLE_CONFIGURATION_FILE`, else
 * `runnable-config.yaml` in its working folder: context.py `override_configuration_file`). "No config file" is
 * offered only when there is none: with a fallback runnable would read it, not its defaults.
 */
export function configChoices(cwd: string, configs: string[], primary: string | undefined, fallback: string | undefined, last: string | undefined): ConfigChoice[] {
  const files = [...configs];
  for (const f of [fallback, primary]) if (f && !files.includes(f)) files.unshift(f);
  const items: ConfigChoice[] = files.map((c) => ({
    label: path.relative(cwd, c) || c,
    description: c === primary ? 'what runnable uses here' : undefined,
    detail: last !== undefined && c === last ? 'chosen last time' : undefined,
    configFile: c,
  }));
  if (!fallback) {
    items.push({ label: 'No config file', description: primary ? undefined : 'what runnable uses here', detail: `runnable's defaults: local executor, .run_log_store, .catalog${last === '' ? ' (chosen last time)' : ''}`, configFile: undefined });
  }
  const rank = (i: ConfigChoice) => (last !== undefined && (i.configFile ?? '') === last ? 0 : i.configFile === primary ? 1 : 2);
  return items.sort((a, b) => rank(a) - rank(b));
}

/** The runnable configs under `cwd` (YAML whose top-level keys make it a config), sorted; a bounded walk. */
export async function findRunnableConfigs(cwd: string, signal?: AbortSignal): Promise<string[]> {
  const out: string[] = [];
  for (const file of await findConfigFiles(cwd, undefined, [], signal)) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    if (detectRunnableYaml(text) === 'config') out.push(file);
  }
  return out.sort();
}
