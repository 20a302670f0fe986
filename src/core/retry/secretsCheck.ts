// Secrets the retry's steps ask for that its secrets service will not have. runnable sets a task's `secrets` as env
// vars around the call (runnable/tasks.py expose_secrets): env-secrets reads them from the environment
// (runnable/secrets.py EnvSecretsManager), dotenv from its `location` file (extensions/secrets/dotenv.py, default
// `.env` in the folder runnable runs in, python-dotenv's dotenv_values). A missing one raises SecretNotFoundError
// before the call; runnable prints it, swallows it and records the attempt FAIL with no message and no inputs
// (observed: fixture never-called, nc-secret-0002 and the env-secrets retry of nc-dotenv-0001). Skipped steps do
// not ask: runnable does not enter them. Other services (a plugin's vault) cannot be asked from here: no warning.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { nodeSecrets, stepSecrets } from '../runlog/dag';
import type { Run } from '../runlog/model';
import type { RetrySkipPlan } from '../runlog/rules';
import { forEachNodeIn } from './needs';

/** The retry config's secrets service: its type, and for dotenv the file it reads (absolute). */
export interface SecretsService {
  type: string;
  location?: string;
}

/** The steps the retry runs (re-run, then never reached) that ask for secrets, with their names. */
export function secretsAskedFor(run: Run, skip: RetrySkipPlan): Array<{ step: string; secrets: string[] }> {
  const out: Array<{ step: string; secrets: string[] }> = [];
  for (const name of skip.rerun) {
    const secrets = stepSecrets(run, name);
    if (secrets.length) out.push({ step: name, secrets });
  }
  for (const { internalName, node } of skip.notReachedNodes) {
    forEachNodeIn(node, internalName, (n, name) => {
      const secrets = nodeSecrets(n);
      if (secrets.length) out.push({ step: name, secrets });
    });
  }
  return out;
}

/** The names a .env file sets (python-dotenv: `KEY=value`, `export KEY=value`, a bare `KEY`; `#` comments). */
export function dotenvNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][\w.-]*)\s*(?:=|$)/.exec(line);
    if (m) names.add(m[1]);
  }
  return names;
}

/** The secrets the retry's steps will not find, per step, with one warning sentence; undefined when all are there, none
 * are asked for, or the service cannot be asked from here. */
export async function secretsNotFound(run: Run, skip: RetrySkipPlan, service: SecretsService, env: Record<string, string | undefined>, cwd: string): Promise<{ warning: string; missing: Array<{ step: string; names: string[] }> } | undefined> {
  const asked = secretsAskedFor(run, skip);
  if (!asked.length) return undefined;
  let has: (name: string) => boolean;
  let where: string;
  let fix: string;
  if (service.type === 'env-secrets') {
    has = (n) => env[n] !== undefined;
    where = 'env-secrets reads the environment';
    fix = 'Set them in the environment the retry runs in (launch.json "env", or the shell)';
  } else if (service.type === 'dotenv') {
    const file = service.location ?? path.join(cwd, '.env');
    const shown = path.relative(cwd, file).startsWith('..') ? file : path.relative(cwd, file);
    const text = await fs.readFile(file, 'utf8').catch(() => undefined);
    const names = text === undefined ? new Set<string>() : dotenvNames(text);
    has = (n) => names.has(n);
    where = text === undefined ? `dotenv reads ${shown}, which does not exist` : `dotenv reads ${shown}`;
    fix = `Add them to ${shown}`;
  } else {
    return undefined;
  }
  const missing = asked.map((a) => ({ step: a.step, names: a.secrets.filter((n) => !has(n)) })).filter((a) => a.names.length);
  if (!missing.length) return undefined;
  const steps = missing.map((m) => `${m.step} (${m.names.join(', ')})`).join(', ');
  return { warning: `The retry's secrets service will not have every secret its steps ask for (${where}): missing for ${steps}. runnable stops such a step before calling it, with no error in the run log. ${fix} before retrying.`, missing };
}
