// floe catalog namespaces|tables …: what the explorer shows and does, from the command line. Namespaces: list (one
// level, or --recursive), create (with missing parents), drop; tables: list, create (empty, from a column list), drop,
// snapshots, schema. Text for people,
// --format json for scripts (snapshot ids and other int64 values as strings, schemas in the Iceberg spec's JSON).
import { parseArgs } from 'node:util';
import { UsageError, type CliIO } from '../command';
import type { Catalog } from '../../catalog/catalog';
import { collectPages } from '../../catalog/paging';
import { ensureNamespace } from '../../catalog/ensure-namespace';
import { namespaceDisplayName, parseTableName, tableDisplayName } from '../../catalog/names';
import { schemaToJson } from '../../iceberg/metadata-json';
import { formatType } from '../../iceberg/types';
import type { NestedField, Schema, TableIdentifier, TableMetadata } from '../../iceberg/spec';
import { DuckSession } from '../../engine/session';
import { queryColumns } from '../../engine/write/query-columns';
import { planWriteSchema } from '../../engine/write/write-schema';
import { currentSchema, formatTimestampMs, nestedFieldsOf, recordSummary } from '../../explorer/nodes';
import { stringifyJson } from '../../util/json';
import { CATALOG_OPTIONS, CATALOG_USAGE, withCatalog } from '../catalog-args';

export const OBJECTS_USAGE = `usage: floe catalog namespaces list [PARENT] [--recursive] ${CATALOG_USAGE} [--format text|json]
       floe catalog namespaces create NAMESPACE [--if-not-exists] ${CATALOG_USAGE}
       floe catalog namespaces drop NAMESPACE ${CATALOG_USAGE}
       floe catalog tables list NAMESPACE ${CATALOG_USAGE} [--format text|json]
       floe catalog tables create NAMESPACE.TABLE --columns 'id BIGINT, name VARCHAR, ...' [--location URI] ${CATALOG_USAGE}
       floe catalog tables drop NAMESPACE.TABLE [--purge] ${CATALOG_USAGE}
       floe catalog tables snapshots|schema NAMESPACE.TABLE ${CATALOG_USAGE} [--format text|json]
  NAMESPACE is dotted (a.b); the catalog's client id and secret come from the variable FLOE_CATALOG_CREDENTIAL (ID:SECRET), never the command line`;

type Action = (catalog: Catalog, subject: string | undefined, flags: Flags, io: CliIO) => Promise<number>;
interface Flags { recursive?: boolean; 'if-not-exists'?: boolean; purge?: boolean; columns?: string; location?: string; json: boolean }

const ACTIONS: Record<string, Record<string, Action>> = {
  namespaces: {
    list: async (catalog, parent, flags, io) => {
      const namespaces = await listNamespaces(catalog, parent === undefined ? [] : namespaceArg(parent), flags.recursive === true);
      io.out(flags.json ? `${JSON.stringify(namespaces)}\n` : namespaces.map((ns) => `${namespaceDisplayName(ns)}\n`).join(''));
      return 0;
    },
    create: async (catalog, subject, flags, io) => {
      const namespace = namespaceArg(required(subject, 'NAMESPACE'));
      const created = await ensureNamespace(catalog, namespace);
      const made = created.some((ns) => ns.length === namespace.length);
      if (!made && !flags['if-not-exists']) {
        io.err(`floe catalog: namespace ${namespaceDisplayName(namespace)} already exists in ${catalog.name}\n`);
        return 1;
      }
      io.out(created.map((ns) => `created namespace ${namespaceDisplayName(ns)}\n`).join('') || `namespace ${namespaceDisplayName(namespace)} exists\n`);
      return 0;
    },
    drop: async (catalog, subject, _flags, io) => {
      const namespace = namespaceArg(required(subject, 'NAMESPACE'));
      await catalog.dropNamespace(namespace);
      io.out(`dropped namespace ${namespaceDisplayName(namespace)}\n`);
      return 0;
    },
  },
  tables: {
    list: async (catalog, subject, flags, io) => {
      const tables = await collectPages((token) => catalog.listTables(namespaceArg(required(subject, 'NAMESPACE')), token));
      io.out(flags.json ? `${JSON.stringify(tables)}\n` : tables.map((t) => `${tableDisplayName(t)}\n`).join(''));
      return 0;
    },
    create: async (catalog, subject, flags, io) => {
      const id = tableArg(subject);
      const schema = await schemaOfColumns(required(flags.columns, "--columns 'name TYPE, ...'"));
      for (const ns of await ensureNamespace(catalog, id.namespace)) io.out(`created namespace ${namespaceDisplayName(ns)}\n`);
      await catalog.createTable(id.namespace, { name: id.name, schema, ...(flags.location ? { location: flags.location } : {}) });
      io.out(`created table ${tableDisplayName(id)} (${schema.fields.length} columns, no snapshots yet)\n`);
      return 0;
    },
    drop: async (catalog, subject, flags, io) => {
      const id = tableArg(subject);
      await catalog.dropTable(id, flags.purge === true);
      io.out(`dropped table ${tableDisplayName(id)}${flags.purge ? ' and purged its files' : ''}\n`);
      return 0;
    },
    snapshots: async (catalog, subject, flags, io) => {
      const { metadata } = await catalog.loadTable(tableArg(subject));
      const rows = snapshotRows(metadata);
      io.out(flags.json ? `${JSON.stringify(rows)}\n` : rows.map(snapshotLine).join('') || `${tableDisplayName(tableArg(subject))} has no snapshots\n`);
      return 0;
    },
    schema: async (catalog, subject, flags, io) => {
      const id = tableArg(subject);
      const schema = currentSchema((await catalog.loadTable(id)).metadata);
      if (!schema) throw new Error(`table ${tableDisplayName(id)} has no current schema`);
      io.out(flags.json ? `${stringifyJson(schemaToJson(schema))}\n` : fieldLines(schema.fields, '').join(''));
      return 0;
    },
  },
};

