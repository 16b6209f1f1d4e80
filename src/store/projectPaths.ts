import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OperationError } from '../core/operations';

/**
 * Resolves a path given by a tool call, a command or a research question (relative to `base`, by
 * default the root) and refuses one that lands outside the root folder once symlinks are followed:
 * `..`, absolute paths elsewhere and links pointing out are all refused (an invalid operation). Returns the real path, the one to read or write. A `file://` URI
 * (Task Master's clients send them) counts as its path.
 */
export async function resolveInside(root: string, candidate: string, argument: string, base = root): Promise<string> {
  const given = candidate.startsWith('file://') ? fileURLToPath(candidate) : candidate;
  const outside = () => new OperationError(`\`${argument}\` "${candidate}" is outside ${root}; only paths inside that folder are allowed.`, 'invalid');
  const realRoot = await fs.realpath(root);
  // Checked on the text first: a path elsewhere (a network share above all) is never touched.
  const lexical = path.resolve(base, given);
  if (!isWithin(path.resolve(root), lexical) && !isWithin(realRoot, lexical)) throw outside();
  const resolved = await realPathOfMaybeMissing(lexical);
  if (!isWithin(realRoot, resolved)) throw outside();
  return resolved;
}

function isWithin(root: string, file: string): boolean {
  const relative = path.relative(root, file);
  return !(relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative));
}

/**
 * The real path of a file that may not exist yet: its deepest existing folder's, plus the rest.
 * A dangling symlink is followed to where it points, since writing through it would land there.
 */
async function realPathOfMaybeMissing(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch (error) {
    const parent = path.dirname(file);
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || parent === file) throw error;
    const link = await fs.readlink(file).catch(() => undefined);
    if (link !== undefined) return realPathOfMaybeMissing(path.resolve(parent, link));
    return path.join(await realPathOfMaybeMissing(parent), path.basename(file));
  }
}
