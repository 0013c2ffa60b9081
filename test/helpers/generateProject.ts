// Writes a generated dbt project for speed tests: N models in ref chains (up to 10 refs each), sources,
// schema YAML and macros. Deterministic for a given N.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function generateProject(root: string, models: number): { modelFile: (i: number) => string } {
  mkdirSync(path.join(root, 'models', 'staging'), { recursive: true });
  mkdirSync(path.join(root, 'models', 'marts'), { recursive: true });
  mkdirSync(path.join(root, 'macros'), { recursive: true });
  writeFileSync(path.join(root, 'dbt_project.yml'), "name: big\nprofile: big\nvars:\n  cutoff: '2020-01-01'\nmodels:\n  big:\n    staging:\n      +materialized: view\n    marts:\n      +materialized: table\n");
  const sources = 50;
  const yaml = ['version: 2', 'sources:', '  - name: raw', '    schema: demo.bronze', '    tables:'];
  for (let s = 0; s < sources; s++) yaml.push(`      - name: t${s}`, '        columns:', '          - name: id', '            data_type: bigint', '          - name: v', '            data_type: varchar');
  writeFileSync(path.join(root, 'models', 'sources.yml'), `${yaml.join('\n')}\n`);
  const docs = ['version: 2', 'models:'];
  writeFileSync(path.join(root, 'macros', 'util.sql'), '{% macro clean(c) %}lower(trim({{ c }})){% endmacro %}\n{% macro cents(c) %}({{ c }} / 100){% endmacro %}\n');
  const modelFile = (i: number) => path.join(root, 'models', i < sources ? 'staging' : 'marts', `m${i}.sql`);
  for (let i = 0; i < models; i++) {
    let body: string;
    if (i < sources) {
      body = `{{ config(materialized='view', tags=['staging']) }}\nselect id, {{ clean('v') }} as v from {{ source('raw', 't${i}') }}\n`;
    } else {
      const refs = Math.min(10, 1 + (i % 10));
      const parents = Array.from({ length: refs }, (_, k) => i - 1 - ((k * 37 + i) % Math.min(i, 500)));
      const ctes = parents.map((p, k) => `p${k} as (select * from {{ ref('m${p}') }})`).join(',\n');
      body = `{{ config(materialized='table', tags=['gold']) }}\nwith ${ctes}\nselect p0.id, {{ cents('p0.id') }} as amount, p0.v\nfrom p0\n${parents.slice(1).map((_, k) => `left join p${k + 1} on p${k + 1}.id = p0.id`).join('\n')}\nwhere '{{ var("cutoff") }}' is not null\n`;
    }
    writeFileSync(modelFile(i), body);
    if (i % 10 === 0) docs.push(`  - name: m${i}`, `    description: Model ${i}.`);
  }
  writeFileSync(path.join(root, 'models', 'schema.yml'), `${docs.join('\n')}\n`);
  return { modelFile };
}
