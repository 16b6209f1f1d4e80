import * as vscode from 'vscode';
import { showInformationMessage } from '../notifications';
import { CommandIds, WALKTHROUGH_ID } from '../commands/commandIds';
import { registerCommand } from '../commands/registerCommand';

/** What the walkthrough's chat step asks first: the participant's own tour of what it does. */
const FIRST_CHAT_QUERY = '@taskmaster /help';

/** Get Started (the walkthrough on VS Code's Welcome page) and the chat step's way into @taskmaster. */
export function registerGettingStarted(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): void {
  registerCommand(context, log, CommandIds.openWalkthrough, () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false));

  registerCommand(context, log, CommandIds.openChat, async () => {
    // The Chat view is VS Code's (and off when AI features are disabled): without it, say where @taskmaster lives.
    const disabled = vscode.workspace.getConfiguration('chat').get<boolean>('disableAIFeatures') === true;
    const opened =
      !disabled &&
      (await vscode.commands.executeCommand('workbench.action.chat.open', { query: FIRST_CHAT_QUERY }).then(
        () => true,
        () => false,
      ));
    if (opened) return;
    const choice = await showInformationMessage(
      `The Chat view is not available in this window, so @taskmaster cannot answer here. Turn on VS Code's chat (the chat.disableAIFeatures setting), then ask "${FIRST_CHAT_QUERY}".`,
      'Open Settings',
    );
    if (choice) await vscode.commands.executeCommand('workbench.action.openSettings', 'chat.disableAIFeatures');
  });
}
