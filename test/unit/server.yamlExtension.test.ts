// Beside Red Hat YAML (the client says so in initializationOptions.yamlExtension) the server keeps runnable's own
// diagnostics and leaves what Red Hat YAML already gives to it: YAML syntax errors, duplicate keys, outline, folding.
import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { startSession } from './server.harness';

// A syntax error (unclosed flow mapping), a duplicate key and a runnable mistake (`next` naming no step).
const PIPELINE = `dag:
  start_at: extract
  steps:
    extract:
      type: task
      command: etl.extract
      next: trasform
      next: transform
    transform:
      type: stub
      labels: {a: 1
      next: success
`;

async function analyse(yamlExtension: boolean | undefined) {
  const root = os.tmpdir();
  const s = await startSession(root, yamlExtension === undefined ? {} : { yamlExtension });
  try {
    const opened = await s.open(path.join(root, `yaml-extension-${process.pid}.yaml`), PIPELINE);
    return { capabilities: s.capabilities, codes: opened.diagnostics.map((d) => String(d.code)).sort(), logs: s.logs };
  } finally {
    await s.close();
  }
}

describe('language server beside Red Hat YAML', () => {
  it('alone, it reports YAML syntax errors and offers outline and folding', async () => {
    const r = await analyse(undefined);
    assert.ok(r.codes.includes('yaml-syntax'), `codes: ${r.codes.join(', ')}`);
    assert.equal(r.capabilities.documentSymbolProvider, true);
    assert.equal(r.capabilities.foldingRangeProvider, true);
  });

  it('with Red Hat YAML, only runnable diagnostics remain and no outline or folding is offered', async () => {
    const alone = await analyse(false);
    const beside = await analyse(true);
    assert.deepEqual(beside.codes, alone.codes.filter((c) => c !== 'yaml-syntax'));
    assert.ok(beside.codes.length > 0, 'runnable-specific diagnostics are kept');
    assert.ok(!beside.codes.includes('yaml-syntax'));
    assert.equal(beside.capabilities.documentSymbolProvider, false);
    assert.equal(beside.capabilities.foldingRangeProvider, false);
    assert.equal(beside.capabilities.hoverProvider, true);
    assert.equal(beside.capabilities.completionProvider !== undefined, true);
    assert.ok(beside.logs.some((l) => /Red Hat YAML is installed/.test(l)));
  });
});
