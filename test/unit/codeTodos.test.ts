import * as assert from 'node:assert/strict';
import { findCodeTodos, tasksFromTodos, type CodeTodo } from '../../src/core/codeTodos';
import { readPlan, type TagView } from '../../src/core/plan';
import { task, tagged } from '../support/planBuilder';

const found = (text: string, file = 'src/a.ts') => findCodeTodos(text, file).map(({ line, marker, text: what }) => [line, marker, what]);

function tagOf(tasks: Array<Record<string, unknown>>): TagView {
  return readPlan(tagged({ master: tasks })).tags.get('master')!;
}

describe('findCodeTodos', () => {
  it('finds markers after every comment opener, with 1-based lines', () => {
    const text = [
      'const a = 1; // TODO: cache the result',
      'x = 2  # FIXME: off by one',
      '/* HACK: patch the prototype */',
      '/**',
      ' * XXX: this breaks on leap years',
      ' */',
      '<!-- TODO: translate the footer -->',
      'SELECT 1; -- TODO: add an index',
      '; FIXME: wrong port in the ini file',
      '(defun f () nil) ;; HACK: temporary',
    ].join('\n');
    assert.deepEqual(found(text), [
      [1, 'TODO', 'cache the result'],
      [2, 'FIXME', 'off by one'],
      [3, 'HACK', 'patch the prototype'],
      [5, 'XXX', 'this breaks on leap years'],
      [7, 'TODO', 'translate the footer'],
      [8, 'TODO', 'add an index'],
      [9, 'FIXME', 'wrong port in the ini file'],
      [10, 'HACK', 'temporary'],
    ]);
  });

  it('reads the author and tag forms and the usual separators', () => {
    const text = ['// TODO(alice): split this module', '# TODO[perf] memoize', '//FIXME: no space after the opener', '// TODO - dash form', '/** FIXME(bob) null check */', '// XXX no separator at all'].join('\n');
    assert.deepEqual(found(text), [
      [1, 'TODO', 'split this module'],
      [2, 'TODO', 'memoize'],
      [3, 'FIXME', 'no space after the opener'],
      [4, 'TODO', 'dash form'],
      [5, 'FIXME', 'null check'],
      [6, 'XXX', 'no separator at all'],
    ]);
  });

  it('reads pathological lines in one pass: long runs of openers or spaces, and skips data-length lines', () => {
    const text = ['#'.repeat(1500), `// TODO${' '.repeat(1500)}x`, `${';'.repeat(1000)} FIXME: after many openers`, `// TODO: ${'y'.repeat(3000)}`].join('\n');
    assert.deepEqual(found(text), [
      [2, 'TODO', 'x'],
      [3, 'FIXME', 'after many openers'],
    ]);
  });

  it('keeps the file and counts lines across CRLF endings', () => {
    const todos = findCodeTodos('line one\r\nline two\r\n\r\n// TODO: fourth line\r\n', 'lib/b.py');
    assert.deepEqual(todos, [{ file: 'lib/b.py', line: 4, marker: 'TODO', text: 'fourth line' }]);
  });

  it('does not take the word in plain code or strings, or a marker later in a comment', () => {
    const text = [
      'const todo = 1;',
      'const TODO = loadList();',
      'const title = "TODO list";',
      "render('FIXME: not a comment');",
      'if (state === Marker.TODO) return;',
      'const label = "TODO list"; // shown in the header',
      '// see the TODO list in the README',
      '// TODOS are tracked elsewhere',
      '// todo: lowercase is not a marker',
      'items.push(TODO_ITEM);',
      'const size = rows * XXX + 1; // a star opens a comment only at the start of a line',
      '// TODO',
      '// TODO:',
    ].join('\n');
    assert.deepEqual(found(text), []);
  });
});

describe('tasksFromTodos', () => {
  const todo = (marker: CodeTodo['marker'], text: string, line = 3, file = 'src/app.ts'): CodeTodo => ({ file, line, marker, text });

  it('makes one task per comment: FIXME and HACK high, TODO and XXX medium, ids 1..n', () => {
    const tasks = tasksFromTodos([todo('TODO', 'Cache results', 1), todo('FIXME', 'Null check', 2), todo('HACK', 'Remove the shim', 3), todo('XXX', 'Leap years', 4)], tagOf([]));
    assert.deepEqual(
      tasks.map((t) => [t.id, t.title, t.priority]),
      [
        [1, 'Cache results', 'medium'],
        [2, 'Null check', 'high'],
        [3, 'Remove the shim', 'high'],
        [4, 'Leap years', 'medium'],
      ],
    );
    assert.ok(tasks.every((t) => t.dependencies.length === 0));
  });

  it('says where the comment is, in the description and the details', () => {
    const [made] = tasksFromTodos([todo('FIXME', 'Retry on 503', 42, 'src/net/client.ts')], tagOf([]));
    assert.equal(made.description, 'FIXME in src/net/client.ts:42.');
    assert.match(made.details, /src\/net\/client\.ts:42/);
    assert.match(made.details, /FIXME: Retry on 503/);
    assert.match(made.testStrategy, /src\/net\/client\.ts/);
  });

  it('skips comments the plan already has as a task (any case, subtasks too) and repeats within the list', () => {
    const tag = tagOf([task({ id: 1, title: 'Cache results' }), task({ id: 2, subtasks: [{ id: 1, title: 'Retry on 503 ' }] })]);
    const tasks = tasksFromTodos([todo('TODO', 'cache RESULTS'), todo('FIXME', 'Retry on 503'), todo('TODO', 'Log slow queries', 5), todo('HACK', 'log slow queries', 9), todo('TODO', 'Add metrics')], tag);
    assert.deepEqual(
      tasks.map((t) => [t.id, t.title, t.description]),
      [
        [1, 'Log slow queries', 'TODO in src/app.ts:5.'],
        [2, 'Add metrics', 'TODO in src/app.ts:3.'],
      ],
    );
  });

  it('shortens a long comment to an 80-character title and keeps the whole text in the details', () => {
    const long = `Rewrite ${'the parser '.repeat(12)}`.trim();
    const [made] = tasksFromTodos([todo('TODO', long)], tagOf([]));
    assert.equal(made.title.length, 80);
    assert.ok(made.title.endsWith('…'));
    assert.ok(made.details.includes(long));
  });

  it('reads a file end to end: comments found become tasks with their lines', () => {
    const source = ['export function load() {', '  // TODO(carol): stream instead of buffering', '  return read();', '}', '# not a marker: TODO', '  /* FIXME: handle EACCES */'].join('\n');
    const tasks = tasksFromTodos(findCodeTodos(source, 'src/load.ts'), tagOf([task({ id: 1 })]));
    assert.deepEqual(
      tasks.map((t) => [t.title, t.priority, t.description]),
      [
        ['stream instead of buffering', 'medium', 'TODO in src/load.ts:2.'],
        ['handle EACCES', 'high', 'FIXME in src/load.ts:6.'],
      ],
    );
  });
});
