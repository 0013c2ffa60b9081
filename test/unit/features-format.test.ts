// Format Document: SQL laid out by sql-formatter, every Jinja construct kept as written, the compiled SQL unchanged
// but for whitespace, idempotent; what it cannot lay out safely is refused with a reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file } from '../helpers/projectTexts';
import { compileModel } from '../../server/src/project/compile';
import { formatModelSql, sameTokens, type FormatSettings } from '../../server/src/features/format';
import { formatSettingsFrom } from '../../server/src/features/formatSettings';
import { scanTemplate } from '../../server/src/jinja/scanner';
import { tokenize } from '../../server/src/sql/lexer';

const FOUR: FormatSettings = { indent: { tabs: false, width: 4 }, keywordCase: 'preserve' };

function formatted(text: string, settings = FOUR): string {
  const r = formatModelSql(text, settings);
  assert.ok(!('error' in r), 'error' in r ? r.error : '');
  return r.text;
}

const INCREMENTAL = `{{ config(materialized='incremental', unique_key='id') }}
{% set cols = ['email', 'country'] %}

select id, {% for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}, {{ var('prefix', 'p') }}_{{ 'x' }} as tagged,
  '{{ var("region", "eu") }} region' as region, updated_at
from {{ ref('stg_customers') }} c
{% if is_incremental() %}
  where updated_at > (select max(updated_at) from {{ this }})
{% endif %}
`;

test('a model is laid out; the leading Jinja (config, set) stays as written with its blank line', () => {
  assert.equal(formatted("{{ config(materialized='view') }}\n\nselect a, b from {{ ref('stg_customers') }} where a > 1\n"),
    "{{ config(materialized='view') }}\n\nselect\n    a,\n    b\nfrom\n    {{ ref('stg_customers') }}\nwhere\n    a > 1\n");
  const out = formatted(INCREMENTAL);
  assert.ok(out.startsWith("{{ config(materialized='incremental', unique_key='id') }}\n{% set cols = ['email', 'country'] %}\n\nselect\n"), out);
  // Statements alone on a line keep a line of their own.
  assert.match(out, /^ *\{% if is_incremental\(\) %\}$/m);
  assert.match(out, /^ *\{% endif %\}$/m);
});

test('every Jinja block is kept verbatim and in order; glued Jinja stays glued; strings with Jinja are untouched', () => {
  const out = formatted(INCREMENTAL);
  const blocks = (text: string) => scanTemplate(text).blocks.map((b) => text.slice(b.start, b.end));
  assert.deepEqual(blocks(out), blocks(INCREMENTAL));
  assert.match(out, /\{\{ var\('prefix', 'p'\) \}\}_\{\{ 'x' \}\} as tagged/);
  assert.match(out, /'\{\{ var\("region", "eu"\) \}\} region' as region/);
  assert.match(out, /\{% for c in cols %\}\{\{ c \}\}\{% if not loop\.last %\},/);
});

test('the compiled SQL is the same but for whitespace, and formatting twice changes nothing', () => {
  for (const text of [INCREMENTAL, "select\n  {{ dbt_utils.star(ref('stg_customers')) }}, count(*) over (partition by country order by id) as n\nfrom {{ ref('stg_customers') }}\n"]) {
    const out = formatted(text);
    assert.equal(formatted(out), out, 'idempotent');
    const compiled = (t: string) => compileModel(makeProject({ 'models/probe.sql': t }), file('models/probe.sql')).sql;
    const tokens = (sql: string) => tokenize(sql).map((t) => `${t.kind}:${t.text}`);
    assert.deepEqual(tokens(compiled(out)), tokens(compiled(text)));
  }
});

test('the guard: a layout that changes a token, or separates glued Jinja, is refused', () => {
  assert.ok(sameTokens("select {{ a }}_{{ b }} from t", "select\n  {{ a }}_{{ b }}\nfrom\n  t"));
  assert.ok(!sameTokens("select {{ a }}_{{ b }} from t", "select {{ a }} _ {{ b }} from t"));
  assert.ok(!sameTokens("select a - 1 from t", "select a -1 from t".replace('-1', '- -1')));
  assert.ok(!sameTokens("select 'a  b' from t", "select 'a b' from t"));
  // Keyword capitalisation may change a word's case, never an output column's name.
  assert.ok(!sameTokens('select a from t', 'SELECT a FROM t'));
  assert.ok(sameTokens('select a from t', 'SELECT a FROM t', true));
  assert.ok(!sameTokens('select a as year from t', 'SELECT a AS YEAR FROM t', true));
  assert.ok(!sameTokens('select a year, b from t', 'SELECT a YEAR, b FROM t', true));
});

test('what cannot be laid out safely is left as written, with the reason', () => {
  assert.deepEqual(formatModelSql("select {{ ref('a')\n", FOUR), { error: 'the model has Jinja errors; fix them first' });
  assert.deepEqual(formatModelSql('{% raw %}{{ x }}{% endraw %}\nselect 1\n', FOUR), { error: 'models with {% raw %} blocks are left as written' });
  const broken = formatModelSql('select (a from t\n', FOUR);
  assert.ok('error' in broken && /^the SQL could not be laid out/.test(broken.error), JSON.stringify(broken));
  assert.deepEqual(formatModelSql("{{ config(materialized='view') }}\n", FOUR), { text: "{{ config(materialized='view') }}\n" });
  // what the formatter stopped at, whole where it spans lines (near's livequery__request_pagoda_nft_metadata.sql said `Unexpected "{`)
  assert.deepEqual(formatModelSql("select x from t where y = {\n  'a': 1 }\n", { ...FOUR, adapter: 'snowflake' }), { error: 'the SQL could not be laid out (Parse error: Unexpected "{ \'a\': 1")' });
  assert.deepEqual(formatModelSql('select x from t where y = )\n', FOUR), { error: 'the SQL could not be laid out (Parse error at token: ))' });
});

test(".sqlfluff settings map onto the formatter: indent unit and size, keyword capitalisation", () => {
  const editor = { tabSize: 2, insertSpaces: true };
  assert.deepEqual(formatSettingsFrom(undefined, editor), { indent: { tabs: false, width: 2 }, keywordCase: 'preserve' });
  const fluff = '[sqlfluff]\ndialect = duckdb\n\n[sqlfluff:indentation]\nindent_unit = tab\ntab_space_size = 4\n\n[sqlfluff:rules:capitalisation.keywords]\ncapitalisation_policy = upper\n';
  const settings = formatSettingsFrom(fluff, editor);
  assert.deepEqual(settings, { indent: { tabs: true, width: 4 }, keywordCase: 'upper' });
  assert.equal(formatted('select a from t\n', settings), 'SELECT\n\ta\nFROM\n\tt\n');
  assert.deepEqual(formatSettingsFrom('not [ini', editor), { indent: { tabs: false, width: 2 }, keywordCase: 'preserve' });
});
