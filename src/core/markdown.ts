/** Text safe inside a markdown table cell. */
export function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Plan text as literal markdown: nothing in it can become a link, emphasis, heading, html or a `$(icon)`. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>$&~]/g, '\\$&');
}
