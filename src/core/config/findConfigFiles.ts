// Finds the workspace's runnable config candidates: files matching the globs (default: every YAML file), walking
// the folder without entering dependency, VCS, virtualenv or store folders, and without following symlinks. The
// retry also finds the script of a `__main__` run with it (retry/launch.ts, globs `**/*.py`).
import { ASYNC_CONFIG_FS, type ConfigFs } from './configFs';
import * as path from 'node:path';

export const DEFAULT_CONFIG_GLOBS = ['**/*.yaml', '**/*.yml'];
const SKIP_DIRS = new Set([
  'node_modules', '.git', '.hg', '.svn', '.venv', 'venv', '.tox', '__pycache__', '.mypy_cache', '.pytest_cache',
  '.ruff_cache', '.run_log_store', '.catalog',
]);
// Bounds so a huge folder (a data lake mounted in the workspace) cannot stall the view.
const MAX_DEPTH = 12;
const MAX_ENTRIES = 50_000;

/** A glob (`**`, `*`, `?`, `{a,b}`) over cwd-relative POSIX paths, as a RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        re += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += '(?:' + glob.slice(i + 1, end).split(',').map((p) => globToRegExp(p).source.slice(1, -1)).join('|') + ')';
        i = end;
      }
    } else re += c.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}

/**
 * Absolute paths of the files under `cwd` that match `globs`, sorted. `skipFolders` are absolute folders not to
 * enter (the stores already known). Unreadable folders are skipped: a config we cannot see is not an error.
 */
export async function findConfigFiles(cwd: string, globs: string[] = DEFAULT_CONFIG_GLOBS, skipFolders: string[] = [], signal?: AbortSignal, fs: ConfigFs = ASYNC_CONFIG_FS): Promise<string[]> {
  const patterns = globs.map((g) => globToRegExp(g.replace(/^\.\//, '')));
  const skip = new Set(skipFolders.map((f) => path.resolve(f)));
  const found: string[] = [];
  let seen = 0;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    signal?.throwIfAborted();
    let entries;
    try {
      entries = await fs.readdir(dir);
    } catch {
      return;
    }
    for (const e of entries) {
      if (++seen > MAX_ENTRIES) return;
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !skip.has(abs)) await walk(abs, relPath, depth + 1);
      } else if (e.isFile() && patterns.some((p) => p.test(relPath))) {
        found.push(abs);
      }
    }
  };
  await walk(cwd, '', 0);
  return found.sort();
}
