// The HTML of a run-details / compare webview: the page from core with this webview's CSP source, a fresh nonce and
// the bundled script and stylesheet as webview URIs. Only dist/ and media/ are readable by the page.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { detailsPageHtml, nonceFrom } from '../../core/details/page';

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export function pageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return detailsPageHtml({
    cspSource: webview.cspSource,
    nonce: nonceFrom(randomBytes(32)),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview.js')).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'details.css')).toString(),
    title,
  });
}
