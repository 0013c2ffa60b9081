// `floe compile` writes dbt's compiled SQL: each ref/source/this as dbt's relation_name (generate_*_name macros, the
// project's override included; a source's database/schema/identifier and quoting; an alias; a model version; the
// adapter's quoting), ephemeral models injected as __dbt__cte__ CTEs as dbt does. The real CLI over a small project,
// compiled for four adapters; the text compared exactly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\nquoting:\n  database: false\nmodels:\n  shop:\n    marts:\n      +schema: marts\n',
  'profiles.yml': [
    'shop:', '  target: pg', '  outputs:',
    '    pg: {type: postgres, host: localhost, user: u, dbname: warehouse, schema: analytics}',
    '    sf: {type: snowflake, account: a, user: u, database: ANALYTICS, schema: dev}',
    '    bq: {type: bigquery, method: oauth, project: my-proj, dataset: dbt_x}',
    '    duck: {type: duckdb, path: data/lake.duckdb}',
  ].join('\n') + '\n',
  // A custom schema is used as written (the common override of dbt's default, which prefixes the target schema).
  'macros/naming.sql': '{% macro generate_schema_name(custom_schema_name, node) -%}\n  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}\n{%- endmacro %}\n',
  'models/schema.yml': [
    'version: 2', 'sources:',
    '  - name: raw', '    database: rawdb', '    schema: landing', '    quoting:', '      identifier: false', '    tables:',
    '      - name: orders', '        identifier: orders_v1',
    '      - name: customers', '        quoting:', '          identifier: true',
    '  - name: events', '    tables:', '      - name: clicks',
    'models:', '  - name: dim_customers', '    latest_version: 2', '    versions:', '      - v: 1', '      - v: 2',
  ].join('\n') + '\n',
  'models/staging/stg_orders.sql': 'select * from {{ source("raw", "orders") }}\n',
  'models/staging/stg_customers.sql': "{{ config(alias='customers_clean') }}\nselect * from {{ source('raw', 'customers') }} join {{ source('events', 'clicks') }} using (id)\n",
  'models/staging/eph_base.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('stg_orders') }}\n",
  'models/staging/eph_mid.sql': "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('eph_base') }} where amount > 0\n",
  'models/dim_customers_v1.sql': 'select 1 as id\n',
  'models/dim_customers_v2.sql': 'select 2 as id\n',
  'models/marts/fct_orders.sql': [
    "{{ config(materialized='table') }}",
    'with totals as (',
    "    select customer_id, sum(amount) as amount from {{ ref('eph_mid') }} group by 1",
    ')',
    "select t.*, c.name from totals t join {{ ref('stg_customers') }} c using (customer_id) join {{ ref('eph_base') }} b using (customer_id)",
  ].join('\n') + '\n',
  'models/marts/report.sql': "select * from {{ ref('dim_customers') }} union all select * from {{ ref('dim_customers', v=1) }} -- {{ this }}\n",
};

/** Writes each file under root, making its folders. */
function writeFiles(root: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
  }
}

/** A new temporary project of these files. */
function tempProject(prefix: string, files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFiles(root, files);
  return root;
}

let dir: string;
before(() => { dir = tempProject('floe-compile-names-', FILES); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

/** `floe compile --target T`: each model's written file, by name. */
async function compiled(target: string): Promise<Record<string, string>> {
  const out = path.join(dir, `target_${target}`);
  const r = await runFloe(['compile', '--project-dir', dir, '--profiles-dir', dir, '--target', target, '--target-path', out], {}, dir);
  assert.equal(r.code, 0, r.err + r.out);
  const byName: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else byName[e.name.replace(/\.sql$/, '')] = fs.readFileSync(path.join(d, e.name), 'utf8');
    }
  };
  walk(path.join(out, 'compiled'));
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  assert.equal(manifest.nodes['model.shop.fct_orders'].compiled_code, byName.fct_orders, "the manifest's compiled_code is the written file");
  return byName;
}

