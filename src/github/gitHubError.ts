/** What went wrong talking to GitHub, so the surface can offer the action that helps. */
export type GitHubErrorKind =
  /** 401: the token is wrong, expired or revoked. */
  | 'bad-token'
  /** 403 without a used-up rate limit: the token lacks a scope, or SSO is not authorised. */
  | 'forbidden'
  | 'rate-limited'
  /** 404: no such repository or issue, or the account cannot see it. */
  | 'not-found'
  /** No answer: network down, wrong API URL, timeout. */
  | 'unreachable'
  /** The folder's git remote does not name a GitHub repository (or there is none). */
  | 'no-remote'
  /** The API URL setting is not a URL, or serves another host than the remote's. */
  | 'api-url'
  /** Any other HTTP failure (5xx, 422…). */
  | 'failed';

export class GitHubError extends Error {
  constructor(
    message: string,
    readonly kind: GitHubErrorKind,
  ) {
    super(message);
    this.name = 'GitHubError';
  }

  static is(error: unknown): error is GitHubError {
    return error instanceof GitHubError;
  }
}
