// Read-only virtual documents: a whole run log as pretty JSON (`runnable-run:`) and a step's captured
// output from the catalog (`runnable-output:`). Content comes from the store port; nothing is written.
import * as vscode from 'vscode';
import type { RunsModel } from './runsModel';
import { errorMessage } from '../../core/text/errorMessage';

export const RUN_LOG_SCHEME = 'runnable-run';
export const STEP_OUTPUT_SCHEME = 'runnable-output';

/** `runnable-run:/<run id>.json?store=<store id>`: the .json name makes VS Code pick the JSON language. */
export function runLogUri(storeId: string, runId: string): vscode.Uri {
  return vscode.Uri.from({ scheme: RUN_LOG_SCHEME, path: `/${runId}.json`, query: new URLSearchParams({ store: storeId, run: runId }).toString() });
}

/** `runnable-output:/<run id>/<file>?store=<store id>` */
export function stepOutputUri(storeId: string, runId: string, file: string): vscode.Uri {
  return vscode.Uri.from({ scheme: STEP_OUTPUT_SCHEME, path: `/${runId}/${file}`, query: new URLSearchParams({ store: storeId, run: runId, file }).toString() });
}

function params(uri: vscode.Uri): { storeId: string; runId: string; file: string } {
  const q = new URLSearchParams(uri.query);
  return { storeId: q.get('store') ?? '', runId: q.get('run') ?? '', file: q.get('file') ?? '' };
}

export class RunDocumentsProvider implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  constructor(private readonly model: RunsModel) {}

  static register(model: RunsModel): vscode.Disposable {
    const provider = new RunDocumentsProvider(model);
    return vscode.Disposable.from(
      provider.changed,
      vscode.workspace.registerTextDocumentContentProvider(RUN_LOG_SCHEME, provider),
      vscode.workspace.registerTextDocumentContentProvider(STEP_OUTPUT_SCHEME, provider),
      // Open documents follow the store (a run still being written, a retry appending attempts).
      model.onDidChangeStore(() => {
        for (const doc of vscode.workspace.textDocuments) {
          if (doc.uri.scheme === RUN_LOG_SCHEME || doc.uri.scheme === STEP_OUTPUT_SCHEME) provider.changed.fire(doc.uri);
        }
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri, token: vscode.CancellationToken): Promise<string> {
    const { storeId, runId, file } = params(uri);
    await this.model.state();
    const store = this.model.store(storeId);
    if (!store) return `// The store of run ${runId} is no longer configured in this workspace; refresh the Runs view.\n`;
    const abort = new AbortController();
    const sub = token.onCancellationRequested(() => abort.abort());
    try {
      if (uri.scheme === RUN_LOG_SCHEME) {
        return JSON.stringify(await store.getRawRunLog(runId, abort.signal), null, 2) + '\n';
      }
      const data = await store.readCatalogFile(runId, file, abort.signal);
      return data ? data.toString('utf8') : `${file} is not in the catalog of run ${runId} (any more).\n`;
    } catch (e) {
      return `// Could not read run ${runId}: ${errorMessage(e)}\n`;
    } finally {
      sub.dispose();
    }
  }
}
