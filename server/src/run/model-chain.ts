// Builds a model's upstream chain in DuckDB for one run: sources become relations over their Iceberg
// snapshots (live files, deletes applied), upstream models become views, all inside a private run schema,
// so concurrent runs never see each other's relations.
import fs from 'node:fs';
import { seedSqlOf } from './seed-sql';
import { compileModel, type CompiledModel, type UpstreamRelation } from '../project/compile';
import type { DbtProject, ModelNode } from '../project/project';
import { LineIndex } from '../project/lineIndex';
import { registerIcebergTable, type TableReadOptions, type TableRelation } from '../engine/read/register-table';
import { lessToRead, queryShape } from '../engine/read/query-shape';
import { answerFromMetadata } from '../engine/read/metadata-answer';
import { DuckSession, quoteIdent, quoteLiteral } from '../engine/session';
import type { ProgressListener } from '../storage/cache';
import type { TableIdentifier } from '../iceberg/spec';
import { parseDuckDbError } from '../sql/errors';
import { userMessage } from '../sql/explain';
// Registers the manifest scan planner used by registerIcebergTable.
import '../engine/read/default-planner';
import type { Lakehouse } from './lakehouse';
import { ModelRunError } from './run-error';
import { seedTargetOf } from './gold-target';
import { snapshotSpecOf } from './snapshot-config';
import { firstSnapshotSql, sessionTime } from './snapshot-sql';
import { queryColumns } from '../engine/write/query-columns';
import { parseTableName } from '../catalog/names';

export interface RunOptions {
  /** Time travel: Iceberg table (namespace.table) → snapshot id. */
  snapshots?: Map<string, bigint>;
  onFetch?: ProgressListener;
  onStage?: (stage: string) => void;
}

let runCounter = 0;

/** What the sessions of one run share: the private schema and the relations built in it. */
interface RunState {
  schema: string;
  built: Map<string, Promise<void>>;
  sources: Map<string, TableRelation>;
}

/**
 * One run: a DuckDB session with a private schema holding the chain's relations. `fork()` adds a session (a connection
 * of the same in-memory database) that sees and adds to the same relations, so independent nodes can run concurrently.
 */
export class ModelRun {
  readonly schema: string;
  private readonly built: Map<string, Promise<void>>;
  readonly sources: Map<string, TableRelation>;
  /** How to read a source a preview's query reads alone (a LIMIT's rows, a WHERE's prunable part), by relation name. */
  private readonly readLimits = new Map<string, Pick<TableReadOptions, 'rowLimit' | 'sqlFilter'>>();
  /** Sources read short under a row limit: how to register each whole, and its row count when the metadata knows it. */
  readonly partialSources = new Map<string, { complete(): Promise<void>; rows?: bigint }>();

  private constructor(readonly session: DuckSession, readonly project: DbtProject, readonly lakehouse: Lakehouse, readonly options: RunOptions, private readonly state: RunState, private readonly owner: boolean) {
    ({ schema: this.schema, built: this.built, sources: this.sources } = state);
  }

  static async open(project: DbtProject, lakehouse: Lakehouse, options: RunOptions = {}): Promise<ModelRun> {
    const session = await DuckSession.open();
    const state: RunState = { schema: `floe_run_${process.pid}_${++runCounter}`, built: new Map(), sources: new Map() };
    const run = new ModelRun(session, project, lakehouse, options, state, true);
    await session.run(`CREATE SCHEMA ${quoteIdent(run.schema)}`);
    return run;
  }

  /** Another session over this run's relations; closing it leaves them to the run that opened them. */
  async fork(): Promise<ModelRun> {
    return new ModelRun(await DuckSession.open(), this.project, this.lakehouse, this.options, this.state, false);
  }

  /** Where a ref or source lives inside this run. */
  relationName = (target: { kind: UpstreamRelation['kind']; name: string; source?: string; table?: string }): string =>
    `${quoteIdent(this.schema)}.${quoteIdent(target.kind === 'source' ? `source__${target.source}__${target.table}` : target.name)}`;

  /** Compiles a model with this run's relation names; template problems become a ModelRunError at the user's line. */
  compile(file: string, node?: ModelNode): CompiledModel {
    const compiled = compileModel(this.project, file, { relationName: this.relationName, node: node?.definition ? node : undefined });
    if (compiled.problem) {
      throw errorAt(this.project, file, compiled.problem.message, compiled.problem.start, compiled.problem.end);
    }
    return compiled;
  }

  /** Makes every upstream relation of a compiled model queryable in this run. */
  async buildUpstream(compiled: CompiledModel, via: string[] = []): Promise<void> {
    for (const u of compiled.upstream) {
      let pending = this.built.get(u.relation);
      if (!pending) {
        pending = this.buildOne(u, via);
        this.built.set(u.relation, pending);
      }
      await pending;
    }
  }

