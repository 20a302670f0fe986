// Warns when the pipeline's parameters file now says something else than the run recorded: runnable
// ignores it on retry (pipeline_executor._get_parameters_for_retry) and restores the original values.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Run } from '../runlog/model';
import { walkSteps } from '../runlog/rules';

/** `parameters_file="x.yaml"` in an SDK pipeline's source (the common way to pass it). */
function parametersFileIn(src: string): string | undefined {
  return /parameters_file\s*=\s*(["'])([^"']+)\1/.exec(src)?.[2];
}

/**
 * A key whose value differs from what the run recorded is reported; a key the run never had only when
 * `wanted` (the failed function's parameter names) includes it: a shared parameters file holds keys for
 * other pipelines too. Keys some step returned are skipped: the recorded value is that step's output.
 */
export async function parametersFileWarning(run: Run, cwd: string, definitionPath: string | undefined, wanted: Set<string> = new Set()): Promise<string | undefined> {
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
  const outputs = new Set<string>();
  for (const { step } of walkSteps(run)) for (const a of step.attempts) for (const k of Object.keys(a.outputs)) outputs.add(k);
  const changed: string[] = [];
  for (const [k, v] of Object.entries(current as Record<string, unknown>)) {
    const rec = run.parameters[k];
    if (outputs.has(k)) continue;
    if (!rec) {
      if (wanted.has(k)) changed.push(`${k} (new)`);
    }
    else if (rec.kind !== 'object' && JSON.stringify(rec.value) !== JSON.stringify(v)) changed.push(k);
  }
  if (!changed.length) return undefined;
  return `${rel} has changed since the run (${changed.join(', ')}): a retry ignores it and uses the parameters the run recorded.`;
}
