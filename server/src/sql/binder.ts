// Binds compiled model SQL in DuckDB against stand-ins of its upstreams: output columns and all the errors we can find.
import type { DuckDBConnection, DuckDBStructType } from '@duckdb/node-api';
import { identifierOf, quoteIdent } from './lexer';
import { quoteLiteral } from './quote';
import { CteDefinition, SqlOutline, outline, tokenIndexAt } from './outline';
import { findRelation, queryBlockAt, scopeAt } from './scope';
import { SqlError, parseDuckDbError } from './errors';
import { Edit, applyEdit, isColumnResolution, mapBack, repairFor } from './repair';
import { ColumnInfo, StandIns, UpstreamRelation, nameParts } from './standins';
import { lineageOf, parseLater, type LocalLineage } from './columnLineage';
import { readsEveryCte, readsEveryCteInText } from './cteReads';
import { usePrelude } from './hookPrelude';

export type { ColumnInfo, UpstreamRelation } from './standins';
export type { SqlError, SqlErrorKind } from './errors';

export interface BindResult {
  /** Output columns with DuckDB types; empty when the query does not bind or depends on an unknown schema. */
  columns: ColumnInfo[];
  /** Every error found: at least one per independent CTE and for the final SELECT. Offsets index `compiledSql`. */
  errors: SqlError[];
  /**
   * Output columns of each statement-level CTE that binds (columns empty when it reads an unknown schema). Given when
   * the binder looked at the CTEs alone: always with `BindOptions.cteColumns`, else only on an error or when the
   * final query leaves a CTE unread.
   */
  ctes?: { name: string; columns: ColumnInfo[] }[];
  /** Things not checked: upstream column types DuckDB rejected (stood in as VARCHAR), SQL that reads files. */
  warnings: string[];
  /** Cut short (time ran out, or DuckDB failed): another bind of the same SQL may find more. */
  partial?: boolean;
  /** Each output column's upstream columns, and where the SQL reads upstream columns (columnLineage.ts). */
  lineage?: LocalLineage;
}

/** The time after which no further passes start; remembers whether it was reached, so a cut-short result is known. */
class Deadline {
  private readonly at: number;
  passed = false;
  constructor(budgetMs: number) {
    this.at = performance.now() + budgetMs;
  }
  past(): boolean {
    if (!this.passed && performance.now() > this.at) this.passed = true;
    return this.passed;
  }
}

const states = new WeakMap<DuckDBConnection, StandIns>();
/** Connections whose optimizer runs only its expression rewriter (see bindModel). */
const unoptimized = new WeakSet<DuckDBConnection>();

/**
 * A prepare optimizes the plan it makes: half its time, for nothing a bind reads, since output columns and binder
 * errors come from binding. Only the expression rewriter stays: its constant folding raises real errors (a CASE on
 * `'x'::int = 1`), which turning the whole optimizer off would lose (tested in sql-binder.test.ts).
 */
async function optimizeExpressionsOnly(conn: DuckDBConnection): Promise<void> {
  try {
    const others = (await conn.runAndReadAll("SELECT name FROM duckdb_optimizers() WHERE name <> 'expression_rewriter'")).getRows().map((r) => String(r[0]));
    await conn.run(`SET disabled_optimizers = ${quoteLiteral(others.join(','))}`);
  } catch {
    // an engine without these settings optimizes in full: slower, never wrong
  }
}

/**
 * Binds `compiledSql` on `conn` (a connection dedicated to binding: its default catalog is switched per bind) against
 * empty stand-ins of `upstream`. Nothing is executed over data. Calls on one connection run one at a time.
 */
export interface BindOptions {
  /** Time after which no further passes start (looking for more errors); one DuckDB prepare cannot be cut short. */
  budgetMs?: number;
  /** Bind in a private environment only (the shared one is an optimisation; tests compare the two). */
  privateOnly?: boolean;
  /** Give every CTE's columns (`BindResult.ctes`), at the cost of one more prepare when the query binds. */
  cteColumns?: boolean;
  /**
   * Give the column lineage (`BindResult.lineage`, default true). Without it most binds need no DuckDB parse: a
   * check reports no lineage, and the editor can ask for it later (modelColumnLineage).
   */
  lineage?: boolean;
  /** Definitions made before binding: the project's on-run-start hooks' types and macros (hookPrelude.ts). */
  prelude?: readonly string[];
}

