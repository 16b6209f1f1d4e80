import * as assert from 'node:assert/strict';
import { readPlan, type TagView } from '../../src/core/plan';
import { focusTasks, planContext } from '../../src/core/planContext';
import { planQuestionPrompt } from '../../src/core/prompts';
import { generateLargePlan } from '../support/planGenerator';
import { task, tagged, taskMasterText } from '../support/planBuilder';

function tagOf(tasks: Array<Record<string, unknown>>): TagView {
  return readPlan(tagged({ master: tasks })).tags.get('master')!;
}

/** A small plan about a web shop: titles worth matching words against. */
const shop = () =>
  tagOf([
    task({ id: 1, title: 'Set up the repository', status: 'done', details: 'Monorepo with pnpm workspaces.' }),
    task({ id: 2, title: 'Design the database schema', status: 'done', dependencies: [1] }),
    task({ id: 3, title: 'Build the login form', dependencies: [2], details: 'Validate passwords client-side; show errors inline.', testStrategy: 'Form tests in jsdom.' }),
    task({ id: 4, title: 'Checkout flow', dependencies: [3], subtasks: [{ id: 1, title: 'Cart summary' }, { id: 2, title: 'Payment with Stripe', status: 'done' }] }),
    task({ id: 5, title: 'Password reset email', description: 'Send a reset link for the login.', details: 'Use the mail queue.' }),
    task({ id: 6, title: 'Admin dashboard', priority: 'low', details: 'Charts of orders per day.' }),
    task({ id: 7, title: 'Work that should be done then', description: 'A title made only of stop words.' }),
    ...[8, 9, 10, 11].map((id) => task({ id, title: `Task ${id}` })),
    task({ id: 12, title: 'Ship the release', dependencies: [4, 5] }),
  ]);

const ids = (tasks: Array<{ id: string }>) => tasks.map((t) => t.id);

describe('focusTasks: what a question is about', () => {
  it('takes tasks the question names by id: "after 12?", "#4.2", "task 7"', () => {
    const tag = shop();
    assert.deepEqual(ids(focusTasks(tag, 'what should I do after 12?')), ['12']);
    assert.deepEqual(ids(focusTasks(tag, 'is #4.2 really done?')), ['4.2']);
    assert.deepEqual(ids(focusTasks(tag, 'why is task 7 pending')), ['7']);
    assert.deepEqual(ids(focusTasks(tag, 'compare #3 and task 5, then 3 again')), ['3', '5'], 'each task once, in the order named');
  });

  it('prefers ids over words, and ignores numbers that are not tasks or are part of other tokens', () => {
    const tag = shop();
    assert.deepEqual(ids(focusTasks(tag, 'does the login form (task 3) block 99?')), ['3']);
    assert.deepEqual(ids(focusTasks(tag, 'is v2 of the login form done')), ['3', '5'], 'v2 is not an id: words decide');
  });

  it('matches words when no id is named: title matches rank above description and details matches', () => {
    const tag = shop();
    const focus = focusTasks(tag, 'How is the login going?');
    assert.deepEqual(ids(focus), ['3', '5'], '"login" is in 3\'s title and only in 5\'s description');
    assert.deepEqual(ids(focusTasks(tag, 'when do we send the password reset email')).slice(0, 1), ['5']);
    assert.deepEqual(ids(focusTasks(tag, 'anything about stripe?')), ['4.2'], 'subtasks can be the focus');
  });

  it('ranks a word in a title above the same words in details', () => {
    const tag = tagOf([task({ id: 1, title: 'Write the docs', details: 'Explain the cache and the queue.' }), task({ id: 2, title: 'Cache layer' })]);
    assert.deepEqual(ids(focusTasks(tag, 'cache and queue?')), ['2', '1'], 'one title word (3) beats two details words (1 + 1)');
  });

  it('ignores stop words: a question made only of them focuses on nothing', () => {
    const tag = shop();
    // Task 7's title is made of these words; counted, they would make it the focus.
    assert.deepEqual(focusTasks(tag, 'What should I work on next, after that?'), []);
    assert.deepEqual(focusTasks(tag, 'so?'), [], 'words under three letters are not words to match');
  });

  it('returns at most five tasks, by id or by words', () => {
    const tag = shop();
    assert.deepEqual(ids(focusTasks(tag, 'tasks 1, 2, 3, 4, 5, 6 and 12')), ['1', '2', '3', '4', '5']);
    const many = tagOf(Array.from({ length: 9 }, (_, i) => task({ id: i + 1, title: i === 6 ? 'Migrate billing, twice' : `Billing part ${i + 1}`, details: i === 6 ? 'billing billing' : '' })));
    const focus = focusTasks(many, 'where are we with billing migrate');
    assert.equal(focus.length, 5);
    assert.equal(focus[0].id, '7', 'two title words beat one');
  });
});

