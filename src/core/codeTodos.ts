import type { GeneratedTask } from './aiSchemas';
import { allTasks, type TagView } from './plan';

/** A TODO-style comment in source code. */
export interface CodeTodo {
  /** Workspace-relative path, with forward slashes. */
  file: string;
  /** 1-based line. */
  line: number;
  marker: 'TODO' | 'FIXME' | 'HACK' | 'XXX';
  text: string;
}

// A marker right after a comment opener (//, #, /*, a block comment's *, <!--, --, ;). Single-
// character openers and the text taken apart by hand keep the scan linear on any line.
const TODO_MARKER = /(?:\/\/|#|\/\*\*?|^\s*\*|<!--|--|;)\s*(TODO|FIXME|HACK|XXX)\b/;
/** An optional (author) or [tag], then ":" or "-". */
const MARKER_SUFFIX = /^\s*(?:[([][^)\]]*[)\]])?\s*[:-]?/;
/** Longer lines are data (minified code, a base64 blob), not comments someone wrote. */
const MAX_LINE = 2000;

/** The TODO, FIXME, HACK and XXX comments of one file, in line order. */
export function findCodeTodos(text: string, file: string): CodeTodo[] {
  const todos: CodeTodo[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index];
    if (line.length > MAX_LINE) continue;
    const match = TODO_MARKER.exec(line);
    if (!match) continue;
    let rest = line.slice(match.index + match[0].length).replace(MARKER_SUFFIX, '').trim();
    if (rest.endsWith('*/')) rest = rest.slice(0, -2).trim();
    else if (rest.endsWith('-->')) rest = rest.slice(0, -3).trim();
    if (rest) todos.push({ file, line: index + 1, marker: match[1] as CodeTodo['marker'], text: rest });
  }
  return todos;
}

const TITLE_LIMIT = 80;

/**
 * One proposed task per comment the plan does not already have (same title): FIXME and HACK
 * are high priority, the others medium. The location goes into the details.
 */
export function tasksFromTodos(todos: CodeTodo[], tag: TagView): GeneratedTask[] {
  const known = new Set([...allTasks(tag)].map((task) => task.title.trim().toLowerCase()));
  const tasks: GeneratedTask[] = [];
  for (const todo of todos) {
    const title = todo.text.length > TITLE_LIMIT ? `${todo.text.slice(0, TITLE_LIMIT - 1)}…` : todo.text;
    if (known.has(title.toLowerCase())) continue;
    known.add(title.toLowerCase());
    tasks.push({
      id: tasks.length + 1,
      title,
      description: `${todo.marker} in ${todo.file}:${todo.line}.`,
      details: `From the comment at ${todo.file}:${todo.line}:\n${todo.marker}: ${todo.text}`,
      testStrategy: `The ${todo.marker} comment at ${todo.file} is resolved and removed.`,
      priority: todo.marker === 'FIXME' || todo.marker === 'HACK' ? 'high' : 'medium',
      dependencies: [],
    });
  }
  return tasks;
}
