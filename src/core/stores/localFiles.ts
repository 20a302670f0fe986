// Read-only file access shared by the local stores: stat, the first bytes of a run file, whole text, run id
// checks. Uses callback fs (cheaper than fs.promises FileHandles when listing 10,000 runs) and never opens a
// file that is not a regular file (a FIFO would block the read forever).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RunLogError } from './runLogStore';

export const HEAD_BYTES = 4096;

export function stat(file: string): Promise<fs.Stats> {
  return new Promise((resolve, reject) => fs.stat(file, (err, st) => (err ? reject(err) : resolve(st))));
}

export function readdir(dir: string): Promise<fs.Dirent[]> {
  return new Promise((resolve, reject) => fs.readdir(dir, { withFileTypes: true }, (err, d) => (err ? reject(err) : resolve(d))));
}

/** The first `bytes` bytes of a file as UTF-8 (a multi-byte character cut at the end is dropped by the decoder). */
export function readHead(file: string, bytes = HEAD_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    fs.open(file, 'r', (err, fd) => {
      if (err) return reject(err);
      const buf = Buffer.allocUnsafe(bytes);
      fs.read(fd, buf, 0, bytes, 0, (rerr, n) => {
        fs.close(fd, () => (rerr ? reject(rerr) : resolve(buf.toString('utf8', 0, n))));
      });
    });
  });
}

/** Lets the event loop run between synchronous batches (a view stays responsive during a long read). */
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever; regular files ignore it.
export const OPEN_NONBLOCK = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0);

/**
 * A small file's text, synchronously; refuses anything that is not a regular file (without blocking on a FIFO).
 * `onStat` receives the open file's stats (its identity, for a cache) before anything is read.
 */
export function readRegularFileSync(file: string, onStat?: (st: fs.Stats) => void): string {
  const fd = fs.openSync(file, OPEN_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    onStat?.(st);
    if (!st.isFile()) throw new RunLogError(`${file} is not a regular file: runnable writes its logs as JSON files.`, file);
    // Sized by the one fstat above (fs.readFileSync(fd) would fstat again): 1,000 branch logs, 1,000 syscalls fewer.
    // Read to the end of the file as it is now, as readFileSync does, also when it grew or shrank since.
    let buf = Buffer.allocUnsafe(st.size > 0 ? st.size : 8192);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = fs.readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
      if (n === st.size && st.size > 0) break;
    }
    return buf.toString('utf8', 0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * A whole file's text. Callback fs.readFile decodes the buffer once at the end; fs.promises.readFile decodes
 * chunk by chunk through a StringDecoder, ~10% of showing a 4.6 MB run log (measured with --cpu-prof).
 */
export function readText(file: string): Promise<string> {
  return new Promise((resolve, reject) => fs.readFile(file, 'utf8', (err, text) => (err ? reject(err) : resolve(text))));
}

/** A short reason for an fs error, for sentences shown to the user. */
export function errnoReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT': return 'it does not exist';
    case 'EACCES':
    case 'EPERM': return 'permission denied';
    case 'ENOTDIR': return 'it is not a folder';
    case 'EISDIR': return 'it is a folder, not a file';
    default: return err?.code ?? String((e as Error)?.message ?? e);
  }
}

/**
 * runnable names run files after the run id, so a run id that is not a plain name could read outside the store
 * (`../x`, `/etc/passwd`, `a/b`): refuse it before touching the disk.
 */
export function checkRunId(runId: string): void {
  if (typeof runId !== 'string' || runId === '' || runId === '.' || runId === '..' || /[/\\\0]/.test(runId) || path.isAbsolute(runId)) {
    throw new RunLogError(`Refusing run id "${runId}": a run id is a plain name without "/", "\\" or "..", so it cannot point outside the store folder.`);
  }
}

/** `child` resolved under `root`, or undefined when it would leave `root`. */
export function inside(root: string, child: string): string | undefined {
  const resolved = path.resolve(root, child);
  const rel = path.relative(root, resolved);
  return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? undefined : resolved;
}

/**
 * Refuses `file` when its real path (every symbolic link resolved) is not under the real path of `root`: a link in a
 * store or catalog folder that points elsewhere (`~/.ssh/…`, another project) is not read, as an id with `..` is not.
 * Links that stay inside, and a store folder that is itself a link (a log folder kept on a bigger disk), are fine.
 * A file that vanished meanwhile says so in a sentence.
 */
export async function checkRealInside(root: string, file: string): Promise<void> {
  let real: string;
  try {
    real = await fs.promises.realpath(file);
  } catch (e) {
    throw new RunLogError(`Cannot read ${file}: ${errnoReason(e)}.`, file);
  }
  let realRoot: string;
  try {
    realRoot = await fs.promises.realpath(root);
  } catch {
    realRoot = path.resolve(root);
  }
  if (real !== realRoot && !inside(realRoot, real)) throw new RunLogError(outsideMessage(file, real, root), file);
}

/** The sentence for a link leaving its store folder. */
export function outsideMessage(file: string, real: string, root: string): string {
  return `${file} is a symbolic link to ${real}, outside ${root}: only what the store folder itself holds is read, so it is skipped. Replace the link with a copy of the file if it belongs to this store.`;
}

/** Runs `fn` over `items` with at most `limit` in flight; results keep the input order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T, i: number) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      signal?.throwIfAborted();
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
