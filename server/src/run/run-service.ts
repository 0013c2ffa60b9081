// The editor's runs: previews kept open for export, table previews, materializations, one lakehouse per project.
import fs from 'node:fs';
import type { DbtProject } from '../project/project';
import type { ExportFormat, PreviewResult, ResultStats, ResultView } from '../protocol/results';
import type { TableIdentifier } from '../iceberg/spec';
import type { Catalog } from '../catalog/catalog';
import { duckdbResultToPreview } from '../engine/arrow';
import { DuckSession, quoteIdent, quoteLiteral } from '../engine/session';
import { registerIcebergTable } from '../engine/read/register-table';
import { namespaceDisplayName } from '../catalog/names';
import { openLakehouse, type Lakehouse, type LakehouseOptions } from './lakehouse';
import { preparePreview, type PreviewRequest } from './preview';
import { materialize, type MaterializedModel } from './materialize';
import type { ModelRun, RunOptions } from './model-chain';
import { ModelRunError } from './run-error';
import { resultViewSql } from './resultView';
import { resultStatsSql } from './resultStats';

/** Cancellation as plain data, so this module stays free of LSP types. */
export interface Cancellation {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: () => void): { dispose(): void };
}

/** How many finished previews stay open so their full result can be exported. */
const KEPT_PREVIEWS = 3;

/** A finished preview whose session stays open: its full query can be sorted, filtered, counted and exported. */
interface KeptPreview {
  /** The limited SQL the preview ran: the key the client sends back. */
  sql: string;
  unlimitedSql: string;
  title: string;
  limit: number;
  columns: string[];
  /** DuckDB type names of the columns, as the grid shows them. */
  types: string[];
  close(): Promise<void>;
  session: DuckSession;
  /** Sorts, filters and exports of this preview, one at a time on its session (a second click may come first). */
  queue?: Promise<unknown>;
  /**
   * Set when the preview read only the first files of a table (a LIMIT planned short): registers the whole table
   * before the full result is sorted, filtered, counted or exported. `rows` is the full result's count when known.
   */
  partial?: { complete(): Promise<void>; rows?: bigint };
}

/** A model preview that read a source short: the count of the table is the count of the result (one source, plain rows). */
function partialOf(run: ModelRun): Pick<KeptPreview, 'partial'> {
  const partial = [...run.partialSources.values()];
  return partial.length === 0 ? {} : { partial: { rows: partial.length === 1 ? partial[0]!.rows : undefined, complete: () => run.completeSources() } };
}

/** Makes a preview that read only the first files of a table see the whole table (once). */
async function completed(kept: KeptPreview): Promise<void> {
  const partial = kept.partial;
  if (!partial) return;
  await partial.complete();
  kept.partial = undefined;
}

/** Runs `body` after the preview's earlier queued work, whether that failed or not. */
function queued<T>(kept: KeptPreview, body: () => Promise<T>): Promise<T> {
  const run = (kept.queue ?? Promise.resolve()).catch(() => undefined).then(body);
  kept.queue = run;
  return run;
}

const COPY_OPTIONS: Record<ExportFormat, string> = {
  csv: '(FORMAT csv, HEADER true)',
  json: '(FORMAT json, ARRAY true)',
  parquet: '(FORMAT parquet)',
};

export class RunService {
  private readonly lakehouses = new Map<string, Promise<Lakehouse>>();
  private readonly kept: KeptPreview[] = [];

  constructor(private readonly lakehouseOptions: (project: DbtProject) => LakehouseOptions = () => ({})) {}

  /** The project's lakehouse, connected once and reused; a failed connection is retried next time. */
  lakehouse(project: DbtProject): Promise<Lakehouse> {
    const key = `${project.root}\u0000${project.target.name}\u0000${project.target.catalog?.catalogUri ?? ''}`;
    let pending = this.lakehouses.get(key);
    if (!pending) {
      pending = openLakehouse(project, this.lakehouseOptions(project));
      pending.catch(() => this.lakehouses.delete(key));
      this.lakehouses.set(key, pending);
    }
    return pending;
  }

