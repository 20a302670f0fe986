// The `runnable` launch configuration's typed mirror (core/retry/launchArgs.ts) and package.json's declared
// attributes say the same thing: every attribute the resolver reads is declared (so launch.json offers it and
// does not underline it), `storeId` included.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DEBUG_TYPE, launchArgsSchema } from '../../src/core/retry/launchArgs';

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8'));

describe('launch attributes: package.json declares what the resolver reads', () => {
  const debuggerOf = pkg.contributes.debuggers.find((d: { type: string }) => d.type === DEBUG_TYPE);
  const declared = Object.keys(debuggerOf.configurationAttributes.launch.properties).sort();
  // type / request / name are VS Code's own, declared for every debugger; noDebug is set by VS Code itself ("Run
  // Without Debugging"), never written by the user.
  const read = Object.keys(launchArgsSchema.shape).filter((k) => !['type', 'request', 'name', 'noDebug'].includes(k)).sort();

  it('every attribute of the schema is declared, storeId included', () => {
    assert.ok(read.includes('storeId'));
    assert.deepEqual(read.filter((k) => !declared.includes(k)), []);
  });

  it('the declared storeId is a string with a description', () => {
    const storeId = debuggerOf.configurationAttributes.launch.properties.storeId;
    assert.equal(storeId.type, 'string');
    assert.match(storeId.description, /Runs view/);
  });
});
