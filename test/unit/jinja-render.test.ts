// Rendering with the dbt context (nunjucks) and the source map back to the template.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scanTemplate } from '../../server/src/jinja/scanner';
import { renderTemplate } from '../../server/src/jinja/render';
import { DbtJinjaEnvironment, splitKeywords, type RenderHooks } from '../../server/src/jinja/environment';
import { relationValue } from '../../server/src/jinja/dbtContext';

const macros = "{% macro cents(x, scale=2) %}({{ x }} / 100)::decimal(18, {{ scale }}){% endmacro %}"
  + "{% macro answer() %}{{ return(42) }}{% endmacro %}{% macro default__quoted(x) %}\"{{ x }}\"{% endmacro %}"
  + '{% macro rawm() %}{% raw -%}  {{ a }}  {%- endraw -%}  |  {% endmacro %}';
const env = new DbtJinjaEnvironment([{ file: '/m.sql', text: macros, packageName: 'p', root: true }],
  ['cents', 'answer', 'default__quoted', 'rawm'].map((name) => ({ name, file: '/m.sql' })));
const hooks: RenderHooks = {
  ref: (a) => { const { positional, named } = splitKeywords(a); return `"${positional.join('.')}${named.version ? `_v${named.version}` : ''}"`; },
  source: (a) => `"${a[0]}"."${a[1]}"`,
  config: () => '',
  var: (a) => (a[0] === 'known' ? 'K' : a[1]),
  this: { toString: () => '"me"', name: 'me' },
  target: { name: 'dev', schema: 'main' },
};

function render(template: string) {
  return renderTemplate(env, template, scanTemplate(template), hooks);
}

function check(template: string, expected: string) {
  const r = render(template);
  assert.equal(r.problem, undefined, r.problem?.message);
  assert.equal(r.sql, expected);
}

test('dbt context: ref, source, var, this, target, is_incremental', () => {
  check("{{ ref('a') }} {{ ref('pkg', 'b') }} {{ ref('c', version=2) }}", '"a" "pkg.b" "c_v2"');
  check("{{ source('raw', 'events') }}", '"raw"."events"');
  check("{{ var('known') }} {{ var('other', 'dflt') }} {{ this }} {{ target.name }}", 'K dflt "me" dev');
  check('{% if is_incremental() %}inc{% else %}full{% endif %}', 'full');
  check("{{ env_var('FLOE_TEST_UNSET_VAR', 'fallback') }}", 'fallback');
});

test("a macro file's raw block trims by its tags' `-` as Jinja2 does (nunjucks did not parse `{%- endraw -%}`)", () => {
  check('[{{ rawm() }}]', '[{{ a }}|  ]');
});

test('an int power past what Floe computes is an OverflowError worded for the user, not JavaScript\'s bigint error', () => {
  assert.match(render('{{ 2 ** 10000000000 }}').problem?.message ?? '', /^OverflowError: .*5 million digits/);
  check('{{ (2 ** 64) | round(-1000000000) }}|{{ 3 ** 40 }}', '0|12157665459056928801');
});

test('control flow and dbt tags: set, for, macro, call, do, filter, whitespace control', () => {
  check("{% set cols = ['a', 'b'] %}{% for c in cols %}{{ c }}{% if not loop.last %}, {% endif %}{% endfor %}", 'a, b');
  check('{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}{{ twice("ab") }}', 'abab');
  check('{% set l = [] %}{% do l.append(1) %}{% do l.append(2) %}{{ l | length }}', '2');
  check('{% filter upper %}abc{% endfilter %}', 'ABC');
  check('{% macro wrap() %}[{{ caller() }}]{% endmacro %}{% call wrap() %}in{% endcall %}', '[in]');
  check('a\n  {%- if True %} b {% endif -%}\n  c', 'a b c');
  check('{{ None is none }} {{ {"k": 1}.items() | list | length }}', 'True 1');
});

test('project macros, return() and adapter.dispatch', () => {
  check("{{ cents('amount') }}", '(amount / 100)::decimal(18, 2)');
  check('{{ answer() + 1 }}', '43');
  check("{{ adapter.dispatch('quoted')('x') }}", '"x"');
});

test('render errors are data at the user position', () => {
  const text = 'select\n  {{ missing_macro() }}';
  const r = render(text);
  assert.equal(r.problem?.code, 'jinja-render');
  assert.equal(text.slice(r.problem!.start, r.problem!.end), 'missing_macro');
  const bad = render('select {% if %}');
  assert.equal(bad.problem?.code, 'jinja-syntax');
  // a missing comma between keyword arguments (a real snapshot's config): worded without the parser's function names
  const comma = render("{{ config(meta={'owner': 'x'}\n  target_schema='s') }}");
  assert.equal(comma.problem?.code, 'jinja-syntax');
  assert.equal(comma.problem?.message, 'Jinja syntax error: expected comma after expression. Check the brackets, quotes and commas of this block.');
});

