// dbt's freshness rules without I/O: which threshold a table gets (the table's block over its source's, null turning it
// off, `config:` or top level), and the status an age earns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSchemaFile } from '../../server/src/project/schemaYaml';
import { freshnessStatus, pythonIso } from '../../server/src/run/source-freshness';

const tablesOf = (yaml: string) => parseSchemaFile('/p/models/sources.yml', yaml).sources.flatMap((s) => s.tables);

test('freshness and loaded_at_field: the table over its source, threshold by threshold; null turns it off; config: too', () => {
  const [a, b, c, d] = tablesOf(`version: 2
sources:
  - name: raw
    loaded_at_field: _loaded_at
    freshness:
      warn_after: {count: 12, period: hour}
      error_after: {count: 1, period: day}
      filter: "x > 0"
    tables:
      - name: a
      - name: b
        loaded_at_field: updated_at
        freshness:
          error_after: {count: 3, period: day}
      - name: c
        freshness: null
      - name: d
        config:
          freshness:
            warn_after: {count: 5, period: minute}
`);
  assert.deepEqual([a.loadedAtField, a.freshness], ['_loaded_at', { warn_after: { count: 12, period: 'hour' }, error_after: { count: 1, period: 'day' }, filter: 'x > 0' }]);
  assert.deepEqual([b.loadedAtField, b.freshness], ['updated_at', { warn_after: { count: 12, period: 'hour' }, error_after: { count: 3, period: 'day' }, filter: 'x > 0' }]);
  assert.equal(c.freshness, undefined);
  assert.deepEqual(d.freshness?.warn_after, { count: 5, period: 'minute' });
  assert.equal(tablesOf('sources:\n  - name: s\n    tables:\n      - name: t\n')[0].freshness, undefined);
});

test('status: error past error_after, else warn past warn_after, else pass; a threshold needs count and period', () => {
  const criteria = { warn_after: { count: 1, period: 'hour' as const }, error_after: { count: 1, period: 'day' as const }, filter: null };
  assert.equal(freshnessStatus(3599, criteria), 'pass');
  assert.equal(freshnessStatus(3601, criteria), 'warn');
  assert.equal(freshnessStatus(86401, criteria), 'error');
  assert.equal(freshnessStatus(86401, { ...criteria, error_after: { count: null, period: 'day' } }), 'warn');
  assert.equal(freshnessStatus(-5, criteria), 'pass');
});

test("times as Python's isoformat writes dbt's UTC datetimes", () => {
  assert.equal(pythonIso(new Date('2024-01-01T00:00:00Z')), '2024-01-01T00:00:00+00:00');
  assert.equal(pythonIso(new Date('2024-01-01T00:00:00.104Z'), 104729), '2024-01-01T00:00:00.104729+00:00');
  assert.equal(pythonIso(new Date('2024-01-01T00:00:00.5Z')), '2024-01-01T00:00:00.500000+00:00');
});
