// Finds a module-level function in Python source without running Python: used in untrusted
// workspaces and when importing the module fails. Reads the file; never imports or executes it.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { isStringStatement, logicalLines, matchingBracket, splitTopLevel, type LogicalLine } from './pySource';
import type { SignatureParam } from './signature';
import type { FunctionLocation } from './functionLocation';

/** Candidate files for a dotted module name, relative to the workspace (plain and `src/` layouts). */
export function moduleCandidates(cwd: string, moduleName: string, roots: string[] = []): string[] {
  const rel = moduleName.split('.');
  const out: string[] = [];
  for (const root of [cwd, path.join(cwd, 'src'), ...roots]) {
    out.push(path.join(root, ...rel) + '.py', path.join(root, ...rel, '__init__.py'));
  }
  return out;
}

async function readFirst(files: string[]): Promise<{ file: string; src: string } | undefined> {
  for (const file of files) {
    try {
      return { file, src: await fs.readFile(file, 'utf8') };
    } catch {
      // try the next candidate
    }
  }
  return undefined;
}

/** Parses the text between a def's parentheses into parameters. */
export function parseParameters(inner: string): SignatureParam[] {
  const params: SignatureParam[] = [];
  let keywordOnly = false;
  const raw = splitTopLevel(inner, ',').map((s) => s.trim()).filter((s) => s !== '');
  // everything before a bare `/` is positional-only
  const slash = raw.indexOf('/');
  raw.forEach((part, idx) => {
    if (part === '/') return;
    if (part === '*') {
      keywordOnly = true;
      return;
    }
    const [decl, ...rest] = splitTopLevel(part, '=');
    const hasDefault = rest.length > 0;
    const [nameRaw, ...ann] = splitTopLevel(decl, ':');
    const annotation = ann.join(':').trim();
    const namespace = /(^|\.)Namespace$/.test(annotation);
    let name = nameRaw.trim();
    let kind: SignatureParam['kind'] = keywordOnly ? 'keyword_only' : idx < slash ? 'positional_only' : 'positional_or_keyword';
    if (name.startsWith('**')) {
      kind = 'var_keyword';
      name = name.slice(2);
    } else if (name.startsWith('*')) {
      kind = 'var_positional';
      name = name.slice(1);
      keywordOnly = true;
    }
    params.push({ name, kind, hasDefault, namespace });
  });
  return params;
}

const DEF_RE = (name: string) => new RegExp(`^(?:async\\s+)?def\\s+${name.replace(/[$]/g, '\\$')}\\s*\\(`);

/** Locates `def name` at module level of `src`; undefined when it is not defined there. */
export function locateInSource(src: string, name: string): Omit<FunctionLocation, 'file' | 'absFile' | 'via'> | undefined {
  const lines = logicalLines(src);
  const re = DEF_RE(name);
  const idx = lines.findIndex((l) => l.indent === 0 && re.test(l.text));
  if (idx < 0) return undefined;
  const def = lines[idx];
  const open = def.text.indexOf('(');
  const close = matchingBracket(def.text, open);
  if (close < 0) return undefined;
  const params = parseParameters(def.text.slice(open + 1, close));
  // the `:` ending the header (after an optional `-> annotation`); text after it = a one-line body
  const afterSig = def.text.slice(close + 1);
  const colon = splitTopLevel(afterSig, ':');
  const inlineBody = colon.length > 1 ? colon.slice(1).join(':').trim() : '';
  if (inlineBody) return { defLine: def.startLine, line: def.startLine, params };
  const body: LogicalLine[] = [];
  for (let j = idx + 1; j < lines.length && lines[j].indent > def.indent; j++) body.push(lines[j]);
  if (body.length === 0) return { defLine: def.startLine, line: def.startLine, params };
  let first = body[0];
  if (isStringStatement(first.text) && body.length > 1) first = body[1];
  // a decorated statement in the body starts at its first decorator: that is where Python's line is
  return { defLine: def.startLine, line: first.startLine, params };
}

/**
 * Resolves `module.function` under `cwd` by reading source files. Follows one `from X import name`
 * re-export. Returns undefined with a reason when it cannot find the function.
 */
export async function locateStatically(cwd: string, command: string, roots: string[] = []): Promise<FunctionLocation | { error: string }> {
  const dot = command.lastIndexOf('.');
  if (dot <= 0) return { error: `"${command}" is not a module.function path.` };
  const moduleName = command.slice(0, dot);
  const name = command.slice(dot + 1);
  const found = await readFirst(moduleCandidates(cwd, moduleName, roots));
  if (!found) return { error: `No source file for module "${moduleName}" under ${[cwd, ...roots].join(' or ')} (looked for ${moduleName.replace(/\./g, '/')}.py).` };
  const loc = locateInSource(found.src, name);
  if (loc) return { ...loc, absFile: found.file, file: path.relative(cwd, found.file), via: 'static' };
  // `from other import name` at module level: look there once
  const reexport = logicalLines(found.src).find(
    (l) => l.indent === 0 && new RegExp(`^from\\s+([\\w.]+)\\s+import\\s+(?:\\(\\s*)?(?:[\\w\\s,]*,\\s*)?${name}\\b`).test(l.text),
  );
  if (reexport) {
    const from = /^from\s+([\w.]+)/.exec(reexport.text)![1];
    if (!from.startsWith('.')) {
      const target = await readFirst(moduleCandidates(cwd, from, roots));
      const inner = target && locateInSource(target.src, name);
      if (target && inner) return { ...inner, absFile: target.file, file: path.relative(cwd, target.file), via: 'static' };
    }
  }
  return { error: `No module-level "def ${name}" in ${path.relative(cwd, found.file)}.` };
}
