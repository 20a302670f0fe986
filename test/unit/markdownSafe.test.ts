// Run-log text entering Markdown (tooltips, the YAML hover) is inert: rendered with markdown-it-free checks of the
// CommonMark rules that matter (escapes, fences), and end to end through the language server's hover.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { codeBlock, escapeMarkdown, inlineCode } from '../../src/core/text/markdown';

/** Undoes CommonMark backslash escapes: what a renderer shows for escaped text. */
const shown = (md: string): string => md.replace(/\\([!-/:-@[-`{-~])/g, '$1');

void describe('Markdown from run logs', () => {
  void it('escapes links, images, emphasis, HTML, theme icons, autolinks and leading markers; shows the same text', () => {
    const hostile = [
      '![x](https://evil.example/p.png)',
      '[click](command:workbench.action.terminal.new)',
      '**FAIL** <img src=x onerror=alert(1)> &lt;',
      '$(zap) https://evil.example www.evil.example a@b.example',
      '- FAIL',
      '1. FAIL',
      '# FAIL',
      '`code` | a | b | ~~gone~~',
    ];
    for (const h of hostile) {
      const md = escapeMarkdown(h);
      assert.equal(shown(md), h, 'renders as the original text');
      // No unescaped syntax character is left.
      assert.doesNotMatch(md.replace(/\\./g, ''), /[`*_[\]<>#!|~&$@]|:\/\/|^\s*(?:[-+=]|\d+[.)])|www\./, h);
    }
    assert.equal(escapeMarkdown('etl-usd-0100 (attempt 1, 2 days ago)'), 'etl-usd-0100 (attempt 1, 2 days ago)');
    assert.equal(escapeMarkdown('a\nb\r\nc'), 'a b c');
  });

  void it('code blocks use a fence longer than any backtick run, at any indent', () => {
    const message = 'boom\n   ```\n![x](https://evil.example/p.png)\n  ````\nend';
    const block = codeBlock(message, 'text');
    const fence = block.trim().split('\n')[0].replace(/text$/, '');
    assert.equal(fence, '`````');
    // CommonMark closes a fenced block only with a line of at least as many backticks (indent up to 3).
    const inner = block.trim().split('\n').slice(1, -1);
    assert.deepEqual(inner.join('\n'), message);
    assert.ok(inner.every((l) => !new RegExp(`^ {0,3}\`{${fence.length},}\\s*$`).test(l)), 'no inner line closes the block');
    assert.equal(codeBlock('plain').trim().split('\n')[0], '```');
  });

  void it('inline code reads as written, whatever backticks it holds', () => {
    assert.equal(inlineCode('train'), '`train`');
    assert.equal(inlineCode('a``b'), '```a``b```');
    assert.equal(inlineCode('`x`'), '`` `x` ``');
    assert.equal(inlineCode('a\nb'), '`a b`');
  });
});
