import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isValidTagName, OperationError } from '../core/operations';
import { DEFAULT_TAG } from '../core/plan';
import { writeFileAtomic } from './atomicWrite';
import type { PlanLocation } from './planLocation';

/** The model Task Master's config points at when a project is initialised here: local first. */
export const DEFAULT_OLLAMA_MODEL = 'qwen2.5-coder:7b';

/**
 * Lays out `.taskmaster/` as `task-master init` does: tasks/tasks.json, config.json, state.json,
 * docs/, reports/, templates/. Existing files are never replaced. Returns the paths it created.
 */
export async function initializeProject(location: PlanLocation, now = new Date()): Promise<string[]> {
  const dir = location.taskmasterDir;
  const stamp = now.toISOString();
  const created: string[] = [];
  for (const sub of ['tasks', 'docs', 'reports', 'templates']) await fs.mkdir(path.join(dir, sub), { recursive: true });
  const files: Array<[string, unknown]> = [
    [location.tasksFile, emptyPlan(DEFAULT_TAG, now)],
    [
      path.join(dir, 'config.json'),
      {
        models: {
          main: { provider: 'ollama', modelId: DEFAULT_OLLAMA_MODEL, maxTokens: 8192, temperature: 0.2 },
          research: { provider: 'ollama', modelId: DEFAULT_OLLAMA_MODEL, maxTokens: 8192, temperature: 0.1 },
          fallback: { provider: 'ollama', modelId: 'llama3.1:8b', maxTokens: 8192, temperature: 0.2 },
        },
        global: {
          logLevel: 'info',
          debug: false,
          defaultNumTasks: 10,
          defaultSubtasks: 5,
          defaultPriority: 'medium',
          projectName: path.basename(location.root),
          ollamaBaseURL: 'http://localhost:11434/api',
          responseLanguage: 'English',
          defaultTag: DEFAULT_TAG,
        },
      },
    ],
    [location.stateFile, { currentTag: DEFAULT_TAG, lastSwitched: stamp, branchTagMapping: {}, migrationNoticeShown: true }],
  ];
  for (const [file, content] of files) {
    if (await exists(file)) continue;
    await fs.mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, JSON.stringify(content, null, 2) + '\n');
    created.push(file);
  }
  const template = path.join(dir, 'templates', 'example_prd.txt');
  if (!(await exists(template))) {
    await writeFileAtomic(template, PRD_TEMPLATE);
    created.push(template);
  }
  return created;
}

/** A tasks.json with one empty tag, as Task Master writes a new one. */
function emptyPlan(tag: string, now: Date): unknown {
  const stamp = now.toISOString();
  return { [tag]: { tasks: [], metadata: { created: stamp, updated: stamp, description: `Tasks for ${tag} context` } } };
}

/**
 * Creates tasks.json with one empty tag, for a first PRD in a folder without a plan. Written whole
 * and linked into place, so it is atomic and never replaces a file that appeared meanwhile.
 */
export async function createEmptyPlan(location: PlanLocation, tag: string, now = new Date()): Promise<void> {
  if (!isValidTagName(tag)) throw new OperationError(`"${tag}" is not a tag name: use letters, digits, ".", "_" and "-".`, 'invalid');
  await fs.mkdir(path.dirname(location.tasksFile), { recursive: true });
  const temp = `${location.tasksFile}.${process.pid}.${Date.now()}.new`;
  await writeFileAtomic(temp, JSON.stringify(emptyPlan(tag, now), null, 2) + '\n');
  try {
    await fs.link(temp, location.tasksFile);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Filesystems without hard links (FAT, some network mounts): create-if-absent instead.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') await fs.copyFile(temp, location.tasksFile, fs.constants.COPYFILE_EXCL).catch((copyError) => {
      if ((copyError as NodeJS.ErrnoException).code !== 'EEXIST') throw copyError;
    });
    else if (code !== 'EEXIST') throw error;
  } finally {
    await fs.rm(temp, { force: true });
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

const PRD_TEMPLATE = `<context>
# Overview
What the product is, who it is for, and the problem it solves.

# Core Features
The main features: what each does, why it matters, how it works at a high level.

# User Experience
Who uses it, the key flows, and what the interface must make easy.
</context>
<PRD>
# Technical Architecture
Components, data models, APIs and integrations, infrastructure.

# Development Roadmap
The scope of the MVP and later phases, without dates.

# Logical Dependency Chain
What must be built first, and the order that gets to something usable soonest.

# Risks and Mitigations
Technical risks, what could block the MVP, and how to reduce them.

# Appendix
Research findings and technical specifications.
</PRD>
`;
