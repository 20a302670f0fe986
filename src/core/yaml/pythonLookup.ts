// Finds the Python function a task's `command: module.function` names, the way runnable imports it:
// `importlib.import_module(module)` with the working directory first on sys.path, then getattr(function).
// Files are read from disk and cached by mtime; no Python is run.
import * as fs from 'node:fs';
import * as path from 'node:path';

export type PythonResolution =
  | { status: 'ok'; file: string; line: number }
  | { status: 'no-module'; module: string; tried: string[] }
  | { status: 'no-function'; module: string; func: string; file: string };

interface ModuleFile { mtimeMs: number; names: Map<string, number>; defs: Set<string> }

const SKIP_DIRS = new Set(['node_modules', '.git', '.venv', 'venv', 'env', '__pycache__', 'site-packages', '.tox', '.mypy_cache', 'dist', 'out', '.run_log_store', '.catalog']);

/** Module-level names of a Python source: defs, classes, assignments, imports → 0-based line. */
export function topLevelNames(source: string): Map<string, number> {
  const names = new Map<string, number>();
  const lines = source.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    let m = /^(?:async\s+)?def\s+([A-Za-z_]\w*)/.exec(l) ?? /^class\s+([A-Za-z_]\w*)/.exec(l) ?? /^([A-Za-z_]\w*)\s*(?::[^=]*)?=(?!=)/.exec(l);
    if (m) { if (!names.has(m[1])) names.set(m[1], i); continue; }
    m = /^from\s+\S+\s+import\s+\(?([^)#]*)/.exec(l);
    if (m) {
      for (const part of m[1].split(',')) {
        const alias = /(\w+)\s*$/.exec(part.trim());
        if (alias && !names.has(alias[1])) names.set(alias[1], i);
      }
      continue;
    }
    m = /^import\s+([\w.]+)(?:\s+as\s+(\w+))?/.exec(l);
    if (m) { const n = m[2] ?? m[1].split('.')[0]; if (!names.has(n)) names.set(n, i); }
  }
  return names;
}

export class PythonLookup {
  private readonly files = new Map<string, ModuleFile | null>();
  private functionsCache: { at: number; items: string[] } | undefined;

  /** `roots`: folders runnable may run from (workspace folders), most likely first. */
  constructor(private readonly roots: () => readonly string[]) {}

  /** Forget cached files (a .py file changed on disk). */
  invalidate(file?: string): void {
    if (file) this.files.delete(file); else this.files.clear();
    this.functionsCache = undefined;
  }

  /** Resolves `a.b.func` from the workspace roots, then from the YAML's folder and its parents up to a root. */
  resolve(command: string, yamlDir?: string): PythonResolution {
    const dot = command.lastIndexOf('.');
    const module = dot > 0 ? command.slice(0, dot) : command;
    const func = dot > 0 ? command.slice(dot + 1) : '';
    const rel = module.split('.').join(path.sep);
    const tried: string[] = [];
    for (const base of this.searchBases(yamlDir)) {
      for (const candidate of [path.join(base, `${rel}.py`), path.join(base, rel, '__init__.py')]) {
        tried.push(candidate);
        const mod = this.read(candidate);
        if (!mod) continue;
        const line = mod.names.get(func);
        if (line !== undefined) return { status: 'ok', file: candidate, line };
        return { status: 'no-function', module, func, file: candidate };
      }
    }
    return { status: 'no-module', module, tried };
  }

  private searchBases(yamlDir?: string): string[] {
    const roots = this.roots().map((r) => path.resolve(r));
    const bases = [...roots];
    if (yamlDir) {
      let dir = path.resolve(yamlDir);
      for (let i = 0; i < 20; i++) {
        if (!bases.includes(dir)) bases.push(dir);
        if (roots.includes(dir)) break;
        const up = path.dirname(dir);
        if (up === dir) break;
        dir = up;
      }
    }
    return bases;
  }

  private read(file: string): ModuleFile | undefined {
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch { return undefined; }
    if (!st.isFile()) return undefined;
    const cached = this.files.get(file);
    if (cached && cached.mtimeMs === st.mtimeMs) return cached;
    try {
      const source = fs.readFileSync(file, 'utf8');
      const defs = new Set<string>();
      for (const m of source.matchAll(/^(?:async\s+)?def\s+([A-Za-z_]\w*)/gm)) defs.add(m[1]);
      const mod = { mtimeMs: st.mtimeMs, names: topLevelNames(source), defs };
      this.files.set(file, mod);
      return mod;
    } catch { return undefined; }
  }

  /** `module.function` for every module-level def in the workspace (completion), capped and cached for 10 s. */
  functions(max = 5000): string[] {
    const now = Date.now();
    if (this.functionsCache && now - this.functionsCache.at < 10_000) return this.functionsCache.items;
    const items: string[] = [];
    const seen = new Set<string>();
    for (const root of this.roots()) {
      const walk = (dir: string, prefix: string[], depth: number): void => {
        if (items.length >= max || depth > 6) return;
        let entries: fs.Dirent[];
        try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
        for (const e of entries) {
          if (e.isDirectory()) {
            if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && /^[A-Za-z_]\w*$/.test(e.name)) walk(path.join(dir, e.name), [...prefix, e.name], depth + 1);
          } else if (e.name.endsWith('.py')) {
            const stem = e.name.slice(0, -3);
            const modPath = stem === '__init__' ? prefix : [...prefix, stem];
            if (!modPath.length || !modPath.every((p) => /^[A-Za-z_]\w*$/.test(p))) continue;
            const mod = this.read(path.join(dir, e.name));
            if (!mod) continue;
            for (const name of mod.defs) {
              const full = `${modPath.join('.')}.${name}`;
              if (!seen.has(full)) { seen.add(full); items.push(full); }
            }
          }
        }
      };
      walk(root, [], 0);
    }
    this.functionsCache = { at: now, items };
    return items;
  }
}