/** Source map: the compiled text `needle` maps back to template text `expected`. */
function checkMap(template: string, needle: string, expected: string) {
  const r = render(template);
  const at = r.sql.indexOf(needle);
  assert.ok(at >= 0, `${needle} not in ${r.sql}`);
  const span = r.map.toTemplate(at, needle.length);
  assert.equal(template.slice(span.start, span.end), expected);
}

test('source map points compiled SQL at the template', () => {
  const t = "{{ config(materialized='view') }}\nselect a,\n  {{ cents('b') }} as c\nfrom {{ ref('x') }}\nwhere zz > 1";
  checkMap(t, 'zz', 'zz');
  checkMap(t, 'select a', 'select a');
  checkMap(t, '"x"', "{{ ref('x') }}");
  checkMap(t, '100', "{{ cents('b') }}");
  checkMap('{% for i in [1, 2] %}col{{ i }} {% endfor %}bad', 'bad', 'bad');
  checkMap('{%- set x = 1 -%}\n\n   wrong', 'wrong', 'wrong');
});

test("lower/upper print any value as Python's str() first, as Jinja2 does (a list, a dict, a number, none)", () => {
  check("{{ undefined_name | lower }}|{{ ['Ab', 'C'] | lower }}|{{ {'K': 'V'} | upper }}|{{ 12 | lower }}|{{ none | lower }}|{{ 'Mixed' | upper }}",
    "|['ab', 'c']|{'K': 'V'}|12|none|MIXED");
});

test("config.meta_get / config.meta_require (dbt >= 1.10) render as config.get does: the default", () => {
  check("{{ config.meta_get('surrogate_key', 'sk') }}|{{ config.meta_get('x', default='d') }}|{{ config.meta_get('y') }}|{{ config.meta_require('z') }}", 'sk|d|None|None');
});

test("a negative index counts from the end of a list or str, as in Python (solana-models: `this.identifier.split('_') [-2]`)", () => {
  check("{% set parts = 'bronze__program_parser'.split('_') %}{{ parts[-2] ~ '_' ~ parts [-1] }}|{{ [1, 2, 3][-1] }}|{{ 'abc'[-1] }}|{{ [1][-2] is undefined }}",
    'program_parser|3|c|True');
});

test("an unqualified macro name resolves in the rendered node's own package first, then the root project (dbt's local namespace)", () => {
  // fivetran's tiktok_ads and reddit_ads both define get_campaign_country_report_columns; each package's models use their own.
  const file = (packageName: string, root = false) => ({ file: `/${packageName}.sql`, text: `{% macro cols() %}${packageName}{% endmacro %}{% macro default__d() %}${packageName}{% endmacro %}`, packageName, root });
  const two = new DbtJinjaEnvironment([file('root', true), file('tiktok_ads'), file('reddit_ads')],
    ['root', 'tiktok_ads', 'reddit_ads'].flatMap((p) => ['cols', 'default__d'].map((name) => ({ name, file: `/${p}.sql` }))));
  const t = "{{ cols() }} {{ adapter.dispatch('d')() }}";
  const as = (packageName?: string) => renderTemplate(two, t, scanTemplate(t), { ...hooks, packageName }).sql;
  assert.equal(as('tiktok_ads'), 'tiktok_ads tiktok_ads');
  assert.equal(as('reddit_ads'), 'reddit_ads reddit_ads');
  assert.equal(as('root'), 'root root');
  assert.equal(as(undefined), 'root root');
});

// renderTemplate renders a quick form first (text left out, string literals as names, compiled templates shared);
// these pin where it must print exactly what the full template prints.
test('the quick form prints what the full template prints: caller and filter text, text before a comment, literals', () => {
  // nunjucks trims the text before a comment for the `{%-` after it (the comment is not in the template)
  check('a  {# c #}{%- if true %}b{% endif %}', 'ab');
  // a macro's caller() and a filter see the text itself
  check("{% macro up() %}{{ caller() | upper }}{% endmacro %}{% call up() %}abc {{ 'd' }}{% endcall %}!", 'ABC D!');
  check('{% macro strip() %}[{{ caller() | trim }}]{% endmacro %}{% call strip() %}  x  {% endcall %}', '[  x]');
  // models alike but for their text and literals share one compiled template, each with its own values
  check("select 1 from {{ ref('a') }}", 'select 1 from "a"');
  check("select 2 from {{ ref('b') }}", 'select 2 from "b"');
  check("{{ 'a\\nb' }}|{{ \"it's\" }}|{{ 'x' 'y' }}|{{ 'q' is string }}|{% if 'b' is in 'abc' %}in{% endif %}", "a\nb|it's|xy|True|in");
  check("{% macro m(x='dflt') %}{{ x }}{% endmacro %}{{ m() }} {{ m('given') }} {{ '%s-%s' % ('x', 'y') }}", 'dflt given x-y');
  check('{% raw %}{{ not rendered }}{% endraw %} {{ "r" }}', '{{ not rendered }} r');
  // text nunjucks rejects is still rejected
  assert.equal(render('select 1 #} from t').problem?.message, 'unexpected end of comment');
  checkMap("{{ config(materialized='view') }}\nselect a from {{ ref('x') }} where zz", 'zz', 'zz');
});

