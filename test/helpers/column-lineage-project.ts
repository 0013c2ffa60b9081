// A small project for column lineage over the real server and CLI: two Iceberg sources whose cached schemas carry field
// ids (amount_cents is field 3), staging models with CTEs, qualify, renames, a struct field, and marts with a join,
// aggregates, group by all and `* exclude`.
import { writeTempProject } from './demo-copy';

const schema = (table: string, columns: Array<[string, string, number]>) => ({ table, columns: columns.map(([name, type, fieldId]) => ({ name, type, fieldId })) });

export const COLUMN_LINEAGE_FILES: Record<string, string> = {
  'dbt_project.yml': "name: shop\nversion: '1.0.0'\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n",
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'models/sources.yml': [
    'version: 2',
    'sources:',
    '  - name: shop',
    '    tables:',
    '      - name: orders',
    '        meta: { iceberg_table: shop.orders }',
    '      - name: customers',
    '        meta: { iceberg_table: shop.customers }',
    '',
  ].join('\n'),
  '.floe/cache/schemas.json': JSON.stringify({
    version: 1,
    tables: {
      'shop.orders': schema('shop.orders', [['order_id', 'BIGINT', 1], ['customer_id', 'BIGINT', 2], ['amount_cents', 'BIGINT', 3], ['ordered_at', 'TIMESTAMP', 4], ['status', 'VARCHAR', 5]]),
      'shop.customers': schema('shop.customers', [['customer_id', 'BIGINT', 1], ['name', 'VARCHAR', 2], ['address', 'STRUCT(city VARCHAR, zip VARCHAR)', 3]]),
    },
  }),
  'models/stg_orders.sql': [
    "with src as (select * from {{ source('shop', 'orders') }}),",
    'dedup as (select * from src qualify row_number() over (partition by order_id order by ordered_at desc) = 1)',
    'select order_id, customer_id as buyer_id, amount_cents / 100.0 as amount, ordered_at, status',
    'from dedup',
    '',
  ].join('\n'),
  'models/stg_customers.sql': "select customer_id, name as customer_name, address.city as city\nfrom {{ source('shop', 'customers') }}\n",
  'models/mart_sales.sql': [
    'select c.customer_name, c.city, sum(o.amount) as revenue, count(*) as orders',
    "from {{ ref('stg_orders') }} o",
    "join {{ ref('stg_customers') }} c on c.customer_id = o.buyer_id",
    'group by all',
    '',
  ].join('\n'),
  'models/mart_top.sql': "select * exclude (orders)\nfrom {{ ref('mart_sales') }}\nwhere revenue > 0\n",
};

export function writeColumnLineageProject(): string {
  return writeTempProject('floe-column-lineage-', COLUMN_LINEAGE_FILES);
}
