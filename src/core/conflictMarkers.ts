/**
 * A file git merged line by line and left with conflict markers, split back into the two sides
 * (and the base, when git wrote diff3 or zdiff3 markers in every conflict). Lines outside the
 * conflicts belong to every side.
 */
export interface ConflictSides {
  ours: string;
  theirs: string;
  /** Present only when every conflict carries its base section (`|||||||`). */
  base?: string;
}

const MARKER = /^(<{7}|\|{7}|={7}|>{7})(?:[ \t].*)?\r?\n?$/;

/** The marker a line is, if it is one: git writes seven characters, then a space and a label or the line end. */
function markerOf(line: string): string | undefined {
  return MARKER.exec(line)?.[1][0];
}

export function hasConflictMarkers(text: string): boolean {
  return splitConflictMarkers(text) !== undefined;
}

/** The sides of a text with conflict markers; undefined when it has none, or they do not nest as git writes them. */
export function splitConflictMarkers(text: string): ConflictSides | undefined {
  const lines = text.split(/(?<=\n)/);
  const sides = { ours: [] as string[], theirs: [] as string[], base: [] as string[] };
  let section: 'outside' | 'ours' | 'base' | 'theirs' = 'outside';
  let conflicts = 0;
  let withBase = 0;
  for (const line of lines) {
    const marker = markerOf(line);
    if (section === 'outside' && marker === '<') {
      section = 'ours';
      conflicts++;
    } else if (section === 'ours' && marker === '|') {
      section = 'base';
      withBase++;
    } else if ((section === 'ours' || section === 'base') && marker === '=') section = 'theirs';
    else if (section === 'theirs' && marker === '>') section = 'outside';
    else if (marker !== undefined && section !== 'outside') return undefined;
    else if (section === 'outside') for (const side of Object.values(sides)) side.push(line);
    else sides[section].push(line);
  }
  if (conflicts === 0 || section !== 'outside') return undefined;
  const join = (side: string[]) => side.join('');
  return { ours: join(sides.ours), theirs: join(sides.theirs), ...(withBase === conflicts ? { base: join(sides.base) } : {}) };
}