test("a relation's keys keep their order whatever builds it (tojson, items() and dict() show it)", () => {
  const naming = ['database', 'schema', 'identifier', 'name', 'table', 'project', 'dataset', 'metadata'];
  const rest = ['is_table', 'is_view', 'is_cte', 'toString', 'render', 'include', 'incorporate', 'quote', 'replace_path', 'information_schema', 'without_identifier'];
  assert.deepEqual(Object.keys(relationValue('"x"', { name: 'x', identifier: 'x', schema: 's', database: 'd' })), [...naming, 'type', ...rest]);
  assert.deepEqual(Object.keys(relationValue('"x"', { identifier: 'x', schema: 's' })), [...naming, 'type', ...rest]);
  assert.deepEqual(Object.keys(relationValue('"x"', { database: 'd', schema: 's', identifier: 'x', type: 'view' })), [...naming.slice(0, 3), 'type', ...naming.slice(3), ...rest]);
  const r = relationValue('"d"."s"."x"', { name: 'x', identifier: 'x', schema: 's', database: 'd' }) as Record<string, any>;
  assert.equal(String(r.without_identifier()), '"d"."s"');
  assert.equal(String(r.information_schema('columns')), '"d".INFORMATION_SCHEMA.columns');
  assert.equal(r.include(), r);
});

test("tojson as dbt's: the global is json.dumps (keys as given, sort_keys=), the filter Jinja2's (keys sorted, HTML characters escaped)", () => {
  check('{{ tojson({"b": 1, "a": [2.0, none, true], "é": "x"}) }}|{{ tojson({"b": 1, "a": 2}, sort_keys=true) }}', '{"b": 1, "a": [2.0, null, true], "\\u00e9": "x"}|{"a": 2, "b": 1}');
  check(`{{ {"b": 1.0, "a": [2.0, 0.5], "c": "<é'&>"} | tojson }}`, '{"a": [2.0, 0.5], "b": 1.0, "c": "\\u003c\\u00e9\\u0027\\u0026\\u003e"}');
});

test("the string filter prints any value as Python's str(), undefined as '' (wbx_dbt: `results_list[0] | string()` of an empty list)", () => {
  check("{% set rows = [] %}[{{ rows[0] | string() }}]|{{ rows[0] | string == 'True' }}|{{ none | string }}|{{ true | string }}|{{ 3 | string }}", '[]|False|None|True|3');
});

test("floats print as Python's repr and stay floats through arithmetic; comparisons read their value", () => {
  check('{{ 1.0 }} {{ 100.0 }} {{ -0.0 }} {{ 0.5 }} {{ 0.00001 }} {{ 10000000000000000.0 }} {{ 15000000000000000.0 }}', '1.0 100.0 -0.0 0.5 1e-05 1e+16 1.5e+16');
  check('{% set x = 1.0 %}{{ x * 2 }} {{ x + 1 }} {{ 3 - x }} {{ x ** 2 }} {{ 7 // 2.0 }} {{ 5.0 % 2 }} {{ -x }}', '2.0 2.0 2.0 1.0 3.0 1.0 -1.0');
  check('{{ 4 / 2 }} {{ 7 // 2 }} {{ 2 * 3 }} {{ 5 % 3 }} {{ "-" * 3 }}', '2.0 3 6 2 ---');
  check('{% set x = 1.0 %}{{ x == 1 }} {{ x == 1.0 }} {{ x != 1 }} {{ x < 2 }} {{ x > 1 }} {{ 1 in [x] }} {{ x in [1, 2] }}', 'True True False True False True True');
  check('{% set z = 0.0 %}{% if z %}yes{% else %}no{% endif %} {{ z or "empty" }} {{ 1.0 is number }} {{ 1.0 is float }} {{ 1 is float }} {{ 1.0 is integer }}', 'no empty True True False False');
  check('{{ 1 | float }} {{ 2.5 | round }} {{ 3.5 | round }} {{ -2.0 | abs }} {{ 1.0 | int }} {{ 1.0 | string }} {{ [1.0, 2] }} {{ {"a": 1.0} }}', "1.0 2.0 4.0 2.0 1 1.0 [1.0, 2] {'a': 1.0}");
  check('{{ [1.0, 2] | sum }} {{ [1, 2] | sum }} {{ {"a": 1.0, "b": [2.0, 0.5]} | tojson }}', '3.0 3 {"a": 1.0, "b": [2.0, 0.5]}');
  check("{{ 'x = %s' % 1.0 }} {{ 'x = {}'.format(1.0) }} {{ [1.0, 2.0] | join(',') }} {{ 1.0 ~ '' }}", 'x = 1.0 x = 1.0 1.0,2.0 1.0');
  // Jinja2's number literals: nunjucks read 1e3 and 1_000 as undefined names (printing nothing) and 2E-3 as nan
  check("{{ 1e3 }} {{ 1_000 }} {{ 1.5e3 }} {{ 2E-3 }} {{ 1e-3 }} {{ 0x1F }} {{ 0b101 }} {{ 0o17 }} {{ 1_0.5 }} {{ 1e3 * 2 }} {{ [1e2, 2] }} {{ 'a1e3' }}",
    "1000.0 1000 1500.0 0.002 0.001 31 5 15 10.5 2000.0 [100.0, 2] a1e3");
});

