import { escapeMarkdown } from '../core/markdown';
import type { GitHubLink } from '../github/gitHubLink';

/**
 * The Markdown of a task's tooltip that comes from tasks.json and GitHub, kept apart from the
 * tree provider so it can be checked without VS Code. Whatever a file or a server wrote is text:
 * escaped, and a link only when it is an https URL.
 */

/** The issue a task was imported from and the pull requests that name it, as a tooltip section ('' when none). */
export function gitHubTooltipSection(link: GitHubLink): string {
  const lines = (link.pullRequests ?? []).map((pull) => `- $(git-pull-request) ${linkOrText(`#${pull.number}`, pull.url)} ${escapeMarkdown(pull.title)} (${escapeMarkdown(pull.state)})`);
  if (link.number !== undefined && link.url) lines.unshift(`- $(issues) Issue ${linkOrText(`#${link.number}`, link.url)}${link.state ? ` (${escapeMarkdown(link.state)})` : ''}`);
  return lines.length ? `**GitHub**\n\n${lines.join('\n')}\n\n` : '';
}

/** `[label](url)` for an https URL; any other scheme, or no URL at all, is shown as text beside the label. */
function linkOrText(label: string, url: string): string {
  const target = httpsTarget(url);
  return target ? `[${escapeMarkdown(label)}](${target})` : `${escapeMarkdown(label)} ${codeSpan(url)}`;
}

function httpsTarget(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // href already encodes spaces, quotes and angle brackets; parentheses would end the target.
  return parsed.protocol === 'https:' ? parsed.href.replace(/\(/g, '%28').replace(/\)/g, '%29') : undefined;
}

/** Text in a code span (never linked or formatted), fenced with more backticks than it holds. */
function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  return `${fence} ${text.replace(/\s+/g, ' ')} ${fence}`;
}
