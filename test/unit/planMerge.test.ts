import * as assert from 'node:assert/strict';
import { mergePlans } from '../../src/core/planMerge';
import { mergePlanTexts, MergeSideError } from '../../src/store/planMergeText';
import { task, tagged, taskMasterText } from '../support/planBuilder';

const NOW = new Date('2026-06-01T12:00:00.000Z');

describe('plan merge rules (in memory)', () => {
  it('an unknown status loses a conflict to any known one', () => {
    const base = tagged({ master: [task({ id: 1 })] });
    const { data } = mergePlans({ base, ours: tagged({ master: [task({ id: 1, status: 'wip' })] }), theirs: tagged({ master: [task({ id: 1, status: 'deferred' })] }) }, NOW);
    assert.equal((data.master as any).tasks[0].status, 'deferred');
  });

  it('a tag one side deleted and the other changed is kept, and said so', () => {
    const base = tagged({ master: [task({ id: 1 })], spike: [task({ id: 1 })] });
    const theirs = tagged({ master: [task({ id: 1 })], spike: [task({ id: 1, status: 'done' })] });
    const { data, notes } = mergePlans({ base, ours: tagged({ master: [task({ id: 1 })] }), theirs }, NOW);
    assert.equal((data.spike as any).tasks[0].status, 'done');
    assert.match(notes[0].message, /tag "spike" was deleted on ours and changed on theirs: kept/);
  });

  it('a flat plan on one side and a tagged one on the other merge as tags', () => {
    const base = { tasks: [task({ id: 1 })] };
    const ours = { tasks: [task({ id: 1, status: 'done' })] };
    const theirs = tagged({ master: [task({ id: 1 })], feature: [task({ id: 1, title: 'F' })] });
    const { data } = mergePlans({ base, ours, theirs }, NOW);
    assert.deepEqual(Object.keys(data), ['master', 'feature']);
    assert.equal((data.master as any).tasks[0].status, 'done');
  });

  it('a move follows only the base\'s own task: one the other side deleted, or whose id it gave to another task, stays beside the moved one', () => {
    const titles = (data: Record<string, unknown>) => (data.master as any).tasks.map((entry: { id: number; title: string }) => `${entry.id} ${entry.title}`);
    const base = tagged({ master: [task({ id: 1, title: 'A', description: 'a' }), task({ id: 2, title: 'B', description: 'b' }), task({ id: 3, title: 'C', description: 'c' })] });
    const movedTwo = tagged({ master: [task({ id: 1, title: 'A', description: 'a' }), task({ id: 3, title: 'C', description: 'c' }), task({ id: 9, title: 'B', description: 'b' })] });
    // Ours deleted B, then moved C to 2: ours' task 2 is C, not the B theirs moved.
    const reused = tagged({ master: [task({ id: 1, title: 'A', description: 'a' }), task({ id: 2, title: 'C', description: 'c' })] });
    assert.deepEqual(titles(mergePlans({ base, ours: reused, theirs: movedTwo }, NOW).data).sort(), ['1 A', '2 C', '9 B']);
    // Ours deleted B: theirs' moved B is kept, as before moves were followed.
    const deleted = tagged({ master: [task({ id: 1, title: 'A', description: 'a' }), task({ id: 3, title: 'C', description: 'c' })] });
    const merged = mergePlans({ base, ours: deleted, theirs: movedTwo }, NOW);
    assert.deepEqual(titles(merged.data).sort(), ['1 A', '3 C', '9 B']);
    assert.ok(!merged.notes.some((note) => /moved/.test(note.message)));
    // The same move against an ours that kept B is followed.
    assert.match(mergePlans({ base, ours: base, theirs: movedTwo }, NOW).notes.map((note) => note.message).join('\n'), /task 2 was moved to 9 on theirs/);
  });

  it('a move task-master made (the task\'s own subtask references renumbered with it) is followed', () => {
    const base = tagged({ master: [task({ id: 1 }), task({ id: 2, title: 'B', description: 'b', subtasks: [{ id: 1 }, { id: 2, dependencies: ['2.1'] }] })] });
    const ours = tagged({ master: [task({ id: 1 }), task({ id: 2, title: 'B', description: 'b', status: 'in-progress', subtasks: [{ id: 1 }, { id: 2, dependencies: ['2.1'] }] })] });
    const theirs = tagged({ master: [task({ id: 1 }), task({ id: 7, title: 'B', description: 'b', subtasks: [{ id: 1 }, { id: 2, dependencies: ['7.1'] }] })] });
    const { data, notes } = mergePlans({ base, ours, theirs }, NOW);
    const tasks = (data.master as any).tasks;
    assert.deepEqual(tasks.map((entry: { id: number; status: string }) => [entry.id, entry.status]), [[1, 'pending'], [7, 'in-progress']]);
    assert.deepEqual(tasks[1].subtasks[1].dependencies, ['7.1']);
    assert.match(notes.map((note) => note.message).join('\n'), /task 2 was moved to 7 on theirs/);
  });

  it('an addition goes before its successor on its side, or at the end', () => {
    const ids = (data: Record<string, unknown>) => (data.master as any).tasks.map((entry: { id: number }) => entry.id);
    const base = tagged({ master: [task({ id: 1 }), task({ id: 2 }), task({ id: 3 })] });
    const ours = tagged({ master: [task({ id: 1 }), task({ id: 2 }), task({ id: 3 }), task({ id: 5, title: 'end' })] });
    const theirs = tagged({ master: [task({ id: 1 }), task({ id: 4, title: 'middle' }), task({ id: 2 }), task({ id: 3 })] });
    assert.deepEqual(ids(mergePlans({ base, ours, theirs }, NOW).data), [1, 4, 2, 3, 5]);
  });

  it('a side that is not a plan is named; a base that is not one is left out with a note', () => {
    const plan = taskMasterText(tagged({ master: [task({ id: 1 })] }));
    assert.throws(() => mergePlanTexts({ ours: plan, theirs: '[1, 2]' }, NOW), (error) => MergeSideError.is(error) && /^theirs is not a readable plan/.test(error.message));
    const merged = mergePlanTexts({ base: '<<<<<<< x', ours: plan, theirs: plan }, NOW);
    assert.equal(merged.text, plan);
    assert.match(merged.notes[0].message, /the common ancestor is not readable/);
  });

  it('keeps the layout of ours: CRLF line ends and a final newline stay', () => {
    const ours = taskMasterText(tagged({ master: [task({ id: 1 })] })).replace(/\n/g, '\r\n') + '\r\n';
    const theirs = taskMasterText(tagged({ master: [task({ id: 1, status: 'done' })] }));
    const { text } = mergePlanTexts({ base: taskMasterText(tagged({ master: [task({ id: 1 })] })), ours, theirs }, NOW);
    assert.equal(text, ours.replace('"pending"', '"done"'));
  });
});
