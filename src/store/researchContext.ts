import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { OperationError } from '../core/operations';
import { researchDocument, researchFileName, researchNote, RESEARCH_DOCS_DIR, type ResearchRecord } from '../core/researchRecord';
import type { ResearchFileText } from '../core/researchPrompt';
import { GitHistory } from '../progress/gitHistory';
import { writeFileAtomic } from './atomicWrite';
import { resolveInside } from './projectPaths';

/** A file is read up to this size (Task Master skips files over 50 KB; here their start is kept). */
const MAX_FILE_CHARS = 50 * 1024;
/** Task Master's tree goes five levels deep. */
const TREE_DEPTH = 5;
/** Entries the tree lists at most: a monorepo's tree would otherwise fill any window by itself. */
const MAX_TREE_ENTRIES = 400;
/** Never listed, whatever .gitignore says (and when there is no git). */
const ALWAYS_SKIPPED = new Set(['.git', 'node_modules']);

/**
 * The files a research question names, read as text: each path relative to the project root (or
 * absolute) and inside it once symlinks are followed, else refused; a long file keeps its start.
 */
export async function readResearchFiles(root: string, paths: readonly string[]): Promise<ResearchFileText[]> {
  const files: ResearchFileText[] = [];
  for (const given of paths) {
    const file = await resolveInside(root, given, 'file');
    const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new OperationError(error.code === 'ENOENT' ? `File not found: ${given}` : `Cannot read ${given}: ${error.message}`, error.code === 'ENOENT' ? 'not-found' : 'invalid');
    });
    if (bytes.includes(0)) throw new OperationError(`${given} looks like a binary file: give text files as context.`, 'invalid');
    const text = new TextDecoder('utf-8').decode(bytes);
    const shown = text.length > MAX_FILE_CHARS ? `${text.slice(0, MAX_FILE_CHARS)}\n… (the rest of the file, ${text.length - MAX_FILE_CHARS} characters, was not read)` : text;
    files.push({ path: path.relative(await fs.realpath(root), file) || path.basename(file), text: shown });
  }
  return files;
}

/**
 * The project's files as an indented tree (├── / └──), five levels deep and bounded in size,
 * without .git, node_modules and what git ignores (when the project is in a git repository).
 */
export async function projectTree(root: string): Promise<string> {
  const git = await GitHistory.open(root);
  const ignored = async (entries: string[]): Promise<Set<string>> => {
    if (!GitHistory.isAvailable(git)) return new Set();
    const byRepoPath = new Map(entries.map((entry) => [`${git.prefix}${entry}`, entry]));
    const matched = await git.ignored([...byRepoPath.keys()]);
    return new Set([...matched].map((repoPath) => byRepoPath.get(repoPath)!));
  };
  interface Entry {
    name: string;
    children?: Entry[];
  }
  const top: Entry = { name: path.basename(root), children: [] };
  let level: Array<{ entry: Entry; relative: string }> = [{ entry: top, relative: '' }];
  let listed = 0;
  let left = 0;
  // Breadth first, one git call per level: ignored folders are dropped before they are walked.
  for (let depth = 0; depth < TREE_DEPTH && level.length; depth++) {
    const found: Array<{ parent: Entry; entry: Entry; relative: string }> = [];
    for (const { entry, relative } of level) {
      const dirents = await fs.readdir(path.join(root, relative), { withFileTypes: true }).catch(() => []);
      for (const dirent of dirents.sort((a, b) => a.name.localeCompare(b.name))) {
        if (ALWAYS_SKIPPED.has(dirent.name)) continue;
        const child: Entry = dirent.isDirectory() ? { name: dirent.name, children: [] } : { name: dirent.name };
        found.push({ parent: entry, entry: child, relative: relative ? `${relative}/${dirent.name}` : dirent.name });
      }
    }
    const skip = await ignored(found.map((item) => item.relative));
    const next: typeof level = [];
    for (const item of found) {
      if (skip.has(item.relative)) continue;
      if (listed >= MAX_TREE_ENTRIES) {
        left++;
        continue;
      }
      listed++;
      item.parent.children!.push(item.entry);
      if (item.entry.children) next.push({ entry: item.entry, relative: item.relative });
    }
    level = next;
  }
  const lines = [`${top.name}/`];
  const draw = (entry: Entry, indent: string) =>
    entry.children?.forEach((child, index) => {
      const last = index === entry.children!.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${child.name}${child.children ? '/' : ''}`);
      draw(child, `${indent}${last ? '    ' : '│   '}`);
    });
  draw(top, '');
  if (left) lines.push(`… and ${left} more entries not listed`);
  return lines.join('\n');
}

/**
 * Writes a research answer to .taskmaster/docs/research under Task Master's name for it; a name
 * already taken that day gets -2, -3… so an earlier answer is never overwritten. Returns the file.
 */
export async function writeResearchFile(root: string, record: ResearchRecord, now = new Date()): Promise<string> {
  const folder = path.join(root, RESEARCH_DOCS_DIR);
  await fs.mkdir(folder, { recursive: true });
  const name = researchFileName(record.query, now);
  const content = researchDocument(record, now);
  for (let attempt = 1; ; attempt++) {
    const file = path.join(folder, attempt === 1 ? name : name.replace(/\.md$/, `-${attempt}.md`));
    const taken = await fs.stat(file).then(
      () => true,
      () => false,
    );
    if (taken) continue;
    await writeFileAtomic(file, content);
    return file;
  }
}

/**
 * Task Master's `research --save <file>`: the answer written to a file the user named (inside the
 * project, resolved beforehand with resolveInside), replacing what was there, as Task Master does.
 */
export async function writeResearchAs(file: string, record: ResearchRecord, now = new Date()): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, researchNote(record, now, '#') + '\n');
  return file;
}