const manifestOf = (target: string) => JSON.parse(fs.readFileSync(path.join(dir, `target_${target}`, 'manifest.json'), 'utf8'));

/** The ephemeral chain as dbt injects it: eph_base (read by eph_mid and by the model) once, first; then eph_mid. */
const fctOrders = (stgOrders: string, stgCustomers: string) =>
  `\nwith  __dbt__cte__eph_base as (\n\nselect * from ${stgOrders}\n),  __dbt__cte__eph_mid as (\n\nselect * from __dbt__cte__eph_base where amount > 0\n), totals as (\n` +
  '    select customer_id, sum(amount) as amount from __dbt__cte__eph_mid group by 1\n)\n' +
  `select t.*, c.name from totals t join ${stgCustomers} c using (customer_id) join __dbt__cte__eph_base b using (customer_id)`;

test('postgres: "database"."schema"."identifier", the project quoting: database off, a source quoting: over it', async () => {
  const c = await compiled('pg');
  assert.equal(c.stg_orders, 'select * from rawdb."landing".orders_v1');
  assert.equal(c.stg_customers, '\nselect * from rawdb."landing"."customers" join warehouse."events"."clicks" using (id)');
  assert.equal(c.fct_orders, fctOrders('warehouse."analytics"."stg_orders"', 'warehouse."analytics"."customers_clean"'));
  assert.equal(c.report, 'select * from warehouse."analytics"."dim_customers_v2" union all select * from warehouse."analytics"."dim_customers_v1" -- warehouse."marts"."report"');
  assert.equal(c.eph_mid, '\nwith __dbt__cte__eph_base as (\n\nselect * from warehouse."analytics"."stg_orders"\n) select * from __dbt__cte__eph_base where amount > 0');
  // The manifest names a view where dbt would (the project's generate_schema_name), quoted the same way.
  const report = manifestOf('pg').nodes['model.shop.report'];
  assert.deepEqual([report.schema, report.relation_name], ['marts', 'warehouse."marts"."report"']);
});

test('snowflake: nothing quoted but what a quoting: asks for', async () => {
  const c = await compiled('sf');
  assert.equal(c.stg_orders, 'select * from rawdb.landing.orders_v1');
  assert.equal(c.stg_customers, '\nselect * from rawdb.landing."customers" join ANALYTICS.events.clicks using (id)');
  assert.equal(c.fct_orders, fctOrders('ANALYTICS.dev.stg_orders', 'ANALYTICS.dev.customers_clean'));
  assert.equal(manifestOf('sf').nodes['model.shop.stg_customers'].relation_name, 'ANALYTICS.dev.customers_clean');
});

test('bigquery: backticks (the database unquoted, as the project asks), the project and dataset from the profile', async () => {
  const c = await compiled('bq');
  assert.equal(c.stg_orders, 'select * from rawdb.`landing`.orders_v1');
  assert.equal(c.report, 'select * from my-proj.`dbt_x`.`dim_customers_v2` union all select * from my-proj.`dbt_x`.`dim_customers_v1` -- my-proj.`marts`.`report`');
});

test("duckdb: the database is the path's file name, as dbt-duckdb names it", async () => {
  const c = await compiled('duck');
  assert.equal(c.fct_orders, fctOrders('lake."main"."stg_orders"', 'lake."main"."customers_clean"'));
});