  /** Forgets cached connections (after a catalog error, or when settings change). */
  reset(): void {
    this.lakehouses.clear();
  }

  async preview(project: DbtProject, request: PreviewRequest, options: RunOptions & { cancel?: Cancellation }): Promise<PreviewResult> {
    const startedAt = performance.now();
    const lakehouse = await this.lakehouse(project);
    const prepared = await preparePreview(project, lakehouse, { ...request, limit: request.limit + 1 }, options);
    const stop = options.cancel?.onCancellationRequested(() => prepared.run.session.interrupt());
    try {
      options.cancel && throwIfCancelled(options.cancel);
      const result = await prepared.guard(async () =>
        duckdbResultToPreview(await prepared.run.session.connection.stream(prepared.sql), { sql: prepared.sql, title: prepared.title, startedAt, maxRows: request.limit }));
      const kept = this.keepSession({
        sql: prepared.sql, unlimitedSql: prepared.unlimitedSql, title: prepared.title, limit: request.limit, columns: result.columns.map((c) => c.name), types: result.columns.map((c) => c.type),
        session: prepared.run.session, close: () => prepared.run.close(),
        ...partialOf(prepared.run),
      });
      return await prepared.guard(() => this.withTotal(kept, result));
    } catch (e) {
      await prepared.run.close();
      throw options.cancel?.isCancellationRequested ? new ModelRunError('Preview cancelled.') : e;
    } finally {
      stop?.dispose();
    }
  }

  /** Rows of one Iceberg table from a catalog, optionally at a snapshot. */
  async previewTable(catalog: Catalog, lakehouse: Pick<Lakehouse, 's3'>, id: TableIdentifier, options: { snapshotId?: bigint; limit: number; cancel?: Cancellation; onFetch?: RunOptions['onFetch'] }): Promise<PreviewResult> {
    const startedAt = performance.now();
    const name = `${namespaceDisplayName(id.namespace)}.${id.name}`;
    const session = await DuckSession.open();
    const alias = `table_preview_${Date.now()}`;
    const stop = options.cancel?.onCancellationRequested(() => session.interrupt());
    try {
      const loaded = await catalog.loadTable(id);
      const read = { s3: lakehouse.s3, snapshotId: options.snapshotId, tableName: name, onProgress: options.onFetch };
      // The first rows need only the first files (where no delete file can remove rows): see TableReadOptions.rowLimit.
      const relation = await registerIcebergTable(session, alias, loaded, { ...read, rowLimit: options.limit + 1 });
      const sql = `SELECT * FROM ${quoteIdent(alias)}`;
      const title = options.snapshotId === undefined ? name : `${name} @ ${options.snapshotId}`;
      const result = await duckdbResultToPreview(await session.connection.stream(`${sql} LIMIT ${options.limit + 1}`), { sql, title, startedAt, maxRows: options.limit });
      const kept = this.keepSession({
        sql, unlimitedSql: sql, title, limit: options.limit, columns: result.columns.map((c) => c.name), types: result.columns.map((c) => c.type), session,
        close: async () => { await session.run(`DROP VIEW IF EXISTS ${quoteIdent(alias)}`); session.close(); },
        ...(relation.partial ? { partial: { rows: relation.partial.listedRows, complete: async () => { await registerIcebergTable(session, alias, loaded, read); } } } : {}),
      });
      return await this.withTotal(kept, result);
    } catch (e) {
      session.close();
      throw e;
    } finally {
      stop?.dispose();
    }
  }

  /** The first rows of a kept preview's full result, sorted and filtered in DuckDB, with the count of all matching rows. */
  async query(sql: string, view: ResultView): Promise<PreviewResult> {
    const kept = this.keptPreview(sql, 'sort or filter');
    return queued(kept, async () => {
      const startedAt = performance.now();
      await completed(kept);
      const q = resultViewSql(kept.unlimitedSql, kept.columns, view);
      const result = await duckdbResultToPreview(await kept.session.connection.stream(q.sql, q.params), { sql: kept.sql, title: kept.title, startedAt, maxRows: kept.limit });
      return this.withTotal(kept, { ...result, view }, view);
    });
  }

