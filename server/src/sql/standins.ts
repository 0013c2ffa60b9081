// Stand-in relations for binding: empty tables with the upstream schemas, reused while schemas are unchanged. Most
// binds use one shared environment; a bind whose SQL names a relation outside its upstreams gets a private one, so
// it never sees another model's relations.
import type { DuckDBConnection } from '@duckdb/node-api';
import { quoteIdent, tokenize } from './lexer';

export interface ColumnInfo {
  name: string;
  /** DuckDB type, e.g. `DECIMAL(18,2)`. */
  type: string;
}

export interface UpstreamRelation {
  /** The relation name as it appears in the compiled SQL, possibly qualified: `"bronze"."customers"`. */
  name: string;
  /** Known columns; an empty list means the schema is unknown (binder errors that depend on it are not reported). */
  columns: ColumnInfo[];
}

/** Column name given to stand-ins whose schema is unknown (DuckDB tables need one column). */
export const UNKNOWN_COLUMN = '__floe_unknown_schema';

export const MAX_ENVIRONMENTS = 32;
/** Tables the shared environment may hold before it is dropped and started again. */
export const MAX_SHARED_TABLES = 20_000;
const SHARED_CATALOG = 'floe_bind_shared';

interface Environment {
  catalog: string;
  lastUsed: number;
}

/** Per-connection stand-in state; a connection is used by one bind at a time (see StandIns.exclusive). */
export class StandIns {
  private readonly envs = new Map<string, Environment>();
  private counter = 0;
  private clock = 0;
  private current: string | undefined;
  /** Three-part names live in catalogs named after their first part: table key → signature. */
  private readonly global = new Map<string, string>();
  private readonly globalCatalogs = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();
  /** The shared environment: every one- and two-part relation seen, key → signature and its type warnings. */
  private readonly shared = new Map<string, { sig: string; warnings: string[] }>();
  /** Last name part (lower case) → keys in the shared environment with that last part. */
  private readonly sharedByLast = new Map<string, Set<string>>();
  private sharedAttached = false;
  /** Schemas (lower case) made in the shared environment. */
  private readonly sharedSchemas = new Set<string>();

  constructor(private readonly conn: DuckDBConnection) {}

  /** Runs `fn` after every earlier call has finished: USE and the stand-ins are connection state. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn, fn);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Makes exactly `upstream` resolvable on the connection (as the default catalog) and returns warnings for columns
   * whose type DuckDB did not accept (they are typed VARCHAR instead).
   */
  async activate(upstream: UpstreamRelation[]): Promise<string[]> {
    const parsed = upstream.map(standInOf);
    const local = parsed.filter((p) => p.parts.length <= 2);
    const warnings: string[] = [];
    await this.syncGlobal(parsed.filter((p) => p.parts.length === 3), warnings);
    const key = JSON.stringify(local.map((p) => [p.parts.map((s) => s.toLowerCase()), p.columns]).sort());
    let env = this.envs.get(key);
    if (!env) {
      env = { catalog: `floe_bind_${++this.counter}`, lastUsed: ++this.clock };
      await this.create(env.catalog, local, warnings);
      this.envs.set(key, env);
      await this.evict(env.catalog);
    }
    env.lastUsed = ++this.clock;
    if (this.current !== env.catalog) {
      await this.conn.run(`USE ${quoteIdent(env.catalog)}`);
      this.current = env.catalog;
    }
    return warnings;
  }

  /**
   * The fast path: one environment shared by all binds, holding every relation seen (a private environment per set of
   * upstreams costs an ATTACH and its tables per model). Used only when `identifiers` (every name the SQL spells, lower
   * case) names no relation outside `upstream`, so DuckDB cannot resolve anything a private environment would not hold;
   * returns undefined otherwise. The caller binds again privately on a catalog error, whose wording may differ.
   */
  async activateShared(upstream: UpstreamRelation[], identifiers: Set<string>): Promise<string[] | undefined> {
    return (await this.activateSharedMany([{ upstream, identifiers }]))[0];
  }

