// A model's enforced contract as read from schema YAML: data_type in DuckDB's or Iceberg's names, and in Jinja as
// dbt renders it (dbt-project-evaluator writes `{{ 'uint8' if target.type in ['clickhouse'] else 'integer' }}`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { contractMismatches, enforcedContract } from '../../server/src/project/contract';

const files = (dataType: string, adapter = 'duckdb') => ({
  'dbt_project.yml': "name: p\nversion: '1'\nprofile: p\n",
  'profiles.yml': `p:\n  target: dev\n  outputs:\n    dev:\n      type: ${adapter}\n      path: x.duckdb\n`,
  'models/m.sql': "{{ config(contract={'enforced': true}) }}\nselect 1 as id",
  'models/m.yml': `version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        data_type: "${dataType}"\n`,
});

function contractOf(dataType: string, adapter?: string) {
  const project = DbtProject.fromTexts('/virtual/contract', files(dataType, adapter));
  return enforcedContract(project, project.resolveRef({ name: 'm' })!)!;
}

test('a data_type in Jinja is rendered as dbt renders it, then read as a type', () => {
  const c = contractOf("{{ 'uint8' if target.type in ['clickhouse'] else 'integer' }}");
  assert.equal(c.columns[0].typeProblem, undefined);
  assert.equal(c.columns[0].dataType, 'INTEGER');
  assert.deepEqual(contractMismatches(c, [{ name: 'id', type: 'INTEGER' }]), []);
  assert.equal(contractMismatches(c, [{ name: 'id', type: 'VARCHAR' }])[0]?.kind, 'type');
});

test('a data_type Floe cannot read or render says so', () => {
  assert.match(contractOf('integr').columns[0].typeProblem ?? '', /not a type Floe knows/);
  assert.match(contractOf("{{ undefined_macro() }}").columns[0].typeProblem ?? '', /could not be rendered/);
});

test("another warehouse's data_type is that warehouse's to read: not judged by DuckDB's names (teamster's BigQuery int64, array<struct<...>>)", () => {
  for (const t of ['int64', 'array<struct<itemid string, numbervalue float64>>', 'bignumeric', 'record']) {
    const c = contractOf(t, 'bigquery');
    assert.equal(c.columns[0].typeProblem, undefined, t);
    assert.equal(c.columns[0].type, undefined, t);
    assert.deepEqual(contractMismatches(c, [{ name: 'id', type: 'BIGINT' }]), [], t);
  }
  assert.match(contractOf('int64').columns[0].typeProblem ?? '', /not a type Floe knows/, 'a DuckDB project still hears of it');
  assert.match(contractOf("{{ undefined_macro() }}", 'bigquery').columns[0].typeProblem ?? '', /could not be rendered/);
});
