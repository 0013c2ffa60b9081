// The manifest's semantic layer as dbt parses it from schema YAML: semantic_models (entities, measures, dimensions,
// node_relation of the model they ref), metrics (simple, ratio, derived, cumulative, conversion; YAML shorthands such as
// `measure: name`, `filter: "..."` and `window: 7 days` expanded to dbt's objects) and saved_queries. Only the keys dbt's
// schema allows are copied; what MetricFlow computes later (resolved measures' types, time spines) is not.
import path from 'node:path';
import YAML from 'yaml';
import type { DbtProject, FileEntry } from '../project/project';
import type { SelectableGraph } from '../selection/graph';
import { relationName, relationOf } from './manifest';
import { yamlRef } from './manifest-resources';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v);
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const GRANULARITIES = new Set(['nanosecond', 'microsecond', 'millisecond', 'second', 'minute', 'hour', 'day', 'week', 'month', 'quarter', 'year']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'count_distinct', 'sum_boolean', 'average', 'percentile', 'median', 'count']);

export interface SemanticLayer { semantic_models: Json; metrics: Json; saved_queries: Json }

export function semanticLayerJson(project: DbtProject, graph: SelectableGraph): SemanticLayer {
  const out: SemanticLayer = { semantic_models: {}, metrics: {}, saved_queries: {} };
  const measureOwners = new Map<string, string>();
  const yamlFiles = [...project.files.values()].filter((e) => e.kind === 'yaml' && /\b(semantic_models|metrics|saved_queries):/.test(e.text));
  const docs = yamlFiles.map((entry) => ({ entry, doc: parse(entry.text) }));
  const created: Array<{ entry: FileEntry; metric: Json }> = [];
  for (const { entry, doc } of docs) {
    for (const sm of list(doc?.semantic_models).filter(isObj)) {
      const json = semanticModelJson(project, graph, entry, sm);
      if (!json) continue;
      out.semantic_models[json.unique_id as string] = json;
      for (const m of json.measures as Json[]) measureOwners.set(m.name as string, json.unique_id as string);
      const meta = isObj(sm.config) && isObj(sm.config.meta) ? sm.config.meta : undefined;
      for (const m of (json.measures as Json[]).filter((x) => x.create_metric === true)) created.push({ entry, metric: createdMetric(m, meta) });
    }
  }
  for (const { entry, metric } of created) {
    const json = metricJson(project, entry, metric, measureOwners);
    if (json) out.metrics[json.unique_id as string] = json;
  }
  for (const { entry, doc } of docs) {
    for (const m of list(doc?.metrics).filter(isObj)) {
      const json = metricJson(project, entry, m, measureOwners);
      if (json) out.metrics[json.unique_id as string] = json;
    }
    for (const q of list(doc?.saved_queries).filter(isObj)) {
      const json = savedQueryJson(project, entry, q);
      if (json) out.saved_queries[json.unique_id as string] = json;
    }
  }
  return out;
}

function parse(text: string): Json | null {
  try {
    const doc = YAML.parse(text) as unknown;
    return isObj(doc) ? doc : null;
  } catch {
    return null;
  }
}

function base(project: DbtProject, entry: FileEntry, kind: string, name: string): Json {
  const rel = path.relative(project.root, entry.file).split(path.sep).join('/');
  return {
    name, resource_type: kind, package_name: entry.packageName, path: rel, original_file_path: rel,
    unique_id: `${kind}.${entry.packageName}.${name}`, fqn: [entry.packageName, ...(entry.folders ?? []), name],
  };
}