test("duckdb: a source's external_location (meta or config, the source's under the table's, formatted) is what dbt-duckdb renders; a plugin's source keeps its name", async () => {
  const ext = tempProject('floe-compile-external-', {
    'dbt_project.yml': 'name: lake\nprofile: lake\n',
    'profiles.yml': 'lake:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: lake.duckdb}\n',
    'models/sources.yml': [
      'version: 2', 'sources:',
      '  - name: raw', '    meta:', "      external_location: \"read_parquet('{root}/{name}.parquet')\"", '      root: s3://bucket/raw', '    tables:',
      '      - name: orders',
      '      - name: sheet', '        meta:', "          external_location: \"st_read('../data/{identifier}.xlsx')\"", '        identifier: Sheet1',
      '      - name: payments', '        config:', '          external_location: data/payments.csv',
      '      - name: clicks', '        meta:', "          external_location: \"read_csv('{{ env_var('FLOE_T_DATA') }}/{name}.csv')\"",
      '  - name: upstream', '    config:', '      plugin: sqlalchemy', '    tables:', '      - name: customers', '        meta: {external_location: x.csv}',
    ].join('\n') + '\n',
    'models/m.sql': "select * from {{ source('raw', 'orders') }}, {{ source('raw', 'sheet') }}, {{ source('raw', 'payments') }}, {{ source('upstream', 'customers') }}, {{ source('raw', 'clicks') }}\n",
  });
  try {
    const args = ['compile', '--project-dir', ext, '--profiles-dir', ext, '--target-path', path.join(ext, 'target')];
    const r = await runFloe(args, { FLOE_T_DATA: '/data' }, ext);
    assert.equal(r.code, 0, r.err + r.out);
    assert.equal(fs.readFileSync(path.join(ext, 'target', 'compiled', 'lake', 'models', 'm.sql'), 'utf8'),
      "select * from read_parquet('s3://bucket/raw/orders.parquet'), st_read('../data/Sheet1.xlsx'), 'data/payments.csv', \"lake\".\"upstream\".\"customers\", read_csv('/data/clicks.csv')");
    // the manifest's relation_name of each source is the relation compiled SQL reads, as dbt-duckdb's manifest has it
    const sources = JSON.parse(fs.readFileSync(path.join(ext, 'target', 'manifest.json'), 'utf8')).sources;
    assert.deepEqual(Object.fromEntries(Object.values(sources).map((x: any) => [`${x.source_name}.${x.name}`, x.relation_name])), {
      'raw.orders': "read_parquet('s3://bucket/raw/orders.parquet')", 'raw.sheet': "st_read('../data/Sheet1.xlsx')", 'raw.payments': "'data/payments.csv'",
      'raw.clicks': "read_csv('/data/clicks.csv')", 'upstream.customers': '"lake"."upstream"."customers"',
    });
    // the location's Jinja is rendered as dbt reads the YAML; where it cannot be, dbt stops, and so does the compile
    const unset = await runFloe(args, { FLOE_T_DATA: undefined }, ext);
    assert.equal(unset.code, 1);
    assert.match(unset.err, /models\/m\.sql:1:\d+: error: The external_location of source 'raw\.clicks' does not render: Env var required but not provided: 'FLOE_T_DATA'/);
  } finally {
    fs.rmSync(ext, { recursive: true, force: true });
  }
});

test("a ref to a disabled model: floe compile fails as dbt does, naming the model, its file and line (the editor's check unchanged)", async () => {
  const dis = tempProject('floe-compile-disabled-', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: duckdb, path: shop.duckdb}\n',
    'models/old.sql': '{{ config(enabled=false) }}\nselect 1 as id\n',
    'models/reads_old.sql': "select *\nfrom {{ ref('old') }}\n",
    'models/fine.sql': 'select 1 as id\n',
  });
  try {
    const r = await runFloe(['compile', '--project-dir', dis, '--profiles-dir', dis, '--target-path', path.join(dis, 'target')], {}, dis);
    assert.equal(r.code, 1, r.err + r.out);
    assert.match(r.err, /^models\/reads_old\.sql:2:14: error: Model 'model\.shop\.reads_old' \(models\/reads_old\.sql\) depends on a node named 'old' which is disabled$/m);
    assert.doesNotMatch(r.err + r.out, /TypeError|at \w+ \(|Error:/);
    assert.equal(fs.existsSync(path.join(dis, 'target', 'compiled', 'shop', 'models', 'reads_old.sql')), false, 'no SQL for it');
    assert.equal(fs.readFileSync(path.join(dis, 'target', 'compiled', 'shop', 'models', 'fine.sql'), 'utf8'), 'select 1 as id');
    const check = await runFloe(['check', dis, '--no-bind'], {}, dis);
    assert.match(check.out + check.err, /models\/reads_old\.sql:2:14: error \[disabled-ref\] Model 'old' is disabled \(enabled: false\), so this model cannot ref it\./);
  } finally {
    fs.rmSync(dis, { recursive: true, force: true });
  }
});

