// Static diagnostics of a model: each at the user's text, all of them, none from Jinja comments.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file } from '../helpers/projectTexts';
import { fileDiagnostics } from '../../server/src/features/diagnostics';

const MODEL = 'models/marts/probe.sql';

/** Diagnostics of `text` as a new model, as [code, text at the range, message]. */
function check(text: string, expected: Array<[string, string, string?]>, extra: Record<string, string> = {}) {
  const p = makeProject({ [MODEL]: text, ...extra });
  const got = fileDiagnostics(p, file(MODEL)).map((d) => [d.code, text.slice(d.start, d.end), d.message]);
  assert.deepEqual(got.map((g, i) => (expected[i]?.[2] === undefined ? g.slice(0, 2) : g)), expected);
}

test('a clean model has no diagnostics', () => {
  check("select * from {{ ref('stg_customers') }} join {{ source('bronze', 'orders') }} on true where x = '{{ var(\"region\") }}'", []);
});

test('unknown ref, source, table, macro and var, with did-you-mean', () => {
  check("select * from {{ ref('stg_customer') }}", [['unknown-ref', 'stg_customer', "Model 'stg_customer' not found. Did you mean 'stg_customers'?"]]);
  check("select * from {{ source('bronz', 'orders') }}", [['unknown-source', 'bronz', "Source 'bronz' not found. Did you mean 'bronze'?"]]);
  check("select * from {{ source('bronze', 'order') }}", [['unknown-source-table', 'order', "Source 'bronze' has no table 'order'. Did you mean 'orders'?"]]);
  check("select {{ cents_to_dolars('x') }}", [['unknown-macro', 'cents_to_dolars', "Macro 'cents_to_dolars' not found. Did you mean 'cents_to_dollars'?"]]);
  check("select '{{ var('regio') }}'", [['unknown-var', 'regio', "Var 'regio' is not defined in dbt_project.yml vars and has no default. Did you mean 'region'?"]]);
  check("select {{ ref('zzzzzz') }}", [['unknown-ref', 'zzzzzz', "Model 'zzzzzz' not found."]]);
});

test('all problems are reported, not just the first', () => {
  check("{{ config(materialized='tabel') }}\nselect {{ ref('nope1') }}, {{ ref('nope2') }}\n{% if x %}", [
    ['jinja-unclosed-tag', 'if'], ['config-invalid-value', "'tabel'"], ['unknown-ref', 'nope1'], ['unknown-ref', 'nope2'],
  ]);
});

test('nothing is reported from Jinja comments', () => {
  check("select 1 {# {{ ref('missing') }} {{ config(materialized='x') }} #}", []);
});

test('locally defined macros and set variables are not unknown', () => {
  check("{% macro local(x) %}{{ x }}{% endmacro %}{% set f = local %}select {{ local(1) }}, {{ f(2) }}", []);
});

test('cycles name the path', () => {
  check("select * from {{ ref('probe2') }}", [['ref-cycle', 'probe2', 'Circular reference: probe → probe2 → probe']], { 'models/marts/probe2.sql': "select * from {{ ref('probe') }}" });
  check("select * from {{ ref('probe') }}", [['ref-cycle', 'probe', 'Circular reference: probe → probe']]);
});

test('config keys: a likely typo is a warning with the known key; adapter and custom keys are accepted (as dbt does)', () => {
  const typo = makeProject({ [MODEL]: "{{ config(materialised='table') }}" });
  const [d] = fileDiagnostics(typo, file(MODEL));
  assert.equal(d.severity, 'warning');
  assert.equal(d.message, "Unknown config key 'materialised'. Did you mean 'materialized'?");
  const adapter = makeProject({ [MODEL]: "{{ config(cluster_by=['x'], transient=false, labels={'a': 'b'}, colour='red', partition_by={'field': 'd'}) }}" });
  assert.deepEqual(fileDiagnostics(adapter, file(MODEL)), []);
});

test('YAML: syntax errors and descriptions of unknown models', () => {
  const p = makeProject({ 'models/x.yml': 'models:\n  - name: stg_customerz\n' });
  const diags = fileDiagnostics(p, file('models/x.yml'));
  assert.deepEqual(diags.map((d) => [d.code, d.severity]), [['yaml-unknown-model', 'warning']]);
  assert.match(diags[0].message, /Did you mean 'stg_customers'/);
});

test('seeds with quote_columns: false: a header dbt cannot create unquoted is an error at the column; quoted, all is well', () => {
  const csv = 'id,"Order Date",select,amount$\n1,2024-01-01,x,3\n';
  const seed = (config: string) => makeProject({ 'seeds/raw_orders.csv': csv, 'seeds/schema.yml': `version: 2\nseeds:\n  - name: raw_orders\n    config: {${config}}\n` });
  const got = (config: string) => fileDiagnostics(seed(config), file('seeds/raw_orders.csv')).map((d) => [d.code, csv.slice(d.start, d.end), d.message]);
  assert.deepEqual(got('quote_columns: false'), [
    ['seed-column-unquoted', '"Order Date"', "Seed column 'Order Date' is not a plain identifier, and quote_columns is false, so dbt cannot create the seed's table. Rename the column or set quote_columns: true."],
    ['seed-column-unquoted', 'select', "Seed column 'select' is a reserved word in DuckDB, and quote_columns is false, so dbt cannot create the seed's table. Rename the column or set quote_columns: true."],
  ]);
  assert.deepEqual(got('quote_columns: true'), []);
  assert.deepEqual(got('column_types: {id: integer}'), [], "dbt's default quotes seed columns");
  const semicolons = makeProject({ 'seeds/raw_orders.csv': 'id;order date\n1;x\n', 'seeds/schema.yml': 'version: 2\nseeds:\n  - name: raw_orders\n    config: {quote_columns: false, delimiter: ";"}\n' });
  assert.deepEqual(fileDiagnostics(semicolons, file('seeds/raw_orders.csv')).map((d) => [d.start, d.end]), [[3, 13]]);
});

test("a stray end tag between a macro file's blocks is a warning, as dbt skips it; inside a block it stays an error (dbt_artifacts 2.6.3)", () => {
  const macros = 'macros/stray.sql';
  const text = '{% macro a() %}x{%- endmacro %}\n\n{%- endmacro %}\n{% macro b() %}{% if 1 %}y{% endfor %}{% endif %}{% endmacro %}\n';
  const p = makeProject({ [macros]: text });
  const got = fileDiagnostics(p, file(macros)).map((d) => [d.severity, d.code, text.slice(d.start, d.end)]);
  assert.deepEqual(got, [['warning', 'jinja-unexpected-tag', 'endmacro'], ['error', 'jinja-unexpected-tag', 'endfor']]);
  assert.ok(p.macro('a') && p.macro('b'));
});
