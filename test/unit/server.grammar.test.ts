// The TextMate injection grammar: contributed for YAML, and its patterns scope the runnable-specific parts
// (placeholders, step references, node types, python commands) of real lines. The regexes use no Oniguruma-only
// syntax, so JavaScript's RegExp runs them as VS Code's engine would.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './server.harness';

interface Rule { match: string; captures: Record<string, { name: string }> }
const grammarPath = path.join(repoRoot, 'syntaxes', 'runnable-yaml.injection.json');
const grammar = JSON.parse(fs.readFileSync(grammarPath, 'utf8')) as { scopeName: string; injectionSelector: string; repository: Record<string, Rule> };

/** Scope name → matched text for `line` under `rule` (the first match). */
function scopes(rule: string, line: string): Record<string, string> {
  const r = grammar.repository[rule];
  const m = new RegExp(r.match).exec(line);
  if (!m) return {};
  const out: Record<string, string> = {};
  for (const [group, c] of Object.entries(r.captures)) if (m[Number(group)] !== undefined && m[Number(group)] !== '') out[c.name] = m[Number(group)];
  return out;
}

describe('runnable YAML grammar', () => {
  it('is contributed as an injection into YAML', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars?: Array<{ scopeName: string; path: string; injectTo?: string[] }> } };
    const g = (pkg.contributes.grammars ?? []).find((x) => x.scopeName === grammar.scopeName);
    assert.ok(g, 'package.json contributes the grammar');
    assert.deepEqual(g.injectTo, ['source.yaml']);
    assert.equal(path.resolve(repoRoot, g.path), grammarPath);
    assert.match(grammar.injectionSelector, /source\.yaml/);
  });

  it('scopes ${name} placeholders', () => {
    assert.equal(scopes('placeholder', '    aws_access_key_id: ${AWS_KEY}')['variable.other.placeholder.runnable'], 'AWS_KEY');
    assert.deepEqual(scopes('placeholder', '    bucket: $AWS_KEY'), {});
  });

  it('scopes step references after next / on_failure / start_at, and the terminal steps', () => {
    assert.equal(scopes('step-reference', '      next: transform')['entity.name.function.step-reference.runnable'], 'transform');
    assert.equal(scopes('step-reference', '  start_at: hello stub  # first')['entity.name.function.step-reference.runnable'], 'hello stub');
    assert.equal(scopes('step-reference', '      on_failure: "clean up"')['entity.name.function.step-reference.runnable'], 'clean up');
    assert.equal(scopes('step-reference', '      next: success')['constant.language.terminal-step.runnable'], 'success');
    assert.deepEqual(scopes('step-reference', '      command: next'), {});
  });

  it('scopes node types and python commands', () => {
    assert.equal(scopes('node-type', '      type: parallel')['support.type.node.runnable'], 'parallel');
    assert.equal(scopes('node-type', '      command_type: shell')['support.type.node.runnable'], 'shell');
    assert.deepEqual(scopes('node-type', '      type: file-system'), {});
    const py = scopes('python-command', '      command: examples.common.functions.hello');
    assert.equal(py['entity.name.namespace.python-module.runnable'], 'examples.common.functions');
    assert.equal(py['entity.name.function.python.runnable'], 'hello');
    assert.deepEqual(scopes('python-command', '      command: echo "hi"'), {});
  });
});
