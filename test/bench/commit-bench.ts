// commit_ms: one REST commit (an append snapshot) against the local catalog, timed around Catalog.commitTable
// while writeTable appends one row: the HTTP round trip plus the catalog's metadata write.
import { performance } from 'node:perf_hooks';
import type { Catalog } from '../../server/src/catalog/catalog';
import { DuckSession } from '../../server/src/engine/session';
import { writeTable } from '../../server/src/engine/write/write-table';
import { BRONZE_NAMESPACE } from '../../server/src/run/demo-bronze';
import type { BenchLakehouse } from './bench-lakehouse';
import { sample, summarize } from './measure';
import type { Measured } from './figures';

export async function commitFigures(bench: BenchLakehouse, runs: number): Promise<Measured[]> {
  const catalog = bench.lakehouse.catalog;
  let commitMs: number[] = [];
  // The same catalog, with its commit call timed.
  const timed: Catalog = Object.create(catalog, {
    commitTable: {
      value: async (...args: Parameters<Catalog['commitTable']>) => {
        const start = performance.now();
        try {
          return await catalog.commitTable(...args);
        } finally {
          commitMs.push(performance.now() - start);
        }
      },
    },
  });
  const table = { namespace: BRONZE_NAMESPACE, name: 'commit_bench' };
  const session = await DuckSession.open();
  try {
    await writeTable({ session, catalog, table, sql: 'SELECT 0::BIGINT AS "id"', mode: 'create' });
    const times = await sample(runs, async (run) => {
      commitMs = [];
      await writeTable({ session, catalog: timed, table, sql: `SELECT ${run + 2}::BIGINT AS "id"`, mode: 'append' });
      if (commitMs.length !== 1) throw new Error(`commit_ms: the append made ${commitMs.length} commit calls, expected 1`);
      return commitMs[0];
    });
    const snapshots = (await catalog.loadTable(table)).metadata.snapshots.length;
    if (snapshots !== runs + 2) throw new Error(`commit_ms: the table has ${snapshots} snapshots after ${runs + 1} appends, expected ${runs + 2}`);
    return [{ name: 'commit_ms', summary: summarize(times) }];
  } finally {
    session.close();
  }
}
