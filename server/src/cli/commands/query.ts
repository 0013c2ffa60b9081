// floe query: runs SQL in DuckDB over Iceberg tables given by location (--table) or from a REST catalog
// (as namespace.table), and prints the result as json, csv or an aligned table. Stdout carries only the result.
import type { CliCommand } from '../command';
import { UsageError } from '../command';
import { DuckSession, quoteLiteral } from '../../engine/session';
import { formatResult, RESULT_FORMATS, type ResultFormat } from '../../engine/results';
import { nameTableFiles, registerIcebergTable, type TableReadOptions, type TableRelation } from '../../engine/read/register-table';
import { lessToRead, queryShape, type QueryShape } from '../../engine/read/query-shape';
import { answerFromMetadata, type MetadataAnswer } from '../../engine/read/metadata-answer';
import type { LoadTableResult } from '../../catalog/catalog';
import '../../engine/read/default-planner';
import { connectRestCatalog } from '../../catalog/rest-client';
import { s3OptionsFromEnv } from '../../storage/s3';
import type { S3Options } from '../../storage/storage';
import { parseCredential } from '../../catalog/oauth';
import { catalogCredential } from '../credential';

export interface QueryArgs {
  catalog?: string;
  warehouse?: string;
  credential?: { clientId: string; clientSecret: string };
  tables: { name: string; location: string }[];
  snapshots: Map<string, bigint>;
  format: ResultFormat;
  sql: string;
  /** S3 endpoint and credentials for s3:// tables; from the AWS environment variables when omitted. */
  s3?: S3Options;
  /** Add the v3 row-lineage columns `_row_id` and `_last_updated_sequence_number` to every table. */
  rowLineage?: boolean;
}

const USAGE = 'usage: floe query [--catalog URI --warehouse NAME [--credential ID:SECRET]] [--table NAME=LOCATION]... [--snapshot NAME=ID]... [--row-lineage] [--format json|csv|table] "SQL"'
  + '\n  FLOE_CATALOG_CREDENTIAL=ID:SECRET in the environment stands for --credential (and keeps the secret out of the process list)';

/** Parses the command line; throws UsageError with the usage line on mistakes. */
export function parseQueryArgs(args: string[]): QueryArgs {
  const out: QueryArgs = { tables: [], snapshots: new Map(), format: 'table', sql: '' };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') && !arg.startsWith('--table') && !arg.startsWith('--snapshot')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value\n${USAGE}`);
      return v;
    };
    switch (flag) {
      case '--catalog': out.catalog = value(); break;
      case '--warehouse': out.warehouse = value(); break;
      case '--credential': {
        out.credential = parseCredential(value());
        if (!out.credential) throw new UsageError(`--credential must be ID:SECRET\n${USAGE}`);
        break;
      }
      case '--table': {
        const [name, location] = splitPair(value(), '--table', 'NAME=LOCATION');
        out.tables.push({ name, location });
        break;
      }
      case '--snapshot': {
        const [name, id] = splitPair(value(), '--snapshot', 'NAME=ID');
        if (!/^-?\d+$/.test(id)) throw new UsageError(`--snapshot ${name}: '${id}' is not a snapshot id\n${USAGE}`);
        out.snapshots.set(name, BigInt(id));
        break;
      }
      case '--row-lineage': out.rowLineage = true; break;
      case '--format': {
        const f = value();
        if (!(RESULT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--format must be one of ${RESULT_FORMATS.join(', ')}\n${USAGE}`);
        out.format = f as ResultFormat;
        break;
      }
      default:
        if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}\n${USAGE}`);
        positional.push(arg);
    }
  }
  if (positional.length !== 1) throw new UsageError(`expected exactly one SQL argument\n${USAGE}`);
  if (out.catalog && !out.warehouse) throw new UsageError(`--catalog needs --warehouse\n${USAGE}`);
  out.sql = positional[0];
  return out;
}

function splitPair(text: string, flag: string, shape: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new UsageError(`${flag} must be ${shape}\n${USAGE}`);
  return [text.slice(0, eq), text.slice(eq + 1)];
}

/** A view name: "ns.t" becomes the view t in schema ns; a plain name stays in the main schema. */
function viewName(name: string): string | [string, string] | [string, string, string] {
  const parts = name.split('.');
  if (parts.length === 3 && parts.every(Boolean)) return [parts[0], parts[1], parts[2]]; // a.b.t: database a, schema b
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot + 1)] : name;
}

// DuckDB's own schemas: never looked up in the catalog.
const DUCKDB_SCHEMAS = new Set(['main', 'information_schema', 'pg_catalog', 'temp', 'system', 'system.main', 'temp.main', 'memory.main']);