function semanticModelJson(project: DbtProject, graph: SelectableGraph, entry: FileEntry, sm: Json): Json | undefined {
  if (typeof sm.name !== 'string' || typeof sm.model !== 'string') return undefined;
  const ref = yamlRef(graph, sm.model);
  const node = ref?.node;
  const relation = node ? relationOf(project, node) : undefined;
  const defaults = isObj(sm.defaults) ? { agg_time_dimension: strOrNull(sm.defaults.agg_time_dimension) } : null;
  return {
    ...base(project, entry, 'semantic_model', sm.name),
    model: sm.model,
    node_relation: relation ? { alias: relation.alias, schema_name: relation.schema, database: relation.database, relation_name: relationName(project, relation) } : null,
    description: strOrNull(sm.description), label: strOrNull(sm.label), defaults,
    entities: list(sm.entities).filter(isObj).filter((e) => typeof e.name === 'string' && ['foreign', 'natural', 'primary', 'unique'].includes(String(e.type))).map((e) => ({
      name: e.name, type: e.type, description: strOrNull(e.description), label: strOrNull(e.label), role: strOrNull(e.role), expr: exprOf(e.expr),
    })),
    measures: list(sm.measures).filter(isObj).filter((m) => typeof m.name === 'string' && AGGREGATIONS.has(String(m.agg))).map((m) => ({
      name: m.name, agg: m.agg, description: strOrNull(m.description), label: strOrNull(m.label), create_metric: m.create_metric === true,
      expr: exprOf(m.expr), agg_params: isObj(m.agg_params) ? aggParams(m.agg_params) : null, non_additive_dimension: nonAdditive(m.non_additive_dimension),
      agg_time_dimension: strOrNull(m.agg_time_dimension),
    })),
    dimensions: list(sm.dimensions).filter(isObj).filter((d) => typeof d.name === 'string' && (d.type === 'categorical' || d.type === 'time')).map((d) => ({
      name: d.name, type: d.type, description: strOrNull(d.description), label: strOrNull(d.label), is_partition: d.is_partition === true,
      type_params: isObj(d.type_params) && GRANULARITIES.has(String(d.type_params.time_granularity)) ? { time_granularity: d.type_params.time_granularity, validity_params: null } : null,
      expr: exprOf(d.expr), metadata: null,
    })),
    metadata: null,
    depends_on: { macros: [], nodes: node ? [node.id] : [] },
    refs: ref ? [ref.ref] : [],
    created_at: Date.now() / 1000, config: { enabled: true, group: null, meta: {} }, unrendered_config: {},
    primary_entity: strOrNull(sm.primary_entity), group: null,
  };
}

/** dbt keeps a YAML number or boolean expr as its text. */
function exprOf(v: unknown): string | null {
  return v === undefined || v === null ? null : typeof v === 'object' ? null : String(v);
}

function aggParams(p: Json): Json {
  return { percentile: typeof p.percentile === 'number' ? p.percentile : null, use_discrete_percentile: p.use_discrete_percentile === true, use_approximate_percentile: p.use_approximate_percentile === true };
}

function nonAdditive(v: unknown): Json | null {
  if (!isObj(v) || typeof v.name !== 'string' || !AGGREGATIONS.has(String(v.window_choice))) return null;
  return { name: v.name, window_choice: v.window_choice, window_groupings: list(v.window_groupings).map(String) };
}

/** `filter:` as a string or a list of strings → dbt's WhereFilterIntersection. */
function whereFilter(v: unknown): Json | null {
  const filters = (typeof v === 'string' ? [v] : list(v).filter((x): x is string => typeof x === 'string'));
  return filters.length ? { where_filters: filters.map((f) => ({ where_sql_template: f })) } : null;
}

/** `7 days` / `1 month` → {count, granularity} (dbt strips the plural). */
function timeWindow(v: unknown): Json | null {
  const m = typeof v === 'string' ? /^\s*(\d+)\s+(\w+?)s?\s*$/.exec(v) : null;
  return m ? { count: Number(m[1]), granularity: m[2] } : null;
}

function measureInput(v: unknown): Json | null {
  if (typeof v === 'string') return { name: v, filter: null, alias: null, join_to_timespine: false, fill_nulls_with: null };
  if (!isObj(v) || typeof v.name !== 'string') return null;
  return { name: v.name, filter: whereFilter(v.filter), alias: strOrNull(v.alias), join_to_timespine: v.join_to_timespine === true, fill_nulls_with: Number.isInteger(v.fill_nulls_with) ? v.fill_nulls_with : null };
}

function metricInput(v: unknown): Json | null {
  if (typeof v === 'string') return { name: v, filter: null, alias: null, offset_window: null, offset_to_grain: null };
  if (!isObj(v) || typeof v.name !== 'string') return null;
  return { name: v.name, filter: whereFilter(v.filter), alias: strOrNull(v.alias), offset_window: timeWindow(v.offset_window), offset_to_grain: GRANULARITIES.has(String(v.offset_to_grain)) ? v.offset_to_grain : null };
}

const METRIC_TYPES = new Set(['simple', 'ratio', 'cumulative', 'derived', 'conversion']);

/**
 * The simple metric dbt makes of a `create_metric: true` measure (dbt-core's _create_metric), as YAML would declare it:
 * named and labelled as the measure, its expr the measure's (else its name), the semantic model's config meta its own.
 */