/** The options a caller chooses once for all its binds (the binder, the pool and its workers pass them on). */
export type BindSettings = Pick<BindOptions, 'budgetMs' | 'lineage' | 'prelude'>;

/** Larger compiled SQL is not bound: DuckDB takes seconds on it, and no real model is that big. */
export const MAX_BIND_CHARS = 512 * 1024;
const DEFAULT_BUDGET_MS = 1000;

export function bindModel(conn: DuckDBConnection, compiledSql: string, upstream: UpstreamRelation[], options: BindOptions = {}): Promise<BindResult> {
  if (compiledSql.length > MAX_BIND_CHARS) {
    const kb = Math.round(compiledSql.length / 1024);
    return Promise.resolve({ columns: [], errors: [], warnings: [`Not checked: the compiled SQL is ${kb} KB, over the ${MAX_BIND_CHARS / 1024} KB binding limit.`] });
  }
  const standIns = standInsOf(conn);
  const o = outline(compiledSql);
  const wantLineage = options.lineage !== false;
  // our tokens can tell that the query reads every CTE; DuckDB's parse is needed for the lineage or when they cannot
  const ctesReadInText = !options.cteColumns && readsEveryCteInText(o);
  // asked for now, made when this bind's turn comes with those of the binds queued behind it (one DuckDB call)
  const parse = wantLineage || !ctesReadInText ? parseLater(conn, compiledSql) : undefined;
  return standIns.exclusive(async () => {
    // the budget starts when this bind gets the connection, not while it waits behind others
    const deadline = new Deadline(options.budgetMs ?? DEFAULT_BUDGET_MS);
    const reason = (e: unknown) => (e instanceof Error ? e.message.split('\n')[0] : String(e));
    await settleOptimizer(conn);
    await usePrelude(conn, options.prelude ?? []);
    // DuckDB's parse, once: it tells which CTEs the query reads, and gives the column lineage after the bind
    const parsed = parse && (await parse());
    const ctesChecked = ctesReadInText || (!options.cteColumns && readsEveryCte(parsed?.ast, o.ctes.filter((c) => c.depth === 0 && c.statement === 0).map((c) => c.name.toLowerCase())));
    const bindIn = async (setUp: () => Promise<string[] | undefined>): Promise<BindResult | undefined> => {
      let warnings: string[] | undefined;
      try {
        warnings = await setUp();
      } catch (e) {
        return { columns: [], errors: [{ kind: 'catalog', message: `Could not set up the upstream relations for binding: ${reason(e)}` }], warnings: [], partial: true };
      }
      if (!warnings) return undefined;
      try {
        const r = await bindNow(conn, compiledSql, o, upstream, warnings, deadline, ctesChecked);
        return deadline.passed ? { ...r, warnings, partial: true } : { ...r, warnings };
      } catch (e) {
        // e.g. a closed connection: still an answer, never a rejected promise
        return { columns: [], errors: [{ kind: 'binder', message: `Binding failed: ${reason(e)}` }], warnings, partial: true };
      }
    };
    let r = options.privateOnly ? undefined : await bindIn(() => standIns.activateShared(upstream, identifiersIn(o)));
    // a missing relation is worded by what else the environment holds: a private one answers as before
    if (!r || r.errors.some((e) => e.kind === 'catalog')) r = (await bindIn(() => standIns.activate(upstream)))!;
    // in text order: DuckDB binds FROM and WHERE before the select list
    r.errors.sort((a, b) => (a.offset ?? Infinity) - (b.offset ?? Infinity));
    // column lineage rides on the bind: same SQL, same upstream schemas, so it is cached (and invalidated) with it
    if (!r.partial && parsed && wantLineage) r.lineage = lineageOf(parsed, upstream, r.columns);
    return r;
  });
}

/** The stand-ins of a connection dedicated to binding (made on first use). */
export function standInsOf(conn: DuckDBConnection): StandIns {
  let s = states.get(conn);
  if (!s) {
    s = new StandIns(conn);
    states.set(conn, s);
  }
  return s;
}

/** Sets a binding connection's optimizer up once (see optimizeExpressionsOnly); call inside StandIns.exclusive. */
export async function settleOptimizer(conn: DuckDBConnection): Promise<void> {
  if (unoptimized.has(conn)) return;
  unoptimized.add(conn);
  await optimizeExpressionsOnly(conn);
}

