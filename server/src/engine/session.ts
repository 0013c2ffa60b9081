// The DuckDB session: one DuckDB instance per process, one connection per session, exact result values.
import { DuckDBInstance, DuckDBTypeId, JsonDuckDBValueConverter, type DuckDBConnection, type DuckDBType, type DuckDBValueConverter, type Json } from '@duckdb/node-api';
import { quoteIdent, quoteLiteral } from '../sql/quote';

export { quoteIdent, quoteLiteral };

/** A result column: its name and DuckDB type as DuckDB prints it (e.g. DECIMAL(18,2)). */
export interface ResultColumn { name: string; type: string; duckType: DuckDBType }

/**
 * Values are JSON-exact: BIGINT, HUGEINT, DECIMAL, UUID as strings; DATE as YYYY-MM-DD; TIMESTAMP as ISO
 * (YYYY-MM-DDTHH:MM:SS[.ffffff]); TIMESTAMPTZ as ISO in UTC with +00:00; NULL as null; lists, structs
 * and maps nested (a map is a list of {key, value}).
 */
export interface ResultSet { columns: ResultColumn[]; rows: Json[][] }

export interface SessionOptions {
  /** DuckDB settings applied to this session's connection, e.g. { threads: '2', TimeZone: 'UTC' }. */
  settings?: Record<string, string>;
}

let shared: Promise<DuckDBInstance> | undefined;

/** The process-wide DuckDB instance (in memory), created on first use. */
export function duckdbInstance(): Promise<DuckDBInstance> {
  shared ??= DuckDBInstance.create(':memory:');
  return shared;
}

/** Sessions not closed yet: their queries are interrupted when the process exits (interruptAtExit). */
const open = new Set<DuckSession>();

/**
 * process.exit (Ctrl+C on the CLI, the language server told to go) waits for every query DuckDB is running for this
 * thread to finish (Node joins its thread pool, where DuckDB's calls run), which can be minutes for a model being
 * built: they are interrupted first, and end at once.
 */
function interruptAtExit(): void {
  for (const session of open) session.interrupt();
}

/** One DuckDB connection with helpers; every Floe component that runs SQL goes through a session. */
export class DuckSession {
  private closed = false;

  private constructor(readonly connection: DuckDBConnection) {}

  static async open(options: SessionOptions = {}): Promise<DuckSession> {
    const connection = await (await duckdbInstance()).connect();
    const session = new DuckSession(connection);
    if (!open.size) process.on('exit', interruptAtExit);
    open.add(session);
    for (const [name, value] of Object.entries(options.settings ?? {})) {
      await session.run(`SET ${quoteIdent(name)} = ${quoteLiteral(value)}`);
    }
    return session;
  }

  /** Runs SQL for its effect (DDL, COPY, SET). */
  async run(sql: string): Promise<void> {
    await this.connection.run(sql);
  }

  /** Runs a query and fetches up to `limit` rows (all when omitted). */
  async query(sql: string, options: { limit?: number } = {}): Promise<ResultSet & { truncated: boolean }> {
    const reader = options.limit === undefined
      ? await this.connection.runAndReadAll(sql)
      : await this.connection.runAndReadUntil(sql, options.limit + 1);
    const columns = describeColumns(reader.columnNames(), reader.columnTypes());
    let rows = reader.convertRows(exactJson) as Json[][];
    const truncated = options.limit !== undefined && rows.length > options.limit;
    if (truncated) rows = rows.slice(0, options.limit);
    return { columns, rows, truncated };
  }

  /** Streams a query's rows chunk by chunk (about 2048 rows each) without holding the whole result. */
  async stream(sql: string, onRows: (rows: Json[][], columns: ResultColumn[]) => void | Promise<void>): Promise<ResultColumn[]> {
    const result = await this.connection.stream(sql);
    const columns = describeColumns(result.columnNames(), result.columnTypes());
    for (;;) {
      const chunk = await result.fetchChunk();
      if (!chunk || chunk.rowCount === 0) break;
      await onRows(chunk.convertRows(exactJson) as Json[][], columns);
    }
    return columns;
  }

  /**
   * Creates or replaces a view; `name` may be qualified as [schema, view] or [database, schema, view]. Missing schemas
   * are created, and a missing database is attached in memory, so a two-level namespace reads as `a.b.view` in SQL.
   */
  async registerView(name: string | [string, string] | [string, string, string], selectSql: string): Promise<void> {
    const parts = Array.isArray(name) ? name : [name];
    if (parts.length === 3) await this.run(`ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(parts[0])}`);
    if (parts.length >= 2) await this.run(`CREATE SCHEMA IF NOT EXISTS ${parts.slice(0, -1).map(quoteIdent).join('.')}`);
    await this.run(`CREATE OR REPLACE VIEW ${parts.map(quoteIdent).join('.')} AS ${selectSql}`);
  }

  /** Interrupts the running query on this session; it fails with an "Interrupted" error. */
  interrupt(): void {
    this.connection.interrupt();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    open.delete(this);
    if (!open.size) process.off('exit', interruptAtExit);
    this.connection.closeSync();
  }
}


function describeColumns(names: string[], types: DuckDBType[]): ResultColumn[] {
  return names.map((name, i) => ({ name, type: types[i].toString(), duckType: types[i] }));
}

/** DuckDB's JSON converter, with dates and timestamps made ISO (nested values included). */
export const exactJson: DuckDBValueConverter<Json> = (value, type, self) => {
  switch (type.typeId) {
    case DuckDBTypeId.TIMESTAMP: case DuckDBTypeId.TIMESTAMP_S: case DuckDBTypeId.TIMESTAMP_MS: case DuckDBTypeId.TIMESTAMP_NS:
      return value === null ? null : isoTimestamp(String(value));
    case DuckDBTypeId.TIMESTAMP_TZ:
      return value === null ? null : isoTimestamp(String(value));
    case DuckDBTypeId.FLOAT: {
      const n = JsonDuckDBValueConverter(value, type, self);
      return typeof n === 'number' ? shortestFloat32(n) : n;
    }
    default:
      return JsonDuckDBValueConverter(value, type, self);
  }
};

/** The shortest decimal that reads back as the same float32 (3.1415927, not 3.1415927410125732), as DuckDB prints FLOAT. */
export function shortestFloat32(n: number): number {
  if (!Number.isFinite(n)) return n;
  for (let p = 1; p <= 9; p++) {
    const candidate = Number(n.toPrecision(p));
    if (Math.fround(candidate) === n) return candidate;
  }
  return n;
}

/** "2024-01-02 03:04:05.5+00" -> "2024-01-02T03:04:05.5+00:00"; out-of-range values (BC, infinity) stay as DuckDB prints them. */
export function isoTimestamp(text: string): string {
  const m = /^(\d{4,}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})?(?::?(\d{2}))?$/.exec(text);
  if (!m) return text;
  const zone = m[3] === undefined ? '' : `${m[3]}:${m[4] ?? '00'}`;
  return `${m[1]}T${m[2]}${zone}`;
}
