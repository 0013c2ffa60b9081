// The floe/preview, floe/previewTable, floe/materialize, floe/results/query and floe/exportResult handlers: LSP params in, the run
// service in between, plain results or { error, location } out (never a thrown stack), progress as notifications.
import path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import type { Workspace } from '../project/workspace';
import type { DbtProject } from '../project/project';
import type { Catalog } from '../catalog/catalog';
import type { S3Options } from '../storage/storage';
import { ExportResultRequest, ResultQueryRequest, ResultStatsRequest } from '../protocol/results';
import {
  MaterializeRequest, PreviewRequest, PreviewTableRequest, RunProgressNotification,
  type RunFailure, type MaterializedTable,
} from '../protocol/run';
import type { RunService } from '../run/run-service';
import { s3OptionsOf } from '../run/lakehouse-settings';
import { resolveTarget } from '../project/profiles';
import { catalogSchemaProvider } from '../project/catalogSchemas';
import { ModelRunError, userErrorText } from '../run/run-error';
import { selectionRequest, yamlSelectorRequest, type SelectionRequest } from '../selection/select';
import { uriToPath, pathToUri } from './convert';

const DEFAULT_LIMIT = 500;

export interface RunHandlerOptions {
  /** A catalog for an explorer connection id that is not a project's own lakehouse. */
  catalogOf?: (connection: string) => Promise<Catalog> | undefined;
  /** The floe.preview.rowLimit setting for a resource. */
  rowLimit?: (resource: string) => Promise<number | undefined>;
  /** The floe.localLakehouse.enabled setting for a resource. */
  localLakehouse?: (resource: string) => Promise<boolean>;
}

/** The request of a selectors.yml selector; a broken file or unknown name fails the run with what is wrong. */
function yamlSelection(project: DbtProject, name: string): SelectionRequest {
  const request = yamlSelectorRequest(project, name);
  if (Array.isArray(request)) throw new ModelRunError(request.map((p) => p.message).join('\n'));
  return request ?? { select: [], exclude: [] };
}

/** The run service, loaded on first use: it brings in DuckDB, which a cold start of the editor does not need. */
export type RunServiceLoader = () => Promise<RunService>;

