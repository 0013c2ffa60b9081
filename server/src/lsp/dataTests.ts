// floe/dataTests (the project's tests, cheap, from the project model), floe/runDataTests (through the lazily loaded
// run service, cancellable, with progress) and floe/dataTestsChanged after a schema YAML or test file changes.
import path from 'node:path';
import type { CancellationToken, Connection } from 'vscode-languageserver';
import type { Workspace } from '../project/workspace';
import type { DbtProject } from '../project/project';
import { allDataTests, type DataTest } from '../project/dataTests';
import { isUnitTestId, projectUnitTests, unitTestAsDataTest } from '../project/unitTests';
import {
  DataTestsChangedNotification, DataTestsRequest, RunDataTestsRequest, RunProgressNotification,
  type DataTestInfo, type DataTestResult, type RunDataTestsParams, type RunDataTestsResponse,
} from '../protocol';
import { ModelRunError } from '../run/run-error';
import type { RunServiceLoader } from './run';
import { lineIndexOf, pathToUri, uriToPath } from './convert';

export interface DataTestHandlerOptions {
  /** The floe.localLakehouse.enabled setting for a resource. */
  localLakehouse?: (resource: string) => Promise<boolean>;
  /** Binds a model so its columns are known (the background binder): unit tests type their fixtures with them. */
  bind?: (project: DbtProject, file: string) => Promise<unknown>;
}

/** Debounce for floe/dataTestsChanged: one notification per burst of edits. */
const CHANGED_DELAY_MS = 150;

