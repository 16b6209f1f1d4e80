import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** Scripts on, and nothing loadable but the bundles in media/. */
export function boardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')] };
}

/**
 * The panel's options: the webview's, and its context kept while the panel is hidden, so the
 * editor's unsaved input, scroll and focus survive switching tabs. A board is one panel: the memory
 * is worth it. VS Code saves these options with the panel and restores them after a reload.
 */
export function boardPanelOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { ...boardWebviewOptions(extensionUri), retainContextWhenHidden: true };
}

/**
 * The board's page: a strict Content Security Policy with a fresh nonce per load, the bundled
 * script and stylesheet from media/, and one root the webview renders into. Colours come from the
 * `--vscode-*` variables VS Code sets on the page, so every theme works.
 */
export function boardHtml(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', file));
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${asset('board.css')}">
  <title>Taskmaster Board</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${nonce}" src="${asset('board.js')}"></script>
</body>
</html>`;
}