  /** Column statistics (NULLs, distinct values, min and max) of a kept preview's full result, found by its SQL. */
  async stats(sql: string): Promise<ResultStats> {
    const kept = this.keptPreview(sql, 'compute column statistics');
    return queued(kept, async () => {
      await completed(kept); // statistics are of the whole result, not of the rows a LIMIT read
      const q = resultStatsSql(kept.unlimitedSql, kept.columns.map((name, i) => ({ name, type: kept.types[i] })));
      const rows = (await kept.session.connection.runAndReadAll(q.sql)).getRows();
      return q.read(rows[0] ?? []);
    });
  }

  /** Writes the full result of a kept preview (found by its SQL), sorted and filtered as the grid is, to a file. */
  async exportResult(sql: string, format: ExportFormat, targetPath: string, view: ResultView = {}): Promise<{ rows: number; bytes: number }> {
    const kept = this.keptPreview(sql, 'export');
    return queued(kept, async () => {
      await completed(kept);
      const q = resultViewSql(kept.unlimitedSql, kept.columns, view);
      const stats = await kept.session.connection.runAndReadAll(`COPY (${q.sql}) TO ${quoteLiteral(targetPath)} ${COPY_OPTIONS[format]}`, q.params);
      return { rows: Number(stats.getRows()[0]?.[0] ?? 0), bytes: fs.statSync(targetPath).size };
    });
  }

  async materialize(project: DbtProject, selection: Parameters<typeof materialize>[2], options: Parameters<typeof materialize>[3] & { cancel?: Cancellation }): Promise<MaterializedModel[]> {
    const lakehouse = await this.lakehouse(project);
    const controller = new AbortController();
    const stop = options.cancel?.onCancellationRequested(() => controller.abort(new ModelRunError('Materialize cancelled; no table was changed by the cancelled model.')));
    try {
      return await materialize(project, lakehouse, selection, { ...options, signal: controller.signal });
    } finally {
      stop?.dispose();
    }
  }

  async dispose(): Promise<void> {
    await Promise.all(this.kept.splice(0).map((k) => k.close().catch(() => undefined)));
  }

  private keptPreview(sql: string, action: string): KeptPreview {
    const kept = this.kept.find((k) => k.sql === sql);
    if (!kept) throw new ModelRunError(`This preview is no longer open on the server; run it again, then ${action}.`);
    return kept;
  }

  /** The result with its row limit, and the count of the full result when the rows were cut at the limit. */
  private async withTotal(kept: KeptPreview, result: PreviewResult, view: ResultView = {}): Promise<PreviewResult> {
    if (!result.truncated) return { ...result, limit: kept.limit, totalRows: result.rowCount };
    // A table read short: its manifest list knows the count; nothing more is read unless the user sorts or filters.
    if (kept.partial && !view.filter) return { ...result, limit: kept.limit, ...(kept.partial.rows === undefined ? {} : { totalRows: Number(kept.partial.rows) }) };
    await completed(kept);
    const q = resultViewSql(kept.unlimitedSql, kept.columns, view);
    try {
      const count = await kept.session.connection.runAndReadAll(q.countSql, q.params);
      return { ...result, limit: kept.limit, totalRows: Number(count.getRows()[0]?.[0] ?? result.rowCount) };
    } catch {
      return { ...result, limit: kept.limit }; // the rows are good; the grid says the total is unknown
    }
  }

  private keepSession(kept: KeptPreview): KeptPreview {
    this.kept.push(kept);
    while (this.kept.length > KEPT_PREVIEWS) void this.kept.shift()!.close().catch(() => undefined);
    return kept;
  }
}

function throwIfCancelled(cancel: Cancellation): void {
  if (cancel.isCancellationRequested) throw new ModelRunError('Preview cancelled.');
}
