// Parses a big pipeline fast after an edit: the dag's steps are cut at their keys and each step is parsed on its
// own, cached by its text, so an edit re-parses one step plus a small skeleton (the file with the steps blanked).
// Anything unusual (anchors/aliases, flow-style steps, a syntax error) falls back to one full parse.
import * as Y from 'yaml';
import type { Document, Node, Pair } from 'yaml';
import { parseRunnableYaml } from './parseYaml';

const isMap = Y.isMap;
const isScalar = Y.isScalar;
const isCollection = Y.isCollection;
const isPair = Y.isPair;

interface CachedChunk { doc: Document; pair: Pair; at: number }

/** Parsed steps from the last analysis of one document; pass the same cache for each version. */
export class StepChunkCache {
  chunks = new Map<string, CachedChunk>();
}

const MIN_STEPS = 50;

/** Moves a parsed step to its new place in the text (no aliases here, so the tree has no shared nodes). */
function shiftNode(node: unknown, delta: number): void {
  if (!node || typeof node !== 'object') return;
  const r = (node as { range?: [number, number, number] }).range;
  if (r) { r[0] += delta; r[1] += delta; r[2] += delta; }
  if (isPair(node)) { shiftNode(node.key, delta); shiftNode(node.value, delta); return; }
  if (isCollection(node)) for (const item of node.items as unknown[]) shiftNode(item, delta);
}

/** Shifts every range at or after `from` (collections that span the cut only get their ends moved). */
function shiftAfter(node: unknown, from: number, delta: number): void {
  if (!node || typeof node !== 'object') return;
  const r = (node as { range?: [number, number, number] }).range;
  if (r) {
    if (r[0] >= from) r[0] += delta;
    if (r[1] >= from) r[1] += delta;
    if (r[2] >= from) r[2] += delta;
  }
  if (isPair(node)) { shiftAfter(node.key, from, delta); shiftAfter(node.value, from, delta); return; }
  if (isCollection(node)) for (const item of node.items as unknown[]) shiftAfter(item, from, delta);
}

interface StepsBlock { start: number; end: number; stepIndent: number; cuts: number[] }

/** Finds `dag:` → `steps:` in block style and the offsets where each step key line starts. */
function findStepsBlock(text: string): StepsBlock | undefined {
  const dag = /^dag:[ \t]*(#.*)?$/m.exec(text);
  if (!dag) return undefined;
  // Walk line by line without slicing: indentation, and whether the line has content (not blank, not a comment).
  let pos = text.indexOf('\n', dag.index);
  if (pos < 0) return undefined;
  pos++;
  const lineInfo = (at: number): { indent: number; content: boolean; end: number } => {
    let i = at;
    while (i < text.length && text.charCodeAt(i) === 32) i++;
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const c = text.charCodeAt(i);
    const content = i < end && c !== 35 /* # */ && !(c === 13 && i + 1 === end) && text.slice(i, end).trim() !== '';
    return { indent: i - at, content, end };
  };
  let childIndent = -1;
  let stepsAt = -1;
  for (; pos < text.length;) {
    const l = lineInfo(pos);
    if (l.content) {
      if (childIndent < 0) { childIndent = l.indent; if (childIndent === 0) return undefined; }
      if (l.indent < childIndent) return undefined;
      if (l.indent === childIndent && /^steps:[ \t]*(#.*)?\r?$/.test(text.slice(pos + l.indent, l.end))) { stepsAt = l.end + 1; break; }
    }
    pos = l.end + 1;
  }
  if (stepsAt < 0) return undefined;
  let stepIndent = -1;
  let start = -1;
  const cuts: number[] = [];
  let end = text.length;
  for (pos = stepsAt; pos < text.length;) {
    const l = lineInfo(pos);
    if (l.content) {
      if (l.indent <= childIndent) { end = pos; break; }
      if (stepIndent < 0) { stepIndent = l.indent; start = pos; }
      if (l.indent < stepIndent) return undefined;
      if (l.indent === stepIndent) {
        const c = text.charCodeAt(pos + l.indent);
        if (c === 45 /* - */ || c === 63 /* ? */ || c === 123 /* { */) return undefined;
        cuts.push(pos);
      }
    }
    pos = l.end + 1;
  }
  if (start < 0) return undefined;
  // The block ends where the next less-indented content line starts (trailing blank/comment lines stay in it).
  return { start, end: Math.min(end, text.length), stepIndent, cuts };
}

/**
 * Parses `text` like parseRunnableYaml, re-using cached step parses. Returns undefined when the fast path does
 * not apply (the caller then parses the whole text).
 */
export function parseWithStepCache(text: string, cache: StepChunkCache): Document | undefined {
  // Aliases need their anchors in the same parse.
  if (/(^|[\s\-:[{,])&[A-Za-z_]/m.test(text)) return undefined;
  const block = findStepsBlock(text);
  if (!block || block.cuts.length < MIN_STEPS) return undefined;
  // The skeleton: the text without the steps, parsed once; nodes after the cut move back to their real offsets.
  const removed = block.end - block.start;
  const skeleton = parseRunnableYaml(text.slice(0, block.start) + text.slice(block.end));
  if (skeleton.errors.length) return undefined;
  if (removed && block.end < text.length) shiftAfter(skeleton.contents, block.start, removed);
  const root = skeleton.contents;
  if (!isMap(root)) return undefined;
  const dagPair = root.items.find((p) => isScalar(p.key) && p.key.value === 'dag');
  const dag = dagPair?.value;
  if (!isMap(dag)) return undefined;
  const stepsPair = dag.items.find((p) => isScalar(p.key) && p.key.value === 'steps');
  if (!stepsPair || (stepsPair.value !== null && !(isScalar(stepsPair.value) && stepsPair.value.value === null))) return undefined;

  const next = new Map<string, CachedChunk>();
  const steps = new Y.YAMLMap(skeleton.schema);
  for (let c = 0; c < block.cuts.length; c++) {
    const at = block.cuts[c];
    const chunkText = text.slice(at, c + 1 < block.cuts.length ? block.cuts[c + 1] : block.end);
    let chunk = cache.chunks.get(chunkText);
    if (chunk && next.has(chunkText)) chunk = undefined; // the same text twice: parse again (distinct nodes)
    if (!chunk) {
      const doc = parseRunnableYaml(chunkText);
      if (doc.errors.length || !isMap(doc.contents) || doc.contents.items.length !== 1) return undefined;
      chunk = { doc, pair: doc.contents.items[0] as Pair, at: 0 };
    }
    if (chunk.at !== at) { shiftNode(chunk.pair, at - chunk.at); chunk.at = at; }
    next.set(chunkText, chunk);
    steps.items.push(chunk.pair);
  }
  // Ranges as a full parse gives them: from the first key to the end of the last value.
  const first = steps.items[0] as Pair<Node, Node | null> | undefined;
  const last = steps.items[steps.items.length - 1] as Pair<Node, Node | null> | undefined;
  const from = first?.key?.range?.[0] ?? block.start;
  const to = last?.value?.range?.[1] ?? last?.key?.range?.[1] ?? block.end;
  (steps as Node).range = [from, to, last?.value?.range?.[2] ?? to];
  stepsPair.value = steps;
  cache.chunks = next;
  return skeleton;
}
