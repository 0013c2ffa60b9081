// floe write: runs SQL in DuckDB (catalog tables readable as namespace.table) and commits its result to an
// Iceberg table in a REST catalog; prints a one-line JSON summary (int64 values as strings).
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { DuckSession } from '../../engine/session';
import { registerIcebergTable } from '../../engine/read/register-table';
import '../../engine/read/default-planner';
import { connectRestCatalog } from '../../catalog/rest-client';
import { writeTable, type OnSchemaChange, type WriteMode, type WriteTableResult } from '../../engine/write/write-table';
import { WriteError } from '../../engine/write/write-error';
import { referencedTables } from './query';
import { parseCredential } from '../../catalog/oauth';
import { namespaceDisplayName, parseTableName } from '../../catalog/names';
import { catalogCredential } from '../credential';
import { ensureNamespace } from '../../catalog/ensure-namespace';

export interface WriteArgs {
  catalog: string;
  warehouse: string;
  credential?: { clientId: string; clientSecret: string };
  mode: WriteMode;
  partitionBy?: string;
  uniqueKey?: string;
  location?: string;
  onSchemaChange?: OnSchemaChange;
  /** Format version of a table the write creates (2 unless given). */
  formatVersion?: 2 | 3;
  table: { namespace: string[]; name: string };
  sql: string;
}

const USAGE = 'usage: floe write --catalog URI --warehouse NAME [--credential ID:SECRET] --mode create|overwrite|append|merge [--unique-key COLS] [--partition-by EXPR] [--location URI] [--on-schema-change append_new_columns|ignore|fail|sync_all_columns] [--format-version 2|3] NAMESPACE.TABLE "SQL"'
  + '\n  FLOE_CATALOG_CREDENTIAL=ID:SECRET in the environment stands for --credential (and keeps the secret out of the process list)';
const MODES: readonly WriteMode[] = ['create', 'overwrite', 'append', 'merge'];
const POLICIES: readonly OnSchemaChange[] = ['append_new_columns', 'ignore', 'fail', 'sync_all_columns'];

/** Parses the command line; throws UsageError with the usage line on mistakes. */
export function parseWriteArgs(args: string[]): WriteArgs {
  const flags = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!['--catalog', '--warehouse', '--credential', '--mode', '--partition-by', '--unique-key', '--location', '--on-schema-change', '--format-version'].includes(flag)) {
      throw new UsageError(`unknown option ${flag}\n${USAGE}`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
    flags.set(flag, value);
  }
  const need = (flag: string) => {
    const v = flags.get(flag);
    if (!v) throw new UsageError(`${flag} is required\n${USAGE}`);
    return v;
  };
  const mode = need('--mode') as WriteMode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}\n${USAGE}`);
  if (mode === 'merge' && !flags.get('--unique-key')) throw new UsageError(`--mode merge needs --unique-key\n${USAGE}`);
  const onSchemaChange = flags.get('--on-schema-change') as OnSchemaChange | undefined;
  if (onSchemaChange !== undefined && !POLICIES.includes(onSchemaChange)) throw new UsageError(`--on-schema-change must be one of ${POLICIES.join(', ')}\n${USAGE}`);
  const version = flags.get('--format-version');
  if (version !== undefined && version !== '2' && version !== '3') throw new UsageError(`--format-version must be 2 or 3\n${USAGE}`);
  if (positional.length !== 2) throw new UsageError(`expected NAMESPACE.TABLE and one SQL argument\n${USAGE}`);
  const table = parseTableName(positional[0]);
  if (!table) throw new UsageError(`'${positional[0]}' is not NAMESPACE.TABLE\n${USAGE}`);
  const cred = flags.get('--credential');
  const credential = cred === undefined ? undefined : parseCredential(cred);
  if (cred !== undefined && !credential) throw new UsageError(`--credential must be ID:SECRET\n${USAGE}`);
  return {
    catalog: need('--catalog'), warehouse: need('--warehouse'), credential, mode,
    partitionBy: flags.get('--partition-by'), uniqueKey: flags.get('--unique-key'), location: flags.get('--location'), onSchemaChange,
    ...(version ? { formatVersion: Number(version) as 2 | 3 } : {}), table, sql: positional[1],
  };
}

/** The one-line JSON summary printed on success. */
export function formatWriteSummary(r: WriteTableResult): string {
  return JSON.stringify({
    table: [...r.table.namespace, r.table.name].join('.'), operation: r.operation, snapshotId: r.snapshotId.toString(),
    rows: r.rows.toString(), files: r.files, bytes: r.bytes.toString(), schemaChanged: r.schemaChanged, attempts: r.attempts, ms: r.ms,
  });
}

/** Runs the write; a missing namespace (and its parents) is created first, as dbt creates a schema. */
export async function runWrite(args: WriteArgs, onNamespaceCreated?: (namespace: string[]) => void): Promise<WriteTableResult> {
  const session = await DuckSession.open();
  try {
    const catalog = await connectRestCatalog({ uri: args.catalog, warehouse: args.warehouse, credential: catalogCredential(args.credential) });
    // Catalog tables the SQL reads (namespace.table) become DuckDB views first.
    for (const ref of await referencedTables(session, args.sql)) {
      if (ref.schema === 'main') continue;
      const loaded = await catalog.loadTable({ namespace: ref.schema.split('.'), name: ref.table });
      await registerIcebergTable(session, [ref.schema, ref.table], loaded, { tableName: `${ref.schema}.${ref.table}` });
    }
    for (const ns of await ensureNamespace(catalog, args.table.namespace)) onNamespaceCreated?.(ns);
    return await writeTable({
      session, catalog, table: args.table, sql: args.sql, mode: args.mode,
      partitionBy: args.partitionBy, uniqueKey: args.uniqueKey, location: args.location, onSchemaChange: args.onSchemaChange,
      ...(args.formatVersion ? { properties: { 'format-version': String(args.formatVersion) } } : {}),
    });
  } finally {
    session.close();
  }
}

export const writeCommand: CliCommand = {
  summary: 'run SQL and commit its result to an Iceberg table (create, overwrite, append or merge)',
  async run(args, io) {
    const parsed = parseWriteArgs(args);
    try {
      const result = await runWrite(parsed, (ns) => io.err(`floe write: created namespace ${namespaceDisplayName(ns)}\n`));
      io.out(`${formatWriteSummary(result)}\n`);
      return 0;
    } catch (e) {
      if (e instanceof WriteError) {
        io.err(`floe write: ${e.message}\n`);
        return 1;
      }
      throw e;
    }
  },
};
