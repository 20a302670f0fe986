// The `runnable.pipelineEditor` context key: true while the active editor shows a runnable pipeline YAML (`dag:`),
// so the gutter takes breakpoints there (package.json `breakpoints` `when`) for the replay, and in no other YAML.
import * as vscode from 'vscode';
import { detectRunnableYaml } from '../../core/yaml/detect';
import { Disposable } from '../disposable';

export const PIPELINE_EDITOR_CONTEXT = 'runnable.pipelineEditor';

/** Each document is read once per version: typing elsewhere never re-detects it. */
export class PipelineEditorContext extends Disposable {
  private readonly seen = new WeakMap<vscode.TextDocument, { version: number; pipeline: boolean }>();
  private current: boolean | undefined;

  constructor() {
    super();
    this.register(
      vscode.window.onDidChangeActiveTextEditor((e) => this.update(e)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        // A new file becomes a pipeline as `dag:` is typed; only the active editor's document matters.
        if (e.document === vscode.window.activeTextEditor?.document) this.update(vscode.window.activeTextEditor);
      }),
    );
    this.update(vscode.window.activeTextEditor);
  }

  isPipeline(doc: vscode.TextDocument): boolean {
    if (doc.languageId !== 'yaml') return false;
    const cached = this.seen.get(doc);
    if (cached?.version === doc.version) return cached.pipeline;
    const pipeline = detectRunnableYaml(doc.getText()) === 'pipeline';
    this.seen.set(doc, { version: doc.version, pipeline });
    return pipeline;
  }

  private update(editor: vscode.TextEditor | undefined): void {
    const pipeline = !!editor && this.isPipeline(editor.document);
    if (pipeline === this.current) return;
    this.current = pipeline;
    void vscode.commands.executeCommand('setContext', PIPELINE_EDITOR_CONTEXT, pipeline);
  }
}
