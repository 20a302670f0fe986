// Reuses probe answers (probe.ts) while nothing they depend on changed: keyed by the interpreter (path + its
// executable's mtime/size), the request and the environment; valid while every workspace file the probe named
// (modules imported from cwd, parameters file, plus the caller's extra files) keeps its mtime and size.
// Owned by whoever creates it (the retry feature keeps one per activation): no module-level state.
//
// Whether an answer may be kept is decided on evidence, never on the clock: every file is compared with how it
// looked BEFORE it was read (the probe reports that for what it imported or read, see ProbeAnswer.seen; the caller's
// extra files are stamped here before the probe starts). A file saved while the probe ran no longer matches, so
// that answer is returned but not kept; the next plan probes again.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { runProbe, type ProbeAnswer, type ProbeRequest } from './probe';

interface Stamp {
  file: string;
  /** Nanoseconds as a decimal string (bigint stat, the same unit as Python's st_mtime_ns); null: the file did not exist (its appearance invalidates too). */
  mtimeNs: string | null;
  size: number | null;
}

interface Entry {
  stamps: Stamp[];
  answer: ProbeAnswer;
}

async function stamp(file: string): Promise<Stamp> {
  try {
    const st = await fs.stat(file, { bigint: true });
    return { file, mtimeNs: st.mtimeNs.toString(), size: Number(st.size) };
  } catch {
    return { file, mtimeNs: null, size: null };
  }
}

const same = (a: Stamp, b: Stamp) => a.mtimeNs === b.mtimeNs && a.size === b.size;

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
    const extra = extraFiles.map((f) => path.resolve(req.cwd, f));
    const before = new Map((await Promise.all(extra.map(stamp))).map((s) => [s.file, s]));
    const answer = await runProbe(req);
    if (answer.failed || (answer.locate && 'error' in answer.locate) || (answer.dag && 'error' in answer.dag)) return answer;
    const files = [...new Set([...answer.files, ...extra])].sort();
    const stamps = await Promise.all(files.map(stamp));
    for (const s of stamps) {
      const seen = answer.seen[s.file];
      const then = seen ? { file: s.file, mtimeNs: seen[0], size: seen[1] } : before.get(s.file);
      // No stamp from before its read (a module loaded some other way): nothing proves the answer saw this content.
      if (!then || !same(s, then)) return answer;
    }
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
      .update(JSON.stringify([req.python, exe.mtimeNs, exe.size, path.resolve(req.cwd), req.locate ?? '', req.dag ?? null, env]))
      .digest('hex');
  }
}