/** Runs `floe catalog namespaces|tables VERB …`. */
export async function catalogObjects(group: 'namespaces' | 'tables', args: string[], io: CliIO): Promise<number> {
  const [verb, ...rest] = args;
  const action = verb === undefined ? undefined : ACTIONS[group][verb];
  if (!action) throw new UsageError(`${verb === undefined ? 'expected' : `unknown ${group} subcommand '${verb}'; expected`} one of ${Object.keys(ACTIONS[group]).join(', ')}\n${OBJECTS_USAGE}`);
  let parsed;
  try {
    parsed = parseArgs({
      args: rest, allowPositionals: true, strict: true,
      options: { ...CATALOG_OPTIONS, format: { type: 'string' }, recursive: { type: 'boolean' }, 'if-not-exists': { type: 'boolean' }, purge: { type: 'boolean' }, columns: { type: 'string' }, location: { type: 'string' } },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${OBJECTS_USAGE}`);
  }
  const { values, positionals } = parsed;
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new UsageError(`--format must be text or json\n${OBJECTS_USAGE}`);
  if (positionals.length > 1) throw new UsageError(`expected at most one name, got ${positionals.join(' ')}\n${OBJECTS_USAGE}`);
  return withCatalog(values, OBJECTS_USAGE, (catalog) => action(catalog, positionals[0], { ...values, json: format === 'json' }, io));
}

/** Every namespace under `parent` (its children, or all descendants), in the catalog's order, parents first. */
async function listNamespaces(catalog: Catalog, parent: string[], recursive: boolean): Promise<string[][]> {
  const children = await collectPages((token) => catalog.listNamespaces(parent, token));
  if (!recursive) return children;
  const out: string[][] = [];
  for (const child of children) out.push(child, ...await listNamespaces(catalog, child, true));
  return out;
}

interface SnapshotRow {
  snapshot_id: string;
  parent_snapshot_id: string | null;
  sequence_number: string;
  timestamp_ms: string;
  operation: string;
  summary: Record<string, string>;
  current: boolean;
}

/** Snapshots oldest first, as the table's history reads; ids as exact decimal strings. */
function snapshotRows(m: TableMetadata): SnapshotRow[] {
  return [...m.snapshots]
    .sort((a, b) => (a['sequence-number'] === b['sequence-number'] ? (a['timestamp-ms'] < b['timestamp-ms'] ? -1 : 1) : a['sequence-number'] < b['sequence-number'] ? -1 : 1))
    .map((s) => ({
      snapshot_id: s['snapshot-id'].toString(),
      parent_snapshot_id: s['parent-snapshot-id']?.toString() ?? null,
      sequence_number: s['sequence-number'].toString(),
      timestamp_ms: s['timestamp-ms'].toString(),
      operation: s.summary.operation,
      summary: s.summary,
      current: s['snapshot-id'] === m['current-snapshot-id'],
    }));
}

function snapshotLine(r: SnapshotRow): string {
  const records = recordSummary(r.summary);
  return `${r.snapshot_id}  ${formatTimestampMs(BigInt(r.timestamp_ms))}  ${r.operation}${records ? `  ${records}` : ''}${r.current ? '  (current)' : ''}\n`;
}

/** `id  name  type  required|optional` per field, nested fields indented under their parent. */
function fieldLines(fields: NestedField[], indent: string): string[] {
  return fields.flatMap((f) => [
    `${indent}${f.id}  ${f.name}  ${formatType(f.type)}  ${f.required ? 'required' : 'optional'}${f.doc ? `  -- ${f.doc}` : ''}\n`,
    ...fieldLines(nestedFieldsOf(f.type), `${indent}  `),
  ]);
}

/**
 * The Iceberg schema of a column list written as in CREATE TABLE (`id BIGINT, amount DECIMAL(18,2)`): DuckDB reads
 * it (types, quoting, nesting) in a scratch in-memory table, and the write path's type mapping gives the Iceberg types.
 */
async function schemaOfColumns(columns: string): Promise<Schema> {
  const session = await DuckSession.open();
  try {
    try {
      await session.run(`CREATE TEMP TABLE "__floe_new_table" (${columns})`);
    } catch (e) {
      throw new UsageError(`--columns is not a column list DuckDB reads (${e instanceof Error ? e.message.split('\n')[0] : String(e)}): write it as in CREATE TABLE, e.g. 'id BIGINT, name VARCHAR'`);
    }
    return planWriteSchema(await queryColumns(session, 'SELECT * FROM "__floe_new_table"'), { replace: false }).tableSchema;
  } finally {
    session.close();
  }
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new UsageError(`expected ${what}\n${OBJECTS_USAGE}`);
  return value;
}

function namespaceArg(text: string): string[] {
  const levels = text.split('.');
  if (levels.some((l) => l.trim() === '')) throw new UsageError(`'${text}' is not a namespace (levels separated by dots, none empty)\n${OBJECTS_USAGE}`);
  return levels;
}

function tableArg(text: string | undefined): TableIdentifier {
  const id = parseTableName(required(text, 'NAMESPACE.TABLE'));
  if (!id) throw new UsageError(`'${text}' is not NAMESPACE.TABLE\n${OBJECTS_USAGE}`);
  return id;
}