/** Every name the SQL spells (lower case): the relations it could resolve are among them. */
export function identifiersIn(o: SqlOutline): Set<string> {
  const out = new Set<string>();
  for (const t of o.tokens) if (t.kind === 'word' || t.kind === 'quoted') out.add(identifierOf(t).toLowerCase());
  return out;
}

type Failure = { ok: false; error: SqlError; environmental: boolean };
type Prepared = { ok: true; columns: ColumnInfo[] } | Failure;

/** Errors that depend on files, network or extensions rather than on the SQL: binding cannot judge them. */
// A function of an extension binding does not load (`sqlite_scan`, `st_point`) is one dbt-duckdb loads from the profile.
const ENVIRONMENTAL = /^(IO|HTTP|Permission|Extension Autoloading|Missing Extension|Extension|Out of Memory|Interrupt) Error|^Catalog Error: .* is not in the catalog, but it exists in the \S+ extension/;

async function prepare(conn: DuckDBConnection, sql: string): Promise<Prepared> {
  try {
    const p = await conn.prepare(sql);
    try {
      const columns: ColumnInfo[] = [];
      for (let i = 0; i < p.columnCount; i++) columns.push({ name: p.columnName(i), type: p.columnType(i).toString() });
      return { ok: true, columns };
    } finally {
      p.destroySync();
    }
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: parseDuckDbError(message, sql), environmental: ENVIRONMENTAL.test(message) };
  }
}

const MAX_ERRORS_PER_PART = 10;

/**
 * Prepares `query`, and after an error repairs it (see repair.ts) and prepares again to find the next error of the
 * same part. Errors after the first are only kept when a repair cannot have caused them.
 */
async function collect(conn: DuckDBConnection, query: string, deadline: Deadline, first?: Prepared): Promise<{ columns?: ColumnInfo[]; failures: Failure[] }> {
  const r = first ?? (await prepare(conn, query));
  if (r.ok) return { columns: r.columns, failures: [] };
  const failures: Failure[] = [r];
  const edits: Edit[] = [];
  let q = query;
  let error = r.error;
  for (let k = 1; k < MAX_ERRORS_PER_PART && !deadline.past(); k++) {
    const edit = repairFor(error, q);
    if (!edit) break;
    q = applyEdit(q, edit);
    edits.push(edit);
    const next = await prepare(conn, q);
    if (next.ok || !isColumnResolution(next.error)) break;
    error = next.error;
    const mapped = { ...next.error, offset: next.error.offset === undefined ? undefined : mapBack(next.error.offset, edits) };
    failures.push({ ok: false, error: mapped, environmental: false });
  }
  return { failures };
}

