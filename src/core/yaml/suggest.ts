// "Did you mean": the closest candidate by edit distance, when it is close enough to be a typo.

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours (`taks`).
 * Three rolling rows: this runs against every step name of big pipelines. */
export function editDistance(a: string, b: string, rows?: Uint16Array[]): number {
  const m = b.length;
  const r = rows && rows[0].length > m ? rows : [new Uint16Array(m + 1), new Uint16Array(m + 1), new Uint16Array(m + 1)];
  let prev2 = r[0];
  let prev = r[1];
  let cur = r[2];
  for (let j = 0; j <= m; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= m; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a.charCodeAt(i - 1) === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === b.charCodeAt(j - 1)) v = Math.min(v, prev2[j - 2] + 1);
      cur[j] = v;
    }
    const t = prev2; prev2 = prev; prev = cur; cur = t;
  }
  return prev[m];
}

export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  let rows = [new Uint16Array(64), new Uint16Array(64), new Uint16Array(64)];
  for (const c of candidates) {
    // Too different in length to be a typo (and cheap to skip among thousands of step names).
    if (Math.abs(c.length - word.length) > Math.max(2, Math.floor(Math.max(word.length, c.length) / 3)) && !c.toLowerCase().startsWith(w) && !w.startsWith(c.toLowerCase())) continue;
    const cl = c.toLowerCase();
    if (rows[0].length <= cl.length) rows = [new Uint16Array(cl.length + 1), new Uint16Array(cl.length + 1), new Uint16Array(cl.length + 1)];
    if (c === word) continue;
    const d = cl.startsWith(w) || w.startsWith(cl) ? 1 : editDistance(w, cl, rows);
    if (d < bestD) { bestD = d; best = c; }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.floor(Math.max(word.length, best.length) / 3));
  return bestD > 0 && bestD <= limit ? best : undefined;
}
