import * as assert from 'node:assert/strict';
import { hasConflictMarkers, splitConflictMarkers } from '../../src/core/conflictMarkers';

describe('conflict markers', () => {
  const lines = (...text: string[]) => text.map((line) => `${line}\n`).join('');

  it('splits a merge-style conflict into the two sides, shared lines in both', () => {
    const text = lines('{', '<<<<<<< HEAD', '  "a": 1', '=======', '  "a": 2', '>>>>>>> theirs', '}');
    assert.deepEqual(splitConflictMarkers(text), { ours: lines('{', '  "a": 1', '}'), theirs: lines('{', '  "a": 2', '}') });
  });

  it('takes the base from diff3 markers only when every conflict has one', () => {
    const diff3 = lines('<<<<<<< HEAD', 'o', '||||||| base', 'b', '=======', 't', '>>>>>>> x', 'shared', '<<<<<<< HEAD', 'o2', '||||||| base', '=======', 't2', '>>>>>>> x');
    assert.deepEqual(splitConflictMarkers(diff3), { ours: lines('o', 'shared', 'o2'), theirs: lines('t', 'shared', 't2'), base: lines('b', 'shared') });
    const mixed = lines('<<<<<<< HEAD', 'o', '||||||| base', 'b', '=======', 't', '>>>>>>> x', '<<<<<<< HEAD', 'o2', '=======', 't2', '>>>>>>> x');
    assert.equal(splitConflictMarkers(mixed)?.base, undefined);
  });

  it('keeps CRLF line ends and a last line without one', () => {
    assert.deepEqual(splitConflictMarkers('a\r\n<<<<<<< HEAD\r\no\r\n=======\r\nt\r\n>>>>>>> x\r\nz'), { ours: 'a\r\no\r\nz', theirs: 'a\r\nt\r\nz' });
  });

  it('finds no conflict in text without markers, with unclosed or disordered markers, or with marker-like content', () => {
    assert.equal(hasConflictMarkers(lines('{', '  "title": "<<<<<<< not at the line start"', '}')), false);
    assert.equal(hasConflictMarkers(lines('<<<<<<< HEAD', 'o', '=======', 't')), false);
    assert.equal(hasConflictMarkers(lines('<<<<<<< HEAD', 'o', '>>>>>>> x')), false);
    assert.equal(hasConflictMarkers(lines('<<<<<<<< eight', 'x')), false);
  });
});
