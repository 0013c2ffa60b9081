// DuckDB functions for Iceberg's bucket transform, computed by iceberg/transforms so partition values match
// the read path's pruning exactly (DuckDB's own hash() is not Murmur3).
import { DuckDBScalarFunction, INTEGER, BIGINT, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { bucketHash } from '../../iceberg/transforms.js';
import { BUCKET_LONG_FUNCTION, BUCKET_TEXT_FUNCTION } from './partition-by.js';

const registered = new WeakSet<DuckDBConnection>();

/** Registers the bucket functions on a connection once. */
export function registerBucketFunctions(connection: DuckDBConnection): void {
  if (registered.has(connection)) return;
  connection.registerScalarFunction(DuckDBScalarFunction.create({
    name: BUCKET_LONG_FUNCTION,
    returnType: INTEGER,
    parameterTypes: [BIGINT, INTEGER],
    mainFunction: (_info, input, output) => {
      const values = input.getColumnVector(0), widths = input.getColumnVector(1);
      for (let i = 0; i < input.rowCount; i++) {
        const v = values.getItem(i) as bigint | null;
        output.setItem(i, v === null ? null : (bucketHash('long', v) & 0x7fffffff) % (widths.getItem(i) as number));
      }
      output.flush();
    },
  }));
  connection.registerScalarFunction(DuckDBScalarFunction.create({
    name: BUCKET_TEXT_FUNCTION,
    returnType: INTEGER,
    parameterTypes: [VARCHAR, INTEGER],
    mainFunction: (_info, input, output) => {
      const values = input.getColumnVector(0), widths = input.getColumnVector(1);
      for (let i = 0; i < input.rowCount; i++) {
        const v = values.getItem(i) as string | null;
        output.setItem(i, v === null ? null : (taggedHash(v) & 0x7fffffff) % (widths.getItem(i) as number));
      }
      output.flush();
    },
  }));
  registered.add(connection);
}

/** Hash of a tagged text form: 's:' string, 'u:' uuid, 'd:' unscaled decimal, 'b:' hex bytes. */
function taggedHash(tagged: string): number {
  const body = tagged.slice(2);
  switch (tagged.slice(0, 2)) {
    case 's:': return bucketHash('string', body);
    case 'u:': return bucketHash('uuid', body.toLowerCase());
    case 'd:': return bucketHash('decimal(38, 0)', BigInt(body));
    default: return bucketHash('binary', Uint8Array.from(Buffer.from(body, 'hex')));
  }
}
