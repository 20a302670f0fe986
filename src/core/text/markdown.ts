// One way for run-log text to enter Markdown (tree tooltips, the YAML hover). A run log is written by whoever ran
// the pipeline, so a status, a step type, a run id or an exception message may carry Markdown: links, remote images,
// emphasis, or a fence that closes our code block early. Everything that did not come from us goes through here.

/**
 * Inline text that renders as itself: newlines folded to spaces, then a backslash before every character that can
 * start Markdown syntax mid-line (emphasis, code, links and images, raw HTML and entities, tables, strikethrough,
 * theme icons `$(…)`, autolinks through `://` and `@`, `www.`), and before a leading list, heading, quote or setext
 * marker. Hyphens, dots and parentheses elsewhere stay as written, so run ids and times read (and match) plainly.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*_[\]<>#!|~&$@{}]/g, '\\$&')
    .replace(/:(?=\/\/)/g, '\\:')
    .replace(/\b(www)\./gi, '$1\\.')
    .replace(/^(\s*)([-+=]|\d+[.)])/, (_m, sp: string, mark: string) => `${sp}${mark.replace(/[-+=.)]$/, '\\$&')}`);
}

/** The longest run of backticks anywhere in `text` (at any indent: CommonMark closes a fence indented up to 3 spaces). */
function longestBacktickRun(text: string): number {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return longest;
}

/** Inline code that reads as written: a fence longer than any backtick run inside, padded when the text touches one. */
export function inlineCode(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const fence = '`'.repeat(longestBacktickRun(flat) + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/**
 * A fenced code block whose fence is longer than every backtick run in the content, so no line of it (indented or
 * not) can close the block; `~~~` lines cannot either, since a block only closes with its own fence character.
 */
export function codeBlock(text: string, language = ''): string {
  const fence = '`'.repeat(Math.max(3, longestBacktickRun(text) + 1));
  return `\n${fence}${language}\n${text}\n${fence}\n`;
}