  /**
   * activateShared for several binds at once, whose SQL is then prepared as one query (bindBatch.ts): each gets its
   * warnings, or undefined when the shared environment cannot hold its upstreams beside the others' (a relation of the
   * same name with other columns) or when its SQL names a relation another one's stand-ins add. Three-part names
   * (catalogs holding exactly one bind's tables) only for a single bind.
   */
  async activateSharedMany(binds: Array<{ upstream: UpstreamRelation[]; identifiers: Set<string> }>): Promise<Array<string[] | undefined>> {
    const wanted = new Map<string, StandIn>();
    const members = binds.map(({ upstream, identifiers }) => {
      const parsed = upstream.map(standInOf);
      const local = parsed.filter((p) => p.parts.length <= 2);
      const global = parsed.filter((p) => p.parts.length === 3);
      if (global.length && binds.length > 1) return undefined;
      const keys = new Set(local.map((p) => p.key));
      if (!this.resolvesOnly(identifiers, keys)) return undefined;
      // by key, the last one winning (a relation named twice is made once)
      const byKey = new Map(local.map((p) => [p.key, p]));
      for (const [k, p] of byKey) if (wanted.has(k) && wanted.get(k)!.sig !== p.sig) return undefined;
      for (const [k, p] of byKey) wanted.set(k, p);
      return { local, global, keys, identifiers };
    });
    const warnings: Array<string[] | undefined> = members.map((m) => (m ? [] : undefined));
    if (!members.some(Boolean)) return warnings;
    if (members.length === 1) await this.syncGlobal(members[0]!.global, warnings[0]!);
    if (this.shared.size + wanted.size > MAX_SHARED_TABLES) await this.resetShared();
    if (!this.sharedAttached) {
      await this.conn.run(`ATTACH ':memory:' AS ${quoteIdent(SHARED_CATALOG)}`);
      this.sharedAttached = true;
    }
    const missing = [...wanted.values()].filter((p) => this.shared.get(p.key)?.sig !== p.sig);
    if (missing.length) await this.createShared(missing);
    members.forEach((m, i) => {
      // another bind's new stand-ins may be what this one's SQL would now resolve
      if (!m || !this.resolvesOnly(m.identifiers, m.keys)) return void (warnings[i] = undefined);
      for (const p of m.local) {
        for (const w of this.shared.get(p.key)!.warnings) if (!warnings[i]!.includes(w)) warnings[i]!.push(w);
      }
    });
    if (this.current !== SHARED_CATALOG) {
      await this.conn.run(`USE ${quoteIdent(SHARED_CATALOG)}`);
      this.current = SHARED_CATALOG;
    }
    return warnings;
  }

  /** Whether every shared stand-in named by `identifiers` (by its last part) is one of `keys`. */
  private resolvesOnly(identifiers: Set<string>, keys: Set<string>): boolean {
    for (const id of identifiers) {
      for (const k of this.sharedByLast.get(id) ?? []) if (!keys.has(k)) return false;
    }
    return true;
  }

  /**
   * Creates (or replaces, when the schema changed) stand-ins in the shared environment: one round trip for all of a
   * bind's new tables, and CREATE rather than CREATE OR REPLACE for a table never made (half the time in DuckDB).
   */
  private async createShared(rels: StandIn[]) {
    const c = quoteIdent(SHARED_CATALOG);
    const schemas = [...new Set(rels.filter((r) => r.parts.length === 2).map((r) => r.parts[0]))].filter((sch) => !this.sharedSchemas.has(sch.toLowerCase()));
    const tables = rels.map((r) => ({
      ...r,
      name: r.parts.length === 2 ? `${c}.${quoteIdent(r.parts[0])}.${quoteIdent(r.parts[1])}` : `${c}.main.${quoteIdent(r.parts[0])}`,
      warnings: [] as string[],
    }));
    const batch = [
      ...schemas.map((sch) => `CREATE SCHEMA IF NOT EXISTS ${c}.${quoteIdent(sch)}`),
      ...tables.map((t) => tableDdl(t.name, t.columns, !this.shared.has(t.key))),
    ];
    try {
      await this.conn.run(batch.join(';\n'));
    } catch {
      // statement by statement, to find the column types DuckDB rejects; some may exist now, so they are replaced
      for (const sch of schemas) await this.conn.run(`CREATE SCHEMA IF NOT EXISTS ${c}.${quoteIdent(sch)}`);
      for (const t of tables) await this.createTable(t.name, t.columns, t.parts.join('.'), t.warnings);
    }
    for (const sch of schemas) this.sharedSchemas.add(sch.toLowerCase());
    for (const t of tables) {
      this.shared.set(t.key, { sig: t.sig, warnings: t.warnings });
      const last = t.parts[t.parts.length - 1].toLowerCase();
      const set = this.sharedByLast.get(last) ?? new Set<string>();
      this.sharedByLast.set(last, set.add(t.key));
    }
  }

