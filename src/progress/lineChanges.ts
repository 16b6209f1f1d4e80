/** Lines added and removed, per file or in total. */
export interface LineChanges {
  insertions: number;
  deletions: number;
}

/** Beyond this many differing lines the middle of a file counts as replaced: the count stays cheap. */
const MAX_EDIT_DISTANCE = 2000;

/**
 * Lines added and removed between two versions of a text, as `git diff --numstat` counts them
 * (a shortest edit script of whole lines, Myers' greedy algorithm). Binary content counts as no
 * change, as numstat's "-" does.
 */
export function countLineChanges(before: Buffer, after: Buffer): LineChanges {
  if (before.includes(0) || after.includes(0)) return { insertions: 0, deletions: 0 };
  const a = lines(before);
  const b = lines(after);
  // Common head and tail first: a typical edit leaves a few lines in between.
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const distance = editDistance(a.slice(start, endA), b.slice(start, endB));
  // Without a distance (too many differences) every middle line counts as removed and added.
  const common = distance === undefined ? 0 : (n + m - distance) / 2;
  return { insertions: m - common, deletions: n - common };
}

function lines(content: Buffer): string[] {
  if (content.length === 0) return [];
  const text = content.toString('utf8');
  const all = text.split('\n');
  // A last line without its newline differs from the same line with one, as git sees it.
  if (text.endsWith('\n')) all.pop();
  else all[all.length - 1] += '\0';
  return all;
}

/** The fewest line insertions plus deletions turning a into b, or undefined above the bound. */
function editDistance(a: string[], b: string[]): number | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  // furthest[k + offset]: the furthest x reached on diagonal k = x - y.
  const furthest = new Int32Array(2 * max + 3);
  for (let d = 0; d <= max; d++) {
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && furthest[k - 1 + offset] < furthest[k + 1 + offset]) ? furthest[k + 1 + offset] : furthest[k - 1 + offset] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      furthest[k + offset] = x;
      if (x >= n && y >= m) return d;
    }
  }
  return undefined;
}
