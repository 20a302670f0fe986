// Reuses probe answers (probe.ts) while nothing they depend on changed: keyed by the interpreter (path + its
// executable's mtime/size), the request and the environment; valid while every workspace file the probe named
// (modules imported from cwd, parameters file, plus the caller's extra files) keeps its mtime and size.
// Owned by whoever creates it (the retry feature keeps one per activation): no module-level state.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runProbe, type ProbeAnswer, type ProbeRequest } from './probe';

interface Stamp {
  file: string;
  /** null: the file did not exist (its appearance invalidates too). */
  mtimeMs: number | null;
  size: number | null;
}

interface Entry {
  stamps: Stamp[];
  answer: ProbeAnswer;
}

async function stamp(file: string): Promise<Stamp> {
  try {
    const st = await fs.stat(file);
    return { file, mtimeMs: st.mtimeMs, size: st.size };
  } catch {
    return { file, mtimeMs: null, size: null };
  }
}

const same = (a: Stamp, b: Stamp) => a.mtimeMs === b.mtimeMs && a.size === b.size;

export class ProbeCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxEntries = 32) {}

  /** The cached answer when still valid, else a fresh probe (cached when it fully succeeded). */
  async probe(req: ProbeRequest, extraFiles: string[] = []): Promise<ProbeAnswer> {
    const key = await this.key(req);
    const hit = this.entries.get(key);
    if (hit) {
      const now = await Promise.all(hit.stamps.map((s) => stamp(s.file)));
      if (now.every((s, i) => same(s, hit.stamps[i]))) {
        // Most recently used last (Map keeps insertion order): eviction drops the oldest.
        this.entries.delete(key);
        this.entries.set(key, hit);
        return { ...hit.answer, wallMs: 0, cpuMs: undefined, cached: true };
      }
      this.entries.delete(key);
    }
    const startedAt = Date.now();
    const answer = await runProbe(req);
    if (answer.failed || (answer.locate && 'error' in answer.locate) || (answer.dag && 'error' in answer.dag)) return answer;
    const files = [...new Set([...answer.files, ...extraFiles.map((f) => path.resolve(req.cwd, f))])].sort();
    const stamps = await Promise.all(files.map(stamp));
    // A file written while the probe ran may or may not be in its answer: do not keep that answer (10 ms: file
    // timestamps come from a coarse clock that can lag Date.now() by a tick).
    if (stamps.some((s) => s.mtimeMs !== null && s.mtimeMs >= startedAt - 10)) return answer;
    this.entries.set(key, { stamps, answer });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
    return answer;
  }

  clear(): void {
    this.entries.clear();
  }

  private async key(req: ProbeRequest): Promise<string> {
    const exe = await stamp(req.python);
    const env = Object.entries(req.env)
      .filter(([k, v]) => v !== undefined && k !== 'RUNNABLE_RETRY_RUN_ID' && k !== 'RUNNABLE_RETRY_INDICATOR')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return createHash('sha1')
      .update(JSON.stringify([req.python, exe.mtimeMs, exe.size, path.resolve(req.cwd), req.locate ?? '', req.dag ?? null, env]))
      .digest('hex');
  }
}