export function registerRunHandlers(connection: Connection, workspace: Workspace, log: (line: string) => void, options: RunHandlerOptions = {}): RunServiceLoader {
  let loading: Promise<RunService> | undefined;
  const serviceOf: RunServiceLoader = () => (loading ??= import('../run/run-service.js').then((m) => new m.RunService()));

  const progress = (progressId: string | undefined) => {
    if (!progressId) return { stage: (_: string) => undefined, fetched: (_: { bytes: number }) => undefined };
    let bytes = 0;
    let last = '';
    return {
      stage: (message: string) => { last = message; void connection.sendNotification(RunProgressNotification.type, { progressId, message, bytes }); },
      fetched: (p: { bytes: number }) => { bytes = p.bytes; void connection.sendNotification(RunProgressNotification.type, { progressId, message: last, bytes }); },
    };
  };

  const failure = (what: string, e: unknown): RunFailure => {
    const message = userErrorText(e, what);
    log(`floe: ${what} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    if (!(e instanceof ModelRunError)) void loading?.then((service) => service.reset());
    const where = e instanceof ModelRunError ? e.location : undefined;
    if (where) return { error: message, location: { file: pathToUri(where.file), line: where.position.line + 1, column: where.position.character + 1 } };
    // A ModelRunError is about the project itself: the same request would fail the same way.
    return e instanceof ModelRunError ? { error: message } : { error: message, retry: true };
  };

  const projectAt = (uri: string): { project: DbtProject; file: string } => {
    const file = uriToPath(uri);
    const project = file ? workspace.projectOf(path.resolve(file)) : undefined;
    if (!file || !project) throw new ModelRunError(`${uri} is not in a dbt project Floe knows`);
    return { project, file: path.resolve(file) };
  };

  /** With no catalog configured, runs need the local lakehouse, which the user may have turned off. */
  const checkLakehouseAllowed = async (project: DbtProject, uri: string): Promise<void> => {
    if (project.target.catalog?.catalogUri || (await options.localLakehouse?.(uri)) !== false) return;
    throw new ModelRunError(`${project.name} has no catalog_uri in profiles.yml (target ${project.target.name}) and floe.localLakehouse.enabled is off: configure a catalog or turn the local lakehouse on`);
  };

  connection.onRequest(PreviewRequest.type, async (params, token) => {
    try {
      const { project, file } = projectAt(params.uri);
      await checkLakehouseAllowed(project, params.uri);
      const p = progress(params.progressId);
      const limit = params.limit ?? (await options.rowLimit?.(params.uri)) ?? DEFAULT_LIMIT;
      const snapshots = new Map(Object.entries(params.snapshots ?? {}).map(([t, id]) => [t, BigInt(id)]));
      const result = await (await serviceOf()).preview(project, { model: file, limit, selection: params.selection, cteAt: params.cteAt }, {
        snapshots, cancel: token, onStage: p.stage, onFetch: p.fetched,
      });
      return { result };
    } catch (e) {
      return failure('preview', e);
    }
  });

  connection.onRequest(PreviewTableRequest.type, async (params, token) => {
    try {
      const { catalog, s3 } = await catalogFor(params.connection);
      const p = progress(params.progressId);
      const result = await (await serviceOf()).previewTable(catalog, { s3 }, { namespace: params.namespace, name: params.name }, {
        snapshotId: params.snapshotId === undefined ? undefined : BigInt(params.snapshotId),
        limit: params.limit ?? DEFAULT_LIMIT, cancel: token, onFetch: p.fetched,
      });
      return { result };
    } catch (e) {
      return failure('table preview', e);
    }
  });

  connection.onRequest(MaterializeRequest.type, async (params, token) => {
    try {
      const file = uriToPath(params.uri);
      const project = file ? workspace.projectOf(path.resolve(file)) ?? workspace.projects.find((p) => p.root === path.resolve(file)) : undefined;
      if (!project || !file) throw new ModelRunError(`${params.uri} is not in a dbt project Floe knows`);
      await checkLakehouseAllowed(project, params.uri);
      const node = project.nodeOfFile(path.resolve(file));
      const selector = params.selector ?? node?.name;
      const p = progress(params.progressId);
      const service = await serviceOf();
      const warnings: string[] = [];
      const selection = params.yamlSelector !== undefined ? yamlSelection(project, params.yamlSelector) : selectionRequest(selector, params.exclude);
      const results = await service.materialize(project, selection, {
        onSelectionWarning: (problem) => warnings.push(problem.message),
        cancel: token,
        onStage: p.stage,
        onFetch: p.fetched,
        onModel: (model, i, n) => p.stage(`${model} (${i + 1}/${n})`),
        onWrite: (model, w) => p.stage(`${model}: ${w.phase}, ${w.files} file(s), ${w.rows.toLocaleString('en-US')} rows`),
      });
      // Hovers show the gold tables' new snapshots: refresh their cached schemas (a failure only leaves them stale).
      const lakehouse = await service.lakehouse(project);
      await project.schemaCache.refresh(catalogSchemaProvider(lakehouse.catalog), results.map((r) => r.table)).catch((e) => log(`floe: schema refresh after materialize failed: ${String(e)}`));
      const tables: MaterializedTable[] = results.map((r) => ({ model: r.model, table: r.table, snapshotId: r.snapshot_id, rows: r.rows, files: r.files, bytes: r.bytes, operation: r.operation, ms: r.ms }));
      return warnings.length ? { results: tables, warnings } : { results: tables };
    } catch (e) {
      return failure('materialize', e);
    }
  });

  connection.onRequest(ResultQueryRequest.type, async (params) => {
    try {
      return { result: await (await serviceOf()).query(params.sql, params.view ?? {}) };
    } catch (e) {
      return { error: failure('sort or filter', e).error };
    }
  });

  connection.onRequest(ResultStatsRequest.type, async (params) => {
    try {
      return { stats: await (await serviceOf()).stats(params.sql) };
    } catch (e) {
      return { error: failure('compute column statistics', e).error };
    }
  });

  connection.onRequest(ExportResultRequest.type, async (params) => {
    try {
      const target = uriToPath(params.target);
      if (!target) throw new ModelRunError(`Export needs a file on disk, not ${params.target}`);
      return await (await serviceOf()).exportResult(params.sql, params.format, target, params.view);
    } catch (e) {
      return { error: failure('export', e).error };
    }
  });

  /** The project's own lakehouse for `local:<root>`; other connections (profile targets, settings) through the explorer. */
  async function catalogFor(id: string): Promise<{ catalog: Catalog; s3: S3Options }> {
    const local = id.startsWith('local:') ? workspace.projects.find((p) => id === `local:${p.root}`) : undefined;
    if (local) {
      const lakehouse = await (await serviceOf()).lakehouse(local);
      return { catalog: lakehouse.catalog, s3: lakehouse.s3 };
    }
    const catalog = options.catalogOf?.(id);
    if (!catalog) throw new ModelRunError(`no catalog connection '${id}'`);
    // A profile target's plugin block may carry S3 settings that the catalog does not vend.
    const profile = /^profile:(.+):([^:]+)$/.exec(id);
    const project = profile ? workspace.projects.find((p) => p.root === profile[1]) : undefined;
    const target = project?.profiles ? resolveTarget(project.profiles, project.settings.profile, profile![2]) : undefined;
    return { catalog: await catalog, s3: s3OptionsOf(target?.catalog) };
  }

  return serviceOf;
}
