// The manifest's YAML promises: no activation on every YAML file, gutter breakpoints in YAML only where the extension
// says the editor shows a runnable pipeline, and yamlValidation schemas that exist, are current and ship in the VSIX.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SCHEMA_FILES } from '../../src/core/yaml/jsonSchema';


const ROOT = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  contributes: { breakpoints: { language: string; when?: string }[]; yamlValidation: { fileMatch: string | string[]; url: string }[] };
};

test('no activation event fires for every YAML or Python user (onLanguage:yaml/python, a workspaceContains of any .yaml)', () => {
  for (const e of manifest.activationEvents) {
    assert.notEqual(e, 'onLanguage:yaml');
    assert.notEqual(e, 'onLanguage:python', 'every Python user would load the extension');
    if (e.startsWith('workspaceContains:')) assert.doesNotMatch(e, /\*\.\{?ya?ml/, `${e} matches any YAML file`);
  }
  assert.ok(manifest.activationEvents.includes('onDebugResolve:runnable'), 'the debug type still activates');
});

test('YAML takes gutter breakpoints only in runnable pipelines (the context key the extension sets)', () => {
  const yaml = manifest.contributes.breakpoints.filter((b) => b.language === 'yaml');
  // The key src/vscode/language/pipelineEditorContext.ts sets (that module needs vscode, so its source is read here).
  const key = /PIPELINE_EDITOR_CONTEXT = '([^']+)'/.exec(fs.readFileSync(path.join(ROOT, 'src', 'vscode', 'language', 'pipelineEditorContext.ts'), 'utf8'))?.[1];
  assert.deepEqual(yaml, [{ language: 'yaml', when: key }]);
  assert.ok(manifest.contributes.breakpoints.some((b) => b.language === 'python' && !b.when));
});

test('yamlValidation points at the generated config schema for runnable-config.yaml, and the VSIX carries schemas/', () => {
  const [v] = manifest.contributes.yamlValidation;
  assert.deepEqual(v.fileMatch, ['runnable-config.yaml', 'runnable-config.yml']);
  assert.equal(v.url, `./schemas/${SCHEMA_FILES.config}`);
  assert.ok(fs.existsSync(path.join(ROOT, v.url)));
  assert.match(fs.readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8'), /^!schemas\/\*\*$/m);
});
