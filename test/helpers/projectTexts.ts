// A small in-memory dbt project in the seed's shape, for unit tests of the project model and features.
import { DbtProject } from '../../server/src/project/project';

export const ROOT = '/virtual/shop';

export const BASE: Record<string, string> = {
  'dbt_project.yml': "name: shop\nprofile: shop\nvars:\n  region: eu\nmodels:\n  shop:\n    staging:\n      +materialized: view\n      +tags: ['staging']\n    marts:\n      +materialized: external\n      +tags: ['gold']\n",
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n      plugins:\n        - module: 'demo.dbt.plugins.polaris'\n          config:\n            catalog_uri: \"{{ env_var('POLARIS_URI', 'http://localhost:8181/api/catalog') }}\"\n            warehouse: demo_catalog\n",
  'models/sources.yml': 'version: 2\nsources:\n  - name: bronze\n    schema: demo.bronze\n    tables:\n      - name: customers\n        meta: { iceberg_table: demo.bronze.bronze_customers }\n        columns:\n          - name: customer_id\n            data_type: bigint\n          - name: email\n            data_type: varchar\n      - name: orders\n',
  'models/schema.yml': 'version: 2\nmodels:\n  - name: stg_customers\n    description: Cleaned customers.\n    config:\n      alias: customers_v\n    columns:\n      - name: customer_id\n        data_type: bigint\n      - name: email\n        data_type: varchar\n',
  'models/staging/stg_customers.sql': "{{ config(materialized='view') }}\nselect customer_id, lower(email) as email from {{ source('bronze', 'customers') }}\n",
  'models/staging/stg_orders.sql': "select * from {{ source('bronze', 'orders') }}\n",
  'models/marts/mart_customers.sql': "{{ config(polaris_namespace='demo.gold', polaris_table='mart_customers', tags=['c']) }}\nwith c as (\n    select * from {{ ref('stg_customers') }}\n)\nselect c.customer_id, c.email from c\n",
  'macros/money.sql': '{% macro cents_to_dollars(col, scale=2) %}({{ col }} / 100)::decimal(18, {{ scale }}){% endmacro %}\n',
  'seeds/country_codes.csv': 'code,name,population,joined\nUS,United States,331000000,2001-01-01\n',
};

export function makeProject(overrides: Record<string, string> = {}): DbtProject {
  return DbtProject.fromTexts(ROOT, { ...BASE, ...overrides });
}

export const file = (rel: string) => `${ROOT}/${rel}`;

/** Splits `text` at the `|` cursor marker: the text without it, and the cursor offset. */
export function cursor(textWithBar: string): { text: string; offset: number } {
  const offset = textWithBar.indexOf('|');
  return { text: textWithBar.slice(0, offset) + textWithBar.slice(offset + 1), offset };
}
