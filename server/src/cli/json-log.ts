// dbt's structured log (`--log-format json`): one JSON event per line, `{info: {name, code, msg, level, invocation_id,
// ts, ...}, data: {...}}`, with the events tools parse (names and codes as dbt-core's events/types.py): ConcurrencyLine,
// a result event per node (LogModelResult, LogSeedResult, LogTestResult with data.node_info: unique_id, resource_type,
// node_status, materialized, node_started_at, node_finished_at) or SkippingDetails, and the closing StatsLine for
// run/build/seed/test; ListCmdOut per line of `ls`; CompiledNode and Note for `compile`; RunResultError for errors.
import type { DbtProject } from '../project/project';
import type { NodeResult } from '../run/build';
import { relationName, relationOf } from '../artifacts/manifest';

const RESULT_EVENT: Record<string, { name: string; code: string }> = {
  model: { name: 'LogModelResult', code: 'Q012' },
  seed: { name: 'LogSeedResult', code: 'Q016' },
  snapshot: { name: 'LogSnapshotResult', code: 'Q015' },
  test: { name: 'LogTestResult', code: 'Q007' },
};

export class JsonLog {
  constructor(private readonly invocationId: string, private readonly write: (line: string) => void) {}

  event(name: string, code: string, msg: string, level: 'info' | 'warn' | 'error', data: Record<string, unknown>): void {
    const info = { name, code, msg, level, invocation_id: this.invocationId, pid: process.pid, thread: 'MainThread', ts: new Date().toISOString(), category: '', extra: {} };
    this.write(`${JSON.stringify({ info, data })}\n`);
  }

  /** `Concurrency: N threads (target='dev')`, before the nodes run. */
  concurrency(threads: number, targetName: string, nodeCount: number): void {
    this.event('ConcurrencyLine', 'Q027', `Concurrency: ${threads} threads (target='${targetName}')`, 'info', { num_threads: threads, target_name: targetName, node_count: nodeCount });
  }

  /** One line of `ls` output (a selector, name, path or JSON object as text). */
  listLine(msg: string): void {
    this.event('ListCmdOut', 'Z049', msg, 'info', { msg });
  }

  /** A compiled model's SQL, as `dbt compile --select one_model` prints it. */
  compiledNode(nodeName: string, uniqueId: string, compiled: string): void {
    this.event('CompiledNode', 'Q042', `Compiled node '${nodeName}' is:\n${compiled}`, 'info', { node_name: nodeName, compiled, is_inline: false, output_format: 'text', unique_id: uniqueId });
  }

  /** Information that is not one of dbt's structured events (where a compiled file went). */
  note(msg: string): void {
    this.event('Note', 'Z050', msg, 'info', { msg });
  }

  /** A warning a command reports outside a node result (a model that rendered no SQL). */
  warning(msg: string): void {
    this.event('Note', 'Z050', msg, 'warn', { msg });
  }

  /** An error a command reports outside a node result (a model that does not compile). */
  error(msg: string): void {
    this.event('RunResultError', 'Z024', msg, 'error', { msg });
  }

  /** The event dbt logs when a node finishes (or is skipped). */
  nodeResult(project: DbtProject, r: NodeResult, index: number, total: number, msg: string): void {
    const n = r.node;
    const relation = relationOf(project, n);
    const nodeInfo = {
      node_path: n.path, node_name: n.name, unique_id: n.id, resource_type: n.resourceType,
      materialized: String(n.config.materialized ?? (n.resourceType === 'test' ? 'test' : 'view')),
      node_status: r.status, node_started_at: r.startedAt, node_finished_at: r.completedAt, meta: {},
      node_relation: { database: relation.database, schema: relation.schema, alias: relation.alias, relation_name: n.resourceType === 'test' || n.resourceType === 'unit_test' ? '' : relationName(project, relation) },
    };
    const level = r.status === 'error' || r.status === 'fail' ? 'error' : r.status === 'warn' ? 'warn' : 'info';
    if (r.status === 'skipped') {
      this.event('SkippingDetails', 'Q034', msg, 'info', { node_info: nodeInfo, resource_type: n.resourceType, node_name: n.name, index: index + 1, total });
      return;
    }
    const kind = RESULT_EVENT[n.resourceType] ?? RESULT_EVENT.model;
    this.event(kind.name, kind.code, msg, level, {
      node_info: nodeInfo, description: `${n.resourceType} ${n.name}`, status: r.status, index: index + 1, total,
      execution_time: r.executionTime, ...(n.resourceType === 'test' || n.resourceType === 'unit_test' ? { num_failures: r.failures ?? 0 } : {}),
    });
  }

  /** dbt's last line: `Done. PASS=… WARN=… ERROR=… SKIP=… TOTAL=…` with the counts as data. */
  stats(msg: string, results: NodeResult[]): void {
    const count = (...s: NodeResult['status'][]) => results.filter((r) => s.includes(r.status)).length;
    this.event('StatsLine', 'Z023', msg, 'info', {
      stats: { error: count('error', 'fail'), pass: count('success', 'pass'), skip: count('skipped'), total: results.length, warn: count('warn') },
    });
  }
}
