// Go to definition at the | cursor of a schema YAML file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeProject, file, cursor } from '../helpers/projectTexts';
import { definition } from '../../server/src/features/navigation';

const YAML = 'models/zz_probe.yml';
const MACRO = { 'macros/tests.sql': '-- checks\n{% test is_positive(model, column_name) %}select 1{% endtest %}\n' };

/** The definition at | is in `expectedFile` (relative) at the text `at` of that file, or nothing when null. */
function check(textWithBar: string, expectedFile: string | null, at?: string) {
  const { text, offset } = cursor(textWithBar);
  const p = makeProject({ [YAML]: text, ...MACRO });
  const defs = definition(p, file(YAML), offset);
  if (expectedFile === null) return assert.deepEqual(defs, []);
  assert.equal(defs.length, 1, JSON.stringify(defs));
  assert.equal(defs[0].file, file(expectedFile));
  if (at) assert.equal(defs[0].start, p.entry(file(expectedFile))!.text.indexOf(at));
}

test("a model's name: opens its SQL file, also while the YAML is broken further down", () => {
  check('models:\n  - name: stg_or|ders\n', 'models/staging/stg_orders.sql');
  check('models:\n  - name: mart_customers\n    columns:\n      - name: x\n  - name: stg_or|ders\n    columns: [\n', 'models/staging/stg_orders.sql');
  check('models:\n  - name: nope|\n', null);
});

test("ref('x') / source('s', 't') in a relationships to: opens the model / the source table", () => {
  const rel = 'models:\n  - name: stg_orders\n    columns:\n      - name: customer_id\n        data_tests:\n          - relationships:\n              arguments:\n';
  check(`${rel}                to: ref('stg_cu|stomers')\n`, 'models/staging/stg_customers.sql');
  check(`${rel}                to: "{{ ref('mart_|customers') }}"\n`, 'models/marts/mart_customers.sql');
  check(`${rel}                to: source('bronze', 'cust|omers')\n`, 'models/sources.yml', 'customers');
});

test('a custom generic test opens its {% test %} block; core tests and source table names add nothing new', () => {
  check('models:\n  - name: m\n    data_tests:\n      - is_posi|tive\n', 'macros/tests.sql', '{% test is_positive(');
  check('models:\n  - name: m\n    data_tests:\n      - not_nu|ll\n', null);
  check('models:\n  - name: m\n    descr|iption: stg_orders\n', null);
});

test('broken YAML returns [] without throwing', () => {
  for (const t of ['|', 'models:\n  - name: [|', ':::|', "to: ref('|"]) check(t, null);
});
