// `floe compile` for a non-DuckDB target spells dbt's cross-database macros as that adapter's dbt does, whitespace
// included (dbt's compiled SQL is what a user runs from target/compiled); a DuckDB target keeps Floe's spellings; a
// project's override through `dispatch:` still wins. The real CLI over a small project, one model per macro group.
//
// Expected texts are dbt's, read from (reference only):
//   dbt-labs/dbt-adapters @802d40f (2026-08) dbt-adapters/src/dbt/include/global_project/macros/utils/*.sql
//     (default__hash, default__dateadd, default__except, default__datediff, default__listagg, default__split_part, ...) and
//     dbt/adapters/base/column.py (translate_type: 'string' → TEXT);
//   dbt-snowflake/.../snowflake/macros/utils/{safe_cast,right,escape_single_quotes,bool_or,timestamps}.sql;
//   dbt-bigquery/.../bigquery/macros/utils/{except,hash,dateadd,datediff,safe_cast,listagg,split_part,string_literal}.sql and
//     bigquery/column.py (TYPE_LABELS: INTEGER → INT64; 'string' passes through);
//   dbt-postgres/.../postgres/macros/utils/{dateadd,datediff,any_value,listagg}.sql, macros/timestamps.sql;
//   dbt-redshift/.../redshift/macros/utils/{length,dateadd}.sql, macros/timestamps.sql (postgres__ inherited);
//   databricks/dbt-databricks @45351e1 dbt/include/databricks/macros/utils/{dateadd,datediff}.sql, column.py
//     (translate_type lower-cases: 'string'), split_part.sql; dbt-spark's utils/{concat,bool_or,any_value,date,listagg,split_part,dateadd}.sql;
//   postgres__split_part (dbt-postgres utils/split_part.sql) over default__split_part; default__date (utils/date.sql);
//   default__equals and {postgres,snowflake,bigquery}__equals (utils/equals.sql; base/impl.py's behavior flag), spark__datediff
//   and spark__assert_not_null, redshift__listagg, bigquery__safe_cast and string_literal;
//   ClickHouse/dbt-clickhouse @c5c810b macros/utils/{utils,safe_cast,timestamps}.sql and column.py (TYPE_LABELS, Decimal(p, s));
//   starburstdata/dbt-trino @2f8d1aa macros/utils/*.sql and column.py; dbt-labs/dbt-athena @ead6879 athena/macros/utils/*.sql;
//   microsoft/dbt-fabric @440d492 macros/utils/*.sql, dbt_package_support's fabric__date/fabric__type_timestamp, fabric_column.py;
//   dbt-msft/dbt-sqlserver @3d731ee (1.12) macros/utils/*.sql and sqlserver_column.py (TYPE_LABELS);
//   duckdb/dbt-duckdb @25573c2 macros/utils/*.sql and adapters.sql; its DuckDBColumn has dbt-adapters' base TYPE_LABELS;
//   microsoft/dbt-synapse @72ce1e1 macros/utils/split_part.sql over dbt-fabric v1.9.5 (macros/utils, fabric_column.py);
//   dbt-adapters' macros/adapters/timestamps.sql and dbt-{postgres,redshift,snowflake,bigquery}'s timestamps.sql
//   (snapshot_get_time, current_timestamp_backcompat, current_timestamp_in_utc_backcompat).
// Each expected text below was got by rendering those macro files with Jinja2 (dbt's engine), not written by hand.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': [
    'shop:', '  target: pg', '  outputs:',
    '    pg: {type: postgres, host: localhost, user: u, dbname: warehouse, schema: analytics}',
    '    rs: {type: redshift, host: localhost, user: u, dbname: warehouse, schema: analytics}',
    '    sf: {type: snowflake, account: a, user: u, database: ANALYTICS, schema: dev}',
    '    bq: {type: bigquery, method: oauth, project: my-proj, dataset: dbt_x}',
    '    dbx: {type: databricks, host: h, http_path: p, schema: s}',
    '    spk: {type: spark, method: thrift, host: h, schema: s}',
    '    duck: {type: duckdb, path: data/lake.duckdb}',
    '    ch: {type: clickhouse, host: h, schema: s}',
    '    tr: {type: trino, host: h, database: d, schema: s}',
    '    ath: {type: athena, s3_staging_dir: x, region_name: r, database: awsdatacatalog, schema: s}',
    '    mss: {type: sqlserver, server: h, database: d, schema: s}',
    '    fab: {type: fabric, server: h, database: d, schema: s}',
    '    syn: {type: synapse, server: h, database: d, schema: s}',
  ].join('\n') + '\n',
  'models/types.sql': "select cast(a as {{ dbt.type_string() }}) as a, cast(b as {{ type_int() }}) as b, {{ dbt.hash('c') }} as h, {{ dbt.safe_cast('d', dbt.type_int()) }} as d",
  'models/dates.sql': "select {{ dbt.dateadd('day', 1, 'd') }} as a, {{ dbt.datediff('x', 'y', 'day') }} as b, {{ dbt.current_timestamp() }} as c",
  'models/strings.sql': "select {{ dbt.concat(['a', 'b']) }} as c, {{ dbt.string_literal('hi') }} as s, '{{ dbt.escape_single_quotes(\"it's\") }}' as e, {{ dbt.length('s') }} as l",
  'models/parts.sql': "select {{ dbt.split_part('s', \"','\", 2) }} as a, {{ dbt.date(2024, 1, 2) }} as d",
  'models/sets.sql': 'select 1 {{ dbt.except() }} select 2',
  'models/casts.sql': "select {{ dbt.safe_cast(\"'{}'\", 'struct<a int>') }} as s",
  'models/aggs.sql': "select {{ dbt.listagg('x', \"','\", 'order by x') }} as l, {{ dbt.bool_or('b') }} as o, {{ dbt.any_value('v') }} as v",
  'models/equals.sql': "select * from a join b on {{ dbt.equals('a.id', 'b.id') }}",
  'models/limits.sql': "select {{ dbt.listagg('x', \"'|'\", 'order by x', 3) }} as l",
  'models/arrays.sql': "select {{ dbt.safe_cast([\"'{}'\", 'x'], 'array<struct<a int>>') }} as s, {{ dbt.safe_cast(['1', '2'], 'array<int64>') }} as a, " +
    "{{ dbt.safe_cast({'a': [1, 2.0], 'é': none}, 'json') }} as j",
  'models/times.sql': 'select {{ dbt.snapshot_get_time() }} as s, {{ dbt.current_timestamp_backcompat() }} as b, {{ dbt.current_timestamp_in_utc_backcompat() }} as u',
  'models/more.sql': "select {{ dbt.cast_bool_to_text('b') }} as t, {{ dbt.last_day('d', 'month') }} as l, {{ dbt.array_construct(['1', '2']) }} as a, " +
    "{{ dbt.right('s', 2) }} as r, {{ dbt.position('a', 's') }} as p, {{ dbt.listagg('x', \"'|'\", 'order by y desc', 3) }} as g",
  'models/msdiff.sql': "select {{ dbt.datediff('x', 'y', 'millisecond') }} as ms",
  // Milliseconds only where dbt has them (postgres raises for them).
  'models/api.sql': "select '{{ api.Column.translate_type('string') }}|{{ api.Column.translate_type('integer') }}|{{ api.Column.translate_type('long') }}|" +
    "{{ api.Column.numeric_type('decimal', 10, 2) }}|{{ adapter.type() }}' as t",
  'models/diffs.sql': "select {{ dbt.datediff('x', 'y', 'week') }} as w{% if target.type == 'spark' %}, {{ dbt.datediff('x', 'y', 'millisecond') }} as ms{% endif %}",
};

