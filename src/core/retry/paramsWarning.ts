// Warns when the pipeline's parameters file now says something else than the run recorded: runnable
// ignores it on retry (pipeline_executor._get_parameters_for_retry) and restores the original values.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Run } from '../runlog/model';

/** `parameters_file="x.yaml"` in an SDK pipeline's source (the common way to pass it). */
function parametersFileIn(src: string): string | undefined {
  return /parameters_file\s*=\s*(["'])([^"']+)\1/.exec(src)?.[2];
}

export async function parametersFileWarning(run: Run, cwd: string, definitionPath: string | undefined): Promise<string | undefined> {
  if (run.executionMode !== 'python' || !definitionPath || run.kind !== 'pipeline') return undefined;
  let src: string;
  try {
    src = await fs.readFile(definitionPath, 'utf8');
  } catch {
    return undefined;
  }
  const rel = parametersFileIn(src);
  if (!rel) return undefined;
  let current: unknown;
  try {
    current = parseYaml(await fs.readFile(path.resolve(cwd, rel), 'utf8'));
  } catch {
    return undefined;
  }
  if (!current || typeof current !== 'object') return undefined;
  const changed: string[] = [];
  for (const [k, v] of Object.entries(current as Record<string, unknown>)) {
    const rec = run.parameters[k];
    if (!rec) changed.push(`${k} (new)`);
    else if (rec.kind !== 'object' && JSON.stringify(rec.value) !== JSON.stringify(v)) changed.push(k);
  }
  if (!changed.length) return undefined;
  return `${rel} has changed since the run (${changed.join(', ')}): a retry ignores it and uses the parameters the run recorded.`;
}
