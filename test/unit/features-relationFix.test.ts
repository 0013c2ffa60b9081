// relationFix: a three-part name in a catalog DuckDB does not have (`Catalog "wh" does not exist!`, with no position)
// found in the model's text, only where that is certain, and fixed to its ref() or source(); models compiled for real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { catalogNameAt, hardCodedRelationFix } from '../../server/src/features/relationFix';

const MESSAGE = 'Catalog "wh" does not exist!';

/** The fix for models/m.sql written as `sql`, as binding.ts makes it from DuckDB's message. */
function fixOf(sql: string, message = MESSAGE) {
  const project = DbtProject.fromTexts('/p', {
    'dbt_project.yml': 'name: p\nprofile: p\n',
    'models/orders.sql': 'select 1 as id',
    'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    database: wh\n    schema: landing\n    tables:\n      - name: events\n',
    'models/m.sql': sql,
  });
  const file = '/p/models/m.sql';
  const compiled = compileModel(project, file);
  const at = catalogNameAt(message, sql, project.entry(file)!.analysis!.scan.blocks, compiled.sql, (o, l) => compiled.map.toTemplate(o, l));
  if (at === undefined) return undefined;
  const fix = hardCodedRelationFix(project, message, sql, at.start);
  if (fix) assert.deepEqual([fix.start, fix.end], [at.start, at.end], 'the name found is the name replaced');
  return fix && { at: fix.start, written: sql.slice(fix.start, fix.end), with: fix.fix.with };
}

test('a three-part name written once, outside Jinja: its ref() or source(), quoted parts and spaces too', () => {
  assert.deepEqual(fixOf('select * from wh.analytics.orders'), { at: 14, written: 'wh.analytics.orders', with: "{{ ref('orders') }}" });
  assert.deepEqual(fixOf('{% set n = 1 %}\nselect {{ n }} as n from "WH" . landing."events" e'), { at: 41, written: '"WH" . landing."events"', with: "{{ source('raw', 'events') }}" });
  assert.deepEqual(fixOf('{# from wh.analytics.orders #}select * from wh.analytics.orders'), { at: 44, written: 'wh.analytics.orders', with: "{{ ref('orders') }}" }, 'a Jinja comment is not the place');
  assert.deepEqual(fixOf('select * from wh.analytics.orders', `Binder Error: ${MESSAGE}`), { at: 14, written: 'wh.analytics.orders', with: "{{ ref('orders') }}" });
});

test('no fix where the place is not certain: twice, only inside Jinja, made by Jinja, a longer name, another catalog', () => {
  assert.equal(fixOf('select * from wh.analytics.orders join wh.analytics.orders o2 using (id)'), undefined);
  assert.equal(fixOf("select * from wh.analytics.orders join wh.landing.events using (id)"), undefined);
  assert.equal(fixOf("{{ 'wh.analytics.orders' }}"), undefined);
  assert.equal(fixOf("select * from {{ 'wh' }}.analytics.orders"), undefined);
  assert.equal(fixOf('select * from x.wh.analytics.orders'), undefined);
  assert.equal(fixOf('select * from wh.analytics.orders.id'), undefined);
  assert.equal(fixOf('select * from wh.analytics.orders', 'Catalog "other" does not exist!'), undefined);
  assert.equal(fixOf('select * from wh.analytics.unknown'), undefined, 'neither a model nor a source');
});
