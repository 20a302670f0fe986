// The parameters file of a YAML pipeline run from the editor (Run/Debug with runnable): runnable's
// `runnable execute PIPELINE.yaml -p PARAMS.yaml` (cli.py `execute --parameters/-p`), which runnable also reads from
// RUNNABLE_PARAMETERS_FILE, the environment winning over `-p` (context.py `override_parameters_file`; an empty value
// counts as unset). A Python pipeline names its file in its own `execute(parameters_file=...)`, so none is asked for.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { detectRunnableYaml } from '../yaml/detect';

export const PARAMETERS_ENV = 'RUNNABLE_PARAMETERS_FILE';

/** One row of the parameters question: a file, none (`parametersFile` ''), or `browse` (pick one in a file dialog). */
export interface ParametersChoice {
  label: string;
  parametersFile: string;
  browse?: boolean;
  description?: string;
  detail?: string;
}

const YAML = /\.ya?ml$/i;
/** Parameters files people name so (runnable's examples: parameters.yaml, params.yaml, mocked_map_parameters.yaml). */
const LOOKS_LIKE_PARAMETERS = /param/i;
/** A parameters file is small; bigger YAML files beside a pipeline are data. */
const MAX_BYTES = 256 * 1024;

/**
 * The YAML files beside the pipeline and in `cwd` (one folder each, no walk) that could be its parameters: neither a
 * runnable pipeline nor a config, nor the pipeline itself; files named like parameters first, then by name.
 */
export async function findParameterFiles(pipelineFile: string, cwd: string): Promise<string[]> {
  const found = new Set<string>();
  for (const dir of new Set([path.dirname(pipelineFile), cwd])) {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile() || !YAML.test(e.name)) continue;
      const file = path.join(dir, e.name);
      if (file === pipelineFile) continue;
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat || stat.size > MAX_BYTES) continue;
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined || detectRunnableYaml(text) !== undefined) continue;
      // A parameters file is a mapping of names to values (runnable loads it into the run's parameters).
      if (!/^[A-Za-z_][\w-]*[ \t]*:/m.test(text)) continue;
      found.add(file);
    }
  }
  const rank = (f: string) => (LOOKS_LIKE_PARAMETERS.test(path.basename(f)) ? 0 : 1);
  return [...found].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/**
 * The rows of "with which parameters file?": the last answer first (`last`: a file, '' for none, undefined never
 * asked), then the one RUNNABLE_PARAMETERS_FILE names in the inherited environment (`inherited`: what runnable reads
 * when given nothing), the files found, "No parameters file" and "Parameters file…" (browse).
 */
export function parametersChoices(cwd: string, files: string[], inherited: string | undefined, last: string | undefined): ParametersChoice[] {
  const all = [...files];
  if (inherited && !all.includes(inherited)) all.unshift(inherited);
  const items: ParametersChoice[] = all.map((f) => ({
    label: path.relative(cwd, f) || f,
    description: f === inherited ? `${PARAMETERS_ENV}: what runnable reads here` : undefined,
    detail: last !== undefined && f === last ? 'chosen last time' : undefined,
    parametersFile: f,
  }));
  items.push({
    label: 'No parameters file',
    description: inherited ? undefined : 'what runnable uses here',
    detail: `The run starts with no parameters but those its steps return${last === '' ? ' (chosen last time)' : ''}`,
    parametersFile: '',
  });
  items.push({ label: 'Parameters file…', detail: 'Pick a YAML file: runnable execute -p', parametersFile: '', browse: true });
  const rank = (i: ParametersChoice) => (i.browse ? 3 : last !== undefined && i.parametersFile === last ? 0 : inherited && i.parametersFile === inherited ? 1 : 2);
  return items.sort((a, b) => rank(a) - rank(b));
}

/**
 * The environment that makes runnable read `parametersFile` ('' : none). With none chosen while the inherited
 * environment names one, the variable is set empty so runnable does not read it (it treats an empty value as unset).
 */
export function parametersEnv(parametersFile: string, inherited: string | undefined): Record<string, string> {
  if (parametersFile) return { [PARAMETERS_ENV]: parametersFile };
  return inherited ? { [PARAMETERS_ENV]: '' } : {};
}