  /** Runs a query of this run, mapping a DuckDB error back to the model's template line. */
  async mapErrors<T>(file: string, sql: string, compiled: CompiledModel, body: () => Promise<T>, toCompiled: (offset: number) => number | undefined = (o) => o): Promise<T> {
    try {
      return await body();
    } catch (e) {
      if (e instanceof ModelRunError) throw e;
      const raw = e instanceof Error ? e.message : String(e);
      const parsed = parseDuckDbError(raw, sql);
      const message = userMessage(parsed, { columns: compiled.upstream.flatMap((u) => (u.columns ?? []).map((c) => c.name)), sql });
      const at = parsed.offset === undefined ? undefined : toCompiled(parsed.offset);
      if (at === undefined) throw new ModelRunError(message, { file, position: { line: 0, character: 0 } }, { cause: e });
      const range = compiled.map.toTemplate(at, parsed.length ?? 1);
      throw errorAt(this.project, file, message, range.start, range.end, e);
    }
  }

  /**
   * Before the upstream is built: lets a query over one source read less of it. Plain rows under a LIMIT plan only
   * the first files; count(*)/min/max come from the manifests when exact, and then the returned SQL of constants is
   * the query to run (the source is not read at all). See engine/read/query-shape.ts.
   */
  async readLess(compiled: CompiledModel, sql: string): Promise<string | undefined> {
    const shape = await queryShape(this.session, sql);
    if (!shape || shape.table.catalog) return undefined;
    const named = `${shape.table.schema}.${shape.table.table}`.toLowerCase();
    // Only when the source is the query's one upstream: a relation read short must serve no other model.
    const u = compiled.upstream.length === 1 ? compiled.upstream[0]! : undefined;
    if (!u || u.kind !== 'source' || `${this.schema}.${sourceViewName(u)}`.toLowerCase() !== named || this.built.has(u.relation)) return undefined;
    if (shape.kind === 'rows') {
      this.readLimits.set(u.relation, lessToRead(shape));
      return undefined;
    }
    const icebergTable = u.icebergTable ?? u.name;
    const answer = await answerFromMetadata(this.session, sql, shape, [this.schema, sourceViewName(u)], await this.lakehouse.catalog.loadTable(parseTableIdentifier(icebergTable)), {
      s3: this.lakehouse.s3, snapshotId: this.options.snapshots?.get(icebergTable), tableName: icebergTable,
    });
    // Answered: the source is never registered, since the query to run no longer reads it.
    if (answer) this.built.set(u.relation, Promise.resolve());
    return answer?.sql;
  }

  /** Registers whole every source a row limit read short (before a preview's full result is sorted or exported). */
  async completeSources(): Promise<void> {
    for (const [name, partial] of this.partialSources) {
      await partial.complete();
      this.partialSources.delete(name);
    }
  }

  async close(): Promise<void> {
    if (!this.owner) return this.session.close();
    try {
      await this.session.run(`DROP SCHEMA IF EXISTS ${quoteIdent(this.schema)} CASCADE`);
    } finally {
      this.session.close();
    }
  }

  private async buildOne(u: UpstreamRelation, via: string[]): Promise<void> {
    if (u.kind === 'source') return this.registerSource(u);
    const node = this.project.resolveRef({ name: u.name });
    if (!node) throw new ModelRunError(`model '${u.name}' not found`);
    if (via.includes(node.name)) throw new ModelRunError(`dependency cycle: ${[...via, node.name].join(' → ')}`);
    const viewName = [this.schema, node.name] as [string, string];
    if (node.kind === 'seed') return this.registerSeed(node, viewName);
    if (node.kind === 'snapshot' && await this.registerSnapshot(node, viewName)) return;
    this.options.onStage?.(`building ${node.name}`);
    const compiled = this.compile(node.file, node);
    await this.buildUpstream(compiled, [...via, node.name]);
    const sql = node.kind === 'snapshot' ? await this.firstSnapshotRun(node, compiled) : compiled.sql;
    await this.mapErrors(node.file, compiled.sql, compiled, () => this.session.registerView(viewName, sql));
  }

  /**
   * A snapshot not run yet reads as its first run would write it (the query with dbt's columns added), so the models
   * below it preview; its plain query when its config is not one dbt accepts (the snapshot's own run says why).
   */
  private async firstSnapshotRun(node: ModelNode, compiled: CompiledModel): Promise<string> {
    try {
      const spec = snapshotSpecOf(node.name, compiled.config, this.lakehouse.layerLocations, this.project.target.schema);
      const sourceColumns = (await queryColumns(this.session, compiled.sql)).map((c) => c.name);
      return firstSnapshotSql({ spec, sourceSql: compiled.sql, sourceColumns, now: await sessionTime(this.session) });
    } catch {
      return compiled.sql;
    }
  }

