// The run-details entries of the manifest: "Open Run Details" sits on the debug toolbar of our sessions only
// (debugType `runnable`: Retry locally and Replay; a debugpy child carries the same type), with an icon to show there.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands } from '../../src/core/commandIds';

const ROOT = path.resolve(__dirname, '../../..');

interface MenuItem { command: string; when?: string; group?: string }
interface Manifest { contributes: { commands: Array<{ command: string; icon?: string }>; menus: Record<string, MenuItem[]>; debuggers: Array<{ type: string }> } }

describe('run details: manifest', () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;

  it('Open Run Details is on the debug toolbar (VS Code\'s key `debug/toolBar`) only while a `runnable` session is active', () => {
    const entries = (manifest.contributes.menus['debug/toolBar'] ?? []).filter((m) => m.command === Commands.openRunDetails);
    assert.equal(entries.length, 1);
    const [entry] = entries;
    assert.match(entry.group ?? '', /^navigation(@\d+)?$/, 'the toolbar shows only the navigation group');
    assert.equal(entry.when, 'debugType == runnable');
    assert.ok(manifest.contributes.debuggers.some((d) => d.type === 'runnable'), 'runnable is our debug type');
    assert.match(manifest.contributes.commands.find((c) => c.command === Commands.openRunDetails)?.icon ?? '', /^\$\([a-z-]+\)$/, 'a toolbar entry needs an icon');
    assert.equal(manifest.contributes.menus['debug/toolbar'], undefined, 'the lower-case key is not a VS Code menu');
  });
});
