// target/sources.json in dbt's shape (sources schema v3), from `floe source freshness`: per source table its status,
// the latest load (max_loaded_at), when it was measured (snapshotted_at), the age in seconds, the criteria and timing;
// a failure is a `runtime error` entry with its message.
import type { FreshnessResult } from '../run/source-freshness';
import { artifactMetadata, type InvocationInfo } from './metadata';

export const SOURCES_SCHEMA = 'https://schemas.getdbt.com/dbt/sources/v3.json';

export function buildSources(invocation: InvocationInfo, results: FreshnessResult[], elapsedSeconds: number): Record<string, unknown> {
  return {
    metadata: artifactMetadata(SOURCES_SCHEMA, invocation),
    results: results.map(resultJson),
    elapsed_time: elapsedSeconds,
  };
}

function resultJson(r: FreshnessResult): Record<string, unknown> {
  if (r.status === 'runtime error') return { unique_id: r.node.id, error: r.error ?? null, status: r.status };
  return {
    unique_id: r.node.id,
    max_loaded_at: r.maxLoadedAt!,
    snapshotted_at: r.snapshottedAt,
    max_loaded_at_time_ago_in_s: r.ageSeconds!,
    status: r.status,
    criteria: r.criteria,
    adapter_response: r.basis === 'snapshot' ? { _message: 'iceberg snapshot timestamp', code: 'METADATA' } : { _message: 'SELECT 1', code: 'SELECT', rows_affected: 1 },
    timing: [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }],
    thread_id: 'Thread-1',
    execution_time: r.executionTime,
  };
}
