import * as vscode from 'vscode';

/** Shows generated markdown (reports, benchmark tables) in the preview, without a file on disk. */
export async function showMarkdown(content: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  await vscode.commands.executeCommand('markdown.showPreview', document.uri);
}
