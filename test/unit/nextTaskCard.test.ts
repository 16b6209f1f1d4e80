import * as assert from 'node:assert/strict';
import { formatTask } from '../../src/cli/format';
import { findNextTask, nextTaskReason } from '../../src/core/nextTask';
import { readPlan, type TagView, type TaskNode } from '../../src/core/plan';
import { nextTaskMarkdown, taskCard, type TaskLinker } from '../../src/chat/taskMarkdown';
import { tagged, task } from '../support/planBuilder';

function tagOf(...tasks: Array<Record<string, unknown>>): TagView {
  return readPlan(tagged({ master: tasks })).tags.get('master')!;
}

/** A link as the chat writes one (label escaped), to a stand-in command. */
const link: TaskLinker = (node: TaskNode, withTitle = true) => `[\\#${node.id}${withTitle ? ` ${node.title}` : ''}](command:show)`;

/** Lines holding a heading mark that is not at the start of the line: markdown prints it as text. */
function strayHeadingMarks(markdown: string): string[] {
  return markdown.split('\n').filter((line) => /(?<!\\)#{1,6} /.test(line) && !/^#{1,6} /.test(line));
}

/** The priority words a rendering states, however it states them. */
function statedPriorities(text: string): string[] {
  return [...text.matchAll(/\b(critical|high|medium|low)\b(?= priority)|(?<=priority:? )(critical|high|medium|low)\b/g)].map((match) => match[0]);
}

describe('The next task, told the same way everywhere (issue 14)', () => {
  // The parent is high; its subtask has no priority of its own and is ranked as high.
  const tag = tagOf(
    task({ id: 1, title: 'Ship the flake', status: 'in-progress', priority: 'high', subtasks: [{ id: 1, title: 'Pin nixpkgs' }, { id: 2, title: 'Write docs', priority: 'low' }] }),
    task({ id: 2, title: 'Other work', priority: 'medium' }),
  );
  const next = findNextTask(tag)!;

  it('ranks and reports a subtask without a priority with its parent\'s, as task-master next does', () => {
    assert.equal(next.id, '1.1');
    assert.equal(next.priority, 'high');
    assert.equal(tag.byId.get('1.2')!.priority, 'low', 'a subtask\'s own priority wins');
    assert.equal(tag.byId.get('2')!.priority, 'medium');
  });

  it('/next puts "Next" inside the heading, with no heading mark left inside a line', () => {
    const markdown = nextTaskMarkdown(link, next);
    assert.match(markdown, /^### Next: \[\\#1\.1 Pin nixpkgs\]\(command:show\)\n/);
    assert.deepEqual(strayHeadingMarks(markdown), []);
    assert.doesNotMatch(markdown, /\*\*[^*\n]*#{2,}[^*\n]*\*\*/, 'no heading mark inside emphasis');
  });

  it('states one priority in the card and in "Why this one", and says where it comes from', () => {
    const markdown = nextTaskMarkdown(link, next);
    const priorities = new Set(statedPriorities(markdown.replace(/\\/g, '')));
    assert.deepEqual([...priorities], ['high']);
    assert.match(nextTaskReason(next), /priority high \(task 1's\)\.$/);
    assert.match(markdown, /subtask of \[\\#1\]\(command:show\)/);
  });

  it('agrees with tml next\'s text', () => {
    assert.deepEqual(new Set(statedPriorities(formatTask(next))), new Set(['high']));
  });

  it('the /show card of a top-level task has its heading alone on its line', () => {
    const card = taskCard(link, tag.byId.get('1')!);
    assert.equal(card.split('\n')[0], '### [\\#1 Ship the flake](command:show)');
    assert.deepEqual(strayHeadingMarks(card), []);
    assert.match(card, /`in-progress` · high priority/);
  });

  it('a subtask with its own priority says so, without naming the parent\'s', () => {
    const own = tagOf(task({ id: 1, status: 'in-progress', priority: 'low', subtasks: [{ id: 1, priority: 'critical' }] }));
    const sub = findNextTask(own)!;
    assert.match(nextTaskReason(sub), /priority critical\.$/);
    assert.deepEqual(new Set(statedPriorities(nextTaskMarkdown(link, sub).replace(/\\/g, ''))), new Set(['critical']));
  });
});
