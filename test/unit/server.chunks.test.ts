// The fast path for big pipelines (steps parsed one by one, cached across edits) must give exactly what one
// full parse gives: same diagnostics, ranges, steps and references, edit after edit.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeRunnableYaml, type Analysis } from '../../src/core/yaml/analyze';
import { StepChunkCache } from '../../src/core/yaml/chunkedParse';

function pipeline(n: number): string {
  const lines = ['# generated', 'dag:', '  start_at: step 0', '  steps:'];
  for (let i = 0; i < n; i++) {
    const next = i === n - 1 ? 'success' : `step ${i + 1}`;
    if (i % 25 === 10) {
      lines.push(`    step ${i}:`, '      type: parallel', '      branches:', '        a:', '          start_at: x', '          steps:',
        '            x:', '              type: task', '              command: jobs.f', '              next: success', `      next: ${next}`, '');
    } else if (i % 7 === 3) {
      lines.push(`    step ${i}:  # a shell step`, '      type: task', '      command_type: shell', '      command: |', '        echo one', '', '        echo two', `      next: ${next}`);
    } else {
      lines.push(`    step ${i}:`, '      type: task', '      command: jobs.f', `      next: ${next}`);
    }
  }
  lines.push('  description: after the steps', 'extra_anchor_free_key: 1', '');
  return lines.join('\n');
}

function summary(a: Analysis): unknown {
  return {
    diagnostics: a.diagnostics.map((d) => [d.start, d.end, d.code, d.message]).sort(),
    refs: a.refs.map((r) => [r.kind, r.target, r.start, r.end]),
    steps: a.graphs.map((g) => [g.name, g.start, g.end, [...g.steps.values()].map((s) => [s.name, s.keyStart, s.keyEnd, s.start, s.end, s.type, s.command?.start])]),
    keyDocs: a.keyDocs().map((k) => [k.start, k.end, k.key]),
    folds: a.folds(),
  };
}

describe('chunked parsing of big pipelines', () => {
  it('gives the same analysis as a full parse across edits', () => {
    let text = pipeline(120);
    const cache = new StepChunkCache();
    const edits: Array<(t: string) => string> = [
      (t) => t.replace('next: step 5\n', 'next: step 5x\n'),          // a missing step, longer text before later steps
      (t) => t.replace('      command: jobs.f\n      next: step 41', '      command: jobs.f\n      retries: 3\n      next: step 41'), // unknown key
      (t) => t.replace('    step 60:\n      type: task', '    step 60:\n      type: taks'), // unknown node type
      (t) => t.replace('next: step 5x\n', 'next: step 5\n'),           // undo: shorter text
      (t) => t.replace('    step 90:', '    step.90:'),                // a bad name, and step 89 now points nowhere
      (t) => t.replace('    step 3:  # a shell step', '    step 3:  # a shell step\n    # a comment line between steps'),
      (t) => t.replace('next: step 100\n', 'next: step 98\n'),          // a cycle
    ];
    let usedCache = 0;
    for (const edit of [(t: string) => t, ...edits]) {
      text = edit(text);
      const full = analyzeRunnableYaml(text);
      const fast = analyzeRunnableYaml(text, { stepCache: cache });
      if (cache.chunks.size > 0) usedCache++;
      assert.deepEqual(summary(fast), summary(full));
    }
    assert.equal(usedCache, edits.length + 1, 'the fast path was taken for every version');
    assert.ok(analyzeRunnableYaml(text).diagnostics.some((d) => d.code === 'cycle'), 'the last version has a cycle');
  });

  it('falls back to a full parse for anchors and syntax errors', () => {
    const cache = new StepChunkCache();
    const withAnchor = pipeline(60).replace('dag:', 'base: &b\n  start_at: x\n  steps: {}\ndag:');
    assert.deepEqual(summary(analyzeRunnableYaml(withAnchor, { stepCache: cache })), summary(analyzeRunnableYaml(withAnchor)));
    assert.equal(cache.chunks.size, 0);
    const broken = pipeline(60).replace('      command: jobs.f\n      next: step 21', '      command: [jobs.f\n      next: step 21');
    assert.deepEqual(summary(analyzeRunnableYaml(broken, { stepCache: cache })), summary(analyzeRunnableYaml(broken)));
  });
});