  /**
   * Registers a compiled model as a view of this run (binding it, so its SQL errors map to the template line)
   * and returns the relation to select from.
   */
  async registerModel(node: ModelNode, compiled: CompiledModel): Promise<string> {
    const relation = this.relationName({ kind: 'model', name: node.name });
    await this.buildUpstream(compiled, [node.name]);
    const pending = this.mapErrors(node.file, compiled.sql, compiled, () => this.session.registerView([this.schema, node.name], compiled.sql));
    this.built.set(relation, pending);
    await pending;
    return relation;
  }

  /** A seed loaded by `floe seed` is read from its Iceberg table, as dbt reads the seeded table; else from its CSV. */
  private async registerSeed(node: ModelNode, viewName: [string, string]): Promise<void> {
    const config = this.project.configOf(node);
    const target = seedTargetOf(node.name, config, this.lakehouse.layerLocations);
    if (target && await this.registerWrittenTable(target.table, viewName)) return;
    await this.session.registerView(viewName, seedSqlOf(this.project, node));
  }

  /** A snapshot that has run is read from its Iceberg table, as dbt reads the snapshot table; false when it has none yet. */
  private async registerSnapshot(node: ModelNode, viewName: [string, string]): Promise<boolean> {
    let table: TableIdentifier;
    try {
      table = snapshotSpecOf(node.name, this.project.configOf(node), this.lakehouse.layerLocations, this.project.target.schema).table;
    } catch {
      return false;
    }
    return this.registerWrittenTable(table, viewName);
  }

  /** A table Floe wrote (seed, snapshot) as the run's relation, at the run's time-travel snapshot; false when it does not exist. */
  private async registerWrittenTable(table: TableIdentifier, viewName: [string, string]): Promise<boolean> {
    if (!await this.lakehouse.catalog.tableExists(table)) return false;
    const name = `${table.namespace.join('.')}.${table.name}`;
    this.options.onStage?.(`reading ${name}`);
    await registerIcebergTable(this.session, viewName, await this.lakehouse.catalog.loadTable(table), {
      s3: this.lakehouse.s3, snapshotId: this.options.snapshots?.get(name), onProgress: this.options.onFetch, tableName: name,
    });
    return true;
  }

  private async registerSource(u: UpstreamRelation): Promise<void> {
    const icebergTable = u.icebergTable ?? u.name;
    const id = parseTableIdentifier(icebergTable);
    this.options.onStage?.(`reading ${icebergTable}`);
    const loaded = await this.lakehouse.catalog.loadTable(id);
    const view: [string, string] = [this.schema, sourceViewName(u)];
    const read = { s3: this.lakehouse.s3, snapshotId: this.options.snapshots?.get(icebergTable), onProgress: this.options.onFetch, tableName: icebergTable };
    const relation = await registerIcebergTable(this.session, view, loaded, { ...read, ...this.readLimits.get(u.relation) });
    this.sources.set(icebergTable, relation);
    if (relation.partial) {
      this.partialSources.set(icebergTable, {
        rows: relation.partial.listedRows,
        complete: async () => { this.sources.set(icebergTable, await registerIcebergTable(this.session, view, loaded, read)); },
      });
    }
  }
}

/** The view a source is registered as in a run's schema. */
function sourceViewName(u: { name: string }): string {
  const [source, table] = u.name.split('.');
  return `source__${source}__${table}`;
}

/** `a.b.c` → namespace [a, b], table c. */
export function parseTableIdentifier(name: string): TableIdentifier {
  const id = parseTableName(name);
  if (!id) throw new ModelRunError(`'${name}' is not a namespace-qualified Iceberg table (expected namespace.table)`);
  return id;
}

function errorAt(project: DbtProject, file: string, message: string, start: number, end: number, cause?: unknown): ModelRunError {
  const text = project.entry(file)?.text ?? safeRead(file);
  const lines = new LineIndex(text);
  return new ModelRunError(message, { file, position: lines.positionAt(start), endPosition: lines.positionAt(end) }, { cause });
}

function safeRead(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The model node defined by a file, or by a model name. */
export function findModel(project: DbtProject, fileOrName: string): ModelNode {
  const node = project.nodeOfFile(fileOrName) ?? project.resolveRef({ name: fileOrName });
  if (!node) throw new ModelRunError(`no model '${fileOrName}' in the project at ${project.root}`);
  return node;
}
