// Writes a generated dbt project shaped like real ones: a root project and two installed packages (dbt_packages/),
// a utility package whose macros go through adapter.dispatch (overridden by the root's `dispatch:`), dbt's built-in
// cross-database macros, package vars, loops that build lists, and Jinja-valued enabled. dbt compiles all of it, so
// `floe check` must report nothing. Deterministic for a given model count.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const UTILS = `{% macro money(c) %}{{ return(adapter.dispatch('money', 'pkg_utils')(c)) }}{% endmacro %}
{% macro default__money(c) %}({{ c }} / 100)::decimal(18, 2){% endmacro %}
{% macro star_except(cols, except=[]) -%}
  {%- set kept = [] -%}
  {%- for c in cols if c not in except -%}{%- do kept.append(c) -%}{%- endfor -%}
  {{ return(kept | join(', ')) }}
{%- endmacro %}
{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} < 0{% endtest %}
`;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function packageModels(root: string, pkg: string, count: number, offset: number): void {
  for (let i = 0; i < count; i++) {
    const name = `${pkg}_m${i}`;
    const parent = i === 0 ? `{{ source('${pkg}_raw', 't0') }}` : `{{ ref('${pkg}_m${i - 1 - (i * 7) % Math.min(i, 50)}') }}`;
    write(path.join(root, 'models', i % 2 ? 'marts' : 'staging', `${name}.sql`),
      `{{ config(materialized='table', enabled=var('${pkg}_enabled', true)) }}
{%- set cols = ['id', 'amount', 'created_at', 'status'] %}
select {{ pkg_utils.star_except(cols, except=['status']) }},
  {{ pkg_utils.money('amount') }} as amount_usd,
  {{ dbt.date_trunc('month', 'created_at') }} as month,
  cast(id as {{ dbt.type_string() }}) as id_text,
  '{{ var('${pkg}_label') }}' as label_${offset + i}
from ${parent}
{% if is_incremental() %}where created_at > (select max(created_at) from {{ this }}){% endif %}
`);
  }
  write(path.join(root, 'models', 'sources.yml'), `version: 2\nsources:\n  - name: ${pkg}_raw\n    tables:\n      - name: t0\n`);
  write(path.join(root, 'dbt_project.yml'), `name: ${pkg}\nversion: '1.0'\nconfig-version: 2\nvars:\n  ${pkg}_label: ${pkg}\n`);
}

/** A root project with `models` models in all: 20% in the root, the rest split over two packages. */
export function generatePackagedProject(root: string, models: number): void {
  const rootModels = Math.round(models * 0.2);
  const perPackage = Math.floor((models - rootModels) / 2);
  write(path.join(root, 'dbt_project.yml'), `name: shop
version: '1.0'
config-version: 2
profile: shop
dispatch:
  - macro_namespace: pkg_utils
    search_order: ['shop', 'pkg_utils']
vars:
  pkg_a:
    pkg_a_label: overridden
`);
  write(path.join(root, 'profiles.yml'), 'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ":memory:"\n');
  write(path.join(root, 'macros', 'overrides.sql'), '{% macro duckdb__money(c) %}round({{ c }} / 100.0, 2){% endmacro %}\n');
  write(path.join(root, 'dbt_packages', 'pkg_utils', 'dbt_project.yml'), "name: pkg_utils\nversion: '1.0'\nconfig-version: 2\n");
  write(path.join(root, 'dbt_packages', 'pkg_utils', 'macros', 'utils.sql'), UTILS);
  packageModels(path.join(root, 'dbt_packages', 'pkg_a'), 'pkg_a', perPackage, 0);
  packageModels(path.join(root, 'dbt_packages', 'pkg_b'), 'pkg_b', perPackage, perPackage);
  const yaml = ['version: 2', 'models:'];
  for (let i = 0; i < rootModels; i++) {
    const upstream = i === 0 ? "{{ ref('pkg_a', 'pkg_a_m0') }}" : `{{ ref('shop_m${i - 1}') }}`;
    write(path.join(root, 'models', `shop_m${i}.sql`), `select id, {{ pkg_utils.money('amount') }} as amount, {{ dbt.dateadd('day', 1, 'created_at') }} as next_day
from ${upstream}
`);
    if (i % 5 === 0) yaml.push(`  - name: shop_m${i}`, '    columns:', '      - name: amount', '        data_tests: [not_null, pkg_utils.positive]');
  }
  write(path.join(root, 'models', 'schema.yml'), `${yaml.join('\n')}\n`);
}
