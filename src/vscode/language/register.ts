// The language feature: starts the runnable YAML language server when the first runnable YAML file is opened
// (pipelines and configs detected from their top-level keys, or matched by `runnable.yamlGlobs`).
import * as vscode from 'vscode';
import { detectRunnableYaml, matchesAnyGlob } from '../../core/yaml/detect';
import { Commands } from '../../core/commandIds';
import type { Services } from '../services';
import { RunnableLanguageClient } from './languageClient';
import { readLanguageSettings } from './languageSettings';
import { PipelineEditorContext } from './pipelineEditorContext';
import { contributeSchemas } from './yamlSchemaContributor';
import { registerCommand } from '../commands/registerCommand';

export function isRunnableYamlDocument(doc: vscode.TextDocument, yamlGlobs: readonly string[]): boolean {
  if (doc.languageId !== 'yaml' || (doc.uri.scheme !== 'file' && doc.uri.scheme !== 'untitled')) return false;
  if (doc.uri.scheme === 'file' && yamlGlobs.length && matchesAnyGlob(doc.uri.fsPath, yamlGlobs)) return true;
  return detectRunnableYaml(doc.getText()) !== undefined;
}

export function registerLanguage(services: Services): RunnableLanguageClient {
  const { context, log } = services;
  const client = new RunnableLanguageClient(context, log, () => {
    const s = readLanguageSettings();
    for (const p of s.problems) log.warn(p);
    return s;
  });
  context.subscriptions.push(client, new PipelineEditorContext());
  services.language = client;

  let globs = readLanguageSettings().yamlGlobs;
  let schemas: Promise<boolean> | undefined;
  const consider = (doc: vscode.TextDocument): void => {
    if (!client.running && isRunnableYamlDocument(doc, globs)) {
      void client.start();
      // With the first runnable YAML: Red Hat YAML (if installed) validates it against runnable's JSON schema too.
      schemas ??= contributeSchemas(log);
    }
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(consider),
    // An untitled YAML becomes a pipeline as the user types `dag:`.
    vscode.workspace.onDidChangeTextDocument((e) => consider(e.document)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('runnable.yamlGlobs')) {
        globs = readLanguageSettings().yamlGlobs;
        vscode.workspace.textDocuments.forEach(consider);
      }
    }),
    registerCommand(Commands.restartLanguageServer, async () => {
      await client.restart();
      void vscode.window.showInformationMessage('Runnable language server restarted.');
    }, log),
  );
  vscode.workspace.textDocuments.forEach(consider);
  return client;
}