// Each expected output is what Jinja2 3.1 renders, dbt's tojson being json.dumps(value, sort_keys=sort_keys).
test("tojson is Python's json.dumps: `, ` and `: `, floats as 1.0, \\uXXXX for non-ASCII; the filter sorts keys and escapes for HTML", () => {
  check("{{ {'b': 1, 'a': '<é&\\'>'} | tojson }}", '{"a": "\\u003c\\u00e9\\u0026\\u0027\\u003e", "b": 1}');
  check("{{ [1.0, {'z': none, 'y': true}] | tojson(indent=2) }}", '[\n  1.0,\n  {\n    "y": true,\n    "z": null\n  }\n]');
  check("{{ tojson({'b': 1.0, 'a': ['é', '\\n', 2.5, -0.0]}) }} {{ tojson({'b': 1, 'a': 2}, sort_keys=true) }}", '{"b": 1.0, "a": ["\\u00e9", "\\n", 2.5, -0.0]} {"a": 2, "b": 1}');
  // keys as json.dumps writes Python's: a float by repr, True equal to 1.0 (one key), None as null
  check("{{ tojson({1.0: 'x', 2: 'y', none: 1, true: 2}) }}", '{"1.0": 2, "2": "y", "null": 1}');
  check("{% set l = [] %}{% do l.append(l) %}{{ tojson(l, 'circular') }}", 'circular');
  // a relation is no JSON value, in dbt (TypeError) as here; JSON.stringify wrote its fields
  assert.match(String(render('{{ tojson({"t": this}) }}').problem?.message), /Object of type \w+ is not JSON serializable/);
  // and fromjson is json.loads: a number with a dot or an exponent is a float; bad JSON gives the default
  check("{{ fromjson('{\"a\": 1.0, \"b\": 1e3, \"c\": 2, \"d\": [0.5, -0.0]}') }} {{ fromjson('nope', 'dflt') }}", "{'a': 1.0, 'b': 1000.0, 'c': 2, 'd': [0.5, -0.0]} dflt");
});

test("dict keys that are not strings: a float key prints 1.0, equal numbers are one key (1 == 1.0 == True), lookups by any of them", () => {
  check("{% set d = {1.0: 'a', 2: 'b'} %}{{ d }} {{ d[1] }} {{ d[2.0] }} {{ d.get(1) }} {{ 2.0 in d }} {{ d.keys() | list }}", "{1.0: 'a', 2: 'b'} a b a True [1.0, 2]");
  check("{{ {1: 'a', 1.0: 'b'} }} {{ {1.0: 'a', 1: 'b'} }} {{ {true: 'x', 1: 'y'} }} {{ {none: 1}[none] }}", "{1: 'b'} {1.0: 'b'} {True: 'y'} 1");
  check("{% set d = {} %}{% do d.update({1.0: 'x'}) %}{{ d }} {{ d.pop(1) }} {{ d.setdefault(2.0, 'y') }} {{ d }} {{ d.get(2) }}", "{1.0: 'x'} x y {2.0: 'y'} y");
});

test("a loop's `loop` attributes, nested, over a dict, after a `for … if`; one frame write per item (eth-models' get_var)", () => {
  check("{% for x in ['a', 'b', 'c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}"
    + "{{ loop.first }}{{ loop.last }}{{ loop.length }};{% endfor %}", '1032TrueFalse3;2121FalseFalse3;3210FalseTrue3;');
  check("{% for o in [1, 2] %}{% set outer = loop %}{% for i in [7, 8, 9] %}{{ outer.index }}.{{ loop.index }}/{{ loop.length }} {% endfor %}"
    + "{{ loop.last }} {% endfor %}", '1.1/3 1.2/3 1.3/3 False 2.1/3 2.2/3 2.3/3 True ');
  check("{% for k, v in {'a': 1, 'b': 2}.items() %}{{ k }}{{ v }}{{ loop.index }}{{ loop.last }} {% endfor %}", 'a11False b22True ');
  check("{% for x in [1, 2, 3, 4] if x is even %}{{ x }}:{{ loop.index }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %}", '2:1/2,4:2/2');
  check("{% set loop = 'mine' %}{% for x in [1] %}{{ loop.first }}{% endfor %} {{ loop }}", 'True mine');
  // Work per item: a plain loop writes its item and its `loop`, no more (nunjucks wrote `loop.*` seven times).
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const frame = require('nunjucks/src/runtime').Frame.prototype;
  const set = frame.set;
  let writes = 0;
  frame.set = function (this: unknown, ...a: unknown[]) { writes++; return set.apply(this, a); };
  try {
    check('{% for i in range(1000) %}{% endfor %}.', '.');
  } finally {
    frame.set = set;
  }
  assert.ok(writes < 1100, `${writes} frame writes for 1,000 items`);
});

