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
