import { test } from 'node:test';
import assert from 'node:assert/strict';
import { namespaceFromParam, namespaceToPath, unsafeNameReason } from '../../server/src/catalog/names';

test('namespaces travel as levels joined by %1F, each level percent-encoded', () => {
  const cases: [string[], string][] = [
    [['sales'], 'sales'],
    [['sales', 'eu west'], 'sales%1Feu%20west'],
    [['a/b', 'ünï', '100%'], 'a%2Fb%1F%C3%BCn%C3%AF%1F100%25'],
  ];
  for (const [levels, path] of cases) {
    assert.equal(namespaceToPath(levels), path);
    assert.deepEqual(namespaceFromParam(decodeURIComponent(path)), levels);
  }
});

test('names that could escape a folder are refused, ordinary ones pass', () => {
  const cases: [string, boolean][] = [
    ['orders', true], ['eu west', true], ['ünï', true], ['a.b', true], ['x..y', true],
    ['', false], ['.', false], ['..', false], ['.hidden', false], ['a/b', false], ['a\\b', false], ['nul\0', false], ['tab\there', false],
    ['x'.repeat(201), false],
  ];
  for (const [name, ok] of cases) assert.equal(unsafeNameReason(name) === undefined, ok, JSON.stringify(name));
});
