import * as assert from 'node:assert/strict';
import { JsonScanner } from '../../src/store/jsonScanner';
import { applyJsonEdits, JsonLocator, JsonSyntaxError, parseJson } from '../../src/store/jsonText';

describe('jsonText', () => {
  describe('parseJson', () => {
    it('reports line and column of a syntax error', () => {
      const text = '{\n  "master": {\n    "tasks": [1,, 2]\n  }\n}';
      assert.throws(
        () => parseJson(text),
        (error: unknown) => JsonSyntaxError.is(error) && error.position.line === 3 && error.position.column === 17,
      );
    });

    it('reports a trailing comma, which JSON does not allow', () => {
      assert.throws(
        () => parseJson('{\n  "tasks": [],\n}'),
        (error: unknown) => JsonSyntaxError.is(error) && error.position.line === 3 && error.position.column === 1,
      );
    });

    it('calls an empty file empty', () => {
      assert.throws(() => parseJson('  \n'), /empty/);
    });

    it('names an unclosed file as such', () => {
      assert.throws(() => parseJson('{"master": {"tasks": ['), /not closed/);
    });

    it('reads a file with a byte order mark', () => {
      assert.deepEqual(parseJson('\uFEFF{"tasks": []}'), { tasks: [] });
    });
  });

  describe('applyJsonEdits', () => {
    const pretty = JSON.stringify({ a: { b: 1, list: [1, 2, 3], s: 'x' }, z: 1.0 }, null, 2);

    it('replaces a value and leaves every other byte alone', () => {
      const text = '{\n    "a": {"b": 1, "keep": "\\u00e9", "n": 1.50},\n    "z": [ 1,2 ]\n}';
      const out = applyJsonEdits(text, [{ kind: 'set', path: ['a', 'b'], value: 2 }]);
      assert.equal(out, text.replace('"b": 1', '"b": 2'));
    });

    it('adds a missing property in the file style', () => {
      const out = applyJsonEdits(pretty, [{ kind: 'set', path: ['a', 'new'], value: { k: [1] } }]);
      assert.deepEqual(JSON.parse(out).a.new, { k: [1] });
      assert.equal(out, JSON.stringify({ a: { b: 1, list: [1, 2, 3], s: 'x', new: { k: [1] } }, z: 1.0 }, null, 2));
    });

    it('appends to a list and removes from one, as JSON.stringify would lay them out', () => {
      const appended = applyJsonEdits(pretty, [{ kind: 'append', path: ['a', 'list'], values: [4] }]);
      assert.equal(appended, JSON.stringify({ a: { b: 1, list: [1, 2, 3, 4], s: 'x' }, z: 1.0 }, null, 2));
      const removed = applyJsonEdits(pretty, [{ kind: 'remove', path: ['a', 'list', 2] }]);
      assert.equal(removed, JSON.stringify({ a: { b: 1, list: [1, 2], s: 'x' }, z: 1.0 }, null, 2));
      const first = applyJsonEdits(pretty, [{ kind: 'remove', path: ['a', 'list', 0] }]);
      assert.equal(first, JSON.stringify({ a: { b: 1, list: [2, 3], s: 'x' }, z: 1.0 }, null, 2));
    });

    it('fills an empty list with indented members', () => {
      const text = JSON.stringify({ tasks: [] }, null, 2);
      const out = applyJsonEdits(text, [{ kind: 'append', path: ['tasks'], values: [{ id: 1 }, { id: 2 }] }]);
      assert.equal(out, JSON.stringify({ tasks: [{ id: 1 }, { id: 2 }] }, null, 2));
    });

    it('keeps a compact file compact, a tab-indented file tabbed and CRLF line ends', () => {
      assert.equal(applyJsonEdits('{"a":[1]}', [{ kind: 'append', path: ['a'], values: [{ x: 1 }, 2] }]), '{"a":[1, {"x":1}, 2]}');
      const tabbed = JSON.stringify({ a: { b: 1 } }, null, '\t');
      assert.equal(applyJsonEdits(tabbed, [{ kind: 'set', path: ['a', 'c'], value: [2] }]), JSON.stringify({ a: { b: 1, c: [2] } }, null, '\t'));
      const crlf = JSON.stringify({ a: { b: 1 } }, null, 2).replace(/\n/g, '\r\n');
      const out = applyJsonEdits(crlf, [{ kind: 'set', path: ['a', 'c'], value: [2] }]);
      assert.equal(out, JSON.stringify({ a: { b: 1, c: [2] } }, null, 2).replace(/\n/g, '\r\n'));
    });

    it('applies several disjoint edits at once', () => {
      const out = applyJsonEdits(pretty, [
        { kind: 'set', path: ['z'], value: 5 },
        { kind: 'set', path: ['a', 's'], value: 'y' },
        { kind: 'remove', path: ['a', 'b'] },
      ]);
      assert.deepEqual(JSON.parse(out), { a: { list: [1, 2, 3], s: 'y' }, z: 5 });
    });

    it('refuses overlapping edits rather than corrupting the text', () => {
      assert.throws(() =>
        applyJsonEdits(pretty, [
          { kind: 'set', path: ['a'], value: 1 },
          { kind: 'set', path: ['a', 'b'], value: 2 },
        ]),
      );
    });
  });

  it('locates paths as 1-based line and column', () => {
    const text = JSON.stringify({ master: { tasks: [{ id: 1, dependencies: [7] }] } }, null, 2);
    const { start } = new JsonLocator(text).locate(['master', 'tasks', 0, 'dependencies', 0]);
    assert.deepEqual(start, { line: 7, column: 11 });
    const missing = new JsonLocator(text).locate(['master', 'tasks', 0, 'nope']);
    assert.equal(missing.start.line, 4, 'falls back to the nearest existing parent');
  });
});

describe('JsonScanner', () => {
  it('finds values past strings full of quotes, brackets and escapes', () => {
    const data = { a: 'x"}]\\"{[', 'k\\"ey': [1, { b: '\\\\' }], list: [[], {}, 'tail'], n: -1.5e3, t: true, z: null };
    const text = JSON.stringify(data, null, 2);
    const scanner = new JsonScanner(text);
    for (const [path, value] of [
      [['a'], data.a],
      [['k\\"ey', 1, 'b'], '\\\\'],
      [['list', 2], 'tail'],
      [['n'], -1500],
      [['z'], null],
    ] as const) {
      const node = scanner.find([...path])!;
      assert.deepEqual(JSON.parse(text.slice(node.offset, node.offset + node.length)), value);
    }
    assert.equal(scanner.find(['list', 3]), undefined);
    assert.equal(scanner.find(['a', 'b']), undefined);
    assert.deepEqual(scanner.members(scanner.find(['list'])!).map((m) => m.type), ['array', 'object', 'string']);
  });
});