  private async resetShared() {
    if (!this.sharedAttached) return;
    if (this.current === SHARED_CATALOG) {
      await this.conn.run('USE memory');
      this.current = undefined;
    }
    await this.conn.run(`DETACH ${quoteIdent(SHARED_CATALOG)}`);
    this.sharedAttached = false;
    this.shared.clear();
    this.sharedByLast.clear();
    this.sharedSchemas.clear();
  }

  private async create(catalog: string, rels: { parts: string[]; columns: ColumnInfo[] }[], warnings: string[]) {
    const c = quoteIdent(catalog);
    const schemas = [...new Set(rels.filter((r) => r.parts.length === 2).map((r) => r.parts[0]))];
    const tables = rels.map((r) => ({
      name: r.parts.length === 2 ? `${c}.${quoteIdent(r.parts[0])}.${quoteIdent(r.parts[1])}` : `${c}.main.${quoteIdent(r.parts[0])}`,
      columns: r.columns,
      label: r.parts.join('.'),
    }));
    // one round trip for the common case; statement by statement only to find a bad column type
    const batch = [
      `ATTACH ':memory:' AS ${c}`,
      ...schemas.map((sch) => `CREATE SCHEMA IF NOT EXISTS ${c}.${quoteIdent(sch)}`),
      ...tables.map((t) => tableDdl(t.name, t.columns)),
    ];
    try {
      await this.conn.run(batch.join(';\n'));
      return;
    } catch {
      await this.conn.run(`DETACH DATABASE IF EXISTS ${c}`);
    }
    await this.conn.run(`ATTACH ':memory:' AS ${c}`);
    for (const sch of schemas) await this.conn.run(`CREATE SCHEMA IF NOT EXISTS ${c}.${quoteIdent(sch)}`);
    for (const t of tables) await this.createTable(t.name, t.columns, t.label, warnings);
  }

  private async createTable(table: string, columns: ColumnInfo[], label: string, warnings: string[]) {
    const ddl = (cols: ColumnInfo[]) => tableDdl(table, cols);
    try {
      await this.conn.run(ddl(columns));
    } catch {
      // find the columns whose type DuckDB rejects, and stand them in as VARCHAR
      const fixed: ColumnInfo[] = [];
      for (const col of columns) {
        try {
          const p = await this.conn.prepare(`SELECT NULL::${col.type}`);
          p.destroySync();
          fixed.push(col);
        } catch {
          warnings.push(`Column "${col.name}" of ${label} has a type DuckDB does not know: ${col.type}.`);
          fixed.push({ name: col.name, type: 'VARCHAR' });
        }
      }
      await this.conn.run(ddl(fixed));
    }
  }

  /** Detaches the least recently used environment beyond the limit (never `keep`, the one about to be used). */
  private async evict(keep: string) {
    if (this.envs.size <= MAX_ENVIRONMENTS) return;
    let oldestKey: string | undefined;
    let oldest = Infinity;
    for (const [k, e] of this.envs) if (e.lastUsed < oldest && e.catalog !== keep) [oldest, oldestKey] = [e.lastUsed, k];
    if (oldestKey === undefined) return;
    const e = this.envs.get(oldestKey)!;
    this.envs.delete(oldestKey);
    if (this.current === e.catalog) {
      // DuckDB refuses to detach the default catalog: switch first
      await this.conn.run(`USE ${quoteIdent(keep)}`);
      this.current = keep;
    }
    await this.conn.run(`DETACH ${quoteIdent(e.catalog)}`);
  }