test("trim is Python's str(value).strip(chars): undefined gives '', none 'None' (fsc-utils' naming macros trim `name.split('__')[1]`)", () => {
  check("{% set parts = 'live'.split('__') %}[{{ parts[1] | trim }}][{{ none | trim }}][{{ '  a b \\n' | trim }}][{{ 'xxaxyx' | trim('xy') }}][{{ 12 | trim }}]", '[][None][a b][a][12]');
});

// Expected values are real Jinja2 3.1's (jinja2.Environment(), the default Undefined dbt compiles with).
test('iterating filters read an undefined value as empty and a dict as its keys, as Jinja2 does', () => {
  const d = "{% set d = {'k': 1} %}";
  check(d + "[{{ d.missing | first }}][{{ d.missing | last }}][{{ d.missing | first is undefined }}][{{ d.missing | last | default('z') }}]", '[][][True][z]');
  check(d + "{{ d.missing | list }}{{ d.missing | batch(2) | list }}{{ d.missing | select | list }}{{ d.missing | reject('odd') | list }}", '[][][][]');
  check(d + "{{ d.missing | selectattr('a') | list }}{{ d.missing | rejectattr('a', 'equalto', 1) | list }}{{ d.missing | count }}{{ d.missing | random }}", '[][]0');
  check("{{ {'a': 1, 'b': 2} | list }} {{ {'a': 1, 'b': 2} | first }} {{ {'a': 1, 'b': 2} | last }} {{ 'ab' | list }} {{ {'a': 1} | count }}", "['a', 'b'] a b ['a', 'b'] 1");
  check("{{ [1, 2, 3, 4, 5] | batch(2) | list }} {{ [1, 2, 3] | batch(2, 'x') | list }}", "[[1, 2], [3, 4], [5]] [[1, 2], [3, 'x']]");
  check("[{{ d.missing | wordcount }}][{{ 'a b-c' | wordcount }}]", '[0][3]');
});

test('selectattr and rejectattr apply their test (`selectattr("a", "equalto", 1)`), not only the attribute\'s truth', () => {
  const rows = "{% set rows = [{'a': 1}, {'a': 2}, {'b': 3}, {'a': 0}] %}";
  check(rows + "{{ rows | selectattr('a', 'equalto', 1) | list }} {{ rows | rejectattr('a', 'equalto', 1) | list }}", "[{'a': 1}] [{'a': 2}, {'b': 3}, {'a': 0}]");
  check(rows + "{{ rows | selectattr('a') | list }} {{ rows | selectattr('a', 'defined') | list | length }} {{ [1, 2, 3] | select('odd') | list }}", "[{'a': 1}, {'a': 2}] 3 [1, 3]");
});

test('int, float, abs, round and tojson of an undefined value are errors, as in Jinja2 (they printed 0, 0.0, nan or null)', () => {
  for (const filter of ['int', 'float', 'abs', 'round']) {
    const r = render(`{% set d = {} %}{{ d.missing | ${filter} }}`);
    assert.equal(r.problem?.message, `'${filter}' of an undefined value: Jinja raises UndefinedError here (a var, config value or attribute this code expects is missing)`);
  }
  check("{{ none | int }} {{ 'x' | int }} {{ '2' | float }}", '0 0 2.0');
  assert.equal(render('{% set d = {} %}{{ d.missing | tojson }}').problem?.message, 'Object of type Undefined is not JSON serializable: tojson of an undefined value (a var, config value or attribute this code expects is missing)');
  check('{{ none | tojson }}', 'null');
});

test("a method called on a missing attribute names what lacks it, as Jinja2's UndefinedError does", () => {
  const vars = "{% set d = {'k': 1, 'n': none} %}{% set l = [1] %}";
  const message = (t: string) => render(vars + t).problem?.message;
  const tail = 'cannot be called: a var, config value or attribute this code expects is missing.';
  assert.equal(message('{{ d.missing_attr.upper() }}'), `'dict object' has no attribute 'missing_attr', so 'd.missing_attr.upper()' ${tail}`);
  assert.equal(message("{{ d['a'].b.strip() }}"), `'dict object' has no attribute 'a', so 'd.a.b.strip()' ${tail}`);
  assert.equal(message('{{ d.n.upper() }}'), `'None' has no attribute 'upper', so 'd.n.upper()' ${tail}`);
  assert.equal(message('{{ d.k.upper() }}'), `'int object' has no attribute 'upper', so 'd.k.upper()' ${tail}`);
  assert.equal(message('{{ l.x.y() }}'), `'list object' has no attribute 'x', so 'l.x.y()' ${tail}`);
  // an undefined name, or a name a dict (a package's macros) lacks, is still an unknown macro
  assert.match(String(message('{{ dbt_utilz.star() }}')), /^'dbt_utilz.star' is not defined: no macro/);
  assert.match(String(message('{{ d.nomacro() }}')), /^'d.nomacro' is not defined: no macro/);
  check("{% set d = {'s': ' a '} %}{{ d.s.strip() }}|{{ cents(1) }}", 'a|(1 / 100)::decimal(18, 2)');
});

