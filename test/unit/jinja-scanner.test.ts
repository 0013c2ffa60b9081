// The tolerant Jinja scanner: blocks with exact offsets, and problems that never stop the scan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTemplate } from '../../server/src/jinja/scanner';
import { findCalls } from '../../server/src/jinja/calls';

/** Blocks as [kind, text]; problems as [code, text at the problem's range]. */
function check(input: string, blocks: Array<[string, string]>, problems: Array<[string, string]> = []) {
  const scan = scanTemplate(input);
  assert.deepEqual(scan.blocks.map((b) => [b.kind, input.slice(b.start, b.end)]), blocks);
  assert.deepEqual(scan.problems.map((p) => [p.code, input.slice(p.start, p.end)]), problems);
}

test('blocks of each kind, with exact offsets', () => {
  check("select {{ ref('a') }} {% if x %}1{% endif %} {# note #}", [
    ['expression', "{{ ref('a') }}"], ['statement', '{% if x %}'], ['statement', '{% endif %}'], ['comment', '{# note #}'],
  ]);
});

test('delimiters inside strings do not close a block', () => {
  check("{{ config(location='s3://x/{{ this.name }}') }} x", [['expression', "{{ config(location='s3://x/{{ this.name }}') }}"]]);
});

test('whitespace control dashes', () => {
  const scan = scanTemplate('a {%- if x -%} b {{- y }}');
  assert.deepEqual(scan.blocks.map((b) => [b.trimBefore, b.trimAfter]), [[true, true], [true, false]]);
});

test('unterminated blocks are problems and scanning goes on', () => {
  check('a {{ b \n{{ ref("c") }}', [['expression', '{{ b \n'], ['expression', '{{ ref("c") }}']], [['jinja-unterminated', '{{']]);
  check('x {# never closed', [['comment', '{# never closed']], [['jinja-unterminated', '{#']]);
});

test('unbalanced tags point at the tag', () => {
  check('{% if a %}{% for x in y %}{% endif %}', [['statement', '{% if a %}'], ['statement', '{% for x in y %}'], ['statement', '{% endif %}']], [['jinja-unclosed-tag', 'for']]);
  check('{% endfor %}', [['statement', '{% endfor %}']], [['jinja-unexpected-tag', 'endfor']]);
  check('{% if a %}', [['statement', '{% if a %}']], [['jinja-unclosed-tag', 'if']]);
  check('{% else %}', [['statement', '{% else %}']], [['jinja-unexpected-tag', 'else']]);
  check('{% set x = 1 %}{% set y %}v{% endset %}', [['statement', '{% set x = 1 %}'], ['statement', '{% set y %}'], ['statement', '{% endset %}']]);
});

test('raw blocks are text', () => {
  check('{% raw %}{{ not jinja }}{% endraw %}', [['statement', '{% raw %}'], ['statement', '{% endraw %}']]);
});

test('calls with positional, keyword and literal arguments', () => {
  const text = "{{ ref('pkg', 'm', version=2) }} {{ config(tags=['a', 'b'], x=y, d={'k': 1}) }} {{ dbt_utils.star(x) }}";
  const calls = findCalls(text, scanTemplate(text));
  assert.deepEqual(calls.map((c) => [c.name, c.args.map((a) => [a.keyword ?? null, a.isLiteral ? a.value : '<expr>'])]), [
    ['ref', [[null, 'pkg'], [null, 'm'], ['version', 2]]],
    ['config', [['tags', ['a', 'b']], ['x', '<expr>'], ['d', { k: 1 }]]],
    ['dbt_utils.star', [[null, '<expr>']]],
  ]);
});

test('an int literal past 2**53 is no literal (a number would change its digits): a render reads it exactly', () => {
  const text = "{{ config(k=9223372036854775807, n=-9007199254740993, small=9007199254740991) }}";
  const [call] = findCalls(text, scanTemplate(text));
  assert.deepEqual(call.args.map((a) => [a.keyword, a.isLiteral ? a.value : '<expr>']), [
    ['k', '<expr>'], ['n', '<expr>'], ['small', 9007199254740991],
  ]);
});