async function bindNow(
  conn: DuckDBConnection,
  sql: string,
  o: SqlOutline,
  upstream: UpstreamRelation[],
  warnings: string[],
  deadline: Deadline,
  /** The query reads every CTE: when it binds, so did each of them. */
  ctesChecked: boolean,
): Promise<Omit<BindResult, 'warnings'>> {
  if (o.statements.length === 0) return { columns: [], errors: [] };
  const errors: SqlError[] = [];
  let text = sql;
  if (o.statements.length > 1) {
    // a model is one query: report the extra statements and bind the first alone
    errors.push({ kind: 'syntax', message: 'A model must be a single query; remove the extra statements (and the ";").', offset: o.tokens[o.statements[0].last + 1].start, length: 1 });
    text = sql.slice(0, o.statements[0].end) + blank(sql.slice(o.statements[0].end));
  }
  const ctes = o.ctes.filter((c) => c.depth === 0 && c.statement === 0);
  // relations with unknown schemas, and CTEs that read them: their binder errors would be guesses
  const tainted = new Set(upstream.filter((u) => u.columns.length === 0).map((u) => lastPart(u.name)));
  const refs = new Map(ctes.map((c) => [c, refsOf(o, c.bodyOpen, c.end)]));
  for (const c of ctes) if (intersects(refs.get(c)!, tainted)) tainted.add(c.name);
  const finalRefs = finalReferences(o, ctes);
  const finalTainted = intersects(finalRefs, tainted);
  const report = (failure: Failure, isTainted: boolean) => {
    const e = failure.error;
    if (failure.environmental) {
      const at = e.offset === undefined ? '' : ` at ${JSON.stringify(text.slice(e.offset, e.offset + 60).split('\n')[0])}`;
      const w = `Not checked${at}: ${e.message.split('\n')[0]}`;
      if (!warnings.includes(w)) warnings.push(w);
      return;
    }
    if (isTainted && e.kind !== 'syntax' && !onCheckedRelation(text, e, tainted)) return;
    if (e.kind === 'catalog') suggestRelations(e, upstream, ctes);
    if (!errors.some((x) => x.offset === e.offset && x.message === e.message)) errors.push(e);
  };

  // bind each CTE on its own, with the CTEs that failed before it blanked out, so later independent errors show too
  const failed = new Set<string>();
  // Once the whole query parses, a tainted part gives no columns, and only binder errors, which are dropped unless
  // they name a column of a checked relation (`alias.column`): a part with no such reference need not be bound (nor
  // repaired), the bulk of binding a project whose sources have no schemas.
  let parses = false;
  // names of relations and CTEs with known columns: a part that spells none of them reads none (a cheap test first)
  const checked = new Set([...upstream.filter((u) => u.columns.length).map((u) => lastPart(u.name)), ...ctes.filter((c) => !tainted.has(c.name)).map((c) => c.name)]);
  const skippable = (names: Set<string>, from: number, to: number) => parses && !(intersects(names, checked) && readsCheckedRelation(o, from, to, tainted));
  const finalSkippable = () => skippable(finalRefs, ctes.length ? ctes[ctes.length - 1].end : o.statements[0].start, o.statements[0].end);
  const ctePass = async () => {
    const cteColumns: { name: string; columns: ColumnInfo[] }[] = [];
    for (const c of ctes) {
      if (tainted.has(c.name) && skippable(refs.get(c)!, c.bodyOpen, c.end)) {
        cteColumns.push({ name: c.displayName, columns: [] });
        continue;
      }
      if (deadline.past()) {
        warnings.push(`Not checked: CTEs from ${quoteIdent(c.displayName)} on (the time for binding this model ran out).`);
        break;
      }
      if (intersects(refs.get(c)!, failed)) {
        failed.add(c.name);
        continue;
      }
      // only the CTEs this one reads stay: binding then costs the same for the 1st and the 500th CTE
      const needed = dependencies(c, ctes, refs);
      const q = withBlanks(text, ctes, (x) => x !== c && !needed.has(x), c.end) + `\nSELECT * FROM ${quoteIdent(c.displayName)}`;
      const r = await collect(conn, q, deadline);
      if (r.columns) cteColumns.push({ name: c.displayName, columns: tainted.has(c.name) ? [] : r.columns });
      else {
        failed.add(c.name);
        for (const f of r.failures) report(clampTo(f, c.end), tainted.has(c.name));
      }
    }
    return cteColumns;
  };

  const whole = await prepare(conn, text);
  parses = whole.ok || (whole.error.kind !== 'syntax' && !whole.environmental);
  if (whole.ok) {
    const columns = finalTainted ? [] : whole.columns;
    if (ctes.length === 0 || ctesChecked) return { columns, errors };
    // DuckDB does not bind CTEs the query never reads: the probe reads them all, and on failure we look closer
    const probed = await allCteColumns(conn, text, ctes, tainted);
    return { columns, errors, ctes: probed ?? (await ctePass()) };
  }
  if (finalTainted && finalSkippable() && ctes.every((c) => tainted.has(c.name) && skippable(refs.get(c)!, c.bodyOpen, c.end))) return { columns: [], errors, ctes: ctes.map((c) => ({ name: c.displayName, columns: [] })) };
  if (ctes.length === 0) {
    for (const f of (await collect(conn, text, deadline, whole)).failures) report(f, finalTainted);
    return { columns: [], errors };
  }
  const cteColumns = await ctePass();
  let columns: ColumnInfo[] = [];
  let finalFailed = intersects(finalRefs, failed);
  if (!finalFailed && !(finalTainted && finalSkippable())) {
    const r = await collect(conn, withBlanks(text, ctes, (x) => failed.has(x.name)), deadline);
    if (r.columns) columns = finalTainted ? [] : r.columns;
    else {
      finalFailed = true;
      for (const f of r.failures) report(f, finalTainted);
    }
  }
  // every part bound alone but the whole did not: report the whole query's own error
  if (failed.size === 0 && !finalFailed) {
    columns = [];
    report(whole, finalTainted);
  }
  return { columns, errors, ctes: cteColumns };
}

