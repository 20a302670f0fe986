// Fast glue tier: the one disposable base (src/vscode/disposable.ts) every stateful glue class extends.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { Disposable } from '../../src/vscode/disposable';

class Owner extends Disposable {
  readonly order: string[] = [];
  track(name: string, fail = false): { dispose(): void } {
    return this.register({ dispose: () => { this.order.push(name); if (fail) throw new Error(`${name} failed`); } });
  }
  get disposed(): boolean { return this.isDisposed; }
}

describe('glue: Disposable base', () => {
  it('releases what it owns once, newest first, past one that throws', () => {
    const o = new Owner();
    o.track('emitter'); o.track('watcher', true); o.track('listener');
    o.dispose();
    assert.deepEqual(o.order, ['listener', 'watcher', 'emitter']);
    assert.ok(o.disposed);
    o.dispose();
    assert.deepEqual(o.order, ['listener', 'watcher', 'emitter'], 'a second dispose releases nothing again');
  });

  it('releases at once what is registered after disposal (a late await never leaks a subscription)', () => {
    const o = new Owner();
    o.dispose();
    o.track('late');
    assert.deepEqual(o.order, ['late']);
  });

  it('is the only way glue classes keep disposables (no class-local arrays of them)', () => {
    const glue = path.resolve(__dirname, '../../../src/vscode');
    const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.ts') ? [path.join(d, e.name)] : []);
    const files = walk(glue);
    assert.ok(files.length > 30);
    const own = files.filter((f) => /(private|readonly)[^\n;]*\bdisposables\s*:\s*vscode\.Disposable\[\]/.test(fs.readFileSync(f, 'utf8')));
    assert.deepEqual(own.map((f) => path.relative(glue, f)), []);
  });
});
