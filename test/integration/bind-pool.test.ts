// The binding workers (bindPool.ts) are sent each upstream schema once and then its number: the answers must be
// exactly those of each bind alone on one connection, however the schemas are shared, and when the pool's schema
// table fills up and every worker is told to forget it while binds are still queued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bindModel, type BindResult, type UpstreamRelation } from '../../server/src/sql/binder';
import { BindPool } from '../../server/src/sql/bindPool';
import { createBindConnection } from '../../server/src/sql/connection';

/** Upstreams: some shared by many models, same names with other columns, unknown and three-part ones. */
function upstreamsOf(i: number): UpstreamRelation[] {
  const shared: UpstreamRelation = { name: `"raw"."t${i % 7}"`, columns: [{ name: 'id', type: 'BIGINT' }, { name: 'v', type: 'VARCHAR' }, { name: 'amount', type: 'DECIMAL(18,2)' }] };
  // the same relation name as another model's, with columns of its own
  const drifting: UpstreamRelation = { name: `stg_${i % 5}`, columns: [{ name: 'id', type: i % 2 ? 'INTEGER' : 'VARCHAR' }, { name: `c${i % 3}`, type: 'DOUBLE' }] };
  const unknown: UpstreamRelation = { name: `ext_${i % 4}`, columns: [] };
  const threePart: UpstreamRelation = { name: `lake.gold.f${i % 3}`, columns: [{ name: 'k', type: 'INTEGER' }] };
  return [shared, drifting, ...(i % 6 === 0 ? [unknown] : []), ...(i % 9 === 0 ? [threePart] : [])];
}

function sqlOf(i: number): string {
  const base = `select s.id, s.amount * ${i} as scaled, d.c${i % 3} from "raw"."t${i % 7}" s join stg_${i % 5} d on d.id = s.id`;
  if (i % 6 === 0) return `${base} join ext_${i % 4} e on true`;
  if (i % 9 === 0) return `select k from lake.gold.f${i % 3}`;
  if (i % 11 === 0) return `select nope from stg_${i % 5}`; // an error
  if (i % 13 === 0) return `select v, v from "raw"."t${i % 7}"`;
  return base;
}

const models = Array.from({ length: 120 }, (_, i) => ({ sql: sqlOf(i), upstream: upstreamsOf(i) }));

async function alone(): Promise<BindResult[]> {
  const { connection } = await createBindConnection();
  const out: BindResult[] = [];
  for (const m of models) out.push(await bindModel(connection, m.sql, m.upstream, { lineage: false }));
  return out;
}

async function pooled(pool: BindPool): Promise<BindResult[]> {
  try {
    // twice: the second round's schemas were sent in the first (or forgotten since, with a small table)
    await Promise.all(models.map((m) => pool.bind(m.sql, m.upstream, false, { lineage: false })));
    return await Promise.all(models.map((m, i) => pool.bind(m.sql, m.upstream, i % 17 === 0, { lineage: false })));
  } finally {
    await pool.close();
  }
}

test('binds through the workers answer as each bind alone, with the schema table forgotten and sent again', async () => {
  const expected = await alone();
  assert.ok(expected.some((r) => r.errors.length) && expected.some((r) => r.columns.length === 3), 'the models give errors and columns');
  assert.deepEqual(await pooled(new BindPool(2)), expected);
  // 4 schemas at most: the table is cleared at nearly every dispatch, with binds queued on the workers
  assert.deepEqual(await pooled(new BindPool(2, 4)), expected);
});
