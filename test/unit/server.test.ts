// The language server through the real protocol: valid files give no diagnostics, each rule fires with its
// range and message (announced by `# expect` comments in test/fixtures/yaml/broken), and the editor features.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CompletionItem, Diagnostic, DocumentSymbol, FoldingRange, Hover, Location } from 'vscode-languageserver-protocol';
import { positionOf, rangeText, repoRoot, startSession, type LspSession } from './server.harness';

const yamlRoot = path.join(repoRoot, 'test', 'fixtures', 'yaml');

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

function describeDiags(text: string, ds: Diagnostic[]): string {
  return ds.map((d) => `L${d.range.start.line + 1} ${d.code} @${rangeText(text, d)}: ${d.message}`).join('\n');
}

describe('language server: no false diagnostics', () => {
  it('every YAML in test/fixtures/runnable and examples/ gives no diagnostics', async () => {
    for (const root of [path.join(repoRoot, 'test', 'fixtures', 'runnable'), path.join(repoRoot, 'examples')]) {
      const s = await startSession(root);
      try {
        const files = yamlFilesUnder(root);
        assert.ok(files.length >= 5, `expected YAML files under ${root}`);
        let analysed = 0;
        for (const f of files) {
          // Each fixture folder is a workspace of its own (runnable runs from there): python modules resolve from it.
          const { text, diagnostics } = await s.open(f);
          assert.deepEqual(diagnostics, [], `${path.relative(repoRoot, f)}:\n${describeDiags(text, diagnostics)}`);
          if (/^(dag|run-log-store|catalog):/m.test(text)) analysed++;
        }
        assert.ok(analysed >= 3, 'runnable files were analysed');
      } finally {
        await s.close();
      }
    }
  });

  it('the valid samples (every node type, aliases, templated configs, non-runnable YAML) give no diagnostics', async () => {
    const s = await startSession(yamlRoot);
    try {
      for (const f of yamlFilesUnder(path.join(yamlRoot, 'valid'))) {
        const { text, diagnostics } = await s.open(f);
        assert.deepEqual(diagnostics, [], `${path.basename(f)}:\n${describeDiags(text, diagnostics)}`);
      }
    } finally {
      await s.close();
    }
  });

  const mirror = '/work/.mirror/AstraZeneca+runnable/repo';
  it('runnable\'s own examples/ give no errors except the genuine one (an executor type that does not exist)', { skip: !fs.existsSync(mirror) && 'runnable mirror not present' }, async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'runnable-examples-'));
    try {
      execFileSync('bash', ['-c', `git -C '${mirror}' archive HEAD examples | tar -x -C '${tmp}'`]);
      const s = await startSession(tmp);
      const errors: string[] = [];
      try {
        for (const f of yamlFilesUnder(path.join(tmp, 'examples'))) {
          const { text, diagnostics } = await s.open(f);
          for (const d of diagnostics.filter((x) => x.severity === 1)) errors.push(`${path.relative(tmp, f)} ${d.code} @${rangeText(text, d)}`);
        }
      } finally {
        await s.close();
      }
      // runnable a597927 has no `retry` pipeline executor (pyproject.toml entry points): this file would not load.
      assert.deepEqual(errors, ['examples/configs/retry-config.yaml unknown-plugin @retry']);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('language server: runnable.yamlGlobs', () => {
  it('analyses a YAML file a glob names even when its keys do not say runnable', async () => {
    const s = await startSession(yamlRoot, { yamlGlobs: ['valid/not-runnable.yaml'] });
    try {
      const { text, diagnostics } = await s.open(path.join(yamlRoot, 'valid', 'not-runnable.yaml'));
      // As a config: its top-level keys are not runnable services.
      assert.deepEqual(diagnostics.map((d) => `${d.code} @${rangeText(text, d)}`), ['unknown-key @name', 'unknown-key @on', 'unknown-key @jobs']);
    } finally {
      await s.close();
    }
  });
});

describe('language server: each rule fires with its range and message', () => {
  let s: LspSession;
  before(async () => { s = await startSession(yamlRoot); });
  after(async () => { await s.close(); });

  for (const file of fs.readdirSync(path.join(yamlRoot, 'broken')).filter((f) => f.endsWith('.yaml')).sort()) {
    it(file, async () => {
      const { text, diagnostics } = await s.open(path.join(yamlRoot, 'broken', file));
      const expected: Array<{ line: number; code: string; at: string; msg: string }> = [];
      text.split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/# expect (\S+) @(.+?)(?: ~(.+?))?\s*(?=# expect|$)/g)) expected.push({ line: i, code: m[1], at: m[2].trim(), msg: (m[3] ?? '').trim() });
      });
      assert.ok(expected.length > 0, 'the sample announces its diagnostics');
      const unmatched = [...diagnostics];
      for (const e of expected) {
        const i = unmatched.findIndex((d) => d.code === e.code && d.range.start.line === e.line && rangeText(text, d) === e.at && d.message.includes(e.msg));
        assert.ok(i >= 0, `missing on line ${e.line + 1}: ${e.code} @${e.at} ~${e.msg}\ngot:\n${describeDiags(text, diagnostics)}`);
        unmatched.splice(i, 1);
      }
      assert.deepEqual(unmatched.map((d) => `L${d.range.start.line + 1} ${d.code} @${rangeText(text, d)}: ${d.message}`), [], 'unannounced diagnostics');
    });
  }

  it('"Did you mean" is a quick fix: `tpye` becomes `type`, and the fixed text has no diagnostic left', async () => {
    const file = path.join(yamlRoot, 'broken', 'typo-type.yaml');
    const { uri, text, diagnostics } = await s.open(file);
    const typo = diagnostics.find((d) => d.code === 'unknown-key')!;
    const actions = await s.conn.sendRequest('textDocument/codeAction', { textDocument: { uri }, range: typo.range, context: { diagnostics: [typo] } }) as Array<{ title: string; kind: string; isPreferred: boolean; edit: { changes: Record<string, Array<{ range: Diagnostic['range']; newText: string }>> } }>;
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, 'Change to `type`');
    assert.equal(actions[0].kind, 'quickfix');
    const [edit] = actions[0].edit.changes[uri];
    assert.equal(rangeText(text, { range: edit.range } as Diagnostic), 'tpye');
    // Apply it as the editor would: nothing is left to report.
    const lines = text.split('\n');
    const l = lines[edit.range.start.line];
    lines[edit.range.start.line] = l.slice(0, edit.range.start.character) + edit.newText + l.slice(edit.range.end.character);
    assert.deepEqual((await s.change(uri, lines.join('\n'))).map((d) => d.message), []);
  });

  it('an edit that fixes the mistake clears the diagnostic', async () => {
    const file = path.join(yamlRoot, 'broken', 'refs.yaml');
    const { uri, text } = await s.open(file);
    const fixed = text.replace('next: trasform', 'next: transform').replace('on_failure: cleanup', 'on_failure: fail');
    const ds = await s.change(uri, fixed);
    // Now the graph is whole, the orphan step is reported instead.
    assert.deepEqual(ds.map((d) => `${d.code} @${rangeText(fixed, d)}`), ['unreachable @orphan']);
  });
});

