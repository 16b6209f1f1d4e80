import * as vscode from 'vscode';
import { isGitHubDotCom } from '../github/gitHubClient';
import type { RemoteRepository } from '../github/remoteRepository';
import { showWarningMessage } from '../notifications';

/** Reading a private repository's issues needs the classic `repo` scope. */
const SCOPES = ['repo'];

/**
 * A token from VS Code's own GitHub sign-in: the `github` provider for github.com, the
 * `github-enterprise` provider (which signs in to the server in `github-enterprise.uri`) for an
 * Enterprise server. Undefined, after saying why and what to do, when there is none.
 */
export async function gitHubToken(apiUrl: URL, repository: RemoteRepository): Promise<string | undefined> {
  const enterprise = !isGitHubDotCom(apiUrl);
  if (enterprise && !(await enterpriseServerIs(repository.host))) return undefined;
  try {
    const session = await vscode.authentication.getSession(enterprise ? 'github-enterprise' : 'github', SCOPES, { createIfNone: true });
    return session.accessToken;
  } catch (error) {
    // Cancelling the sign-in lands here too.
    void showWarningMessage(
      `Not signed in to ${enterprise ? repository.host : 'GitHub'} (${(error as Error).message}). Run the command again and allow the sign-in: reading issues needs the "repo" scope.`,
    );
    return undefined;
  }
}

/** Whether VS Code's Enterprise sign-in points at this host, after offering to point it there. */
async function enterpriseServerIs(host: string): Promise<boolean> {
  const config = vscode.workspace.getConfiguration('github-enterprise');
  const configured = config.get<string>('uri');
  if (configured && hostOf(configured) === host) return true;
  const uri = `https://${host}`;
  const use = `Use ${uri}`;
  const choice = await showWarningMessage(
    `Signing in to ${host} goes through VS Code's GitHub Enterprise sign-in, whose server (setting github-enterprise.uri) is ${configured ? configured : 'not set'}.`,
    use,
  );
  if (choice !== use) return false;
  await config.update('uri', uri, vscode.ConfigurationTarget.Global);
  return true;
}

function hostOf(uri: string): string | undefined {
  try {
    return new URL(uri).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}
