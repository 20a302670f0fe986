// What "Copy Retry Command" adds around the shell line: credentials withheld from the copied env, and for a run of a
// remote (minio / chunked-minio) store, `#` comment lines saying where the retry writes and which credentials it needs.
// Pure (no vscode): the command in src/vscode/commands/retryCommands.ts joins these with retryShellLine().
import { inertText } from '../text/shell';

/** The AWS variables the S3 stores read (src/core/stores/s3/credentials.ts); named in notes, their values never copied. */
export const AWS_CREDENTIAL_ENV = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;

// Names a credential travels under: AWS_*, runnable's config keys filled through RUNNABLE_VAR_<name> (`${name}`
// templating), and the usual secret words. Matched on the name so a secret we were not told about stays out too.
const CREDENTIAL_NAME = /(secret|password|passwd|token|credential|access_key|private_key|api_key)/i;

export interface WithheldEnv {
  /** The env to copy. */
  env: Record<string, string>;
  /** Names left out because they carry (or look like they carry) a credential, sorted. */
  withheld: string[];
}

/**
 * Drops every entry whose name looks like a credential or whose value contains one of `secrets` (the store's keys,
 * whatever their variable is called). Secrets shorter than 3 characters are ignored: they would match by accident.
 */
export function withholdCredentials(env: Record<string, string>, secrets: readonly string[]): WithheldEnv {
  const known = secrets.filter((s) => s.length >= 3);
  const out: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [k, v] of Object.entries(env)) {
    if (CREDENTIAL_NAME.test(k) || (AWS_CREDENTIAL_ENV as readonly string[]).includes(k) || known.some((s) => v.includes(s))) withheld.push(k);
    else out[k] = v;
  }
  return { env: out, withheld: withheld.sort() };
}

export type RemoteCommandTarget = 'sandbox' | 'original';

export interface RemoteCommandContext {
  runId: string;
  /** The remote store as the Runs view labels it (no credentials in labels). */
  storeLabel: string;
  target: RemoteCommandTarget;
  /** The sandbox folder the run was pulled into (target 'sandbox'). */
  sandboxDir?: string;
}

/** One line of comment text: a label or path with a newline must not end the comment and run as a command. */
/** One line with no control character (a run id or label from a run log never acts on the terminal it is pasted in). */
function oneLine(s: string): string {
  return inertText(s);
}

/**
 * `#` lines placed before the command. For the original store they say where runnable takes the keys from (names
 * only): the copied command runs outside VS Code, where keys entered in VS Code are not available.
 */
export function retryCommandNotes(remote: RemoteCommandContext | undefined, withheld: readonly string[]): string[] {
  const lines: string[] = [];
  if (remote?.target === 'sandbox') {
    lines.push(`# Retries ${oneLine(remote.runId)} in the local sandbox${remote.sandboxDir ? ` ${oneLine(remote.sandboxDir)}` : ''} (pulled from ${oneLine(remote.storeLabel)}); the production store is not written.`);
  } else if (remote?.target === 'original') {
    lines.push(`# Retries ${oneLine(remote.runId)} against the original store ${oneLine(remote.storeLabel)}: runnable appends the new attempts to the production run log.`);
    // runnable's minio stores pass the config's keys to the client explicitly (default minioadmin), so the AWS
    // variables the Runs view may have used are not read by runnable: say so rather than let a retry run as minioadmin.
    lines.push(`# runnable reads the store's keys from aws_access_key_id / aws_secret_access_key in the config (default minioadmin), not from ${AWS_CREDENTIAL_ENV.slice(0, 2).join(' / ')}: write them there as \${name} placeholders and set RUNNABLE_VAR_<name> in your environment.`);
  }
  if (withheld.length) lines.push(`# Not copied because they hold credentials: set ${withheld.map(oneLine).join(', ')} in your environment first.`);
  return lines;
}