function createdMetric(measure: Json, meta: Json | undefined): Json {
  const name = measure.name as string;
  return {
    name, label: measure.label ?? name, type: 'simple', type_params: { measure: name, expr: measure.expr ?? name },
    description: measure.description ?? `Metric created from measure ${name}`, ...(meta ? { config: { meta } } : {}),
  };
}

function metricJson(project: DbtProject, entry: FileEntry, m: Json, measureOwners: Map<string, string>): Json | undefined {
  const type = String(m.type ?? '').toLowerCase();
  if (typeof m.name !== 'string' || !METRIC_TYPES.has(type)) return undefined;
  const p = isObj(m.type_params) ? m.type_params : {};
  const measure = measureInput(p.measure);
  const cumulative = isObj(p.cumulative_type_params) ? p.cumulative_type_params : {};
  const metrics = type === 'ratio' ? [metricInput(p.numerator), metricInput(p.denominator)] : list(p.metrics).map(metricInput);
  const inputs = metrics.filter((x): x is Json => x !== null);
  const measures = measure ? [measure] : [];
  const typeParams = {
    measure, input_measures: measures, numerator: type === 'ratio' ? metricInput(p.numerator) : null, denominator: type === 'ratio' ? metricInput(p.denominator) : null,
    expr: exprOf(p.expr), window: timeWindow(p.window ?? cumulative.window), grain_to_date: GRANULARITIES.has(String(p.grain_to_date)) ? p.grain_to_date : null,
    metrics: type === 'derived' ? inputs : null, conversion_type_params: null,
    cumulative_type_params: type === 'cumulative' ? { window: timeWindow(cumulative.window ?? p.window), grain_to_date: strOrNull(cumulative.grain_to_date ?? p.grain_to_date), period_agg: ['first', 'last', 'average'].includes(String(cumulative.period_agg)) ? cumulative.period_agg : 'first', metric: null } : null,
    metric_aggregation_params: null,
  };
  const nodes = [...new Set([
    ...measures.map((x) => measureOwners.get(x.name as string)).filter((x): x is string => !!x),
    ...inputs.map((x) => `metric.${entry.packageName}.${x.name}`),
  ])].sort();
  const tags = Array.isArray(m.tags) ? m.tags.map(String) : [];
  // a meta under config is the metric's config meta and, as dbt copies it, its meta
  const configMeta = isObj(m.config) && isObj(m.config.meta) && Object.keys(m.config.meta).length ? m.config.meta : undefined;
  return {
    ...base(project, entry, 'metric', m.name),
    description: typeof m.description === 'string' ? m.description : '', label: typeof m.label === 'string' ? m.label : m.name,
    type, type_params: typeParams, filter: whereFilter(m.filter), metadata: null, time_granularity: strOrNull(m.time_granularity),
    meta: configMeta ?? (isObj(m.meta) ? m.meta : {}), tags, config: { enabled: true, group: null, meta: configMeta ?? {} }, unrendered_config: {},
    sources: [], depends_on: { macros: [], nodes }, refs: [], metrics: inputs.map((x) => [x.name as string]), created_at: Date.now() / 1000, group: null,
  };
}

function savedQueryJson(project: DbtProject, entry: FileEntry, q: Json): Json | undefined {
  if (typeof q.name !== 'string') return undefined;
  const qp = isObj(q.query_params) ? q.query_params : {};
  const metrics = list(qp.metrics).map(String);
  return {
    ...base(project, entry, 'saved_query', q.name),
    query_params: {
      metrics, group_by: list(qp.group_by).map(String), where: whereFilter(qp.where), order_by: list(qp.order_by).map(String),
      limit: Number.isInteger(qp.limit) ? qp.limit : null,
    },
    exports: list(q.exports).filter(isObj).filter((e) => typeof e.name === 'string').map((e) => {
      const c = isObj(e.config) ? e.config : {};
      return { name: e.name, config: { export_as: c.export_as === 'view' ? 'view' : 'table', schema_name: strOrNull(c.schema), alias: strOrNull(c.alias), database: strOrNull(c.database) }, unrendered_config: {} };
    }),
    description: strOrNull(q.description), label: strOrNull(q.label), metadata: null, config: { enabled: true, group: null, meta: {} }, unrendered_config: {},
    group: null, depends_on: { macros: [], nodes: metrics.map((name) => `metric.${entry.packageName}.${name}`) }, created_at: Date.now() / 1000, refs: [], tags: [],
  };
}