/** A new temporary project of these files. */
function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-compile-macros-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
  return root;
}

let dir: string;
before(() => { dir = project(FILES); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

const compiles = new Map<string, Promise<Record<string, string>>>();

/** `floe compile --target T`: each model's written file, by name; the manifest's compiled_code must be the same. */
function compiled(target: string, root = dir): Promise<Record<string, string>> {
  const key = `${root}\u0000${target}`;
  if (!compiles.has(key)) compiles.set(key, compileOnce(target, root));
  return compiles.get(key)!;
}

async function compileOnce(target: string, root: string): Promise<Record<string, string>> {
  const out = path.join(root, `target_${target}`);
  const r = await runFloe(['compile', '--project-dir', root, '--profiles-dir', root, '--target', target, '--target-path', out], {}, root);
  assert.equal(r.code, 0, r.err + r.out);
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  const byName: Record<string, string> = {};
  for (const f of fs.readdirSync(path.join(out, 'compiled', 'shop', 'models'))) {
    const name = f.replace(/\.sql$/, '');
    byName[name] = fs.readFileSync(path.join(out, 'compiled', 'shop', 'models', f), 'utf8');
    assert.equal(manifest.nodes[`model.shop.${name}`].compiled_code, byName[name]);
  }
  return byName;
}

const I8 = '\n        ';
/** default__dateadd / redshift__dateadd and default__datediff, as dbt-adapters writes them. */
const DATEADD = `\n\n    dateadd(${I8}day,${I8}1,${I8}d${I8})\n\n`;
const DATEDIFF = `datediff(${I8}day,${I8}x,${I8}y${I8})`;
/** default__listagg without a limit (snowflake and redshift have no other spelling of it). */
const LISTAGG = `\n    listagg(${I8}x,${I8}','${I8})${I8}within group (order by x)`;

test("snowflake: TEXT, try_cast, dbt's default dateadd/datediff/listagg, boolor_agg, \\' escapes, UTC current_timestamp", async () => {
  const c = await compiled('sf');
  assert.equal(c.types, 'select cast(a as TEXT) as a, cast(b as integer) as b, md5(cast(c as TEXT)) as h, \n    \n        try_cast(d as integer)\n     as d');
  assert.equal(c.dates, `select ${DATEADD} as a, ${DATEDIFF} as b, convert_timezone('UTC', current_timestamp()) as c`);
  assert.equal(c.strings, "select a || b as c, 'hi' as s, 'it\\'s' as e, \n\n    length(\n        s\n    ) as l");
  assert.equal(c.aggs, `select ${LISTAGG} as l, boolor_agg(b) as o, any_value(v) as v`);
});

test('bigquery: string and INT64, to_hex(md5), safe_cast, datetime_add/datetime_diff, string_agg, triple-quoted literals', async () => {
  const c = await compiled('bq');
  assert.equal(c.types, 'select cast(a as string) as a, cast(b as INT64) as b, to_hex(md5(cast(c as string))) as h, safe_cast(d as INT64) as d');
  assert.equal(c.dates, `select \n\n        datetime_add(\n            cast( d as datetime),${I8}interval 1 day${I8})\n\n as a, ` +
    `\n\n    datetime_diff(${I8}cast(y as datetime),${I8}cast(x as datetime),${I8}day\n    )\n\n   as b, current_timestamp() as c`);
  assert.equal(c.strings, "select a || b as c, '''hi''' as s, 'it\\'s' as e, \n\n    length(\n        s\n    ) as l");
  assert.equal(c.sets, 'select 1 \n\n    except distinct\n\n select 2');
  assert.equal(c.casts, 'select safe_cast({} as struct<a int>) as s', 'a struct is cast from the string unquoted');
  assert.equal(c.aggs, `select string_agg(${I8}x,${I8}','${I8}order by x${I8}${I8}) as l, logical_or(b) as o, any_value(v) as v`);
});

test("postgres: TEXT, interval arithmetic, date subtraction, now(), string_agg, min() for any_value", async () => {
  const c = await compiled('pg');
  assert.equal(c.types, 'select cast(a as TEXT) as a, cast(b as integer) as b, md5(cast(c as TEXT)) as h, \n    \n    cast(d as integer)\n as d');
  assert.equal(c.dates, "select \n\n    d + ((interval '1 day') * (1))\n\n as a, \n        ((y)::date - (x)::date)\n     as b, now() as c");
  assert.equal(c.strings, "select a || b as c, 'hi' as s, 'it''s' as e, \n\n    length(\n        s\n    ) as l");
  assert.equal(c.parts, `select \n\n  \n    \n\n    split_part(${I8}s,${I8}',',${I8}2${I8})\n\n\n  \n\n as a, to_date('2024-01-02', 'YYYY-MM-DD') as d`);
  assert.equal(c.sets, 'select 1 \n\n    except\n\n select 2');
  assert.equal(c.aggs, `select \n    string_agg(${I8}x,${I8}','${I8}order by x${I8}) as l, bool_or(b) as o, min(v) as v`);
});

test("redshift: its own dateadd/datediff/len/getdate(), postgres's any_value (dbt's adapter inheritance)", async () => {
  const c = await compiled('rs');
  assert.equal(c.dates, `select ${DATEADD} as a, ${DATEDIFF} as b, getdate() as c`);
  assert.equal(c.strings, "select a || b as c, 'hi' as s, 'it''s' as e, \n\n    len(\n        s\n    ) as l");
  assert.equal(c.aggs, `select ${LISTAGG} as l, bool_or(b) as o, min(v) as v`);
});

test('databricks: string and decimal types, timestampadd/timestampdiff, concat(), max()/first() from spark', async () => {
  const c = await compiled('dbx');
  assert.equal(c.types, 'select cast(a as string) as a, cast(b as integer) as b, md5(cast(c as string)) as h, cast(d as integer)\n as d');
  assert.equal(c.dates, "select timestampadd(day, 1, d) as a, timestampdiff(day, date_trunc('day', x), date_trunc('day', y)) as b, current_timestamp() as c");
  assert.equal(c.strings, "select concat(a, b) as c, 'hi' as s, 'it\\'s' as e, \n\n    length(\n        s\n    ) as l");
  assert.equal(c.aggs, "select  array_join( collect_list(x) , ',')  as l, max(b) as o, first(v) as v");
  assert.equal(c.parts, "select \n\n        get(split(\n            s,\n            \n\n        -- escape if starts with a special character\n" +
    "        case when regexp_extract(',', '([^A-Za-z0-9])(.*)', 1) != '_'\n            then concat('\\\\', ',')\n            else ',' end\n\n    \n" +
    "            ), 1)\n\n         as a, to_date('2024-01-02', 'yyyy-MM-dd') as d");
  assert.equal(c.casts, 'select cast({} as struct<a int>)\n as s', 'spark__safe_cast: a struct from the string unquoted');
});

test('spark: split()[(n)] with the escaped delimiter, array_join(collect_list()), its date format, date_add with the clock kept', async () => {
  const c = await compiled('spk');
  assert.equal(c.parts, "select \n\n        split(\n            s,\n            \n\n        -- escape if starts with a special character\n" +
    "        case when regexp_extract(',', '([^A-Za-z0-9])(.*)', 1) != '_'\n            then concat('\\\\', ',')\n            else ',' end\n\n    \n" +
    "            )[(1)]\n\n         as a, to_date('2024-01-02', 'yyyy-MM-dd') as d");
  assert.equal(c.aggs, "select  array_join( collect_list(x) , ',')  as l, max(b) as o, first(v) as v");
  // spark__dateadd over dbt-spark's assert_not_null (utils/dateadd.sql, utils/assert_not_null.sql).
  const notNull = (fn: string) => `\n\n    coalesce(${fn}(d), nvl2(${fn}(d), assert_true(${fn}(d) is not null), null))\n\n`;
  assert.ok(c.dates.startsWith(`select to_timestamp(\n            to_unix_timestamp(\n                date_add(\n                    ${notNull('date')},\n` +
    `                    cast(1 * 1 as int)\n                )\n            ) + ${I8}to_unix_timestamp(${notNull('to_timestamp')})${I8}- to_unix_timestamp(${notNull('date')})${I8}) as a, `), c.dates);
});

test("spark: datediff as dbt-spark writes it (dates through assert_not_null, week boundaries, milliseconds)", async () => {
  const c = await compiled('spk');
  const nn = (fn: string, arg: string) => `\n\n    coalesce(${fn}(${arg}), nvl2(${fn}(${arg}), assert_true(${fn}(${arg}) is not null), null))\n\n`;
  const [x, y] = [nn('date', 'x'), nn('date', 'y')];
  const week = `\n        \n        case when ${x} < ${y}\n            then floor(datediff(${y}, ${x})/7)\n            else ceil(datediff(${y}, ${x})/7)\n            end\n\n` +
    `        -- did we cross a week boundary (Sunday)?\n        + case\n            when ${x} < ${y} and dayofweek(${y}) < dayofweek(${x}) then 1\n` +
    `            when ${x} > ${y} and dayofweek(${y}) > dayofweek(${x}) then -1\n            else 0 end`;
  const [tx, ty] = [nn('to_unix_timestamp', nn('to_timestamp', 'x')), nn('to_unix_timestamp', nn('to_timestamp', 'y'))];
  const ms = `case when x < y\n            then ceil((\n                \n                ${ty}\n                - ${tx}\n            ) / (1/1000))\n` +
    `            else floor((\n                ${ty}\n                - ${tx}\n            ) / (1/1000))\n            end\n\n            \n` +
    "                + cast(date_format(y, 'SSS') as int)\n                - cast(date_format(x, 'SSS') as int)\n            \n\n            ";
  assert.equal(c.diffs, `select ${week} as w, ${ms} as ms`);
});

test('redshift: listagg with a limit is a regexp over the whole list, the delimiter escaped', async () => {
  const c = await compiled('rs');
  assert.equal(c.limits, `select \n    \n    \n${'        \n'.repeat(14)}    regexp_substr(\n        listagg(\n            x,\n            '|'\n            )\n` +
    "            within group (order by x)\n        ,'([^\\\\|]+\\\\|){1,2}[^\\\\|]+'\n        ) as l");
});

test('bigquery: safe_cast of a list to an array element by element, of a mapping to json from its JSON text', async () => {
  const c = await compiled('bq');
  assert.equal(c.arrays, 'select \n        (select array_agg(safe_cast(i as struct<a int>)) from unnest([\n                {},\n                x\n        ]) i) as s, ' +
    "(select array_agg(safe_cast(i as int64)) from unnest(['1', '2']) i) as a, " +
    'safe_cast(json \'\'\'{"a": [1, 2.0], "\\u00e9": null}\'\'\' as json) as j');
});

test("equals: plain `=` by default on every adapter (dbt's behavior flag off), DuckDB included", async () => {
  for (const t of ['pg', 'rs', 'sf', 'bq']) assert.equal((await compiled(t)).equals, 'select * from a join b on (a.id = b.id)', t);
  for (const t of ['dbx', 'spk', 'duck']) assert.equal((await compiled(t)).equals, 'select * from a join b on (a.id = b.id)\n', t);
});

test('equals under `flags: enable_truthy_nulls_equals_macro: true`: null-safe, each adapter in its own words', async () => {
  const flagged = project({ ...FILES, 'dbt_project.yml': 'name: shop\nprofile: shop\nflags:\n  enable_truthy_nulls_equals_macro: true\n' });
  try {
    for (const t of ['pg', 'rs', 'sf', 'bq']) assert.equal((await compiled(t, flagged)).equals, 'select * from a join b on \n    (a.id IS NOT DISTINCT FROM b.id)', t);
    const caseForm = 'select * from a join b on \n    case when ((a.id = b.id) or (a.id is null and b.id is null))\n        then 0\n        else 1\n    end = 0\n';
    for (const t of ['dbx', 'spk', 'duck']) assert.equal((await compiled(t, flagged)).equals, caseForm, t);
  } finally {
    fs.rmSync(flagged, { recursive: true, force: true });
  }
});

test('clickhouse: its column types, any()/max() > 0, MD5 in hex, splitByString, arrayStringConcat sorted through arrayZip, now()', async () => {
  const c = await compiled('ch');
  assert.equal(c.types, 'select cast(a as String) as a, cast(b as Int32) as b, lower(hex(MD5(toString(c )))) as h, CAST(d AS Int32) as d');
  assert.equal(c.dates, `select ${DATEADD} as a, ${DATEDIFF} as b, now() as c`);
  assert.equal(c.parts, "select \n    splitByString(',', s)[2]\n as a, to_date('2024-01-02', 'YYYY-MM-DD') as d");
  const pad = '\n      '.repeat(4);
  assert.equal(c.aggs, `select ${pad}\n      \n\n      \n    \n\n    arrayStringConcat(arrayMap(x -> x.1, arraySort(x -> x.2, arrayZip(array_agg(x), array_agg(x)))), ',') as l, max(b) > 0 as o, any(v) as v`);
  assert.equal(c.more, "select \n  \n    multiIf(b > 0, 'true', b = 0, 'false', NULL)\n\n as t, \n\n    dateadd(\n        day,\n        -1,\n        \n\n    dateadd(\n        month,\n        1,\n" +
    "        date_trunc('month', d)\n        )\n\n\n        )\n\n as l, \n    [ 1 , 2 ]\n     as a, \n\n    right(\n        s,\n        2\n    ) as r, \n\n    position(\n        a in s\n    ) as p, " +
    `${pad}\n        \n      \n      \n\n      \n    \n\n    arrayStringConcat(arraySlice(arrayMap(x -> x.1, arrayReverseSort(x -> x.2, arrayZip(array_agg(x), array_agg(y)))), 1, 3), '|')\n     as g`);
  assert.equal(c.times, 'select \n    now()\n as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u');
});

test('trino: varchar/integer type macros, date_add, datediff through to_milliseconds, array_join(array_agg), try_cast', async () => {
  const c = await compiled('tr');
  assert.equal(c.types, 'select cast(a as varchar) as a, cast(b as integer) as b, lower(to_hex(md5(to_utf8(cast(c as varchar))))) as h, try_cast(d as integer) as d');
  assert.equal(c.dates, "select date_add('day', 1, d) as a, ((to_milliseconds((CAST(CAST(y AS TIMESTAMP) AS DATE) - CAST(CAST(x AS TIMESTAMP) AS DATE)))) / 86400000) as b, current_timestamp as c");
  assert.equal(c.parts, `select \n  \n    \n\n    split_part(${I8}s,${I8}',',${I8}2${I8})\n\n\n  \n as a, to_date('2024-01-02', 'YYYY-MM-DD') as d`);
  assert.equal(c.aggs, "select  array_join( array_agg(x order by x) , ',')  as l, bool_or(b) as o, min(v) as v");
  assert.equal(c.limits, "select  array_join( slice( array_agg(x order by x) , 1, 3) , '|')  as l");
  assert.equal(c.more, "select \n  \n    cast(b as VARCHAR)\n\n as t, cast(\n        date_add('day', -1, date_add('month', 1, date_trunc('month', d)))\n        as date) as l, array[ 1 , 2 ] as a, " +
    "\n    case when 2 = 0\n        then ''\n    else\n        substr(s, -1 * (2))\n    end as r, \n\n    position(\n        a in s\n    ) as p,  array_join( slice( array_agg(x order by y desc) , 1, 3) , '|')  as g");
  assert.equal(c.msdiff, 'select (to_milliseconds((CAST(y AS TIMESTAMP) - CAST(x AS TIMESTAMP)))) as ms');
  assert.equal(c.times, 'select \n    current_timestamp\n as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u');
});

test('athena: VARCHAR/INTEGER type macros, arbitrary(), its listagg layout, cast(now() as timestamp)', async () => {
  const c = await compiled('ath');
  assert.equal(c.types, 'select cast(a as VARCHAR) as a, cast(b as INTEGER) as b, lower(to_hex(md5(to_utf8(cast(c as varchar))))) as h, try_cast(d as INTEGER) as d');
  assert.equal(c.dates, "select date_add('day', 1, d) as a, ((to_milliseconds((CAST(CAST(y AS TIMESTAMP) AS DATE) - CAST(CAST(x AS TIMESTAMP) AS DATE)))) / 86400000) as b, cast(now() as timestamp) as c");
  assert.equal(c.aggs, "select array_join(\n          array_agg(\n              x\n                order by x\n          )\n        , ','\n    ) as l, bool_or(b) as o, arbitrary(v) as v");
  assert.equal(c.limits, "select array_join(\n          slice(\n          array_agg(\n              x\n                order by x\n          )\n            , 1, 3\n          )\n        , '|'\n    ) as l");
  assert.equal(c.times, 'select \n    cast(now() as timestamp)\n as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u');
});

test('athena: current_timestamp is timestamp(6) in an Iceberg table, not in an Iceberg view', async () => {
  const ice = project({
    ...FILES,
    'models/ice.sql': "{{ config(materialized='table', table_type='iceberg') }}select {{ dbt.current_timestamp() }} as c",
    'models/ice_view.sql': "{{ config(table_type='iceberg') }}select {{ dbt.current_timestamp() }} as c",
  });
  try {
    const c = await compiled('ath', ice);
    assert.equal(c.ice, 'select cast(now() as timestamp(6)) as c');
    assert.equal(c.ice_view, 'select cast(now() as timestamp) as c');
  } finally {
    fs.rmSync(ice, { recursive: true, force: true });
  }
});

test('sqlserver: VARCHAR(MAX)/INT, hashbytes, try_cast, datetime2 dateadd, concat(), len(), XML split, CHARINDEX, EOMONTH, SYSDATETIME()', async () => {
  const c = await compiled('mss');
  // SQLServerColumnNative: dbt-sqlserver 1.12's default (dbt_sqlserver_use_native_string_types on).
  assert.equal(c.types, "select cast(a as VARCHAR(MAX)) as a, cast(b as INT) as b, \n    lower(convert(varchar(50), hashbytes('md5', coalesce(convert(varchar(8000), c), '')), 2))\n as h, \n    try_cast(d as INT)\n as d");
  assert.equal(c.dates, `select \n\n    dateadd(${I8}day,${I8}1,${I8}cast(d as datetime2(6))${I8})\n\n as a, ${DATEDIFF} as b, CAST(SYSDATETIME() AS DATETIME2(6)) as c`);
  assert.equal(c.strings, "select concat(a, b) as c, 'hi' as s, 'it''s' as e, \n\n    len( s ) as l");
  assert.equal(c.parts, "select \n    \n        LTRIM(CAST(('<X>'+REPLACE(s,',' ,'</X><X>')+'</X>') AS XML).value('(/X)[2]', 'VARCHAR(128)'))\n    \n as a, to_date('2024-01-02', 'YYYY-MM-DD') as d");
  assert.equal(c.limits, "select string_agg(x, '|')\n            within group (order by x) as l", 'dbt-sqlserver drops the limit');
  assert.equal(c.more, "select \n  \n    case b\n        when 1 then 'true'\n        when 0 then 'false'\n        else null\n    end\n\n as t, EOMONTH ( d) as l, JSON_ARRAY(1 , 2) as a, " +
    "\n\n    right(\n        s,\n        2\n    ) as r, \n\n    CHARINDEX(\n        a,\n        s\n    ) as p, string_agg(x, '|')\n            within group (order by y desc) as g");
  assert.equal(c.times, 'select \n    CAST(SYSDATETIME() AS DATETIME2(6))\n as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u');
});

test("fabric: VARCHAR(MAX), hashbytes over varchar(max), MAX(CASE ...) for bool_or, STRING_SPLIT on char(1), JSON arrays, dbt_date's date()", async () => {
  const c = await compiled('fab');
  assert.equal(c.types, "select cast(a as VARCHAR(MAX)) as a, cast(b as INT) as b, \n    lower(convert(varchar(50), hashbytes('md5', coalesce(convert(varchar(max), c), '')), 2))\n as h, \n    try_cast(d as INT)\n as d");
  assert.equal(c.parts, 'select \n    (\n        select value\n        from\n            (select\n                value,\n                row_number() over (order by ordinal asc) as forward_index,\n' +
    '                row_number() over (order by ordinal desc) as backward_index\n            from string_split(\n                replace(s, \',\', char(1)),\n' +
    '                char(1), 1\n            )) as SplitData\n        where forward_index = 2\n    )\n as a, 2024-01-02 as d');
  assert.equal(c.aggs, "select string_agg(x, ',')\n            within group (order by x) as l, MAX(\n        CASE\n            WHEN b THEN 1\n            ELSE 0\n        END\n    ) as o, min(v) as v");
  assert.equal(c.more, "select \n  \n    case b\n        when 1 then 'true'\n        when 0 then 'false'\n        else null\n    end\n\n as t, EOMONTH ( d) as l, \n    JSON_ARRAY(1, 2) as a, " +
    "\n\n    right(\n        s,\n        2\n    ) as r, \n\n    CHARINDEX(\n        a,\n        s\n    ) as p, string_agg(x, '|')\n            within group (order by y desc) as g");
});

test("snapshot_get_time and the backcompat timestamps as each adapter's dbt writes them", async () => {
  const expected: Record<string, string> = {
    pg: "select now()::timestamp without time zone as s, \n    current_timestamp::timestamp\n as b, \n    (current_timestamp at time zone 'utc')::timestamp\n as u",
    rs: 'select getdate()::timestamp as s, getdate() as b, getdate() as u',
    sf: "select to_timestamp_ntz(convert_timezone('UTC', current_timestamp())) as s, \n  current_timestamp::timestamp\n as b, \n  convert_timezone('UTC', \n  current_timestamp::timestamp\n)::timestamp\n as u",
    bq: 'select \n    current_timestamp()\n as s, current_timestamp as b, current_timestamp as u',
    spk: 'select \n    current_timestamp()\n as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u',
  };
  for (const [t, text] of Object.entries(expected)) assert.equal((await compiled(t)).times, text, t);
});

test("postgres: datediff in milliseconds from the minutes (dbt-postgres has millisecond and microsecond); spark's type_string is string", async () => {
  const pg = await compiled('pg');
  assert.equal(pg.msdiff, "select \n        (\n        (\n        (\n        ((y)::date - (x)::date)\n     * 24 + date_part('hour', (y)::timestamp) - date_part('hour', (x)::timestamp))\n" +
    "     * 60 + date_part('minute', (y)::timestamp) - date_part('minute', (x)::timestamp))\n     * 60000 + floor(date_part('millisecond', (y)::timestamp)) - floor(date_part('millisecond', (x)::timestamp)))\n     as ms");
  assert.equal((await compiled('spk')).types, 'select cast(a as string) as a, cast(b as integer) as b, md5(cast(c as string)) as h, cast(d as integer)\n as d');
});

test("duckdb: dbt-duckdb's spellings (TEXT from the base Column, arbitrary(), string_split()[n], list_aggr), dbt's defaults elsewhere", async () => {
  const c = await compiled('duck');
  assert.equal(c.types, 'select cast(a as TEXT) as a, cast(b as integer) as b, md5(cast(c as TEXT)) as h, \n    \n    cast(d as integer)\n as d');
  assert.equal(c.dates, "select \n\n    (d + cast(1 as bigint) * interval 1 day) as a, \n        (date_diff('day', x::timestamp, y::timestamp ))\n     as b, now() as c");
  assert.equal(c.parts, "select \n    string_split(s, ',')[ 2 ]\n as a, make_date(2024, 1, 2) as d");
  assert.equal(c.aggs, "select \n    string_agg(\n        x,\n        ','\n        order by x\n        ) as l, bool_or(b) as o, arbitrary(v) as v");
  assert.equal(c.limits, "select list_aggr(\n        (array_agg(\n            x\n            order by x\n        ))[1:3],\n        'string_agg',\n        '|'\n        ) as l");
  assert.equal(c.times, 'select now()::timestamp as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u');
  assert.equal(c.more, "select \n  \n    cast(b as TEXT)\n\n as t, cast(\n        \n\n    (\n\n    (date_trunc('month', d) + cast(1 as bigint) * interval 1 month) + " +
    "cast(-1 as bigint) * interval 1 day)\n        as date) as l, \n    array[ 1 , 2 ]\n     as a, \n\n    right(\n        s,\n        2\n    ) as r, \n\n    position(\n        a in s\n    ) as p, " +
    "list_aggr(\n        (array_agg(\n            x\n            order by y desc\n        ))[1:3],\n        'string_agg',\n        '|'\n        ) as g");
  assert.equal(c.diffs, "select \n            (\n        (date_diff('day', x::timestamp, y::timestamp ))\n     // 7 + case\n            when date_part('dow', (x)::timestamp) <= " +
    "date_part('dow', (y)::timestamp) then\n                case when x <= y then 0 else -1 end\n            else\n                case when x <= y then 1 else 0 end\n        end)\n     as w");
});

test('duckdb: the compiled SQL runs in DuckDB (TEXT is its alias of VARCHAR)', async () => {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  try {
    const c = await compiled('duck');
    const rows: Record<string, string> = {
      types: "select 'a' as a, '1' as b, 'x' as c, '7' as d", dates: "select date '2024-02-10' as d, date '2024-01-01' as x, date '2024-03-05' as y",
      parts: "select 'a,b,c' as s", aggs: "select 'x' as x, true as b, 'v' as v", limits: "select 'x' as x",
      more: "select true as b, date '2024-02-10' as d, 'abc' as s, 'b' as a, 'x' as x, 1 as y", diffs: "select date '2024-01-01' as x, date '2024-03-05' as y",
    };
    const values: Record<string, unknown> = {};
    for (const [m, from] of Object.entries(rows)) {
      const [row] = (await con.runAndReadAll(`with t as (${from}) ${c[m]} from t group by all`)).getRowObjectsJson();
      Object.assign(values, Object.fromEntries(Object.entries(row).map(([k, v]) => [`${m}.${k}`, v])));
    }
    assert.deepEqual([values['types.a'], values['types.d'], values['dates.a'], values['dates.b'], values['parts.a'], values['aggs.v'], values['more.l'], values['more.t'], values['diffs.w']],
      ['a', 7, '2024-02-11 00:00:00', '64', 'b', 'v', '2024-02-29', 'true', '9']);
  } finally {
    con.closeSync();
  }
});

test('synapse: dbt-fabric 1.9 under it (VARCHAR(8000), no bool_or of its own), synapse__split_part through string_split ordinals', async () => {
  const c = await compiled('syn');
  assert.equal(c.types, "select cast(a as VARCHAR(8000)) as a, cast(b as INT) as b, \n    lower(convert(varchar(50), hashbytes('md5', coalesce(convert(varchar(8000), c), '')), 2))\n as h, \n    try_cast(d as INT)\n as d");
  assert.equal(c.parts, "select \n\n    \n\n        (select value from string_split(s, ',', 1) where ordinal = 2)\n\n    \n\n as a, to_date('2024-01-02', 'YYYY-MM-DD') as d");
  assert.equal(c.aggs, "select string_agg(x, ',')\n            within group (order by x) as l, bool_or(b) as o, min(v) as v");
  assert.equal(c.more, "select \n  \n    case b\n        when 1 then 'true'\n        when 0 then 'false'\n        else null\n    end\n\n as t, EOMONTH ( d) as l, JSON_ARRAY(1 , 2) as a, " +
    "\n\n    right(\n        s,\n        2\n    ) as r, \n\n    CHARINDEX(\n        a,\n        s\n    ) as p, string_agg(x, '|')\n            within group (order by y desc) as g");
  assert.equal(c.times, 'select \n    CAST(SYSDATETIME() AS DATETIME2(6))\n as s, \n    current_timestamp::timestamp\n as b, \n    current_timestamp::timestamp\n as u');
});

test("sqlserver under `flags: dbt_sqlserver_use_native_string_types: false`: the legacy VARCHAR(8000)", async () => {
  const legacy = project({ ...FILES, 'dbt_project.yml': 'name: shop\nprofile: shop\nflags:\n  dbt_sqlserver_use_native_string_types: false\n' });
  try {
    assert.equal((await compiled('mss', legacy)).types, "select cast(a as VARCHAR(8000)) as a, cast(b as INT) as b, \n    lower(convert(varchar(50), hashbytes('md5', coalesce(convert(varchar(8000), c), '')), 2))\n as h, \n    try_cast(d as INT)\n as d");
  } finally {
    fs.rmSync(legacy, { recursive: true, force: true });
  }
});

test("api.Column.translate_type / numeric_type are the target adapter's Column class's; adapter.type() is the target's", async () => {
  const expected: Record<string, string> = {
    duck: 'TEXT|integer|long|decimal(10,2)|duckdb', bq: 'string|INT64|long|decimal|bigquery', dbx: 'string|integer|bigint|decimal(10,2)|databricks',
    ch: 'String|Int32|long|Decimal(10, 2)|clickhouse', mss: 'VARCHAR(MAX)|INT|long|decimal(10,2)|sqlserver', syn: 'VARCHAR(8000)|INT|long|decimal(10,2)|synapse',
    spk: 'string|integer|long|decimal(10,2)|spark',
  };
  for (const [t, text] of Object.entries(expected)) assert.equal((await compiled(t)).api, `select '${text}' as t`, t);
});

test("a project's override through dispatch: wins over the adapter's spelling; the others stay the adapter's", async () => {
  const over = project({
    ...FILES,
    'dbt_project.yml': "name: shop\nprofile: shop\ndispatch:\n  - macro_namespace: dbt\n    search_order: ['shop', 'dbt']\n",
    'macros/over.sql': '{% macro snowflake__hash(f) %}sha2({{ f }}){% endmacro %}{% macro default__type_string() %}varchar(100){% endmacro %}',
  });
  try {
    const c = await compiled('sf', over);
    assert.equal(c.types, 'select cast(a as varchar(100)) as a, cast(b as integer) as b, sha2(c) as h, \n    \n        try_cast(d as integer)\n     as d');
  } finally {
    fs.rmSync(over, { recursive: true, force: true });
  }
});
