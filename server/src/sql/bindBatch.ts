// Binds several models in one DuckDB prepare: a prepare's fixed cost is about half of a typical model's, so the binds
// queued on a connection (a worker's) are prepared together when each is the plain case, one query over known
// upstreams, and what each would have given alone is certain from the result. Anything else binds alone (binder.ts).
import type { DuckDBConnection, DuckDBStructType } from '@duckdb/node-api';
import { quoteIdent, tokenize } from './lexer';
import { outline, type SqlOutline } from './outline';
import { readsEveryCteInText } from './cteReads';
import { parseDuckDbError } from './errors';
import { lineageOf, parseLater } from './columnLineage';
import { BindResult, BindSettings, ColumnInfo, MAX_BIND_CHARS, UpstreamRelation, bindModel, identifiersIn, settleOptimizer, standInsOf } from './binder';
import { nameParts } from './standins';
import { usePrelude } from './hookPrelude';

export interface BindRequest {
  sql: string;
  upstream: UpstreamRelation[];
  options?: BindSettings;
}

interface Member {
  index: number;
  request: BindRequest;
  identifiers: Set<string>;
  warnings?: string[];
}

/** A prefix no batched model may spell: the batch's own names start with it, and a model's must never shadow them. */
const RESERVED = '__floe_';
/** Statements DuckDB treats specially at the top level (a PIVOT without IN runs queries first): never batched. */
const SPECIAL_WORDS = new Set(['pivot', 'unpivot', 'pivot_wider', 'pivot_longer', 'describe', 'summarize', 'show']);
const QUERY_START = new Set(['select', 'with', 'from', 'values']);
/** Tries of one batch after the model an error points at is taken out. */
const MAX_RETRIES = 3;

/** Results in the order of `requests`, each the one bindModel gives for it alone. */
export async function bindModels(conn: DuckDBConnection, requests: BindRequest[]): Promise<BindResult[]> {
  const results: Array<BindResult | undefined> = new Array(requests.length);
  const members: Member[] = [];
  // one query binds with one set of hook definitions: the first request's (others, another project's, bind alone)
  const prelude = requests[0]?.options?.prelude ?? [];
  const samePrelude = (r: BindRequest) => (r.options?.prelude ?? []).join('\u0000') === prelude.join('\u0000');
  requests.forEach((request, index) => {
    const o = batchable(request) && samePrelude(request) ? outline(request.sql) : undefined;
    if (o && plainQuery(request.sql, o)) members.push({ index, request, identifiers: identifiersIn(o) });
  });
  if (members.length >= 2) {
    const standIns = standInsOf(conn);
    const bound = await standIns.exclusive(async () => {
      await settleOptimizer(conn);
      await usePrelude(conn, prelude);
      let batch = members;
      for (let attempt = 0; attempt <= MAX_RETRIES; attempt++) {
        const warnings = await standIns.activateSharedMany(batch.map((m) => ({ upstream: m.request.upstream, identifiers: m.identifiers })));
        batch.forEach((m, i) => (m.warnings = warnings[i]));
        batch = batch.filter((m) => m.warnings);
        if (batch.length < 2) return [];
        const outcome = await prepareTogether(conn, batch.map((m) => m.request.sql));
        if (outcome.columns) return batch.map((m, i) => ({ member: m, columns: outcome.columns[i] }));
        if (outcome.blame === undefined) return [];
        batch = batch.filter((_, i) => i !== outcome.blame);
      }
      return [];
    });
    // column lineage from DuckDB's parse, as bindModel gives it: registered together, so parsed in one call
    const parses = bound.map(({ member, columns }) => (columns && member.request.options?.lineage !== false ? parseLater(conn, member.request.sql) : undefined));
    for (let i = 0; i < bound.length; i++) {
      const { member, columns } = bound[i];
      if (!columns) continue;
      const r: BindResult = { columns, errors: [], warnings: member.warnings! };
      const parse = parses[i];
      if (parse) r.lineage = lineageOf(await parse(), member.request.upstream, columns);
      results[member.index] = r;
    }
  }
  // the rest one by one (they queue on the connection, and their parses are made together)
  await Promise.all(requests.map(async (r, i) => (results[i] ??= await bindModel(conn, r.sql, r.upstream, r.options))));
  return results as BindResult[];
}

