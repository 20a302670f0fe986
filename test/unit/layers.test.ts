// The source tree's import graph has no loops (type imports included): two files that need each other are one
// concept split wrong, and a loop decides module load order by accident. Lint holds which layer may import which
// (eslint.config.mjs); this holds the loops.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const SRC = path.resolve(__dirname, '../../../src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to files under src/. */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'";]*?from\s+'(\.{1,2}\/[^']+)'/gm)) {
    const target = path.join(path.dirname(file), m[1]);
    const hit = [`${target}.ts`, path.join(target, 'index.ts')].find((c) => fs.existsSync(c));
    if (hit) out.push(hit);
  }
  return out;
}

/** Strongly connected components of more than one file (Tarjan). */
function loops(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next); low.set(v, next); next++;
    stack.push(v); onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); scc.push(w); } while (w !== v);
      if (scc.length > 1) found.push(scc.map((f) => path.relative(SRC, f)).sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('layers', () => {
  it('no two source files import each other, directly or around a loop', () => {
    const graph = new Map(sourceFiles(SRC).map((f) => [f, importsOf(f)]));
    assert.ok(graph.size > 100, `read the source tree (${graph.size} files)`);
    assert.ok([...graph.values()].some((d) => d.length > 3), 'imports were resolved');
    assert.deepEqual(loops(graph), []);
  });

  it('a caught error becomes a sentence one way (core/text/errorMessage.ts), not inline copies', () => {
    const copies = sourceFiles(SRC)
      .filter((f) => !f.endsWith(path.join('text', 'errorMessage.ts')))
      .filter((f) => /\b(\w+) instanceof Error \? \1\.message : String\(\1\)/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(copies, []);
  });

  it('every file under src/vscode is glue: it imports vscode, or another glue file (vscode-free logic lives in core)', () => {
    const glueDir = path.join(SRC, 'vscode');
    const files = sourceFiles(glueDir);
    assert.ok(files.length > 30, `read the glue (${files.length} files)`);
    const notGlue = files
      .filter((f) => !/from 'vscode'|import\('vscode'\)/.test(fs.readFileSync(f, 'utf8')))
      .filter((f) => !importsOf(f).some((d) => d.startsWith(glueDir + path.sep)))
      .map((f) => path.relative(SRC, f));
    assert.deepEqual(notGlue, []);
  });

  it('the loop finder finds a loop (two files that import each other)', () => {
    const a = path.join(SRC, 'a.ts');
    const b = path.join(SRC, 'b.ts');
    assert.deepEqual(loops(new Map([[a, [b]], [b, [a]]])), [['a.ts', 'b.ts']]);
  });
});
