// quickFixes: a diagnostic's did-you-mean as an edit of exactly the misspelt name, and none once the text moved on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { quickFixes } from '../../server/src/features/quickFixes';
import type { ProjectDiagnostic } from '../../server/src/project/types';

const at = (text: string, span: string, replaces: string, to: string): ProjectDiagnostic => {
  const start = text.indexOf(span);
  return { file: 'm.sql', start, end: start + span.length, severity: 'error', code: 'x', message: 'm', fix: { replaces, with: to } };
};
const apply = (text: string, f: { start: number; end: number; newText: string }) => text.slice(0, f.start) + f.newText + text.slice(f.end);

test('the name under the diagnostic is replaced: bare, qualified, quoted', () => {
  for (const [text, span, replaces, to, fixed] of [
    ["select * from {{ ref('stg_ordrs') }}", 'stg_ordrs', 'stg_ordrs', 'stg_orders', "select * from {{ ref('stg_orders') }}"],
    ['select o.amout from o', 'o.amout', 'amout', 'amount', 'select o.amount from o'],
    ['select "o"."amout" from o', '"o"."amout"', 'amout', 'amount', 'select "o"."amount" from o'],
  ]) {
    const d = at(text, span, replaces, to);
    const fixes = quickFixes(text, [d], d.start, d.start);
    assert.equal(fixes.length, 1, text);
    assert.equal(apply(text, fixes[0]), fixed);
    assert.equal(fixes[0].diagnostic, d);
  }
});

test('no fix where the text no longer reads the name, or only ends with it', () => {
  const text = "select * from {{ ref('stg_ordrs') }}";
  const d = at(text, 'stg_ordrs', 'stg_ordrs', 'stg_orders');
  const edited = text.replace('stg_ordrs', 'stg_xxxxx');
  assert.deepEqual(quickFixes(edited, [d], d.start, d.end), []);
  const tail = 'select xamout from o';
  assert.deepEqual(quickFixes(tail, [at(tail, 'xamout', 'amout', 'amount')], 0, tail.length), [], 'a name that only ends the same is not it');
});

test('only diagnostics touching the range, each edit once', () => {
  const text = "{{ ref('stg_ordrs') }} {{ ref('stg_custmers') }}";
  const a = at(text, 'stg_ordrs', 'stg_ordrs', 'stg_orders');
  const b = at(text, 'stg_custmers', 'stg_custmers', 'stg_customers');
  assert.deepEqual(quickFixes(text, [a, b, { ...a }], a.start, a.end).map((f) => f.newText), ['stg_orders']);
  assert.deepEqual(quickFixes(text, [a, b], 0, text.length).map((f) => f.newText), ['stg_orders', 'stg_customers']);
  const { fix: _, ...plain } = a;
  assert.deepEqual(quickFixes(text, [plain], 0, text.length), [], 'a diagnostic without a suggestion has no fix');
});
