// A project whose every model is slow to bind in DuckDB itself and quick in JavaScript: its constant is folded as it is
// prepared (an md5 of a megabyte, ~20 ms a model), so a binding worker is nearly always inside a DuckDB call. For tests
// that stop Floe while binds are under way.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function slowBindProject(models: number): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-slow-bind-'));
  fs.mkdirSync(path.join(root, 'models'));
  fs.writeFileSync(path.join(root, 'dbt_project.yml'), 'name: slow\nprofile: slow\n');
  fs.writeFileSync(path.join(root, 'profiles.yml'), "slow:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n");
  fs.writeFileSync(path.join(root, 'models', 'sources.yml'), 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: t\n        columns:\n          - name: id\n            data_type: bigint\n');
  for (let i = 0; i < models; i++) fs.writeFileSync(path.join(root, 'models', `m${i}.sql`), `select id, ${i} as n, md5(repeat('x', 1000000)) as h from {{ source('raw', 't') }}\n`);
  return root;
}