test("groupby gives (grouper, list) pairs sorted by key, with .grouper and .list; slice gives n near-equal lists", () => {
  const rows = "{% set rows = [{'a': 2, 'n': 'x'}, {'a': 1, 'n': 'y'}, {'a': 2, 'n': 'z'}] %}";
  check(rows + "{% for g in rows | groupby('a') %}{{ g.grouper }}:{{ g.list | map(attribute='n') | join(',') }} {% endfor %}", '1:y 2:x,z ');
  check(rows + "{% for k, items in rows | groupby('a') %}{{ k }}={{ items | length }}/{% endfor %}{% for g in rows | groupby('a') %}{{ g[0] }}{% endfor %}", '1=1/2=2/12');
  const names = "{% set rows = [{'a': 'B'}, {'a': 'b'}, {'a': 'a'}, {'b': 1}] %}";
  check(names + "{% for g in rows | groupby('a', default='z') %}{{ g.grouper }}{{ g.list | length }} {% endfor %}|{% for g in rows[:2] | groupby('a', case_sensitive=true) %}{{ g.grouper }}{% endfor %}", 'a1 B2 z1 |Bb');
  check("{% set d = {} %}{{ [1, 2, 3, 4, 5, 6, 7] | slice(3) | list }} {{ [1, 2, 3, 4, 5, 6, 7] | slice(3, 0) | list }} {{ d.missing | slice(2) | list }} {{ d.missing | groupby('a') | list }}",
    '[[1, 2, 3], [4, 5], [6, 7]] [[1, 2, 3], [4, 5, 0], [6, 7, 0]] [[], []] []');
});

// Expected values are Jinja2 3.1.6's.
test("indent as Jinja2's: blank lines and a trailing line break unindented unless blank=true, first=, a width string; undefined is an error", () => {
  check("[{{ 'a\\n\\nb\\n' | indent }}][{{ 'a\\r\\nb' | indent(2, true) }}][{{ '' | indent(first=true) }}][{{ 'a\\n\\nb\\n' | indent(width='> ', blank=true) }}]",
    '[a\n\n    b\n][  a\n  b][    ][a\n> \n> b\n> ]');
  assert.equal(render('{% set d = {} %}{{ d.missing | indent }}').problem?.message, "'indent' of an undefined value: Jinja raises UndefinedError here (a var, config value or attribute this code expects is missing)");
  // (Jinja2 raises TypeError for a value that is not a str; one may be None here only because execute is false)
  check('{{ none | indent }}|{{ 5 | indent }}', 'None|5');
});

test("tuples print as Python's: literals, items(), |items, |dictsort, zip(), partition(), loop.cycle's arguments", () => {
  check("{{ (1,) }}|{{ () }}|{{ (1) }}|{% set t = ('a', 'b') %}{{ t }}{{ t[0] }}{{ t | join(',') }}|{{ ('a',) + ('b',) }}|{{ 'a-b'.partition('-') }}|{{ [(1, 'x')] }}|{{ {'t': (1, 2.0)} }}",
    "(1,)|()|1|('a', 'b')aa,b|('a', 'b')|('a', '-', 'b')|[(1, 'x')]|{'t': (1, 2.0)}");
  check("{{ {'a': 1} | dictsort }}|{{ zip([1, 3], [2]) | list }}|{{ {'a': 1} | items | list }}|{{ {'a': 1}.items() | list }}|{{ ('a', 'b') | list }}|{{ [1] + [2] }}",
    "[('a', 1)]|[(1, 2)]|[('a', 1)]|[('a', 1)]|['a', 'b']|[1, 2]");
  check("{% for x in [1, 2, 3] %}{{ loop.cycle((1, 2), 'b') }}{% endfor %}|{% for k, v in {'a': 1}.items() %}{{ k }}{{ v }}{% endfor %}|{{ 'x' in ('x', 'y') }}", '(1, 2)b(1, 2)|a1|True');
  // where id in {{ ids }}: a tuple prints as SQL's list of values
  check("where id in {{ ('a', 'b') }}", "where id in ('a', 'b')");
});

