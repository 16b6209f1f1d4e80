/**
 * Where the tree puts a project's tags: the current tag first (it is the one being worked in), the
 * others in file order. Kept apart from the model so it can be checked without VS Code.
 */
export function tagsCurrentFirst(tags: Iterable<string>, current: string | undefined): string[] {
  const names = [...tags];
  return current !== undefined && names.includes(current) ? [current, ...names.filter((name) => name !== current)] : names;
}

/**
 * A tag row's id. It changes when the tag becomes (or stops being) the current one: VS Code keeps
 * a row's expansion by id, so a new id is what makes it take the state the provider gives, expanded
 * for the current tag and collapsed for the others, after a switch.
 */
export function tagRowKey(folderUri: string, tag: string, current: boolean): string {
  return `${folderUri}|tag|${tag}${current ? '|current' : ''}`;
}