describe('language server: editor features', () => {
  let s: LspSession;
  before(async () => { s = await startSession(yamlRoot); });
  after(async () => { await s.close(); });

  async function at(file: string, method: string, needle: string, delta = 0, text?: string, nth = 0): Promise<unknown> {
    const opened = await s.open(file, text);
    return s.conn.sendRequest(method, { textDocument: { uri: opened.uri }, position: positionOf(opened.text, needle, delta, nth) });
  }
  const labels = (r: unknown): string[] => ((r as CompletionItem[]) ?? []).map((c) => c.label).sort();
  const valid = path.join(yamlRoot, 'valid', 'composite.yaml');
  const scratch = path.join(yamlRoot, 'scratch.yaml');

  it('completes keys valid in a task step, without the ones already there', async () => {
    const text = 'dag:\n  start_at: a\n  steps:\n    a:\n      type: task\n      command: tasks.etl.extract\n      \n';
    const r = labels(await at(scratch, 'textDocument/completion', 'command: tasks.etl.extract\n      ', 'command: tasks.etl.extract\n      '.length, text));
    assert.ok(r.includes('next') && r.includes('returns') && r.includes('on_failure') && r.includes('catalog'), r.join(','));
    assert.ok(!r.includes('type') && !r.includes('command'), 'present keys are not offered');
    assert.ok(!r.includes('iterate_on'), 'map keys are not offered in a task');
  });

  it('completes node types after type:, plugin types in a config, step names after next:', async () => {
    assert.deepEqual(labels(await at(valid, 'textDocument/completion', 'type: stub', 'type: '.length)), ['conditional', 'fail', 'loop', 'map', 'parallel', 'stub', 'success', 'task']);
    const cfg = path.join(yamlRoot, 'valid', 'config.yaml');
    assert.deepEqual(labels(await at(cfg, 'textDocument/completion', 'type: chunked-minio', 'type: '.length)), ['buffered', 'chunked-fs', 'chunked-minio', 'file-system', 'minio']);
    const steps = labels(await at(valid, 'textDocument/completion', 'next: stream', 'next: '.length));
    assert.deepEqual(steps, ['again', 'choose', 'cleanup', 'fail', 'fan out', 'per item', 'stream', 'success'], 'step names of the same graph, not the step itself');
  });

  it('completes python module.function after command:', async () => {
    const r = labels(await at(valid, 'textDocument/completion', 'command: tasks.etl.extract', 'command: '.length));
    assert.ok(r.includes('tasks.etl.extract') && r.includes('tasks.etl.transform') && r.includes('tasks.etl.stream_rows'), r.join(','));
    assert.ok(!r.includes('tasks.etl.json'), 'imports are not offered');
  });

  it('hover explains keys', async () => {
    const h = (await at(valid, 'textDocument/hover', 'iterate_on', 2)) as Hover;
    assert.match((h.contents as { value: string }).value, /\*\*iterate_on\*\*: The parameter \(a list\) the map iterates over/);
  });

  it('go to definition: command → the python def, next → the step', async () => {
    const d = (await at(valid, 'textDocument/definition', 'command: tasks.etl.transform', 'command: tasks.etl.tr'.length)) as Location;
    assert.equal(fileURLToPath(d.uri), path.join(yamlRoot, 'tasks', 'etl.py'));
    const py = fs.readFileSync(path.join(yamlRoot, 'tasks', 'etl.py'), 'utf8').split('\n');
    assert.match(py[d.range.start.line], /^def transform\(/);
    const n = (await at(valid, 'textDocument/definition', 'next: choose', 'next: ch'.length)) as Location;
    const text = fs.readFileSync(valid, 'utf8');
    assert.equal(rangeText(text, n), 'choose');
    assert.equal(text.split('\n')[n.range.start.line].trim(), 'choose:');
  });

  it('document symbols show steps and their branches', async () => {
    const opened = await s.open(valid);
    const syms = (await s.conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri: opened.uri } })) as DocumentSymbol[];
    assert.equal(syms.length, 1);
    assert.equal(syms[0].name, 'dag');
    const steps = syms[0].children!.map((c) => c.name);
    assert.deepEqual(steps, ['fan out', 'per item', 'choose', 'again', 'load', 'stream', 'cleanup']);
    const fan = syms[0].children![0];
    assert.deepEqual(fan.children!.map((b) => b.name), ['left', 'right']);
    assert.deepEqual(fan.children![1].children!.map((c) => c.name), ['noop']);
    const choose = syms[0].children![2];
    assert.deepEqual(choose.children!.map((b) => b.name), ['fast', 'default']);
  });

  it('folding ranges cover steps and block scalars', async () => {
    const opened = await s.open(valid);
    const folds = (await s.conn.sendRequest('textDocument/foldingRange', { textDocument: { uri: opened.uri } })) as FoldingRange[];
    const lines = opened.text.split('\n');
    const loadLine = lines.findIndex((l) => l.trim() === 'load:');
    const fold = folds.find((f) => f.startLine === loadLine);
    assert.ok(fold, 'the load step folds');
    assert.equal(lines[fold.endLine].trim(), 'next: stream');
  });
});