/**
 * Columns of every CTE in one prepare: a table alias used as a value is a STRUCT of the row, typed per column, and
 * UNION ALL BY NAME puts each CTE's struct in its own output column (scalar subqueries or joins here cost 100× more).
 */
async function allCteColumns(conn: DuckDBConnection, sql: string, ctes: CteDefinition[], tainted: Set<string>) {
  const row = quoteIdent('__floe_row');
  const probe = ctes.map((c, i) => `SELECT ${row} AS "c${i}" FROM ${quoteIdent(c.displayName)} AS ${row}`).join('\nUNION ALL BY NAME ');
  try {
    const p = await conn.prepare(`${sql.slice(0, ctes[ctes.length - 1].end)}\n${probe}`);
    try {
      return ctes.map((c, i) => {
        // duck-typed, so this module loads without the native binding until a connection is made
        const t = p.columnType(i) as Partial<DuckDBStructType>;
        const columns: ColumnInfo[] =
          t.entryNames && t.entryTypes && !tainted.has(c.name) ? t.entryNames.map((name, k) => ({ name, type: String(t.entryTypes![k]) })) : [];
        return { name: c.displayName, columns };
      });
    } finally {
      p.destroySync();
    }
  } catch {
    return undefined;
  }
}

/** An error placed in the SELECT we appended after a CTE belongs at that CTE's end. */
function clampTo(f: Failure, end: number): Failure {
  const e = f.error;
  if (e.offset === undefined || e.offset + (e.length ?? 0) <= end) return f;
  const offset = Math.min(e.offset, end);
  return { ...f, error: { ...e, offset, length: Math.max(0, Math.min(e.length ?? 0, end - offset)) } };
}

/**
 * `sql` up to `upTo` with the CTEs for which `drop` holds replaced by spaces, and the commas arranged so the rest
 * still parses. Offsets and line breaks are kept, so DuckDB's error positions index the original text.
 */
function withBlanks(sql: string, ctes: CteDefinition[], drop: (c: CteDefinition) => boolean, upTo = sql.length): string {
  const inRange = ctes.filter((c) => c.nameStart < upTo);
  const dropped = inRange.map(drop);
  if (!dropped.some(Boolean)) return sql.slice(0, upTo);
  const parts: string[] = [];
  let at = 0;
  const keep = (to: number) => {
    parts.push(sql.slice(at, to));
    at = to;
  };
  const erase = (to: number) => {
    parts.push(blank(sql.slice(at, to)));
    at = to;
  };
  let keptBefore = false;
  for (let i = 0; i < inRange.length; i++) {
    const c = inRange[i];
    if (i === 0 && dropped.every(Boolean)) {
      // nothing left of the list: the WITH [RECURSIVE] keyword goes too
      keep(c.withStart);
      erase(c.nameStart);
    }
    // the separator before a kept CTE stays when a kept CTE precedes it; every other separator goes
    if (i > 0) (keptBefore && !dropped[i] ? keep : erase)(c.nameStart);
    else keep(c.nameStart);
    (dropped[i] ? erase : keep)(Math.min(c.end, upTo));
    if (!dropped[i]) keptBefore = true;
  }
  keep(upTo);
  return parts.join('');
}

function blank(s: string): string {
  return s.replace(/[^\r\n]/g, ' ');
}

/** The CTEs before `c` that it reads, directly or through each other. */
function dependencies(c: CteDefinition, ctes: CteDefinition[], refs: Map<CteDefinition, Set<string>>): Set<CteDefinition> {
  const before = new Map<string, CteDefinition>();
  for (const d of ctes) {
    if (d === c) break;
    before.set(d.name, d);
  }
  const out = new Set<CteDefinition>();
  const todo = [c];
  while (todo.length) {
    for (const name of refs.get(todo.pop()!)!) {
      const d = before.get(name);
      if (d && !out.has(d)) {
        out.add(d);
        todo.push(d);
      }
    }
  }
  return out;
}