test('clickhouse: schema.identifier, each part in backticks whatever quoting: says (dbt-clickhouse renders so), no database', async () => {
  const ch = tempProject('floe-compile-clickhouse-', {
    'dbt_project.yml': 'name: shop\nprofile: shop\nquoting:\n  identifier: false\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: clickhouse, host: localhost, port: 8123, schema: analytics}\n',
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
    'models/a.sql': "select * from {{ source('raw', 'orders') }}\n",
    'models/b.sql': "select * from {{ ref('a') }} -- {{ this }}\n",
  });
  try {
    const r = await runFloe(['compile', '--project-dir', ch, '--profiles-dir', ch, '--target-path', path.join(ch, 'target')], {}, ch);
    assert.equal(r.code, 0, r.err + r.out);
    const read = (m: string) => fs.readFileSync(path.join(ch, 'target', 'compiled', 'shop', 'models', `${m}.sql`), 'utf8');
    assert.equal(read('a'), 'select * from `raw`.`orders`');
    assert.equal(read('b'), 'select * from `analytics`.`a` -- `analytics`.`b`');
  } finally {
    fs.rmSync(ch, { recursive: true, force: true });
  }
});

test('sqlite: schema."identifier", no database (dbt-sqlite\'s policies: the database is the file path)', async () => {
  const sq = tempProject('floe-compile-sqlite-', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev: {type: sqlite, threads: 1, database: '../warehouse.db', schema: main, schemas_and_paths: {main: 'main.db'}, schema_directory: '.'}\n",
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
    'models/a.sql': "select * from {{ source('raw', 'orders') }}\n",
    'models/b.sql': "select * from {{ ref('a') }}\n",
  });
  try {
    const r = await runFloe(['compile', '--project-dir', sq, '--profiles-dir', sq, '--target-path', path.join(sq, 'target')], {}, sq);
    assert.equal(r.code, 0, r.err + r.out);
    const read = (m: string) => fs.readFileSync(path.join(sq, 'target', 'compiled', 'shop', 'models', `${m}.sql`), 'utf8');
    assert.equal(read('a'), 'select * from raw."orders"');
    assert.equal(read('b'), 'select * from main."a"');
  } finally {
    fs.rmSync(sq, { recursive: true, force: true });
  }
});

test("a config() argument computed outside any branch (schema=var(...)) is rendered as dbt's parse does: the custom schema names the relation", async () => {
  // As parasagrawal1709/dbt_redshift_dw-2 writes it: config(schema=var('silver_schema')) on its own; Floe read only
  // literal arguments there, so the ref named the target schema alone.
  const vs = tempProject('floe-compile-varschema-', {
    'dbt_project.yml': 'name: shop\nprofile: shop\nvars:\n  silver_schema: silver\n',
    'profiles.yml': 'shop:\n  target: dev\n  outputs:\n    dev: {type: redshift, host: h, user: u, dbname: dev, schema: bronze}\n',
    'models/a.sql': "{{\n    config(\n        materialized='view',\n        alias='stg_a',\n        schema=var('silver_schema')\n    )\n}}\nselect 1 as id\n",
    'models/b.sql': "select * from {{ ref('a') }} -- {{ this }}\n",
  });
  try {
    const r = await runFloe(['compile', '--project-dir', vs, '--profiles-dir', vs, '--target-path', path.join(vs, 'target')], {}, vs);
    assert.equal(r.code, 0, r.err + r.out);
    const read = (m: string) => fs.readFileSync(path.join(vs, 'target', 'compiled', 'shop', 'models', `${m}.sql`), 'utf8');
    assert.equal(read('b'), 'select * from "dev"."bronze_silver"."stg_a" -- "dev"."bronze"."b"');
    const a = JSON.parse(fs.readFileSync(path.join(vs, 'target', 'manifest.json'), 'utf8')).nodes['model.shop.a'];
    assert.deepEqual([a.schema, a.config.schema, a.relation_name], ['bronze_silver', 'silver', '"dev"."bronze_silver"."stg_a"']);
  } finally {
    fs.rmSync(vs, { recursive: true, force: true });
  }
});

