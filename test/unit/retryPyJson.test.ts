// Python's json.dumps(sort_keys=True, ensure_ascii=True) in TypeScript: every fixture's recorded dag_hash,
// and a Python cross-check on values that trip naive ports (1.0 vs 1, exponents, non-ASCII, big ints).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { dagFromRunLogText, dagHash, parsePyJson, pyDumps } from '../../src/core/retry/pyJson';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/runnable');

function runLogFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/RunLog(\.json)?$/.test(e.name) || (dir.endsWith('.run_log_store') && e.name.endsWith('.json')) || /objects\/run-logs\/[^/]+\/[^/]+\.json$/.test(p)) out.push(p);
    }
  };
  walk(FIXTURES);
  return out;
}

void test('every fixture run log: sha1(pyDumps(run_config.dag)) equals the recorded dag_hash', () => {
  const files = runLogFiles();
  let checked = 0;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    let raw = JSON.parse(text);
    if (typeof raw === 'string') raw = JSON.parse(raw);
    if (!raw.dag_hash) continue; // jobs record ""
    const dag = dagFromRunLogText(text);
    assert.equal(dagHash(dag), raw.dag_hash, f);
    checked++;
  }
  assert.ok(checked >= 10, `checked ${checked} run logs`);
});

void test('matches Python byte for byte on tricky values', () => {
  const text = '{"b": [1.0, 1, 0.1, 1e-05, 1.5e300, 123456789012345678901234567890, -0, -0.0, 100000000000000000.0, 1e16, 12345.678], "a": "caf\\u00e9 \\ud83d\\ude00 \\u007f tab\\t \\"q\\" \\\\", "\\u00e9": null, "Z": {"y": true, "x": false}, "e": []}';
  const py = spawnSync('python3', ['-c', 'import json,sys; print(json.dumps(json.loads(sys.stdin.read()), sort_keys=True, ensure_ascii=True), end="")'], { input: text, encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  assert.equal(pyDumps(parsePyJson(text)), py.stdout);
});

void test('floats that JSON.parse would turn into ints keep their .0', () => {
  assert.equal(pyDumps(parsePyJson('{"x": 2.0}')), '{"x": 2.0}');
  assert.notEqual(dagHash(parsePyJson('{"x": 2.0}')), dagHash(parsePyJson('{"x": 2}')));
});