test("a dict keeps insertion order with integer-like keys ('2', 1), as Python's: printing, keys(), items(), for, filters, tojson, update, pop, dict(), copy()", () => {
  const d = "{% set d = {'b': 1, '2': 2, 1: 3} %}";
  check(d + "{{ d }}|{{ d.keys() | list }}|{% for k in d %}{{ k }}{% endfor %}|{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}|{{ d | list }}|{{ d | first }}|{{ d | join(',') }}|{{ d.values() | list }}|{{ tojson(d) }}",
    "{'b': 1, '2': 2, 1: 3}|['b', '2', 1]|b21|b=1,2=2,1=3,|['b', '2', 1]|b|b,2,1|[1, 2, 3]|{\"b\": 1, \"2\": 2, \"1\": 3}");
  check(d + "{% do d.update({'0': 'z', 'b': 5}) %}{{ d }}|{{ d.pop('2') }}{{ d }}|{{ dict(d, x=1) }}|{{ d.copy() }}|{% set e = {'x': 1} %}{% do e.update({3: 'q'}) %}{% do e.setdefault('1', 'w') %}{{ e }}",
    "{'b': 5, '2': 2, 1: 3, '0': 'z'}|2{'b': 5, 1: 3, '0': 'z'}|{'b': 5, 1: 3, '0': 'z', 'x': 1}|{'b': 5, 1: 3, '0': 'z'}|{'x': 1, 3: 'q', '1': 'w'}");
  // `for k in d` iterates a dict's keys (it iterated nothing)
  check("{% for k in {'a': 1, 'b': 2} %}{{ k }}{{ loop.index }}{% endfor %}|{% for k in {} %}x{% else %}empty{% endfor %}", 'a1b2|empty');
});

// Expected errors are Jinja2 3.1.6's (dbt compiles with its default Undefined); the rest render as dbt renders them.
test("an attribute or item of a missing attribute is Jinja2's UndefinedError; dbt's usual reads of missing keys still render", () => {
  const vars = "{% set d = {'k': 1, 'n': none} %}{% set l = [1] %}";
  const message = (t: string, h: RenderHooks = hooks) => { const text = vars + t; return renderTemplate(env, text, scanTemplate(text), h).problem?.message; };
  const tail = 'a var, config value or attribute this code expects is missing.';
  assert.equal(message('{{ d.missing.x }}'), `'dict object' has no attribute 'missing', so 'd.missing.x' cannot be read: ${tail}`);
  assert.equal(message("{{ d['missing']['x'] }}"), `'dict object' has no attribute 'missing', so 'd.missing.x' cannot be read: ${tail}`);
  assert.equal(message('{% if d.a.b.c %}{% endif %}'), `'dict object' has no attribute 'a', so 'd.a.b' cannot be read: ${tail}`);
  assert.equal(message('{{ d[5].x }}'), `dict object has no element 5, so 'd[5].x' cannot be read: ${tail}`);
  assert.equal(message('{{ l.x.y }}'), `'list object' has no attribute 'x', so 'l.x.y' cannot be read: ${tail}`);
  assert.equal(message('{{ d.k.x.y }}'), `'int object' has no attribute 'x', so 'd.k.x.y' cannot be read: ${tail}`);
  assert.equal(message("{{ var('a', {}).b.c }}"), `'dict object' has no attribute 'b', so 'var(…).b.c' cannot be read: ${tail}`);
  // what dbt renders: .get on a dict, one missing attribute, a default, None's attribute, and Floe's own stand-ins for
  // dbt's objects (model, target, graph, a loop, a column), whose attributes are not all dbt's
  const model: RenderHooks = { ...hooks, extra: { model: { name: 'm', config: {} } } };
  assert.equal(message("[{{ d.get('x') }}][{{ var('a', {}).get('b') }}][{{ config.get('x') }}][{{ d.missing }}][{{ d.missing | default('z') }}][{{ d.n.x }}]"), undefined);
  assert.equal(message('{{ model.config.meta.x }}{{ target.foo.bar }}{{ graph.nodes.x.y }}{% for x in [1] %}{{ loop.previtem.x }}{% endfor %}', model), undefined);
  assert.equal(message("{{ api.Column.create('c', 'int').quoted.x }}{{ this.path.x }}{{ nothing.x.y }}{{ l[3].x }}{{ d.n.x.y }}"), undefined);
  // a render's own values stand for dbt's objects too (generate_schema_name's node)
  const t = '{{ node.fqn.x }}';
  assert.equal(env.renderString(t, hooks, { node: { name: 'n' } }), '');
});

