// `floe ls` lists what `dbt ls` does: without --resource-type (or with `default`) every type but analyses, which
// `--resource-type analysis` or `all` list (dbt-core's ListTask: DEFAULT_RESOURCE_VALUES, ALL_RESOURCE_VALUES).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyDemo } from '../helpers/demo-copy';
import { runFloe } from '../helpers/floe-cli';

const dir = copyDemo({ 'analyses/revenue_by_day.sql': "select 1 as n from {{ ref('mart_revenue') }}\n" });
const ls = async (...args: string[]) => {
  const r = await runFloe(['ls', '--output', 'name', ...args], {}, dir);
  assert.equal(r.code, 0, r.err + r.out);
  return r.out.trim().split('\n');
};

test('floe ls leaves analyses out unless asked for, as dbt ls does', async () => {
  const listed = await ls();
  assert.ok(listed.includes('mart_revenue'), listed.join(' '));
  assert.ok(!listed.includes('revenue_by_day'), 'an analysis listed by default');
  assert.deepEqual(await ls('--resource-type', 'default'), listed);
  assert.deepEqual(await ls('--resource-type', 'analysis'), ['revenue_by_day']);
  assert.deepEqual((await ls('--resource-type', 'all')).sort(), [...listed, 'revenue_by_day'].sort());
  assert.deepEqual(await ls('--resource-type', 'analysis', '--resource-type', 'model', '-s', 'revenue_by_day'), ['revenue_by_day']);
});

test("floe ls --output json writes a config() value that is an integral float as Python does (1.0), in a branch and in a list or dict too", async () => {
  const floats = copyDemo({
    'models/floaty.sql': "{% if target.name != 'nowhere' %}{{ config(ratio=1.0, sizes=[2.0, 3]) }}{% endif %}\nselect 1 as id\n",
    'analyses/floaty_report.sql': "{% if true %}{{ config(share=0.0) }}{% endif %}\nselect 1 as id\n",
    'models/floaty_plain.sql': "{{ config(sizes=[1.0, 2], meta={'x': 2.0}) }}\nselect 1 as id\n",
  });
  const r = await runFloe(['ls', '--output', 'json', '--resource-type', 'all', '-s', 'floaty', 'floaty_report', 'floaty_plain'], {}, floats);
  assert.equal(r.code, 0, r.err + r.out);
  const lines = r.out.trim().split('\n');
  const model = lines.find((l) => l.includes('"name":"floaty"')) ?? '';
  assert.match(model, /"ratio":1\.0,"sizes":\[2\.0,3\]/);
  assert.match(lines.find((l) => l.includes('"name":"floaty_report"')) ?? '', /"share":0\.0/);
  assert.deepEqual(JSON.parse(model).config.sizes, [2, 3]);
  // outside a branch, inside a list or dict too
  const plain = lines.find((l) => l.includes('"name":"floaty_plain"')) ?? '';
  assert.match(plain, /"sizes":\[1\.0,2\]/);
  assert.match(plain, /"meta":\{"x":2\.0\}/);
});
