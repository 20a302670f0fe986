// The manifest agrees with the code: declared commands exist in ids.ts, menus name declared commands,
// activation events are sane, referenced files exist, and the VS Code API level is pinned to what the tier runs.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Commands } from '../../src/core/commandIds';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface MenuItem { command?: string; submenu?: string; when?: string }
interface Manifest {
  name: string;
  publisher: string;
  main: string;
  engines: Record<string, string>;
  activationEvents?: string[];
  devDependencies: Record<string, string>;
  contributes: {
    commands?: { command: string; title: string; category?: string; icon?: unknown }[];
    menus?: Record<string, MenuItem[]>;
    submenus?: { id: string }[];
    views?: Record<string, { id: string; icon?: string }[]>;
    viewsContainers?: Record<string, { id: string; icon: string }[]>;
    debuggers?: { type: string }[];
    languages?: { id: string; configuration?: string }[];
    grammars?: { path: string; language?: string }[];
    configuration?: { properties?: Record<string, { description?: string; markdownDescription?: string }> }
      | { properties?: Record<string, { description?: string; markdownDescription?: string }> }[];
  };
}

function readManifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
}

const ids = new Set<string>(Object.values(Commands));

test('every command id in ids.ts is unique and namespaced runnable.*', () => {
  assert.equal(ids.size, Object.values(Commands).length, 'two keys in ids.ts share an id');
  for (const id of ids) assert.match(id, /^runnable\.[A-Za-z]+$/);
});

test('every declared command is an id from src/core/commandIds.ts, declared once, with a title', () => {
  const declared = readManifest().contributes.commands ?? [];
  const seen = new Set<string>();
  for (const c of declared) {
    assert.ok(ids.has(c.command), `package.json declares ${c.command}, which is not in src/core/commandIds.ts`);
    assert.ok(!seen.has(c.command), `package.json declares ${c.command} twice`);
    seen.add(c.command);
    assert.ok(c.title && c.title.trim().length > 0, `${c.command} has no title`);
  }
});

test('menus reference declared commands and submenus only', () => {
  const m = readManifest();
  const declared = new Set((m.contributes.commands ?? []).map((c) => c.command));
  const submenus = new Set((m.contributes.submenus ?? []).map((s) => s.id));
  for (const [menu, items] of Object.entries(m.contributes.menus ?? {})) {
    assert.ok(Array.isArray(items), `menus.${menu} must be an array`);
    for (const item of items) {
      if (item.submenu) {
        assert.ok(submenus.has(item.submenu), `menus.${menu} names submenu ${item.submenu}, which is not declared`);
      } else {
        assert.ok(item.command, `menus.${menu} has an entry with neither command nor submenu`);
        assert.ok(declared.has(item.command), `menus.${menu} names ${item.command}, which is not in contributes.commands`);
      }
    }
  }
});

test('activationEvents are few, unique and each refers to something real', () => {
  const m = readManifest();
  const events = m.activationEvents ?? [];
  assert.equal(new Set(events).size, events.length, 'duplicate activation event');
  assert.ok(!events.includes('*'), '"*" activates on every window; use workspaceContains/onView/onDebug events');
  const debuggers = new Set((m.contributes.debuggers ?? []).map((d) => d.type));
  const languages = new Set((m.contributes.languages ?? []).map((l) => l.id));
  const views = new Set(Object.values(m.contributes.views ?? {}).flat().map((v) => v.id));
  for (const e of events) {
    const [kind, arg] = [e.split(':')[0], e.slice(e.indexOf(':') + 1)];
    switch (kind) {
      case 'workspaceContains':
        assert.ok(arg.length > 0, `${e} has no pattern`);
        break;
      case 'onDebugResolve':
      case 'onDebugDynamicConfigurations':
      case 'onDebugInitialConfigurations':
      case 'onDebugAdapterProtocolTracker':
        if (arg !== e) assert.ok(debuggers.has(arg), `${e}: no debugger of type "${arg}" in contributes.debuggers`);
        break;
      case 'onLanguage':
        assert.ok(languages.has(arg) || ['yaml', 'python', 'json'].includes(arg), `${e}: language "${arg}" is neither contributed nor built in`);
        break;
      case 'onView':
        assert.ok(views.has(arg), `${e}: no view "${arg}" in contributes.views`);
        break;
      case 'onCommand':
        // VS Code >= 1.74 derives these from contributes.commands; an explicit one is only noise.
        assert.fail(`${e}: redundant, contributed commands activate the extension by themselves`);
        break;
      case 'onStartupFinished':
      case 'onUri':
      case 'onFileSystem':
      case 'onWebviewPanel':
      case 'onDebug':
        break;
      default:
        assert.fail(`unexpected activation event ${e}`);
    }
  }
});

test('the API level is pinned to the VS Code the tests run (engines ^1.100.0, @types/vscode 1.100.0)', () => {
  const m = readManifest();
  assert.equal(m.engines.vscode, '^1.100.0');
  assert.equal(m.devDependencies['@types/vscode'], '1.100.0');
  const installed = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@types', 'vscode', 'package.json'), 'utf8')) as { version: string };
  assert.equal(installed.version, '1.100.0', 'node_modules has another @types/vscode: run npm ci');
  const cs = JSON.parse(fs.readFileSync(path.join(ROOT, 'tools', 'code-server', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  assert.match(cs.dependencies['code-server'], /^4\.100\./, 'the test tier must run VS Code 1.100 (code-server 4.100.x)');
});

test('main is the esbuild bundle and every file the manifest names exists in the repo', () => {
  const m = readManifest();
  assert.equal(m.main, './dist/extension.js');
  const files: string[] = [];
  for (const c of Object.values(m.contributes.viewsContainers ?? {}).flat()) files.push(c.icon);
  for (const v of Object.values(m.contributes.views ?? {}).flat()) if (v.icon) files.push(v.icon);
  for (const l of m.contributes.languages ?? []) if (l.configuration) files.push(l.configuration);
  for (const g of m.contributes.grammars ?? []) files.push(g.path);
  for (const f of files) {
    assert.ok(!f.startsWith('dist/') && !f.startsWith('./dist/'), `${f}: contributed assets must not live in the build output`);
    assert.ok(fs.existsSync(path.join(ROOT, f)), `package.json names ${f}, which does not exist`);
  }
});

test('every setting is runnable.* and described', () => {
  const conf = readManifest().contributes.configuration;
  const sections = Array.isArray(conf) ? conf : conf ? [conf] : [];
  for (const s of sections) {
    for (const [key, prop] of Object.entries(s.properties ?? {})) {
      assert.match(key, /^runnable\./, `setting ${key} is outside the runnable.* namespace`);
      assert.ok(prop.description || prop.markdownDescription, `setting ${key} has no description`);
    }
  }
});

test('README opens with the two commands (run on examples/, run all tests) and documents every setting', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((b) => b[1].trim());
  assert.deepEqual(blocks.slice(0, 2), ['npm ci && npm start', 'npm ci && npm test']);
  const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.start, /start-examples\.sh/);
  assert.match(scripts.test, /test:unit.*test:vscode/);
  const conf = readManifest().contributes.configuration;
  const sections = Array.isArray(conf) ? conf : conf ? [conf] : [];
  const settings = sections.flatMap((s) => Object.keys(s.properties ?? {}));
  const undocumented = settings.filter((k) => !readme.includes(`\`${k}\``));
  assert.deepEqual(undocumented, [], `README's Settings section misses ${undocumented.join(', ')}`);
});