export function registerDataTestHandlers(connection: Connection, workspace: Workspace, runs: RunServiceLoader, log: (line: string) => void, options: DataTestHandlerOptions = {}): { fileChanged(project: DbtProject, file: string): void } {
  const projectAt = (uri: string): DbtProject => {
    const file = uriToPath(uri);
    const project = file ? workspace.projectOf(path.resolve(file)) : undefined;
    if (!project) throw new ModelRunError(`${uri} is not in a dbt project Floe knows`);
    return project;
  };

  connection.onRequest(DataTestsRequest.type, (params) => {
    try {
      const project = projectAt(params.uri);
      return { tests: [...allDataTests(project), ...projectUnitTests(project).map(unitTestAsDataTest)].map((t) => toInfo(project, t)) };
    } catch (e) {
      log(`floe: dataTests failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return { tests: [] };
    }
  });

  function toInfo(project: DbtProject, t: DataTest): DataTestInfo {
    const index = lineIndexOf(t.file, project.entry(t.file)?.text ?? '');
    return {
      id: t.id, label: t.label, kind: t.kind, subject: t.subject, column: t.column, severity: t.severity,
      ...(t.packageName && t.packageName !== project.name ? { packageName: t.packageName } : {}),
      uri: pathToUri(t.file), range: { start: index.positionAt(t.start), end: index.positionAt(t.end) },
      subjectUri: subjectFile(project, t) && pathToUri(subjectFile(project, t)!),
    };
  }

  function subjectFile(project: DbtProject, t: DataTest): string | undefined {
    if (!t.target) return t.file;
    if (t.target.kind === 'model') return (project.resolveRef({ name: t.target.name, version: t.target.version, packageName: t.target.packageName }) ?? project.nodes(t.target.name)[0])?.file;
    return project.resolveSource({ source: t.target.source, table: t.target.table })?.file;
  }

  connection.onRequest(RunDataTestsRequest.type, async (params, token) => {
    try {
      const project = projectAt(params.uri);
      // Unit tests need no lakehouse: they run first, on their fixtures alone.
      const unitIds = params.ids ? params.ids.filter(isUnitTestId) : projectUnitTests(project).map((t) => t.id);
      const units = unitIds.length ? await runUnits(project, unitIds, params.progressId, token) : [];
      if (params.ids && unitIds.length === params.ids.length) return { results: units };
      const rest = await runData(project, { ...params, ids: params.ids?.filter((id) => !isUnitTestId(id)) }, token).catch((e: unknown) => {
        // The data tests cannot run (no lakehouse): the unit tests' results still count.
        if (!units.length) throw e;
        return { error: e instanceof Error ? e.message : String(e) };
      });
      if ('error' in rest && !units.length) return rest;
      if ('error' in rest) return { results: [...units, ...dataTestsErrored(project, params.ids, rest.error)] };
      return { results: [...units, ...rest.results] };
    } catch (e) {
      log(`floe: runDataTests failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return { error: e instanceof ModelRunError ? e.message : e instanceof Error ? e.message : String(e) };
    }
  });

  /** The requested data tests (all without ids) as errors with one reason. */
  function dataTestsErrored(project: DbtProject, ids: string[] | undefined, message: string): DataTestResult[] {
    const wanted = ids?.filter((id) => !isUnitTestId(id)) ?? allDataTests(project).map((t) => t.id);
    return wanted.map((id) => ({ id, status: 'error', failures: '0', sql: '', ms: 0, message }));
  }

  const report = (progressId: string | undefined, message: string) => {
    if (progressId) void connection.sendNotification(RunProgressNotification.type, { progressId, message, bytes: 0 });
  };

  async function runUnits(project: DbtProject, ids: string[], progressId: string | undefined, token: CancellationToken): Promise<DataTestResult[]> {
    const byId = new Map(projectUnitTests(project).map((t) => [t.id, t]));
    const tests = ids.flatMap((id) => byId.get(id) ?? []);
    const unknown: DataTestResult[] = ids.filter((id) => !byId.has(id)).map((id) => ({
      id, status: 'error', failures: '0', sql: '', ms: 0, message: `no unit test '${id}' in ${project.name} (it was renamed or removed; refresh the tests)`,
    }));
    const { runUnitTests } = await import('../run/unit-tests.js');
    const controller = new AbortController();
    const stop = token.onCancellationRequested(() => controller.abort());
    try {
      const results = await runUnitTests(project, tests, { signal: controller.signal, bind: options.bind, onTest: (t, i, n) => report(progressId, `unit test ${t.name} (${i + 1}/${n})`) });
      return [...results, ...unknown];
    } finally {
      stop.dispose();
    }
  }

  async function runData(project: DbtProject, params: RunDataTestsParams, token: CancellationToken): Promise<RunDataTestsResponse> {
    if (!project.target.catalog?.catalogUri && (await options.localLakehouse?.(params.uri)) === false) {
      throw new ModelRunError(`${project.name} has no catalog_uri in profiles.yml (target ${project.target.name}) and floe.localLakehouse.enabled is off: configure a catalog or turn the local lakehouse on`);
    }
    const all = allDataTests(project);
    if (!params.ids && all.length === 0) return { results: [] };
    const byId = new Map(all.map((t) => [t.id, t]));
    const tests = params.ids ? params.ids.flatMap((id) => byId.get(id) ?? []) : all;
    const unknown: DataTestResult[] = (params.ids ?? []).filter((id) => !byId.has(id)).map((id) => ({
      id, status: 'error', failures: '0', sql: '', ms: 0, message: `no data test '${id}' in ${project.name} (it was renamed or removed; refresh the tests)`,
    }));
    const onStage = (message: string) => report(params.progressId, message);
    const service = await runs();
    const { runDataTests, allErrored } = await import('../run/data-tests.js');
    let lakehouse;
    try {
      lakehouse = await service.lakehouse(project);
    } catch (e) {
      service.reset();
      return { results: [...allErrored(tests, `the lakehouse of ${project.name} is unavailable: ${e instanceof Error ? e.message : String(e)}`), ...unknown] };
    }
    const controller = new AbortController();
    const stop = token.onCancellationRequested(() => controller.abort());
    try {
      const results = await runDataTests(project, lakehouse, tests, {
        signal: controller.signal,
        onStage,
        onTest: (t, i, n) => onStage(`${t.label} (${i + 1}/${n})`),
      });
      return { results: [...results, ...unknown] };
    } finally {
      stop.dispose();
    }
  }

  const pending = new Map<string, NodeJS.Timeout>();
  return {
    /** After a file of `project` changed: a schema YAML or test file may have changed the tests. */
    fileChanged(project, file) {
      const kind = project.entry(file)?.kind;
      const isTestFile = kind === 'yaml' || kind === 'test' || kind === 'fixture' || (kind === undefined && /\.(ya?ml|sql|csv)$/i.test(file));
      if (!isTestFile || pending.has(project.root)) return;
      pending.set(project.root, setTimeout(() => {
        pending.delete(project.root);
        void connection.sendNotification(DataTestsChangedNotification.type, { uri: pathToUri(project.root) }).catch(() => undefined);
      }, CHANGED_DELAY_MS));
    },
  };
}
