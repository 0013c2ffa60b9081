// adapter.dispatch's search as dbt-core's _get_search_packages makes it: a namespace without a `dispatch:` entry is
// searched after the root project (whose `<adapter>__name` and `default__name` override), a `dispatch:` entry as listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dispatchSearch } from '../../server/src/jinja/dispatchSearch';

test('a namespace is searched after the root project, the root trying only the prefixed names', () => {
  const s = dispatchSearch('test_unique', 'dbt', { root: 'shop', dispatchOrder: {}, adapter: 'duckdb' });
  assert.deepEqual(s.order, ['shop', 'dbt']);
  assert.deepEqual(s.namesIn('shop'), ['duckdb__test_unique', 'default__test_unique']);
  assert.deepEqual(s.namesIn('dbt'), ['duckdb__test_unique', 'default__test_unique', 'test_unique']);
  const utils = dispatchSearch('star', 'dbt_utils', { root: 'shop', dispatchOrder: {}, adapter: 'snowflake' });
  assert.deepEqual(utils.order, ['shop', 'dbt_utils']);
  assert.deepEqual(utils.namesIn('shop'), ['snowflake__star', 'default__star']);
});

test('a dispatch: entry is the order as listed; the root project dispatching to itself is searched once', () => {
  const listed = dispatchSearch('test_not_null', 'dbt', { root: 'shop', dispatchOrder: { dbt: ['shop', 'checks', 'dbt'] }, adapter: 'duckdb' });
  assert.deepEqual(listed.order, ['shop', 'checks', 'dbt']);
  assert.deepEqual(listed.namesIn('shop'), listed.candidates);
  assert.deepEqual(dispatchSearch('x', 'shop', { root: 'shop', dispatchOrder: {} }).order, ['shop']);
});