  /** Three-part names: the catalogs hold exactly this bind's tables (dropped and created by difference). */
  private async syncGlobal(rels: { parts: string[]; columns: ColumnInfo[] }[], warnings: string[]) {
    if (rels.length === 0 && this.global.size === 0) return;
    const wanted = new Map<string, { parts: string[]; columns: ColumnInfo[]; sig: string }>();
    for (const r of rels) {
      const k = JSON.stringify(r.parts.map((p) => p.toLowerCase()));
      wanted.set(k, { ...r, sig: JSON.stringify(r.columns) });
    }
    for (const [k, sig] of this.global) {
      const w = wanted.get(k);
      if (w && w.sig === sig) continue;
      const parts = JSON.parse(k) as string[];
      await this.conn.run(`DROP TABLE IF EXISTS ${parts.map(quoteIdent).join('.')}`);
      this.global.delete(k);
    }
    for (const [k, w] of wanted) {
      if (this.global.has(k)) continue;
      const [catalog, schema] = w.parts;
      if (!this.globalCatalogs.has(catalog.toLowerCase())) {
        await this.conn.run(`ATTACH IF NOT EXISTS ':memory:' AS ${quoteIdent(catalog)}`);
        this.globalCatalogs.add(catalog.toLowerCase());
      }
      await this.conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(catalog)}.${quoteIdent(schema)}`);
      await this.createTable(w.parts.map(quoteIdent).join('.'), w.columns, w.parts.join('.'), warnings);
      this.global.set(k, w.sig);
    }
  }
}

/** What a stand-in table needs of an upstream: its name's parts, its columns as DDL may spell them, its shared key and signature. */
interface StandIn {
  parts: string[];
  columns: ColumnInfo[];
  key: string;
  sig: string;
}

// A worker's jobs share one object per upstream schema (bindPool.ts), so this is worked out once per schema, not per bind.
const standIns = new WeakMap<UpstreamRelation, StandIn>();
function standInOf(u: UpstreamRelation): StandIn {
  let s = standIns.get(u);
  if (!s) {
    const parts = nameParts(u.name);
    const columns = cleanColumns(u.columns);
    standIns.set(u, (s = { parts, columns, key: sharedKey(parts), sig: JSON.stringify(columns) }));
  }
  return s;
}

function sharedKey(parts: string[]): string {
  return JSON.stringify(parts.length === 1 ? ['main', parts[0].toLowerCase()] : parts.map((p) => p.toLowerCase()));
}

function tableDdl(table: string, columns: ColumnInfo[], isNew = false): string {
  return `CREATE ${isNew ? '' : 'OR REPLACE '}TABLE ${table} (${columns.map((col) => `${quoteIdent(col.name)} ${col.type}`).join(', ')})`;
}

/** Parts of a relation name as written in SQL: `"bronze".customers` → ['bronze', 'customers']. */
export function nameParts(name: string): string[] {
  const toks = tokenize(name);
  const parts: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    const expectPart = parts.length === 0 || (toks[i - 1].kind === 'punct' && toks[i - 1].text === '.');
    if ((t.kind === 'word' || t.kind === 'quoted') && expectPart) parts.push(t.text);
    else if (!(t.kind === 'punct' && t.text === '.' && i > 0 && i < toks.length - 1)) return [name];
  }
  return parts.length >= 1 && parts.length <= 3 ? parts : [name];
}

function cleanColumns(columns: ColumnInfo[]): ColumnInfo[] {
  if (columns.length === 0) return [{ name: UNKNOWN_COLUMN, type: 'INTEGER' }];
  const seen = new Set<string>();
  const out: ColumnInfo[] = [];
  for (const c of columns) {
    const k = c.name.toLowerCase();
    if (seen.has(k)) continue;
    seen.add(k);
    // a type is spliced into DDL: keep only type-shaped text, never statement separators or comments
    const type = /^[A-Za-z0-9_ (),."'[\]]+$/.test(c.type) && !c.type.includes('--') ? c.type : 'VARCHAR';
    out.push({ name: c.name, type });
  }
  return out;
}
