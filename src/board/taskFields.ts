/**
 * The editor's fields as they are compared and saved. A text input drops line breaks and a
 * textarea turns `\r\n` into `\n`, so the raw values of a task read from disk and of the form that
 * shows it can differ without anyone typing: both sides are normalised before they are compared,
 * and only real differences are saved. Pure: the webview and the extension's validator share it.
 */
import type { TaskFieldChanges } from './protocol';

export type EditableField = keyof TaskFieldChanges;
export const EDITABLE_FIELDS: readonly EditableField[] = ['title', 'description', 'details', 'testStrategy', 'status', 'priority'];

/** A title on one line, trimmed; text fields with `\n` line ends; a status or priority as it is. */
export function normaliseTaskField(field: EditableField, value: string): string {
  if (field === 'title') return value.replace(/\s*(\r\n|\r|\n)\s*/g, ' ').trim();
  if (field === 'description' || field === 'details' || field === 'testStrategy') return value.replace(/\r\n?/g, '\n');
  return value;
}

/** The fields whose normalised value differs from the task's, with the value to save. */
export function changedTaskFields(task: Readonly<Record<EditableField, string>>, values: Readonly<Record<EditableField, string>>): TaskFieldChanges {
  const changes: Record<string, string> = {};
  for (const field of EDITABLE_FIELDS) {
    const value = normaliseTaskField(field, values[field]);
    if (value !== normaliseTaskField(field, task[field])) changes[field] = value;
  }
  return changes as TaskFieldChanges;
}
