// target/run_results.json in dbt's shape (run results schema v6): one result per node with dbt's status, timing,
// adapter_response (for Iceberg writes: the operation, rows and the new snapshot id), failures and compiled code.
import type { DbtProject } from '../project/project';
import type { NodeResult } from '../run/build';
import { artifactMetadata, type InvocationInfo } from './metadata';
import { relationName, relationOf } from './manifest';

export const RUN_RESULTS_SCHEMA = 'https://schemas.getdbt.com/dbt/run-results/v6.json';

export function buildRunResults(project: DbtProject, invocation: InvocationInfo, results: NodeResult[], elapsedSeconds: number): Record<string, unknown> {
  return {
    metadata: artifactMetadata(RUN_RESULTS_SCHEMA, invocation),
    results: results.map((r) => resultJson(project, r)),
    elapsed_time: elapsedSeconds,
    args: invocation.args,
  };
}

function resultJson(project: DbtProject, r: NodeResult): Record<string, unknown> {
  const ran = r.status !== 'skipped';
  const written = r.written;
  const adapterResponse = written
    ? { _message: `${written.operation.toUpperCase()} ${written.rows}`, code: written.operation.toUpperCase(), rows_affected: Number(written.rows), table: written.table, snapshot_id: written.snapshotId }
    : {};
  const materialized = r.node.config.materialized;
  return {
    status: r.status,
    timing: ran ? [{ name: 'execute', started_at: r.startedAt, completed_at: r.completedAt }] : [],
    thread_id: 'Thread-1',
    execution_time: r.executionTime,
    adapter_response: adapterResponse,
    message: r.message,
    failures: r.failures ?? (r.node.resourceType === 'test' ? 0 : null),
    unique_id: r.node.id,
    compiled: r.compiledCode !== undefined,
    compiled_code: r.compiledCode ?? null,
    relation_name: r.node.resourceType === 'test' || r.node.resourceType === 'unit_test' || materialized === 'ephemeral' ? null : relationName(project, relationOf(project, r.node)),
    batch_results: null,
  };
}
