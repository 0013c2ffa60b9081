// What a project's on-run-start hooks define (ENUM types, macros, sequences), made on a binding connection before its
// models bind: dbt runs the hooks first, so a model casting to the hook's type or calling its macro must bind. Made as
// TEMP objects (the temp catalog is searched whatever catalog the stand-ins USE); statements that read or write data
// never run here.
import type { DuckDBConnection } from '@duckdb/node-api';
import { outline } from './outline';
import { parseDuckDbError, type SqlErrorKind } from './errors';

/** What CREATE may define for the binder: definitions that read no data when made. */
const DEFINITIONS = new Set(['type', 'macro', 'function', 'sequence']);

/** One statement of a hook's rendered SQL that binding runs: as written, and as run (made temporary). */
export interface DefinitionStatement {
  /** Offsets of the statement in the rendered SQL. */
  start: number;
  end: number;
  /** The statement as DuckDB runs it for binding: `CREATE [OR REPLACE] TEMP …`. */
  sql: string;
}

/**
 * The statements of a hook's rendered SQL that define a type, macro, function or sequence, each made TEMP; every
 * other statement (CREATE TABLE/VIEW/SCHEMA, INSERT, ATTACH, SET, …) is left out.
 */
export function definitionStatements(sql: string): DefinitionStatement[] {
  const o = outline(sql);
  const out: DefinitionStatement[] = [];
  for (const s of o.statements) {
    const words = o.tokens.slice(s.first, Math.min(s.last + 1, s.first + 5));
    const word = (i: number) => (words[i]?.kind === 'word' ? words[i].text.toLowerCase() : '');
    if (word(0) !== 'create') continue;
    let at = word(1) === 'or' && word(2) === 'replace' ? 3 : 1;
    const temporary = word(at) === 'temp' || word(at) === 'temporary';
    if (temporary) at++;
    if (!DEFINITIONS.has(word(at))) continue;
    const text = sql.slice(s.start, s.end);
    const kindAt = words[temporary ? at - 1 : at].start - s.start;
    out.push({ start: s.start, end: s.end, sql: temporary ? text : `${text.slice(0, kindAt)}TEMP ${text.slice(kindAt)}` });
  }
  return out;
}

/** A definition DuckDB refused: its index in the statements given, and DuckDB's message. */
export interface PreludeFailure {
  index: number;
  kind: SqlErrorKind;
  message: string;
  /**
   * The statement names a relation, schema or catalog the binder's DuckDB does not hold (a table a table macro
   * reads): the project's database may, so binding cannot judge it.
   */
  unjudged: boolean;
}

/** Per connection, the statements made on it last and what failed. */
const made = new WeakMap<DuckDBConnection, { key: string; failures: PreludeFailure[] }>();

/**
 * Makes `statements` the connection's definitions (dropping the temporary ones another project's made), each on its
 * own so one that fails leaves the rest; the failures. Call while holding the connection (StandIns.exclusive).
 */
export async function usePrelude(conn: DuckDBConnection, statements: readonly string[]): Promise<PreludeFailure[]> {
  const key = statements.join('\u0000');
  const now = made.get(conn);
  if (now?.key === key) return now.failures;
  if (now?.key) await dropTemporaryDefinitions(conn);
  const failures: PreludeFailure[] = [];
  for (let index = 0; index < statements.length; index++) {
    try {
      await conn.run(statements[index]);
    } catch (e) {
      const raw = e instanceof Error ? e.message : String(e);
      const error = parseDuckDbError(raw, statements[index]);
      const unjudged = error.kind === 'catalog' && /^(Table|View|Schema|Catalog)\b.*(does not exist|not found)/i.test(error.message);
      failures.push({ index, kind: error.kind, message: error.message.split('\n')[0], unjudged });
    }
  }
  made.set(conn, { key, failures });
  return failures;
}

/** The temporary definitions made for another project, dropped; one that will not drop is left (never an error). */
async function dropTemporaryDefinitions(conn: DuckDBConnection): Promise<void> {
  const rows = async (query: string) => (await conn.runAndReadAll(query).catch(() => undefined))?.getRows().map((r) => [String(r[0]), String(r[1] ?? '')]) ?? [];
  const quoted = (name: string) => `temp.main."${name.replace(/"/g, '""')}"`;
  const drop = (statement: string) => conn.run(statement).catch(() => undefined);
  // macros first: one may use a type
  for (const [name, type] of await rows("SELECT DISTINCT function_name, function_type FROM duckdb_functions() WHERE database_name = 'temp' AND NOT internal AND function_type IN ('macro', 'table_macro')")) {
    await drop(`DROP MACRO ${type === 'table_macro' ? 'TABLE ' : ''}IF EXISTS ${quoted(name)}`);
  }
  for (const [name] of await rows("SELECT sequence_name, '' FROM duckdb_sequences() WHERE temporary")) await drop(`DROP SEQUENCE IF EXISTS ${quoted(name)}`);
  for (const [name] of await rows("SELECT type_name, '' FROM duckdb_types() WHERE database_name = 'temp' AND NOT internal")) await drop(`DROP TYPE IF EXISTS ${quoted(name)}`);
}
