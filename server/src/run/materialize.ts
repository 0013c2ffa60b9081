// Materialize: run selected models with their upstream views and write gold models straight into their
// Iceberg tables (one Parquet encode, one atomic commit per model).
import type { DbtProject, ModelNode } from '../project/project';
import type { CompiledModel } from '../project/compile';
import { writeTable, type WriteMode, type WriteProgress } from '../engine/write/write-table';
import { namespaceDisplayName } from '../catalog/names';
import { ensureNamespace } from '../catalog/ensure-namespace';
import { selectResources, selectionRequest, type SelectionProblem, type SelectionRequest } from '../selection/select';
import { lakehouseStorage, type Lakehouse } from './lakehouse';
import { ModelRun, type RunOptions } from './model-chain';
import { goldTargetOf, whyNotWritten, writeModeOf, type GoldTarget } from './gold-target';
import { ModelRunError } from './run-error';
import { enforcedContract } from '../project/contract';
import { enforceContract } from './contract-write';

export interface MaterializedModel {
  model: string;
  /** namespace.table */
  table: string;
  snapshot_id: string;
  rows: string;
  files: number;
  bytes: string;
  operation: string;
  /** How the table was written: create, overwrite, append or merge. */
  mode: WriteMode;
  ms: number;
}

export interface MaterializeOptions extends RunOptions {
  signal?: AbortSignal;
  onModel?: (model: string, index: number, total: number) => void;
  /** A model was written (`result`) or failed (`error`, which materialize then throws). */
  onModelDone?: (model: string, result: MaterializedModel | undefined, error?: unknown) => void;
  onWrite?: (model: string, progress: WriteProgress) => void;
  /** A selection criterion that matched nothing (dbt warns and carries on). */
  onSelectionWarning?: (problem: SelectionProblem) => void;
}

/**
 * The gold models a selection picks, upstream first (views in it are built as upstream, not written); its problems;
 * and why each selected model that is not written isn't.
 */
export function goldModels(project: DbtProject, selection: SelectionRequest, layerLocations: Record<string, string> = {}): { models: string[]; problems: SelectionProblem[]; notWritten: string[] } {
  const { nodes, problems } = selectResources(project, selection, ['model']);
  const models: string[] = [];
  const notWritten: string[] = [];
  for (const n of nodes) {
    if (!n.modelNode) continue;
    const config = project.configOf(n.modelNode);
    if (goldTargetOf(n.name, config, layerLocations)) models.push(n.name);
    else notWritten.push(whyNotWritten(n.name, config)!);
  }
  return { models, problems, notWritten };
}

/** Materializes the selected gold models in dependency order; a selector string is one `--select` value. */
export async function materialize(project: DbtProject, lakehouse: Lakehouse, selection: SelectionRequest | string | undefined, options: MaterializeOptions = {}): Promise<MaterializedModel[]> {
  const request = typeof selection === 'object' ? selection : selectionRequest(selection);
  const { models, problems, notWritten } = goldModels(project, request, lakehouse.layerLocations);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new ModelRunError(errors.map((p) => p.message).join('\n'));
  for (const p of problems) options.onSelectionWarning?.(p);
  if (models.length === 0) {
    const what = request.definition ? 'The selector' : request.select?.length || request.exclude?.length ? describeSelection(request) : 'The project';
    const why = notWritten.length === 0 ? `${what} selects no model.`
      : notWritten.length === 1 ? `Nothing to materialize: ${notWritten[0]}.`
        : `Nothing to materialize: ${what} selects ${notWritten.length} models and none is written to the catalog (Floe writes table, incremental and external models that name a schema).\n${notWritten.slice(0, 5).map((w) => `  ${w}`).join('\n')}${notWritten.length > 5 ? `\n  and ${notWritten.length - 5} more` : ''}`;
    throw new ModelRunError([...problems.map((p) => p.message), why].join('\n'));
  }
  const run = await ModelRun.open(project, lakehouse, options);
  const results: MaterializedModel[] = [];
  try {
    for (const [i, model] of models.entries()) {
      options.signal?.throwIfAborted();
      options.onModel?.(model, i, models.length);
      const node = project.resolveRef({ name: model })!;
      try {
        const compiled = run.compile(node.file);
        const result = await materializeModel(run, node, compiled, goldTargetOf(model, compiled.config, lakehouse.layerLocations)!, options);
        results.push(result);
        options.onModelDone?.(model, result);
      } catch (e) {
        options.onModelDone?.(model, undefined, e);
        throw e;
      }
    }
  } finally {
    await run.close();
  }
  return results;
}

/**
 * Writes one compiled gold model of a run into its Iceberg table (its upstream chain built in the run first); the
 * namespace is created when missing. `fullRefresh` rebuilds an incremental model's table instead of appending or merging.
 */
export async function materializeModel(run: ModelRun, node: ModelNode, compiled: CompiledModel, target: GoldTarget, options: MaterializeOptions & { fullRefresh?: boolean } = {}): Promise<MaterializedModel> {
  const { lakehouse } = run;
  const relation = await run.registerModel(node, compiled);
  // an enforced contract is checked before anything is created or written
  const contract = enforcedContract(run.project, node);
  const contracted = contract ? await run.mapErrors(node.file, compiled.sql, compiled, () => enforceContract(run.session, contract, relation)) : undefined;
  await ensureNamespace(lakehouse.catalog, target.table.namespace);
  const exists = await lakehouse.catalog.tableExists(target.table);
  const mode = writeModeOf(options.fullRefresh ? { ...target, incremental: false } : target, exists);
  const result = await run.mapErrors(node.file, compiled.sql, compiled, () => writeTable({
    session: run.session,
    catalog: lakehouse.catalog,
    storageFactory: lakehouseStorage(lakehouse),
    table: target.table,
    sql: contracted?.sql ?? `SELECT * FROM ${relation}`,
    fieldSpecs: contracted?.fieldSpecs,
    mode,
    uniqueKey: target.uniqueKey,
    partitionBy: target.partitionBy,
    onSchemaChange: target.onSchemaChange,
    location: target.location,
    signal: options.signal,
    onProgress: (p) => options.onWrite?.(node.name, p),
  }));
  return {
    model: node.name,
    table: `${namespaceDisplayName(target.table.namespace)}.${target.table.name}`,
    snapshot_id: result.snapshotId.toString(),
    rows: result.rows.toString(),
    files: result.files,
    bytes: result.bytes.toString(),
    operation: result.operation,
    mode,
    ms: Math.round(result.ms),
  };
}

/** `--select 'marts.*' --exclude 'tag:x'`, for messages. */
function describeSelection(request: SelectionRequest): string {
  const part = (flag: string, values: readonly string[] | undefined) => (values ?? []).map((v) => `${flag} '${v}'`);
  return [...part('--select', request.select), ...part('--exclude', request.exclude)].join(' ');
}
