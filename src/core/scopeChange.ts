import { generatedSubtaskValues, type GeneratedOutcome } from './generatedTasks';
import { combineOperations, requireTag, requireTask, touchTag, updateTask, VerbatimJson, type JsonEdit, type PlanOperation } from './operations';
import { allTasks, resolveDependency, type TaskNode } from './plan';
import { isReplacedByRescope, type ScopeChange } from './scopePrompts';

/**
 * Writes rescoped tasks in one edit: the model's fields on each task, and where new subtasks came
 * with them, the pending subtasks replaced by those (numbered after the highest kept subtask).
 * Kept subtasks are copied byte for byte. A dependency anywhere in the tag on a replaced subtask
 * is dropped and reported, as removing a subtask does: it would otherwise name nothing.
 */
export function applyScopeChanges(changes: ScopeChange[], outcome: GeneratedOutcome): PlanOperation {
  return combineOperations([...changes.map((change) => updateTask(change.id, change.fields)), replaceSubtasks(changes, outcome)]);
}

function replaceSubtasks(changes: ScopeChange[], outcome: GeneratedOutcome): PlanOperation {
  return ({ plan, tag, now }) => {
    const view = requireTag(plan, tag);
    const edits: JsonEdit[] = [];
    const rebuilt = changes.filter((change) => change.subtasks).map((change) => requireTask(view, change.id));
    const replaced = new Set(rebuilt.flatMap((task) => task.subtasks.filter(isReplacedByRescope).map((sub) => sub.id)));
    const withoutReplaced = (node: TaskNode) => dependenciesWithout(node, replaced, outcome);
    for (const change of changes) {
      outcome.ids.push(change.id);
      if (!change.subtasks) continue;
      const task = requireTask(view, change.id);
      const kept = task.subtasks.filter((sub) => !replaced.has(sub.id));
      const keptValues = kept.map((sub) => {
        const dependencies = withoutReplaced(sub);
        return dependencies ? { ...sub.raw, dependencies } : new VerbatimJson(sub.path);
      });
      const start = kept.reduce((highest, sub) => Math.max(highest, Number(sub.raw.id) || 0), 0);
      const added = generatedSubtaskValues(change.subtasks, start, outcome.warnings);
      edits.push({ kind: 'set', path: [...task.path, 'subtasks'], value: [...keptValues, ...added] });
    }
    const rebuiltIds = new Set(rebuilt.map((task) => task.id));
    for (const node of allTasks(view)) {
      if (node.parent && rebuiltIds.has(node.parent.id)) continue;
      const dependencies = withoutReplaced(node);
      if (dependencies) edits.push({ kind: 'set', path: [...node.path, 'dependencies'], value: dependencies });
    }
    return edits.length ? [...edits, ...touchTag(view, now)] : [];
  };
}

/** A node's raw dependencies without those on replaced subtasks; undefined when none was on one. */
function dependenciesWithout(node: TaskNode, replaced: Set<string>, outcome: GeneratedOutcome): unknown[] | undefined {
  const raw = Array.isArray(node.raw.dependencies) ? (node.raw.dependencies as unknown[]) : [];
  const kept = raw.filter((dep) => !replaced.has(resolveDependency(dep, node.parent?.id)));
  if (kept.length === raw.length) return undefined;
  const dropped = raw.filter((dep) => !kept.includes(dep)).map((dep) => resolveDependency(dep, node.parent?.id));
  outcome.warnings.push(`${node.id} depended on ${dropped.join(', ')}, replaced by the rescope; that dependency was dropped.`);
  return kept;
}
