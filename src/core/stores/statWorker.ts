// The mtimes of many files, stat'ed on a worker thread while the caller reads the files' heads.
//
// Why: listing 10,000 runs is three syscalls per run file (open, read 4 KB, close). The list also needs each
// file's mtime (a run log has no end time of its own; runnable rewrites the file after every step, so its mtime
// is when the run last moved) and whether it is a regular file. A fourth syscall per file on the listing thread
// costs a third of the whole listing on these machines (measured: open + fstat + read + close is 1.33x open +
// read + close); on a second thread it costs the listing nothing. The worker is one small thread, created on
// first use, reused, unref'd while idle (it never keeps a process alive), replaced if it dies, and owned (and
// disposed) by whoever lists; where a worker cannot start, the stats run inline, with the same results.
import * as fs from 'node:fs';
import type { Worker } from 'node:worker_threads';

/**
 * Per file, STRIDE numbers: at [STRIDE*i] the mtime in ms, [+1] what it is (FILE, OTHER: a folder, a FIFO...;
 * MISSING), [+2] the size, [+3] the inode. mtime, size and inode are the file's identity (a rewrite, an append
 * or a replacement each change one).
 */
export type FileTimes = Float64Array;
export const STRIDE = 4;
export const FILE = 1;
export const OTHER = 2;
export const MISSING = 0;

/**
 * Stats `files` into a FileTimes array. Self-contained (it runs as the worker's source, through toString):
 * it may only use its arguments.
 */
function statInto(files: string[], nodeFs: typeof fs): Float64Array {
  const out = new Float64Array(files.length * 4);
  for (let i = 0; i < files.length; i++) {
    let st: fs.Stats | undefined;
    try {
      st = nodeFs.statSync(files[i], { throwIfNoEntry: false });
    } catch {
      st = undefined; // EACCES, ELOOP...: the read on the listing thread says what is wrong
    }
    if (st === undefined) {
      out[4 * i] = NaN;
      out[4 * i + 1] = 0;
      out[4 * i + 2] = NaN;
      out[4 * i + 3] = NaN;
    } else {
      out[4 * i] = st.mtimeMs;
      out[4 * i + 1] = st.isFile() ? 1 : 2;
      out[4 * i + 2] = st.size;
      out[4 * i + 3] = st.ino;
    }
  }
  return out;
}

/** The same stats on the calling thread (no worker threads, or the worker failed). */
export function statFilesInline(files: string[]): FileTimes {
  return statInto(files, fs);
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const nodeFs = require('node:fs');
const statInto = ${statInto.toString()};
parentPort.on('message', ({ id, files }) => {
  let out;
  try { out = statInto(files, nodeFs); } catch (e) { parentPort.postMessage({ id, error: String(e) }); return; }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

interface WorkerLike {
  postMessage(value: unknown): void;
  ref(): void;
  on(event: 'message', cb: (m: { id: number; out?: Float64Array; error?: string }) => void): void;
  on(event: 'error' | 'exit', cb: () => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

/** What a local store asks for the times of its run files. */
export interface FileStatter {
  statFiles(files: string[]): Promise<FileTimes>;
  /**
   * True: no thread does the stats, so a first listing takes each one itself, with fstat on the handle it opens to
   * read the file (runFileSummaries.ts) rather than a second walk of every path: open + fstat + read + close. A
   * whole-process CLI list of 10,000 runs (scripts/bench/list-show.mjs) spends its time in those syscalls.
   */
  readonly onHandle?: boolean;
}

/** Stats on the calling thread: the default where nobody owns a worker (one-off reads, the language server). */
export const inlineStatter: FileStatter = {
  statFiles: (files) => Promise.resolve(statFilesInline(files)),
  onHandle: true,
};

/**
 * One worker thread answering stat requests, owned by whoever lists (the Runs view's model, a CLI command, the
 * benchmark) and disposed with it. The thread starts on first use and is replaced if it dies.
 */
export class StatWorker implements FileStatter {
  private worker: WorkerLike | undefined;
  private unavailable = false;
  private disposed = false;
  private nextId = 1;
  private readonly pending = new Map<number, { files: string[]; resolve: (t: FileTimes) => void }>();

  /**
   * Starts stat'ing `files` on the worker thread and returns at once; the promise settles with their FileTimes.
   * The caller reads the files meanwhile: a stat may come before or after the read (the list keeps no state that
   * depends on the order; see runFileSummaries.ts).
   */
  statFiles(files: string[]): Promise<FileTimes> {
    if (files.length === 0) return Promise.resolve(new Float64Array(0));
    const w = this.getWorker();
    if (!w) return Promise.resolve(statFilesInline(files));
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, { files, resolve });
      w.ref();
      try {
        w.postMessage({ id, files });
      } catch {
        this.pending.delete(id);
        if (this.pending.size === 0) w.unref();
        resolve(statFilesInline(files));
      }
    });
  }

  /**
   * Ends the thread: requests in flight are answered inline at once, later ones too. Does not wait for the thread
   * to be gone (nothing would keep the event loop alive for it).
   */
  dispose(): void {
    this.disposed = true;
    const w = this.worker;
    this.failAll();
    if (w) w.terminate().catch(() => undefined);
  }

  private failAll(): void {
    // The worker died (or was disposed): whoever waits gets the answer computed inline.
    this.worker = undefined;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.resolve(statFilesInline(p.files));
    }
  }

  private getWorker(): WorkerLike | undefined {
    if (this.worker || this.unavailable || this.disposed) return this.worker;
    try {
      // node:worker_threads on the first worker: a process that never starts one (the CLI) does not load it.
      const { Worker: WorkerThread } = require('node:worker_threads') as { Worker: typeof Worker };
      const w = new WorkerThread(WORKER_SOURCE, { eval: true }) as unknown as WorkerLike;
      w.on('message', (m) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (this.pending.size === 0) w.unref();
        p.resolve(m.out ?? statFilesInline(p.files));
      });
      w.on('error', () => {
        if (this.worker === w) this.failAll();
      });
      w.on('exit', () => {
        if (this.worker === w) this.failAll();
      });
      // Idle, the worker never keeps a process alive; while an answer is awaited it must (statFiles refs it), or a
      // CLI whose only pending work is that answer would exit mid-listing. Unref'd after the listeners: adding a
      // 'message' listener refs the worker's port again.
      w.unref();
      this.worker = w;
    } catch {
      this.unavailable = true;
    }
    return this.worker;
  }
}