// Expected values are PyYAML 6's safe_load (dbt's fromyaml).
test("fromyaml reads as PyYAML's safe_load: yes/On bools, y/n and 1e3 strings, 1.0 a float, 017 octal, 1:30 sexagesimal; no document is None", () => {
  check("{{ fromyaml('a: y\\nb: yes\\nc: 1.0\\nd: 1e3\\ne: 017\\ng: n\\nh: On\\ni: ~\\nk: 1:30\\nm: 0o17\\nl: [1, 2.5]') }}|{{ fromyaml('y') }}|{{ fromyaml('- on\\n- off') }}",
    "{'a': 'y', 'b': True, 'c': 1.0, 'd': '1e3', 'e': 15, 'g': 'n', 'h': True, 'i': None, 'k': 90, 'm': '0o17', 'l': [1, 2.5]}|y|[True, False]");
  check("{{ fromyaml('a: 1\\nb: 2\\na: 3') }}|{{ fromyaml('') }}|{{ fromyaml('# c\\n---') }}|{{ fromyaml('a: [1', 'dflt') }}|{{ fromyaml('a: 1\\n---\\nb: 2', 'multi') }}", "{'a': 3, 'b': 2}|None|None|dflt|multi");
});

// Expected values are PyYAML 6's yaml.safe_dump(value, sort_keys=False) (dbt's toyaml).
test("toyaml is PyYAML's safe_dump: block style, lists in a mapping unindented, PyYAML's quoting, escapes and folding", () => {
  check("{{ toyaml({'a': [1, {'b': 2, 'c': []}], 'd': {'e': 'f'}, 'g': [[1, 2], 'h'], 'i': none, 'j': 1.0, 'k': true}) }}",
    'a:\n- 1\n- b: 2\n  c: []\nd:\n  e: f\ng:\n- - 1\n  - 2\n- h\ni: null\nj: 1.0\nk: true\n');
  // `...` ends a plain scalar at the root
  check("{{ toyaml('abc') }}|{{ toyaml(1e-5) }}", 'abc\n...\n|1.0e-05\n...\n');
  check("{{ toyaml(['yes', 'y', 'n', '', '1_000', '1e3', '2020-01-01', 'a: b', 'it\\'s', 'café', 'a\\tb', ' lead', 'x\\ny', ('t', 1)]) }}",
    "- 'yes'\n- y\n- n\n- ''\n- '1_000'\n- 1e3\n- '2020-01-01'\n- 'a: b'\n- it's\n- \"caf\\xE9\"\n- \"a\\tb\"\n- ' lead'\n- 'x\n\n  y'\n- - t\n  - 1\n");
  check("{{ toyaml({'k': (['word'] * 30) | join(' ')}) }}", `k: ${Array(16).fill('word').join(' ')}\n  ${Array(14).fill('word').join(' ')}\n`);
  check("{{ toyaml({'b': 1, 'a': 2}, sort_keys=true) }}|{{ toyaml(this, 'not yaml') }}|{{ toyaml({1: 'x', none: 'y'}) }}", "a: 2\nb: 1\n|not yaml|1: x\nnull: y\n");
});

// Expected values are PyYAML 6's yaml.safe_dump (see the comment above).
test('toyaml writes a list or dict met twice once, anchored, then as an alias, numbered as PyYAML numbers them', () => {
  check("{% set l = [1, 2] %}{% set d = {'k': 'v'} %}{{ toyaml({'a': [l, {'x': l}], 'b': [], 'c': d, 'd': [d]}) }}",
    'a:\n- &id001\n  - 1\n  - 2\n- x: *id001\nb: []\nc: &id002\n  k: v\nd:\n- *id002\n');
  // numbered in the order the second meetings come, keys sorted; an empty one anchored on its line
  check("{% set l = [1, 2] %}{% set d = {'k': 'v'} %}{% set e = {} %}{{ toyaml({'z': l, 'a': {'q': l, 'r': d}, 'm': d, 'e': e, 'f': e}, sort_keys=true) }}",
    'a:\n  q: &id003\n  - 1\n  - 2\n  r: &id002\n    k: v\ne: &id001 {}\nf: *id001\nm: *id002\nz: *id003\n');
  // a list holding itself
  check('{% set r = [] %}{% do r.append(r) %}{{ toyaml(r) }}|{{ toyaml([(), ()]) }}', '&id001\n- *id001\n|- []\n- []\n');
});

test("a dict's items(), keys() and values() print as Python's views; a list of one is a list", () => {
  check("{% set d = {'a': 1, 'b': [2]} %}{{ d.items() }}|{{ d.keys() }}|{{ d.values() }}|{{ [d.keys()] }}",
    "dict_items([('a', 1), ('b', [2])])|dict_keys(['a', 'b'])|dict_values([1, [2]])|[dict_keys(['a', 'b'])]");
  check("{% set d = {'a': 1, 2: 'b'} %}{{ d.items() }}|{{ d.items() | list }}|{{ d.keys() | join(',') }}|{{ d.values() | length }}|{% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}",
    "dict_items([('a', 1), (2, 'b')])|[('a', 1), (2, 'b')]|a,2|2|a12b");
  // a view has no index in Python
  assert.match(render("{{ {'a': 1}.keys()[0] }}").problem?.message ?? '', /'dict_keys' object is not subscriptable/);
});