/** Identifiers (lower case) used between two offsets: a cheap over-approximation of what a CTE body reads. */
function refsOf(o: SqlOutline, from: number, to: number): Set<string> {
  const out = new Set<string>();
  for (let i = tokenIndexAt(o, from); i < o.tokens.length && o.tokens[i].start < to; i++) {
    const t = o.tokens[i];
    if (t.kind === 'word' || t.kind === 'quoted') out.add(identifierOf(t).toLowerCase());
  }
  return out;
}

function finalReferences(o: SqlOutline, ctes: CteDefinition[]): Set<string> {
  const s = o.statements[0];
  const out = new Set<string>();
  let k = 0;
  for (const t of o.tokens) {
    if (t.start < s.start) continue;
    if (t.start >= s.end) break;
    while (k < ctes.length && ctes[k].end <= t.start) k++;
    if (k < ctes.length && t.start >= ctes[k].nameStart) continue;
    if (t.kind === 'word' || t.kind === 'quoted') out.add(identifierOf(t).toLowerCase());
  }
  return out;
}

function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const x of b) if (a.has(x)) return true;
  return false;
}

/**
 * A column error a query reading an unknown relation still has for sure: `alias.column` where the alias names a
 * relation (or CTE) whose columns are known, so the unknown one cannot be where the column comes from.
 */
function onCheckedRelation(sql: string, e: SqlError, tainted: Set<string>): boolean {
  const m = /^(?:Table|Values list) "([^"]+)" does not have a column named/.exec(e.message.replace(/^\w+ Error: /, ''));
  if (!m || e.offset === undefined) return false;
  const relation = findRelation(scopeAt(sql, e.offset), m[1]);
  if (!relation || (relation.kind !== 'table' && relation.kind !== 'cte') || relation.name.length === 0) return false;
  return !tainted.has(relation.name[relation.name.length - 1].toLowerCase());
}

/** Whether [from, to) has an `alias.column` whose alias names a relation or CTE with known columns (see onCheckedRelation). */
function readsCheckedRelation(o: SqlOutline, from: number, to: number, tainted: Set<string>): boolean {
  const t = o.tokens;
  const seen = new Set<string>();
  for (let i = tokenIndexAt(o, from); i + 2 < t.length && t[i].start < to; i++) {
    const q = t[i];
    if ((q.kind !== 'word' && q.kind !== 'quoted') || t[i + 1].kind !== 'punct' || t[i + 1].text !== '.') continue;
    const key = `${identifierOf(q).toLowerCase()}@${queryBlockAt(o, q.start)[0]}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const relation = findRelation(scopeAt(o, q.start), identifierOf(q));
    if (relation && (relation.kind === 'table' || relation.kind === 'cte') && relation.name.length && !tainted.has(relation.name[relation.name.length - 1].toLowerCase())) return true;
  }
  return false;
}

function lastPart(name: string): string {
  const p = nameParts(name);
  return p[p.length - 1].toLowerCase();
}

/** Replaces DuckDB's suggestion of our internal stand-in catalogs by the closest upstream or CTE name. */
function suggestRelations(e: SqlError, upstream: UpstreamRelation[], ctes: CteDefinition[]) {
  const m = /Table with name "?([^"!\s]+)"? does not exist/.exec(e.message);
  // DuckDB suggests tables from every catalog, ours included; function suggestions ("floor") are kept
  const internal = m ? /\n?Did you mean "[^"\n]*"\?/g : /\n?Did you mean "(floe_bind_|pg_catalog|information_schema|system\.|temp\.)[^"\n]*"\?/g;
  e.message = e.message.replace(internal, '');
  if (!m) return;
  const missing = m[1].split('.').pop()!.toLowerCase();
  let best: string | undefined;
  let bestScore = Infinity;
  const names = [...upstream.map((u) => ({ label: u.name, key: lastPart(u.name) })), ...ctes.map((c) => ({ label: quoteIdent(c.displayName), key: c.name.toLowerCase() }))];
  for (const n of names) {
    const d = distance(missing, n.key);
    if (d < bestScore) [bestScore, best] = [d, n.label];
  }
  if (best !== undefined && bestScore <= Math.max(2, Math.floor(missing.length / 3))) e.message += `\nDid you mean ${best}?`;
}

function distance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}
