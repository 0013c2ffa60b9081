// The OpenLineage events of one floe run / build / seed, as dbt-ol reports a dbt invocation: the invocation is a job
// (`dbt-run-<project>`, or OPENLINEAGE_DBT_JOB_NAME) whose run id is the invocation id; each model, seed and test is its
// own job and run (START when it starts, COMPLETE or FAIL when it ends; skipped nodes send nothing), parented to the
// invocation's run. Model and seed jobs are named as dbt-ol names them (`database.schema.package.name`), tests by
// their unique id.
import { randomUUID } from 'node:crypto';
import type { DbtProject } from '../project/project';
import type { Lakehouse } from '../run/lakehouse';
import type { NodeResult } from '../run/build';
import type { MaterializedModel } from '../run/materialize';
import { dbtCompiledSql } from '../project/dbtCompile';
import { selectableGraph, type SelectableNode } from '../selection/graph';
import { relationOf } from '../artifacts/manifest';
import type { InvocationInfo } from '../artifacts/metadata';
import { runEvent, type JobRef, type LineageDataset, type LineageRun } from './events';
import { datasetOfNode } from './datasets';
import { lineageConfig, type LineageConfig } from './config';
import { LineageSender } from './transport';

const JOB_TYPE: Record<string, string> = { model: 'MODEL', seed: 'SEED', test: 'TEST', snapshot: 'SNAPSHOT' };

/** The invocation's lineage when OpenLineage is configured, its START sent; configuration problems go to `warn`. */
export function startBuildLineage(project: DbtProject, lakehouse: Lakehouse, invocation: InvocationInfo, warn: (message: string) => void, env: NodeJS.ProcessEnv = process.env): BuildLineage | undefined {
  const { config, problems } = lineageConfig(env);
  for (const p of problems) warn(`OpenLineage: ${p}`);
  if (!config) return undefined;
  return new BuildLineage(project, lakehouse, config, new LineageSender(config.transport, warn), invocation, env);
}

export class BuildLineage {
  private readonly invocationRun: LineageRun;
  private readonly running = new Map<string, LineageRun>();
  /** Columns of nodes built in this invocation, for the datasets of the nodes that read them. */
  private readonly builtColumns = new Map<string, LineageDataset['fields']>();

  constructor(
    private readonly project: DbtProject,
    private readonly lakehouse: Lakehouse,
    private readonly config: LineageConfig,
    private readonly sender: LineageSender,
    invocation: InvocationInfo,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.invocationRun = {
      runId: invocation.invocationId,
      job: { namespace: config.namespace, name: env.OPENLINEAGE_DBT_JOB_NAME || `dbt-run-${project.name}` },
      jobType: 'JOB',
      parent: config.parent ? { runId: config.parent.runId, job: { namespace: config.parent.namespace, name: config.parent.name } } : undefined,
    };
    sender.send(runEvent('START', invocation.startedAt, this.invocationRun));
  }

  nodeStarted(node: SelectableNode, startedAt: string): void {
    const run: LineageRun = {
      runId: randomUUID(),
      job: this.jobOf(node),
      jobType: JOB_TYPE[node.resourceType] ?? 'MODEL',
      inputs: this.inputsOf(node),
      outputs: node.resourceType === 'test' || node.resourceType === 'unit_test' ? [] : [this.datasetOf(node)].filter((d): d is LineageDataset => d !== undefined),
      parent: { runId: this.invocationRun.runId, job: this.invocationRun.job },
    };
    this.running.set(node.id, run);
    this.sender.send(runEvent('START', startedAt, run));
  }

  nodeFinished(result: NodeResult): void {
    const run = this.running.get(result.node.id);
    if (!run) return;
    this.running.delete(result.node.id);
    const failed = result.status === 'error' || result.status === 'fail';
    const fields = result.columns?.map((c) => ({ name: c.name, type: c.type }));
    if (fields && !failed) this.builtColumns.set(result.node.id, fields);
    const written = result.written;
    const outputs = (run.outputs ?? []).map((d) => ({
      ...d,
      ...(fields ? { fields } : {}),
      ...(written ? { name: written.table, snapshotId: written.snapshotId, rows: written.rows } : {}),
    }));
    const done: LineageRun = { ...run, sql: result.compiledCode, outputs: failed ? [] : outputs };
    this.sender.send(runEvent(failed ? 'FAIL' : 'COMPLETE', result.completedAt, done, failed ? result.message : undefined));
  }

  /** `floe materialize`'s model events: the model by name, its write (or error) as a build result. */
  modelStarted(model: string, startedAt: string): void {
    const node = this.modelNode(model);
    if (node) this.nodeStarted(node, startedAt);
  }

  modelFinished(model: string, startedAt: string, written: MaterializedModel | undefined, error?: unknown): void {
    const node = this.modelNode(model);
    if (!node) return;
    const completedAt = new Date().toISOString();
    this.nodeFinished({
      node, status: written ? 'success' : 'error', message: error instanceof Error ? error.message : String(error ?? ''), startedAt, completedAt,
      executionTime: (Date.parse(completedAt) - Date.parse(startedAt)) / 1000,
      written: written && { table: written.table, snapshotId: written.snapshot_id, rows: written.rows, operation: written.operation },
      // the SQL as dbt's artifacts and `floe build`'s events show it (dbt's relation names)
      compiledCode: node.modelNode ? sqlOf(dbtCompiledSql(this.project, node.modelNode.file, node.modelNode)) : undefined,
    });
  }

  private modelNode(model: string): SelectableNode | undefined {
    const file = this.project.resolveRef({ name: model })?.file;
    return [...selectableGraph(this.project).nodes.values()].find((n) => n.resourceType === 'model' && n.modelNode?.file === file);
  }

  /** The invocation's end: COMPLETE, or FAIL when a node failed or the run broke off; then waits (bounded) for delivery. */
  async finish(ok: boolean, error?: string): Promise<void> {
    this.sender.send(runEvent(ok ? 'COMPLETE' : 'FAIL', new Date().toISOString(), this.invocationRun, ok ? undefined : error ?? 'a node failed'));
    await this.sender.close();
  }

  private jobOf(node: SelectableNode): JobRef {
    if (node.resourceType === 'test' || node.resourceType === 'unit_test') return { namespace: this.config.namespace, name: node.id };
    const r = relationOf(this.project, node);
    return { namespace: this.config.namespace, name: `${r.database}.${r.schema}.${node.packageName}.${node.name}` };
  }

  private datasetOf(node: SelectableNode): LineageDataset | undefined {
    const d = datasetOfNode(this.project, this.lakehouse, node);
    const built = this.builtColumns.get(node.id);
    return d && built ? { ...d, fields: built } : d;
  }

  /** What a node reads: its parents that are relations (an ephemeral parent stands for what it reads). */
  private inputsOf(node: SelectableNode): LineageDataset[] {
    const graph = selectableGraph(this.project);
    const out = new Map<string, LineageDataset>();
    const visit = (id: string, seen: Set<string>) => {
      const parent = graph.nodes.get(id);
      if (!parent || seen.has(id)) return;
      seen.add(id);
      if (parent.resourceType === 'model' && parent.config.materialized === 'ephemeral') {
        for (const p of parent.parents) visit(p, seen);
        return;
      }
      const d = this.datasetOf(parent);
      if (d) out.set(`${d.namespace}|${d.name}`, d);
    };
    const seen = new Set<string>();
    for (const p of node.parents) visit(p, seen);
    return [...out.values()];
  }
}

function sqlOf(compiled: ReturnType<typeof dbtCompiledSql>): string | undefined {
  return 'sql' in compiled ? compiled.sql : undefined;
}