describe('planContext: a compact view of the plan for a question', () => {
  it('names every task line when the plan fits, with status, priority, dependencies and subtask counts', () => {
    const tag = shop();
    const context = planContext(tag, 'How is the login going?', 24_000);
    assert.equal(context.omitted, 0);
    assert.doesNotMatch(context.text, /left out for length/);
    for (const t of tag.tasks) assert.ok(context.text.includes(`${t.id} [${t.status}] ${t.priority}: ${t.title}`), `line for task ${t.id}`);
    assert.match(context.text, /^3 \[pending\] medium: Build the login form; after 2$/m);
    assert.match(context.text, /^4 \[pending\] medium: Checkout flow; after 3 \[1\/2 subtasks done\]$/m);
    assert.match(context.text, /^12 \[pending\] medium: Ship the release; after 4, 5$/m);
    assert.match(context.text, /^Tag "master": 12 tasks, 2 done\.$/m);
  });

  it('uses the budget to the last character: the full list at its exact length, a cut one character less', () => {
    const question = 'How is the login going?';
    const full = planContext(shop(), question, 24_000);
    const exact = planContext(shop(), question, full.text.length);
    assert.equal(exact.omitted, 0);
    assert.equal(exact.text, full.text);
    const tight = planContext(shop(), question, full.text.length - 1);
    assert.ok(tight.omitted > 0);
    assert.ok(tight.text.length <= full.text.length - 1, `${tight.text.length} chars`);
    assert.match(tight.text, new RegExp(`\\(${tight.omitted} more tasks left out for length`));
    assert.match(tight.text, /## 3: Build the login form/, 'the tasks in question are kept');
  });

  it('includes details only for the tasks in question', () => {
    const context = planContext(shop(), 'How is the login going?', 24_000);
    assert.deepEqual(ids(context.focus), ['3', '5']);
    assert.match(context.text, /## 3: Build the login form \[pending\]\nDescription: Description of 3\nDetails: Validate passwords client-side; show errors inline\.\nTest strategy: Form tests in jsdom\./);
    assert.match(context.text, /## 5: Password reset email \[pending\][\s\S]*Details: Use the mail queue\./);
    assert.doesNotMatch(context.text, /Monorepo with pnpm/, 'task 1 is not in question');
    assert.doesNotMatch(context.text, /Charts of orders/, 'task 6 is not in question');
    const subtasks = planContext(shop(), 'what is left in task 4?', 24_000);
    assert.match(subtasks.text, /## 4: Checkout flow \[pending\][\s\S]*- 4\.1 \[pending\] Cart summary\n- 4\.2 \[done\] Payment with Stripe/);
    assert.doesNotMatch(planContext(shop(), 'what should I work on?', 24_000).text, /Tasks in question/, 'no section when nothing is in question');
  });

  it('names the next task by Task Master\'s rule, or says none is ready', () => {
    // 3 and 5 are both ready at the same priority; Task Master takes the one with fewer dependencies.
    assert.match(planContext(shop(), 'next?', 24_000).text, /^Next task \(Task Master's rule\): 5\.$/m);
    const blocked = tagOf([task({ id: 1, status: 'blocked' }), task({ id: 2, dependencies: [1] })]);
    assert.match(planContext(blocked, 'next?', 24_000).text, /^No task is ready to start\.$/m);
  });

  it('goes into the system prompt of a plan question, with the question as the user message', () => {
    const context = planContext(shop(), 'How is the login going?', 24_000);
    const messages = planQuestionPrompt(context.text, 'How is the login going?');
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
    assert.equal(messages[1].content, 'How is the login going?');
    assert.ok(messages[0].content.includes(`<plan>\n${context.text}\n</plan>`));
    assert.match(messages[0].content, /Use only the plan below/);
    assert.match(messages[0].content, /#12/, 'tells the model how to name tasks, so answers become links');
  });

  describe('on a 1.5 MB plan', () => {
    const data = generateLargePlan(900);
    const fileText = taskMasterText(data);
    const tag = readPlan(data).tags.get('master')!;
    const budget = 24_000;
    const isOpen = (status: string) => status !== 'done' && status !== 'cancelled';

    it('is a plan of about 1.5 MB', () => {
      assert.ok(fileText.length > 1_400_000 && fileText.length < 1_700_000, `${fileText.length} chars`);
    });

    it('stays within the budget and never holds the whole file', () => {
      for (const question of ['what should I do after 850?', 'how is component 77 going', 'what is next?']) {
        const context = planContext(tag, question, budget);
        assert.ok(context.text.length <= budget, `${context.text.length} chars for "${question}"`);
        assert.ok(context.omitted > 0);
        assert.ok(!context.text.includes('Details of step'), 'no subtask details');
        assert.ok(!context.text.includes(fileText.slice(0, 2000)));
      }
      const small = planContext(tag, 'and task 3?', 4000);
      assert.ok(small.text.length <= 4000, `${small.text.length} chars for a 4000-char budget`);
    });

    it('keeps open tasks before done ones when it must cut, and says how many it left out', () => {
      const context = planContext(tag, 'what should I do after 850?', budget);
      const listed = [...context.text.matchAll(/^(\d+) \[([a-z-]+)\] (?:low|medium|high|critical): /gm)].map((m) => ({ id: m[1], status: m[2] }));
      const open = tag.tasks.filter((t) => isOpen(t.status));
      assert.ok(listed.length > 100, `${listed.length} task lines`);
      assert.ok(listed.length < open.length, 'the open tasks alone do not fit');
      assert.deepEqual(listed.filter((line) => !isOpen(line.status)), [], 'no done task while open ones were left out');
      assert.deepEqual(listed.map((line) => line.id), open.slice(0, listed.length).map((t) => t.id), 'the first open tasks, in file order');
      assert.equal(context.omitted, tag.tasks.length - listed.length);
      assert.match(context.text, new RegExp(`^\\(${context.omitted} more tasks left out for length, mostly done or cancelled\\)$`, 'm'));
    });

    it('still gives the details of the task in question even when its line was cut', () => {
      const context = planContext(tag, 'what should I do after 850?', budget);
      assert.deepEqual(ids(context.focus), ['850']);
      assert.doesNotMatch(context.text, /^850 \[/m, 'its line was cut');
      assert.match(context.text, /## 850: Implement component 850 of the service layer/);
      assert.match(context.text, /Details: Create module 850\./);
      assert.doesNotMatch(context.text, /Create module 849\./);
    });
  });
});
