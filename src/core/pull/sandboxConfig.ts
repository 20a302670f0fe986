// The sandbox's runnable config: local stores (file-system or chunked-fs run log store, file-system catalog) pointing
// into the sandbox folder, plus a .gitignore so pulled production data never lands in git.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { RunLogError } from '../stores/runLogStore';

export type SandboxLayout = 'file-system' | 'chunked-fs';

/** Named so the Runs view lists the sandbox as its own root ("sandbox.yaml · file-system"). */
export const SANDBOX_CONFIG = 'sandbox.yaml';

function configText(sandbox: string, layout: SandboxLayout, source: string): string {
  // Absolute paths: retries run from the workspace folder (where the pipeline's code is), not from the sandbox.
  const q = (p: string): string => JSON.stringify(p);
  return [
    `# Written by the Runnable extension: runs pulled from ${source}, kept locally so that a retry never writes to`,
    '# the production store. Retry with RUNNABLE_CONFIGURATION_FILE pointing here. No credentials in this file.',
    'run-log-store:',
    `  type: ${layout}`,
    '  config:',
    `    log_folder: ${q(path.join(sandbox, '.run_log_store'))}`,
    'catalog:',
    '  type: file-system',
    '  config:',
    `    catalog_location: ${q(path.join(sandbox, '.catalog'))}`,
    '',
  ].join('\n');
}

/**
 * Writes `<sandbox>/sandbox.yaml` and `<sandbox>/.gitignore`; returns the config's path. A sandbox holds one layout:
 * pulling in another layout is refused before anything is written (`dryRun` only performs that check).
 */
export async function writeSandboxConfig(sandbox: string, layout: SandboxLayout, source: string, opts: { dryRun?: boolean } = {}): Promise<string> {
  const file = path.join(sandbox, SANDBOX_CONFIG);
  let existing: string | undefined;
  try {
    existing = await fs.readFile(file, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing !== undefined) {
    let type: unknown;
    try {
      type = (parse(existing) as { 'run-log-store'?: { type?: unknown } } | null)?.['run-log-store']?.type;
    } catch {
      type = undefined;
    }
    if (type !== undefined && type !== layout) {
      throw new RunLogError(
        `The sandbox ${sandbox} holds ${String(type)} runs; pulling in ${layout} layout would hide them from its config. ` +
          `Pull with the same layout, or into another folder (--to).`,
        file,
      );
    }
  }
  if (opts.dryRun) return file;
  await fs.mkdir(sandbox, { recursive: true });
  await fs.writeFile(path.join(sandbox, '.gitignore'), '# Pulled run logs and catalog data: never commit them.\n*\n');
  await fs.writeFile(file, configText(sandbox, layout, source));
  return file;
}
