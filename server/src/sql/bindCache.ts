// Bind results on disk, so a reopened project (or a second `floe check`) skips DuckDB for every model whose compiled
// SQL, upstream schemas and on-run-start definitions are unchanged. A bind is a pure function of those three, of Floe's
// binder and of DuckDB, so the key is a hash of all five and an entry never needs invalidating: a change anywhere is a
// different key.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BindResult, UpstreamRelation } from './binder';
import { cacheDir, FLOE_BUILD, JsonlStore } from '../util/jsonlStore';
export { STALE_AFTER_MS } from '../util/jsonlStore';

/** Bumped when what a cached result means changes shape (the build id covers changes of the binder's code). */
const FORMAT = 2;
/** Entries kept on disk at most; the oldest go first when a file is compacted. */
export const MAX_ENTRIES = 200_000;

export interface BindCache {
  /** `prelude`: the definitions made before the bind (the project's on-run-start hooks', sql/hookPrelude.ts). */
  get(sql: string, upstream: UpstreamRelation[], prelude?: readonly string[]): BindResult | undefined;
  /** Keeps a result unless it was cut short. */
  set(sql: string, upstream: UpstreamRelation[], result: BindResult, prelude?: readonly string[]): void;
  /** Writes what was added since the last flush. */
  flush(): void;
}

/**
 * The key of one bind: the engine (DuckDB's version), Floe's binder, the SQL, the stand-ins' names and columns, and the
 * hook definitions made first (left out when there are none, so a project without them keeps its kept binds).
 */
export function bindKey(engine: string, sql: string, upstream: UpstreamRelation[], prelude: readonly string[] = []): string {
  const parts: unknown[] = [FORMAT, engine, sql, upstream.map((u) => [u.name, u.columns.map((c) => [c.name, c.type])])];
  if (prelude.length) parts.push(prelude);
  return createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('base64url')
    .slice(0, 32);
}

function isBindResult(value: unknown): value is BindResult {
  const r = value as BindResult | null;
  return !!r && Array.isArray(r.columns) && Array.isArray(r.errors);
}

/** One JSON-lines file per project and binder build under `dir` ($FLOE_CACHE_DIR/bind or ~/.cache/floe/bind). */
export class DiskBindCache implements BindCache {
  private readonly store: JsonlStore<BindResult>;

  constructor(projectRoot: string, private readonly engine: string, dir = cacheDir('bind')) {
    const id = createHash('sha256').update(JSON.stringify([path.resolve(projectRoot), FLOE_BUILD, engine])).digest('hex').slice(0, 24);
    this.store = new JsonlStore(path.join(dir, `${id}.jsonl`), isBindResult, MAX_ENTRIES);
  }

  get(sql: string, upstream: UpstreamRelation[], prelude?: readonly string[]): BindResult | undefined {
    return this.store.get(bindKey(this.engine, sql, upstream, prelude));
  }

  set(sql: string, upstream: UpstreamRelation[], result: BindResult, prelude?: readonly string[]): void {
    if (result.partial) return;
    const key = bindKey(this.engine, sql, upstream, prelude);
    // the same bind with its column lineage made since (a check's, or the editor's made after its diagnostics)
    this.store.set(key, result, !!result.lineage && !this.store.get(key)?.lineage);
  }

  flush(): void {
    this.store.flush();
  }
}
