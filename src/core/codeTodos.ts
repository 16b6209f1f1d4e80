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

// A marker right after a comment opener (//, #, /*, *, <!--, --, ;), with an optional (author) or [tag].
const TODO_COMMENT = /(?:\/\/+|#+|\/\*+|^\s*\*|<!--|--|;+)\s*(TODO|FIXME|HACK|XXX)\b(?:\s*[([][^)\]]*[)\]])?\s*[:-]?\s*(.*?)\s*(?:\*\/|-->)?\s*$/;

/** The TODO, FIXME, HACK and XXX comments of one file, in line order. */
export function findCodeTodos(text: string, file: string): CodeTodo[] {
  const todos: CodeTodo[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const match = TODO_COMMENT.exec(lines[index]);
    if (match && match[2]) todos.push({ file, line: index + 1, marker: match[1] as CodeTodo['marker'], text: match[2] });
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
