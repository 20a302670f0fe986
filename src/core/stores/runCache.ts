// Caches what was read from a file (a run summary, a parsed run) by the file's identity, so a refresh re-reads only
// files that changed. One instance per store (no module-level state); bounded, least recently used goes first.
import type { Stats } from 'node:fs';

/** path + mtime + size + inode: a rewrite, an append or a replacement by rename each change it. */
export function fileIdentity(st: Pick<Stats, 'mtimeMs' | 'size' | 'ino'>): string {
  return `${st.mtimeMs}:${st.size}:${st.ino}`;
}

export class RunCache<V> {
  private readonly entries = new Map<string, { identity: string; value: V }>();

  constructor(private readonly maxEntries = Number.POSITIVE_INFINITY) {}

  /** The cached value when `identity` still matches, else undefined. */
  get(key: string, identity: string): V | undefined {
    const e = this.entries.get(key);
    if (!e || e.identity !== identity) return undefined;
    // Refresh recency (Map keeps insertion order).
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  set(key: string, identity: string, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, { identity, value });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  /** Drops entries for files that are gone (a listing passes the keys it saw). */
  retain(keys: Set<string>): void {
    for (const k of [...this.entries.keys()]) if (!keys.has(k)) this.entries.delete(k);
  }

  get size(): number {
    return this.entries.size;
  }
}