/** Cheap tests first: what the request itself says. */
function batchable({ sql, upstream }: BindRequest): boolean {
  if (sql.length > MAX_BIND_CHARS || sql.toLowerCase().includes(RESERVED)) return false;
  // an unknown schema makes binder errors guesses that binder.ts sorts out; three-part names get their own catalogs
  return upstream.every((u) => u.columns.length > 0 && nameParts(u.name).length <= 2 && u.columns.every((c) => !c.name.toLowerCase().startsWith(RESERVED)));
}

/**
 * One query that reads all its CTEs, as far as our tokens can tell (DuckDB binds no CTE the query leaves unread, so
 * an unsure one binds alone). The other tests only spare a batch prepare that would fail: more than one statement, a
 * parameter, a statement DuckDB treats specially, unbalanced brackets, a comment or string open at the end. A model
 * that swallows the next one's text still cannot pass: it leaves that one's CTE undefined (no model spells the
 * reserved prefix), so the batch fails and each binds alone.
 */
function plainQuery(sql: string, o: SqlOutline): boolean {
  if (o.statements.length !== 1 || !readsEveryCteInText(o)) return false;
  let depth = 0;
  let first = true;
  for (const t of o.tokens) {
    if (t.kind === 'comment') continue;
    if (t.kind === 'param' || t.kind === 'jinja') return false;
    if (t.kind === 'word' && SPECIAL_WORDS.has(t.text.toLowerCase())) return false;
    if (first && !(t.kind === 'word' && QUERY_START.has(t.text.toLowerCase())) && !(t.kind === 'punct' && t.text === '(')) return false;
    first = false;
    if (t.kind !== 'punct') continue;
    if (t.text === ';') return false;
    if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
    else if (t.text === ')' || t.text === ']' || t.text === '}') depth--;
    if (depth < 0) return false;
  }
  if (depth !== 0 || first) return false;
  const last = o.tokens[o.tokens.length - 1];
  const tail = tokenize(`${sql.slice(last.start)}\n)`);
  const close = tail[tail.length - 1];
  return close.kind === 'punct' && close.text === ')' && close.start === sql.length - last.start + 1;
}

/**
 * Prepares the models as CTEs of one query that reads each one's row as a STRUCT (typed per column, in its own output
 * column): their columns, or on an error the model it points into (undefined when it points nowhere).
 */
async function prepareTogether(conn: DuckDBConnection, sqls: string[]): Promise<{ columns: Array<ColumnInfo[] | undefined>; blame?: undefined } | { columns?: undefined; blame?: number }> {
  const spans: Array<[number, number]> = [];
  let text = 'WITH ';
  sqls.forEach((sql, i) => {
    text += `${i ? ',\n' : ''}${quoteIdent(`${RESERVED}b${i}`)} AS (\n`;
    spans.push([text.length, text.length + sql.length]);
    text += `${sql}\n)`;
  });
  text += '\n' + sqls.map((_, i) => `SELECT ${quoteIdent(`${RESERVED}r${i}`)} AS "c${i}" FROM ${quoteIdent(`${RESERVED}b${i}`)} AS ${quoteIdent(`${RESERVED}r${i}`)}`).join('\nUNION ALL BY NAME ');
  let p;
  try {
    p = await conn.prepare(text);
  } catch (e) {
    const at = parseDuckDbError(e instanceof Error ? e.message : String(e), text).offset;
    const blame = at === undefined ? -1 : spans.findIndex(([from, to]) => at >= from && at <= to);
    return { blame: blame < 0 ? undefined : blame };
  }
  try {
    if (p.columnCount !== sqls.length) return {};
    return { columns: sqls.map((_, i) => (p.columnName(i) === `c${i}` ? rowColumns(p.columnType(i) as Partial<DuckDBStructType>) : undefined)) };
  } finally {
    p.destroySync();
  }
}

/**
 * A model's columns from its row's STRUCT; undefined where the struct cannot say what a prepare of the model alone
 * would: DuckDB renames duplicate names inside it (`a`, `a_1`; `A` after `a` becomes `A_1`).
 */
function rowColumns(t: Partial<DuckDBStructType>): ColumnInfo[] | undefined {
  if (!t.entryNames || !t.entryTypes) return undefined;
  const names = new Set(t.entryNames.map((n) => n.toLowerCase()));
  for (const n of names) {
    const m = /^(.*)_\d+$/.exec(n);
    if (m && names.has(m[1])) return undefined;
  }
  return t.entryNames.map((name, k) => ({ name, type: String(t.entryTypes![k]) }));
}
