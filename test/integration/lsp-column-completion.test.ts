// Completion after `alias.` when no model is bound (no catalog, no warehouse): the columns that can be known, from
// upstream models' select lists (stars followed through CTEs and refs) and their schema YAML, each item's detail
// naming where the name was learned; a CTE's own select list, not the columns of what it reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'macros/money.sql': '{% macro cents_to_dollars(col) %}({{ col }} / 100)::decimal(16, 2){% endmacro %}\n',
  'models/sources.yml': 'version: 2\nsources:\n  - name: ecom\n    tables:\n      - name: raw_products\n      - name: raw_supplies\n',
  'models/staging/stg_products.sql': `with source as (
    select * from {{ source('ecom', 'raw_products') }}
),
renamed as (
    select
        sku as product_id,
        name as product_name,
        {{ cents_to_dollars('price') }} as product_price,
        coalesce(type = 'jaffle', false) as is_food_item
    from source
)
select * from renamed
`,
  'models/staging/stg_products.yml': 'version: 2\nmodels:\n  - name: stg_products\n    columns:\n      - name: product_id\n        description: The key of a product.\n      - name: loaded_at\n        description: Documented, not in the select list.\n',
  'models/staging/stg_supplies.sql': "select id as supply_id, sku as product_id, cost as supply_cost, perishable from {{ source('ecom', 'raw_supplies') }}\n",
  'models/marts/products.sql': "with products as (\n    select * exclude (is_food_item) from {{ ref('stg_products') }}\n)\nselect p.*, 1 as one from products as p\n",
};

const MART = `with products as (
    select * from {{ ref('products') }}
),
summary as (
    select product_id, sum(supply_cost) as supply_cost from {{ ref('stg_supplies') }} group by 1
)
select products.x, summary.x
from products
join summary using (product_id)
`;

function labels(answer: CompletionItem[] | CompletionList | null): Map<string, string> {
  const items = Array.isArray(answer) ? answer : answer?.items ?? [];
  return new Map(items.map((i) => [i.label, i.detail ?? '']));
}

test('completion after alias. lists the columns upstream select lists and YAML tell, naming where each is from', async () => {
  const root = writeTempProject('floe-column-completion-', FILES);
  const mart = path.join(root, 'models/marts/order_items.sql');
  fs.writeFileSync(mart, MART);
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const uri = await client.open(mart, MART);
    const complete = async (at: string) => labels(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(MART, at, at.indexOf('.') + 1) }));
    // a CTE over a model whose select is `p.*` over a CTE with `* exclude` over a ref, whose select list is a CTE's
    const products = await complete('products.x');
    assert.deepEqual([...products.keys()], ['product_id', 'product_name', 'product_price', 'loaded_at', 'one']);
    assert.match(products.get('product_name')!, /model stg_products \(select list\)/);
    assert.match(products.get('product_id')!, /model stg_products \(select list\); documented in schema YAML/);
    assert.match(products.get('loaded_at')!, /model stg_products \(schema YAML\)/);
    assert.match(products.get('one')!, /model products \(select list\)/);
    assert.match(products.get('product_name')!, /^cte products ← /);
    // a CTE's own select list: not stg_supplies' columns
    const summary = await complete('summary.x');
    assert.deepEqual([...summary.keys()], ['product_id', 'supply_cost']);
    assert.match(summary.get('supply_cost')!, /cte summary \(select list\)/);
    // hover of such a column says where it is from
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(MART, 'product_id)', 2) });
    assert.ok(hover === null || !/undefined|\[object/.test(JSON.stringify(hover)));
    const text2 = MART.replace('products.x', 'products.product_name');
    await client.change(uri, text2);
    const h2 = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text2, 'products.product_name', 12) });
    assert.match(JSON.stringify(h2), /product_name.*model stg_products \(select list\)/);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('completion after alias. reads each CTE once: 32 CTEs each joining the two before answer at once', async () => {
  const ctes = ['c0 as (select 1 as a0)', 'c1 as (select 2 as a1)'];
  for (let i = 2; i < 32; i++) ctes.push(`c${i} as (select c${i - 1}.*, c${i - 2}.*, ${i} as a${i} from c${i - 1} join c${i - 2} on true)`);
  const text = `with ${ctes.join(',\n')}\nselect c31.x from c31\n`;
  const root = writeTempProject('floe-column-completion-ctes-', { ...FILES, 'models/wide.sql': text });
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const uri = await client.open(path.join(root, 'models/wide.sql'), text);
    const started = Date.now();
    const answer = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, 'c31.x', 4) });
    const took = Date.now() - started;
    // c31's columns: every a<i> reached through the joins (a name twice where two CTEs carry it)
    assert.deepEqual(new Set(labels(answer).keys()), new Set(Array.from({ length: 32 }, (_, i) => `a${i}`)));
    assert.ok(took < 10_000, `answered in ${took} ms`);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

const MACRO_MART = "select r.x, s.x, r.customer_name\nfrom {{ ref('renamed') }} as r\ncross join {{ ref('starred') }} as s\n";

test('columns of a model whose select is a macro\'s output come from its compiled SQL, stars followed through its refs', async () => {
  const root = writeTempProject('floe-column-completion-compiled-', {
    'dbt_project.yml': 'name: shop\nprofile: shop\n',
    'profiles.yml': FILES['profiles.yml'],
    'macros/emit.sql': [
      '{% macro select_renamed(rel) %}with src as (select * from {{ rel }})\nselect id as customer_id, name as customer_name from src{% endmacro %}',
      // as dbt_utils.star: `*` when not executing (dbt parses, Floe renders for the editor), the columns otherwise
      "{% macro all_of(from) %}{%- if not execute -%}{% do return('*') %}{%- endif -%}{{ from }}.id{% endmacro %}",
    ].join('\n'),
    'models/stg.sql': "select 1 as id, 'a' as name\n",
    'models/renamed.sql': "{{ select_renamed(ref('stg')) }}\n",
    'models/starred.sql': "select {{ all_of(from=ref('stg')) }}, 2 as two from {{ ref('stg') }}\n",
    'models/mart.sql': MACRO_MART,
  });
  const mart = MACRO_MART;
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const uri = await client.open(path.join(root, 'models/mart.sql'), mart);
    const complete = async (at: string) => labels(await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(mart, at, 2) }));
    const renamed = await complete('r.x');
    assert.deepEqual([...renamed.keys()], ['customer_id', 'customer_name']);
    assert.match(renamed.get('customer_name')!, /model renamed \(compiled select list\)/);
    const starred = await complete('s.x');
    assert.deepEqual([...starred.keys()], ['id', 'name', 'two']);
    assert.match(starred.get('name')!, /model stg \(select list\)/);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(mart, 'r.customer_name', 4) });
    assert.match(JSON.stringify(hover), /customer_name.*model renamed \(compiled select list\)/);
    // the macro edited: the compiled select list follows it
    const macros = path.join(root, 'macros/emit.sql');
    const macroText = fs.readFileSync(macros, 'utf8');
    await client.change(await client.open(macros, macroText), macroText.replace('name as customer_name', 'name as full_name'));
    assert.deepEqual([...(await complete('r.x')).keys()], ['customer_id', 'full_name']);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