describe('language server: step status on hover', () => {
  it('run-log text in the hover is inert: a hostile status and message render as text, no image or link', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lsp-md-'));
    try {
      fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'runnable', 'yaml-etl'), root, { recursive: true });
      // No captured log: the hover falls back to the attempt's message, which the run log's writer chose.
      fs.rmSync(path.join(root, '.catalog', 'etl-usd-0100'), { recursive: true, force: true });
      const file = path.join(root, '.run_log_store', 'etl-usd-0100.json');
      const log = JSON.parse(fs.readFileSync(file, 'utf8'));
      const hostile = 'boom ![x](https://evil.example/p.png) [go](https://evil.example) **loud** <b>html</b>';
      log.steps.transform.attempts[log.steps.transform.attempts.length - 1].message = hostile;
      // A run id is any file name runnable was given: Markdown in it renders as text too.
      const runId = 'etl_![i](https:evil.example)_**id**';
      log.run_id = runId;
      fs.rmSync(file);
      fs.writeFileSync(path.join(root, '.run_log_store', `${runId}.json`), JSON.stringify(log));
      const s = await startSession(root);
      try {
        const opened = await s.open(path.join(root, 'pipeline.yaml'));
        const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position: positionOf(opened.text, 'transform:', 1) })) as Hover;
        const md = (h.contents as { value: string }).value;
        const status = md.slice(md.indexOf('\n---\n'));
        assert.match(status.replace(/\\(.)/g, '$1'), /boom !\[x\]\(https:\/\/evil\.example\/p\.png\) \[go\]\(https:\/\/evil\.example\) \*\*loud\*\* <b>html<\/b>/);
        assert.ok(status.replace(/\\(.)/g, '$1').includes(`failed in ${runId} (attempt 1`), status);
        assert.doesNotMatch(status, /(?<!\\)!(?<!\\)\[|(?<!\\)\]\(|(?<!\\)<b>|(?<!\\)\*\*(?:loud|id)/);
      } finally {
        await s.close();
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('shows how the step ended in the latest runs of the configured store', async () => {
    // yaml-etl: runnable's default file-system store, run etl-usd-0100 failed in `transform` (case.json).
    const root = path.join(repoRoot, 'test', 'fixtures', 'runnable', 'yaml-etl');
    const s = await startSession(root);
    try {
      const opened = await s.open(path.join(root, 'pipeline.yaml'));
      const h = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position: positionOf(opened.text, 'transform:', 1) })) as Hover;
      const md = (h.contents as { value: string }).value;
      assert.match(md, /\*\*transform\*\*: task step/);
      assert.match(md, /failed in etl-usd-0100 \(attempt 1, (?:.+ ago|yesterday|just now|\d{4}-\d\d-\d\d)\)/);
      // The user's error from transform's captured log (runnable's message names only its wrapper).
      assert.match(md, /ValueError: unsupported currency USD/);
      assert.doesNotMatch(md, /did not succeed/);
      const h2 = (await s.conn.sendRequest('textDocument/hover', { textDocument: { uri: opened.uri }, position: positionOf(opened.text, 'extract:', 1) })) as Hover;
      assert.match((h2.contents as { value: string }).value, /succeeded in etl-usd-0100/);
    } finally {
      await s.close();
    }
  });
});
