// Read-only git (and the worktree of "Retry at the Recorded Commit") for "What changed since the run". Every call is
// `git` with arguments, never a shell; callers run it only in a trusted workspace (git reads the repository's config:
// fsmonitor, hooks). GIT_OPTIONAL_LOCKS=0: reading never takes the index lock the user's own git may need.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function git(cwd: string, args: string[], opts: { timeoutMs?: number; maxBuffer?: number } = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: opts.timeoutMs ?? 10_000, maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The repository's top folder holding `dir`, or undefined when it is not in a git repository. */
export async function gitTopLevel(dir: string): Promise<string | undefined> {
  const r = await git(dir, ['rev-parse', '--show-toplevel']);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Whether the repository of `dir` has the commit. */
export async function hasCommit(dir: string, commit: string): Promise<boolean> {
  return (await git(dir, ['cat-file', '-e', `${commit}^{commit}`])).code === 0;
}

/**
 * The text of `file` (absolute, inside the repository) at `commit`: `git show <commit>:./<name>` run in the file's
 * folder, so the path is the file's own relative to where it is. Undefined when the file did not exist at that commit.
 */
export async function fileAtCommit(file: string, commit: string): Promise<string | undefined> {
  if (!/^[0-9a-f]{7,64}$/i.test(commit)) return undefined;
  const r = await git(path.dirname(file), ['show', `${commit}:./${path.basename(file)}`]);
  return r.code === 0 ? r.stdout : undefined;
}

const WORKTREE_PREFIX = 'runnable-at-';
const OWNER_FILE = 'owner.json';

export interface Worktree {
  /** The checked-out folder (detached HEAD at the commit). */
  dir: string;
  /** The folder made to hold it (and files beside it, such as a retry config); removed with it. */
  base: string;
  /** The repository top folder it belongs to. */
  repo: string;
  commit: string;
}

/**
 * `git worktree add --detach <tmp>/code <commit>`: the commit checked out in a temporary folder; the user's working
 * tree, index and branches are left as they are. Throws a sentence when git refuses.
 */
export async function addWorktree(repoDir: string, commit: string, tmpRoot = os.tmpdir()): Promise<Worktree> {
  const repo = await gitTopLevel(repoDir);
  if (!repo) throw new Error(`${repoDir} is not in a git repository.`);
  if (!(await hasCommit(repo, commit))) throw new Error(`This clone does not have commit ${commit.slice(0, 8)} (git fetch it first).`);
  const base = await fs.mkdtemp(path.join(tmpRoot, `${WORKTREE_PREFIX}${commit.slice(0, 8)}-`));
  // Who owns it: a worktree whose owner process is gone (VS Code quit mid-session) is removed by the next retry.
  await fs.writeFile(path.join(base, OWNER_FILE), JSON.stringify({ pid: process.pid }));
  const dir = path.join(base, 'code');
  const r = await git(repo, ['worktree', 'add', '--detach', dir, commit], { timeoutMs: 120_000 });
  if (r.code !== 0) {
    await fs.rm(base, { recursive: true, force: true });
    throw new Error(`git worktree add failed: ${r.stderr.trim() || `exit ${r.code}`}`);
  }
  return { dir, base, repo, commit };
}

/** Removes the worktree (`git worktree remove --force`, then prune) and its folder. Never throws. */
export async function removeWorktree(w: Worktree): Promise<void> {
  await git(w.repo, ['worktree', 'remove', '--force', w.dir], { timeoutMs: 60_000 });
  await fs.rm(w.base, { recursive: true, force: true }).catch(() => undefined);
  await git(w.repo, ['worktree', 'prune'], { timeoutMs: 60_000 });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Worktrees of "Retry at the Recorded Commit" left behind in the repository of `repoDir`: a retry's worktree is
 * removed when its session ends, but not when VS Code quits (or the extension host dies) first. Each one names its
 * owner process in owner.json beside it; those whose owner is gone (or without an owner file) are removed, with their
 * folder, and git forgets worktrees whose folder is already gone (`git worktree prune`, a temp folder cleaned at
 * reboot). Worktrees the user made are never touched: only `<tmp>/runnable-at-<commit>-<random>/code` ones. Returns the
 * removed folders. Never throws.
 */
export async function removeOrphanWorktrees(repoDir: string): Promise<string[]> {
  const repo = await gitTopLevel(repoDir);
  if (!repo) return [];
  await git(repo, ['worktree', 'prune'], { timeoutMs: 60_000 });
  const list = await git(repo, ['worktree', 'list', '--porcelain'], { timeoutMs: 60_000 });
  if (list.code !== 0) return [];
  const removed: string[] = [];
  for (const m of list.stdout.matchAll(/^worktree (.+)$/gm)) {
    const dir = m[1];
    const base = path.dirname(dir);
    if (path.basename(dir) !== 'code' || !/^runnable-at-[0-9a-f]{8}-/.test(path.basename(base))) continue;
    const owner = await fs.readFile(path.join(base, OWNER_FILE), 'utf8').then((t) => JSON.parse(t) as { pid?: unknown }, () => undefined);
    if (typeof owner?.pid === 'number' && alive(owner.pid)) continue;
    await removeWorktree({ dir, base, repo, commit: '' });
    removed.push(dir);
  }
  return removed;
}
