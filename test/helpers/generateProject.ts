// Writes a generated dbt project for speed tests: N models in ref chains (up to 10 refs each), typed sources, schema
// YAML and macros. Deterministic for a given N. Its sources' schemas are also in the schema cache, as a project's
// whose sources were read from the catalog, so every model binds against typed columns (real binder work).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The columns of every generated source, and so (passed along) of every model. */
const COLUMNS: Array<[string, string]> = [
  ['id', 'BIGINT'],
  ['v', 'VARCHAR'],
  ['amount', 'DECIMAL(18,2)'],
  ['qty', 'INTEGER'],
  ['created_at', 'TIMESTAMP'],
  ['status', 'VARCHAR'],
];

/** Models given a real error when `seedErrors` is set: a misspelled column, and a type error (integer + timestamp). */
export const SEEDED = { wrongColumn: 7, typeError: 77 } as const;

export function generateProject(root: string, models: number, options: { seedErrors?: boolean } = {}): { modelFile: (i: number) => string } {
  mkdirSync(path.join(root, 'models', 'staging'), { recursive: true });
  mkdirSync(path.join(root, 'models', 'marts'), { recursive: true });
  mkdirSync(path.join(root, 'macros'), { recursive: true });
  mkdirSync(path.join(root, '.floe', 'cache'), { recursive: true });
  writeFileSync(path.join(root, 'dbt_project.yml'), "name: big\nprofile: big\nvars:\n  cutoff: '2020-01-01'\nmodels:\n  big:\n    staging:\n      +materialized: view\n    marts:\n      +materialized: table\n");
  // a DuckDB profile: binder findings are errors (without one the adapter is unknown and they are only hints)
  writeFileSync(path.join(root, 'profiles.yml'), "big:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n");
  const sources = 50;
  const yaml = ['version: 2', 'sources:', '  - name: raw', '    schema: demo.bronze', '    tables:'];
  const schemas: Record<string, { table: string; columns: Array<{ name: string; type: string }> }> = {};
  for (let s = 0; s < sources; s++) {
    yaml.push(`      - name: t${s}`, '        columns:', ...COLUMNS.flatMap(([name, type]) => [`          - name: ${name}`, `            data_type: ${type.toLowerCase()}`]));
    schemas[`demo.bronze.t${s}`] = { table: `demo.bronze.t${s}`, columns: COLUMNS.map(([name, type]) => ({ name, type })) };
  }
  writeFileSync(path.join(root, 'models', 'sources.yml'), `${yaml.join('\n')}\n`);
  writeFileSync(path.join(root, '.floe', 'cache', 'schemas.json'), JSON.stringify({ version: 1, tables: schemas }));
  const docs = ['version: 2', 'models:'];
  writeFileSync(path.join(root, 'macros', 'util.sql'), '{% macro clean(c) %}lower(trim({{ c }})){% endmacro %}\n{% macro cents(c) %}({{ c }} / 100){% endmacro %}\n');
  const modelFile = (i: number) => path.join(root, 'models', i < sources ? 'staging' : 'marts', `m${i}.sql`);
  for (let i = 0; i < models; i++) {
    let body: string;
    if (i < sources) {
      const status = options.seedErrors && i === SEEDED.wrongColumn ? 'stauts' : 'status';
      body = `{{ config(materialized='view', tags=['staging']) }}\nselect id, {{ clean('v') }} as v, amount, qty, created_at, ${status}\nfrom {{ source('raw', 't${i}') }}\nwhere status <> 'deleted'\n`;
    } else {
      const refs = Math.min(10, 1 + (i % 10));
      const parents = Array.from({ length: refs }, (_, k) => i - 1 - ((k * 37 + i) % Math.min(i, 500)));
      const ctes = parents.map((p, k) => `p${k} as (select * from {{ ref('m${p}') }})`).join(',\n');
      const last = `p${refs - 1}`;
      const qty = options.seedErrors && i === SEEDED.typeError ? `p0.qty + ${last}.created_at` : `p0.qty + coalesce(${last}.qty, 0)`;
      body =
        `{{ config(materialized='table', tags=['gold']) }}\nwith ${ctes}\n` +
        `select p0.id, p0.v, cast(p0.amount + coalesce({{ cents('${last}.amount') }}, 0) as decimal(18,2)) as amount,\n` +
        `  ${qty} as qty, greatest(p0.created_at, ${last}.created_at) as created_at, coalesce(${last}.status, p0.status) as status\n` +
        `from p0\n${parents.slice(1).map((_, k) => `left join p${k + 1} on p${k + 1}.id = p0.id`).join('\n')}\n` +
        `where p0.created_at >= '{{ var("cutoff") }}'\n`;
    }
    writeFileSync(modelFile(i), body);
    if (i % 10 === 0) docs.push(`  - name: m${i}`, `    description: Model ${i}.`);
  }
  writeFileSync(path.join(root, 'models', 'schema.yml'), `${docs.join('\n')}\n`);
  return { modelFile };
}
