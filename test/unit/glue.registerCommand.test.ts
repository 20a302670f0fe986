// Fast glue tier: the one command registration (src/vscode/commands/registerCommand.ts) under the `vscode` fake.
import '../fakes/install';
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import * as vscode from 'vscode';
import { fake, memoryLogger } from '../fakes/vscode';
import { registerCommand } from '../../src/vscode/commands/registerCommand';

describe('glue: registerCommand', () => {
  beforeEach(() => fake.reset());

  it('hands the caller what the handler returns (a ${command:…} variable, a test)', async () => {
    const log = memoryLogger();
    const d = registerCommand('runnable.test.answer', async (a: unknown, b: unknown) => `${String(a)}+${String(b)}`, log);
    assert.equal(await vscode.commands.executeCommand('runnable.test.answer', 1, 2), '1+2');
    assert.deepEqual(log.lines, []);
    d.dispose();
    assert.equal(await vscode.commands.executeCommand('runnable.test.answer'), undefined, 'gone once disposed');
  });

  it('a handler that throws is logged with the command id and shown as its sentence, and the call resolves', async () => {
    const log = memoryLogger();
    const d = registerCommand('runnable.test.fails', () => { throw new Error('No run "x" in the store: check the run id.'); }, log);
    assert.equal(await vscode.commands.executeCommand('runnable.test.fails'), undefined);
    assert.deepEqual(log.lines, ['error runnable.test.fails failed: No run "x" in the store: check the run id.']);
    assert.deepEqual(fake.messages, [{ level: 'error', text: 'No run "x" in the store: check the run id.' }]);
    d.dispose();
  });
});