/** The schema-qualified tables a SELECT reads, from DuckDB's own parser ([] when it is not a SELECT). */
export async function referencedTables(session: DuckSession, sql: string): Promise<{ schema: string; table: string }[]> {
  let ast: string;
  // json_serialize_sql parses SELECT-like statements only; EXPLAIN wraps one.
  const statement = sql.replace(/^\s*explain\s+(analyze\s+)?/i, '');
  try {
    const r = await session.query(`SELECT json_serialize_sql(${quoteLiteral(statement)})`);
    ast = r.rows[0][0] as string;
  } catch {
    return [];
  }
  const out = new Map<string, { schema: string; table: string }>();
  JSON.parse(ast, (_key, v: unknown) => {
    const node = v as { type?: string; catalog_name?: string; schema_name?: string; table_name?: string } | null;
    if (node && node.type === 'BASE_TABLE' && node.table_name && (node.schema_name || node.catalog_name)) {
      // catalog.schema.table in DuckDB terms is a two-level namespace to us.
      const schema = [node.catalog_name, node.schema_name].filter(Boolean).join('.');
      if (DUCKDB_SCHEMAS.has(schema.toLowerCase())) return v;
      out.set(`${schema}\u0000${node.table_name}`, { schema, table: node.table_name });
    }
    return v;
  });
  return [...out.values()];
}

/**
 * Runs the query; `onWarning` hears what reading the tables warned about (e.g. columns renamed for DuckDB), `note` how it
 * was answered when that is worth saying (from table metadata).
 */
export async function runQuery(args: QueryArgs, onWarning: (message: string) => void = () => {}, note: (line: string) => void = () => undefined): Promise<string> {
  const session = await DuckSession.open();
  const s3 = args.s3 ?? s3OptionsFromEnv();
  const relations: TableRelation[] = [];
  // A LIMIT of plain rows, or count/min/max, over one table needs less than the whole table (see query-shape.ts).
  const shape = await queryShape(session, args.sql);
  let answer: MetadataAnswer | undefined;
  const register = async (view: ViewName, source: string | LoadTableResult, options: TableReadOptions) => {
    const mine = shape && readsView(shape, view);
    if (mine && shape.kind === 'aggregate') {
      answer = await answerFromMetadata(session, args.sql, shape, view, source, options);
      if (answer) return;
    }
    relations.push(await registerIcebergTable(session, view, source, { ...options, ...(mine && shape.kind === 'rows' ? lessToRead(shape) : {}) }));
  };
  try {
    for (const t of args.tables) {
      await register(viewName(t.name), t.location, { snapshotId: args.snapshots.get(t.name), tableName: t.name, s3, rowLineage: args.rowLineage });
    }
    if (args.catalog) {
      const catalog = await connectRestCatalog({ uri: args.catalog, warehouse: args.warehouse, credential: catalogCredential(args.credential) });
      const given = new Set(args.tables.map((t) => t.name));
      for (const ref of await referencedTables(session, args.sql)) {
        const name = `${ref.schema}.${ref.table}`;
        if (given.has(name)) continue;
        const loaded = await catalog.loadTable({ namespace: ref.schema.split('.'), name: ref.table });
        // A two-level namespace a.b is addressed in SQL as a.b.table: DuckDB's database.schema.table.
        const levels = ref.schema.split('.');
        const view: [string, string] | [string, string, string] = levels.length === 2 ? [levels[0], levels[1], ref.table] : [ref.schema, ref.table];
        await register(view, loaded, { snapshotId: args.snapshots.get(name), tableName: name, s3, rowLineage: args.rowLineage });
      }
    }
    for (const r of relations) for (const w of r.warnings) onWarning(w);
    let result;
    try {
      result = await session.query(answer?.sql ?? args.sql);
    } catch (e) {
      // DuckDB names the local (possibly cached) copy of a bad file; name the table file instead.
      throw new Error(nameTableFiles((e as Error).message, relations), { cause: e });
    }
    if (answer) note(answer.note);
    return formatResult(result, args.format);
  } finally {
    session.close();
  }
}

type ViewName = ReturnType<typeof viewName>;

/** Whether the query's one table is this view (names compared as DuckDB does, ignoring case). */
function readsView(shape: QueryShape, view: ViewName): boolean {
  const named = [shape.table.catalog, shape.table.schema, shape.table.table].filter(Boolean).map((p) => p.toLowerCase());
  const parts = (Array.isArray(view) ? view : [view]).map((p) => p.toLowerCase());
  return named.length === parts.length && named.every((p, i) => p === parts[i]);
}

export const queryCommand: CliCommand = {
  summary: 'run SQL over Iceberg tables (by location or from a REST catalog) and print json, csv or a table',
  async run(args, io) {
    const parsed = parseQueryArgs(args);
    io.out(await runQuery(parsed, (w) => io.err(`floe query: warning: ${w}\n`), (line) => io.err(line)));
    return 0;
  },
};