test("twelfth corpus: a naming macro that trims a missing split part (fsc-utils) names the relation as dbt does; a model named for tokens keeps its position in an error; a failing macro's message has no JavaScript text", async () => {
  const proj = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-compile-split-'));
  try {
    const files: Record<string, string> = {
      'dbt_project.yml': 'name: chain\nprofile: chain\n',
      'profiles.yml': 'chain:\n  target: dev\n  outputs:\n    dev: {type: snowflake, account: a, user: u, database: CHAIN_DEV, schema: silver}\n',
      // Flipside's naming: the schema is the part before '__', the alias the part after; a name without '__' has none
      'macros/naming.sql': [
        "{% macro generate_schema_name(custom_schema_name=none, node=none) -%}{% set parts = node.name.split('__') %}{{ parts[0] | trim }}{%- endmacro %}",
        "{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{% set parts = node.name.split('__') %}{{ parts[1] | trim }}{%- endmacro %}",
        "{% macro tmp_name(rel) -%}{% set parts = rel.name.split('__') %}{{ target.database ~ '.' ~ parts[0] ~ '.' ~ parts[1] | trim ~ '__dbt_tmp' }}{%- endmacro %}",
      ].join('\n') + '\n',
      'models/live.sql': "{{ config(materialized='ephemeral') }}\nselect 1 as x\n",
      'models/silver__prices.sql': "select '{{ tmp_name(this) }}' as t, x from {{ ref('live') }}\n",
    };
    writeFiles(proj, files);
    const args = ['compile', '--project-dir', proj, '--profiles-dir', proj, '--target-path', path.join(proj, 'target')];
    const r = await runFloe(args, {}, proj);
    assert.equal(r.code, 0, r.err + r.out);
    // dbt: `live`'s alias is '' (Jinja2's trim of undefined), and its CTE is named by the alias (compilation.py's
    // add_ephemeral_prefix(cte_model.identifier)); `this.name` is the identifier, 'prices'
    assert.equal(fs.readFileSync(path.join(proj, 'target', 'compiled', 'chain', 'models', 'silver__prices.sql'), 'utf8'),
      "with __dbt__cte__ as (\n\nselect 1 as x\n) select 'CHAIN_DEV.prices.__dbt_tmp' as t, x from __dbt__cte__");
    // a naming macro that fails (dbt too: batch of None, "'NoneType' object is not iterable"): the message says what
    // is missing, in words, at the model's file and position
    fs.writeFileSync(path.join(proj, 'macros', 'naming.sql'), "{% macro generate_alias_name(custom_alias_name=none, node=none) -%}{{ node.version | batch(2) }}{%- endmacro %}\n");
    fs.writeFileSync(path.join(proj, 'models', 'silver__token_owners.sql'), 'select 1 as y\n');
    const failed = await runFloe(args, {}, proj);
    assert.equal(failed.code, 1);
    assert.match(failed.err, /models\/silver__token_owners\.sql:1:1: error: generate_alias_name failed for silver__token_owners, so dbt's name for its relation is unknown: A value is None where its attribute 'length' is read/);
    assert.doesNotMatch(failed.err, /TypeError|Cannot read prop|\*\*\*/);
  } finally {
    fs.rmSync(proj, { recursive: true, force: true });
  }
});
