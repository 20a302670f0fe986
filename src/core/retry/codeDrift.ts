// "What changed since the run": runnable records, for each attempt, the git commit the code was at
// (`code_identities`: code_identifier = `git rev-parse HEAD`, code_identifier_dependable = `git diff --name-only` was
// empty, code_identifier_message = "changes found in a.py, b.py" when it was not; runnable/utils.py,
// get_git_code_identity). Before a retry we say whether the failed step's files differ from that commit in the
// workspace, so a user knows the retry runs other code than the run did (usually the point: the fix). Read-only git.
import * as path from 'node:path';
import { git } from '../git/git';
import type { CodeIdentity } from '../runlog/model';

export interface CodeDrift {
  commit: string;
  /** `changed`: a file asked differs from the commit; `same`: none does; `missing`: the commit is not in this clone. */
  kind: 'changed' | 'same' | 'missing';
  /** Workspace-relative files (of those asked) that differ from the commit, in the working tree. */
  changed: string[];
  /** What runnable said was uncommitted when the run started ("changes found in …"), when it said so. */
  dirtyAtRun?: string;
  /** One sentence for the pre-flight and banner. */
  text: string;
}

/** The git identity an attempt recorded, if any (runnable records `null` outside a git repository). */
export function gitIdentity(identities: CodeIdentity[]): CodeIdentity | undefined {
  return identities.find((c) => c.type === 'git' && typeof c.identifier === 'string' && /^[0-9a-f]{7,64}$/i.test(c.identifier));
}

/**
 * Compares `files` (absolute) in the working tree of `cwd` with the commit the attempt recorded. Undefined when the run
 * recorded no commit or `cwd` is not in a git repository (nothing to say); a sentence when the commit is unknown here.
 */
export async function codeDrift(cwd: string, identities: CodeIdentity[], files: string[]): Promise<CodeDrift | undefined> {
  const id = gitIdentity(identities);
  if (!id) return undefined;
  const commit = id.identifier!;
  const short = commit.slice(0, 8);
  const top = await git(cwd, ['rev-parse', '--show-toplevel']);
  if (top.code !== 0) return undefined;
  const dirtyAtRun = id.dependable === false && id.message.trim() ? id.message.trim() : undefined;
  const atRun = dirtyAtRun ? ` The working tree was not clean when the run started (runnable: ${dirtyAtRun}), so the commit is not exactly the code that ran.` : '';
  if ((await git(cwd, ['cat-file', '-e', `${commit}^{commit}`])).code !== 0) {
    return { commit, kind: 'missing', changed: [], dirtyAtRun, text: `The run's code was at commit ${short}, which this clone does not have (git fetch it to compare).${atRun}` };
  }
  const rel = files.map((f) => path.relative(cwd, f)).filter((r) => r && !r.startsWith('..') && !path.isAbsolute(r));
  if (!rel.length) return { commit, kind: 'same', changed: [], dirtyAtRun, text: `The run's code was at commit ${short}.${atRun}` };
  const diff = await git(cwd, ['diff', '--name-only', commit, '--', ...rel]);
  const changedTop = diff.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  // git prints paths relative to the repository root: back to the workspace's.
  const root = top.stdout.trim();
  const changed = changedTop.map((p) => path.relative(cwd, path.join(root, p)));
  const text = changed.length
    ? `${changed.join(', ')} changed since the run's commit ${short} (git diff ${short} -- ${changed.join(' ')}): the retry runs the code as it is now.${atRun}`
    : `${rel.join(', ')} ${rel.length === 1 ? 'is' : 'are'} as at the run's commit ${short}.${atRun}`;
  return { commit, kind: changed.length ? 'changed' : 'same', changed, dirtyAtRun, text };
}
