// dbt source freshness over the lakehouse: for each selected source table with a freshness block, the latest load
// time is max(loaded_at_field) queried in DuckDB over the table's current Iceberg snapshot (with the block's filter),
// or, with no loaded_at_field, the time of the table's current snapshot from the catalog's metadata (as dbt's
// metadata-based freshness asks the warehouse when the table last changed). Its age against error_after, then
// warn_after, gives dbt's status; a query or catalog failure is a `runtime error`, never a thrown exception.
import type { DbtProject } from '../project/project';
import type { FreshnessThreshold, FreshnessTime } from '../project/schemaYaml';
import type { SelectableNode } from '../selection/graph';
import { selectSnapshot } from '../iceberg/scan';
import type { Lakehouse } from './lakehouse';
import { ModelRun, parseTableIdentifier } from './model-chain';
import type { CompiledModel } from '../project/compile';

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

export interface FreshnessResult {
  node: SelectableNode;
  status: FreshnessStatus;
  criteria: FreshnessThreshold;
  /** The Iceberg table read. */
  table: string;
  /** The latest load in UTC as Python's isoformat writes it (`2024-01-01T00:00:00.104729+00:00`, microseconds kept), and how it was found. */
  maxLoadedAt?: string;
  basis?: 'loaded_at_field' | 'snapshot';
  /** When it was measured, in the same form. */
  snapshottedAt: string;
  ageSeconds?: number;
  /** A runtime error's message. */
  error?: string;
  startedAt: string;
  completedAt: string;
  executionTime: number;
}

const PERIOD_SECONDS = { minute: 60, hour: 3600, day: 86400 } as const;

/** A threshold in seconds, when it has both a count and a period (dbt ignores one without). */
export function thresholdSeconds(t: FreshnessTime | null): number | undefined {
  return t && t.count !== null && t.period !== null ? t.count * PERIOD_SECONDS[t.period] : undefined;
}

/** dbt's FreshnessThreshold.status: error when older than error_after, else warn when older than warn_after, else pass. */
export function freshnessStatus(ageSeconds: number, criteria: FreshnessThreshold): 'pass' | 'warn' | 'error' {
  const error = thresholdSeconds(criteria.error_after);
  if (error !== undefined && ageSeconds > error) return 'error';
  const warn = thresholdSeconds(criteria.warn_after);
  if (warn !== undefined && ageSeconds > warn) return 'warn';
  return 'pass';
}

/** The source tables of `nodes` that freshness applies to: a freshness block with at least one threshold. */
export function freshnessSources(project: DbtProject, nodes: SelectableNode[]): { node: SelectableNode; criteria: FreshnessThreshold; loadedAtField?: string; table: string }[] {
  return nodes.flatMap((node) => {
    if (node.resourceType !== 'source' || !node.source) return [];
    const declared = project.resolveSource(node.source);
    const criteria = declared?.freshness;
    if (!declared || !criteria || (thresholdSeconds(criteria.warn_after) === undefined && thresholdSeconds(criteria.error_after) === undefined)) return [];
    return [{ node, criteria, loadedAtField: declared.loadedAtField, table: project.sourceIcebergTable(declared) }];
  });
}

export async function checkSourceFreshness(project: DbtProject, lakehouse: Lakehouse, nodes: SelectableNode[], onResult?: (r: FreshnessResult, index: number, total: number) => void): Promise<FreshnessResult[]> {
  const sources = freshnessSources(project, nodes);
  const results: FreshnessResult[] = [];
  const run = await ModelRun.open(project, lakehouse);
  try {
    for (const [i, s] of sources.entries()) {
      const started = new Date();
      let outcome: Pick<FreshnessResult, 'status' | 'maxLoadedAt' | 'basis' | 'ageSeconds' | 'error'>;
      let snapshotted = started;
      try {
        const { loadedAt, iso, basis } = await latestLoad(run, s.node, s.table, s.loadedAtField, s.criteria.filter);
        snapshotted = new Date();
        const ageSeconds = (snapshotted.getTime() - loadedAt.getTime()) / 1000;
        outcome = { status: freshnessStatus(ageSeconds, s.criteria), maxLoadedAt: iso, basis, ageSeconds };
      } catch (e) {
        outcome = { status: 'runtime error', error: e instanceof Error ? e.message : String(e) };
      }
      const completed = new Date();
      const result: FreshnessResult = {
        node: s.node, criteria: s.criteria, table: s.table, ...outcome, snapshottedAt: pythonIso(snapshotted),
        startedAt: started.toISOString(), completedAt: completed.toISOString(), executionTime: (completed.getTime() - started.getTime()) / 1000,
      };
      results.push(result);
      onResult?.(result, i, sources.length);
    }
  } finally {
    await run.close();
  }
  return results;
}

/** A UTC time as Python's datetime.isoformat writes it: `…T03:04:05.678000+00:00`, or without a fraction when it is 0. */
export function pythonIso(time: Date, microseconds = time.getUTCMilliseconds() * 1000): string {
  const fraction = microseconds ? `.${String(microseconds).padStart(6, '0')}` : '';
  return `${time.toISOString().slice(0, 19)}${fraction}+00:00`;
}

async function latestLoad(run: ModelRun, node: SelectableNode, table: string, loadedAtField: string | undefined, filter: string | null): Promise<{ loadedAt: Date; iso: string; basis: FreshnessResult['basis'] }> {
  if (!loadedAtField) {
    const { metadata } = await run.lakehouse.catalog.loadTable(parseTableIdentifier(table));
    const snapshot = selectSnapshot(metadata, {});
    if (!snapshot) throw new Error(`${table} has no snapshot yet: nothing has been loaded`);
    const loadedAt = new Date(Number(snapshot['timestamp-ms']));
    return { loadedAt, iso: pythonIso(loadedAt), basis: 'snapshot' };
  }
  const { source, table: name } = node.source!;
  const relation = run.relationName({ kind: 'source', name: `${source}.${name}`, source, table: name });
  await run.buildUpstream({ upstream: [{ kind: 'source', name: `${source}.${name}`, relation, icebergTable: table }] } as unknown as CompiledModel);
  // loaded_at_field and filter are SQL, as in dbt: `select max(<loaded_at_field>) from <table> where <filter>`.
  const sql = `SELECT max(${loadedAtField}) AS max_loaded_at FROM ${relation}${filter ? ` WHERE ${filter}` : ''}`;
  let value: unknown;
  try {
    value = (await run.session.query(sql)).rows[0]?.[0];
  } catch (e) {
    throw new Error(`max(${loadedAtField}) over ${table}${filter ? ` where ${filter}` : ''} failed: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  if (value === null || value === undefined) throw new Error(`max(${loadedAtField}) over ${table} is null: no rows${filter ? ' pass the filter' : ''}`);
  // A timestamp without a zone is UTC, as dbt takes it; DuckDB's microseconds are kept for the report.
  const text = String(value);
  const zoned = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text);
  const loadedAt = new Date(zoned || !text.includes('T') ? text : `${text}Z`);
  if (Number.isNaN(loadedAt.getTime())) throw new Error(`max(${loadedAtField}) over ${table} is '${text}', not a timestamp`);
  const fraction = /\.(\d{1,6})/.exec(text)?.[1];
  return { loadedAt, iso: pythonIso(loadedAt, fraction ? Number(fraction.padEnd(6, '0')) : 0), basis: 'loaded_at_field' };
}
