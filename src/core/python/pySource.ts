// A small reader of Python source text: splits a file into logical lines (strings, comments,
// brackets and backslash continuations understood) so a function can be found without Python.

export interface LogicalLine {
  /** 1-based line where the statement starts. */
  startLine: number;
  /** 1-based line where it ends (last physical line). */
  endLine: number;
  /** Columns of leading whitespace on the first physical line. */
  indent: number;
  /** The statement's code with comments removed (strings kept verbatim). */
  text: string;
}

const STRING_PREFIX = /^(?:[rRbBuUfF]|[rR][bBfF]|[bBfF][rR])?$/;

/**
 * Where the string literal starting at `i` (at a quote char) ends (index after the closing quote),
 * and how many newlines it spans. Backslash always skips the next char: true for raw strings too
 * when it comes to finding the end (`r"\""` is one literal).
 */
function skipString(src: string, i: number): { end: number; newlines: number } {
  const q = src[i];
  const triple = src.startsWith(q + q + q, i);
  const close = triple ? q + q + q : q;
  let j = i + close.length;
  let newlines = 0;
  while (j < src.length) {
    const c = src[j];
    if (c === '\\') {
      if (src[j + 1] === '\n') newlines++;
      j += 2;
      continue;
    }
    if (c === '\n') {
      newlines++;
      if (!triple) return { end: j, newlines: newlines - 1 }; // unterminated: stop at the line end
    }
    if (src.startsWith(close, j)) return { end: j + close.length, newlines };
    j++;
  }
  return { end: src.length, newlines };
}

/** Splits Python source into logical lines (blank and comment-only lines dropped). */
export function logicalLines(src: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const text = src.replace(/\r\n?/g, '\n');
  let i = 0;
  let line = 1;
  let depth = 0;
  let cur: { startLine: number; indent: number; parts: string[] } | undefined;
  let atLineStart = true;
  let indent = 0;

  const finish = (endLine: number) => {
    if (cur) {
      const t = cur.parts.join('').trim();
      if (t) out.push({ startLine: cur.startLine, endLine, indent: cur.indent, text: t });
    }
    cur = undefined;
    depth = 0;
  };

  while (i < text.length) {
    const c = text[i];
    if (atLineStart && !cur) {
      // measure indentation of a new statement
      indent = 0;
      while (text[i] === ' ' || text[i] === '\t') {
        indent += text[i] === '\t' ? 8 - (indent % 8) : 1;
        i++;
      }
      atLineStart = false;
      continue;
    }
    atLineStart = false;
    if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (c === '\n') {
      if (cur && depth === 0) finish(line);
      line++;
      i++;
      atLineStart = true;
      if (cur) cur.parts.push(' ');
      continue;
    }
    if (c === '\\' && text[i + 1] === '\n') {
      line++;
      i += 2;
      if (cur) cur.parts.push(' ');
      continue;
    }
    if (!cur && c !== ' ' && c !== '\t' && c !== ';') cur = { startLine: line, indent, parts: [] };
    if (c === '"' || c === "'") {
      // a prefix (r, b, f, rb...) was already pushed as an identifier char; that is fine
      const { end, newlines } = skipString(text, i);
      cur?.parts.push(text.slice(i, end));
      line += newlines;
      i = end;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
    cur?.parts.push(c);
    i++;
  }
  finish(line);
  return out;
}

/** True when a statement is only a string literal (a docstring). */
export function isStringStatement(text: string): boolean {
  const m = /^([a-zA-Z]{0,2})(['"])/.exec(text);
  if (!m || !STRING_PREFIX.test(m[1])) return false;
  let i = m[1].length;
  // one or more adjacent literals and nothing else
  while (i < text.length) {
    while (text[i] === ' ') i++;
    if (i >= text.length) return true;
    const p = /^([a-zA-Z]{0,2})(['"])/.exec(text.slice(i));
    if (!p || !STRING_PREFIX.test(p[1])) return false;
    i += p[1].length;
    i = skipString(text, i).end;
  }
  return true;
}

/** Splits `text` at top-level occurrences of `sep` (outside strings and brackets). */
export function splitTopLevel(text: string, sep: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipString(text, i).end - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      parts.push(text.slice(start, i));
      start = i + sep.length;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Index of the bracket closing the one opened at `open`, or -1. */
export function matchingBracket(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipString(text, i).end - 1;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}
