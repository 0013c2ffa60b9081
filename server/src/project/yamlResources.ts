// The schema YAML resources that are graph members but not nodes Floe builds: exposures, metrics, semantic models and
// saved queries (dbt's `exposures:`, `metrics:`, `semantic_models:`, `saved_queries:`), with what each depends on as
// dbt resolves it at parse (an exposure's depends_on refs, sources and metrics, a semantic model's `model:` ref, a
// metric's measures and input metrics, a saved query's metrics) and the offsets of those refs for diagnostics.
import { analyzeModelFile, type RefUse, type SourceUse } from './modelFile';
import { tagsOf } from './testYaml';

export type YamlResourceKind = 'exposure' | 'metric' | 'semantic_model' | 'saved_query';

/** The top-level YAML key of each kind. */
export const YAML_RESOURCE_KEYS: Readonly<Record<string, YamlResourceKind>> = {
  exposures: 'exposure', metrics: 'metric', semantic_models: 'semantic_model', saved_queries: 'saved_query',
};

/** A metric read by name; its offsets are the name's (no quotes), or the reader's name where it has none of its own. */
export interface MetricUse {
  name: string;
  packageName?: string;
  start: number;
  end: number;
}

export interface YamlResource {
  kind: YamlResourceKind;
  name: string;
  file: string;
  nameStart: number;
  nameEnd: number;
  /** ref() calls it depends on (an exposure's depends_on, a semantic model's model:), offsets into the file. */
  refs: RefUse[];
  /** source() calls of an exposure's depends_on. */
  sources: SourceUse[];
  /** Metrics it reads: an exposure's metric() depends_on, a ratio or derived metric's inputs, a saved query's metrics. */
  metrics: MetricUse[];
  /** A semantic model's own measures; the measures a metric reads. */
  measures: string[];
  tags: string[];
  /** False when its `config:` (or the item) says `enabled: false`. */
  enabled: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const METRIC_CALL = /^\s*metric\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$/;

/**
 * One item of a resource list, and for a semantic model the metrics dbt makes of its `create_metric: true` measures
 * (named as the measure, enabled as the model); `at` is where its `name:` value lies in `text` (negative when not found).
 */
export function readYamlResources(kind: YamlResourceKind, item: Obj, name: string, at: { start: number; end: number }, text: string, file: string): YamlResource[] {
  const own = readYamlResource(kind, item, name, at, text, file);
  if (kind !== 'semantic_model') return [own];
  const created = list(item.measures).filter((m): m is Obj => isObj(m) && m.create_metric === true && typeof m.name === 'string').map((m): YamlResource => ({
    kind: 'metric', name: m.name as string, file, nameStart: at.start, nameEnd: at.end, refs: [], sources: [], metrics: [], measures: [m.name as string], tags: [], enabled: own.enabled,
  }));
  return [own, ...created];
}

function readYamlResource(kind: YamlResourceKind, item: Obj, name: string, at: { start: number; end: number }, text: string, file: string): YamlResource {
  const out: YamlResource = {
    kind, name, file, nameStart: at.start, nameEnd: at.end, refs: [], sources: [], metrics: [], measures: [],
    tags: kind === 'semantic_model' ? [] : tagsOf(item), enabled: enabledOf(item),
  };
  const atName = (metric: string): MetricUse => ({ name: metric, start: at.start, end: at.end });
  switch (kind) {
    case 'exposure':
      for (const dep of list(item.depends_on)) if (typeof dep === 'string') readDependency(out, dep, at, text);
      break;
    case 'semantic_model':
      if (typeof item.model === 'string') readDependency(out, item.model, at, text);
      for (const m of list(item.measures)) if (isObj(m) && typeof m.name === 'string') out.measures.push(m.name);
      break;
    case 'metric': {
      const p = isObj(item.type_params) ? item.type_params : {};
      const conversion = isObj(p.conversion_type_params) ? p.conversion_type_params : {};
      for (const m of [p.measure, conversion.base_measure, conversion.conversion_measure]) {
        const measure = typeof m === 'string' ? m : isObj(m) && typeof m.name === 'string' ? m.name : undefined;
        if (measure) out.measures.push(measure);
      }
      for (const m of [p.numerator, p.denominator, ...list(p.metrics)]) {
        const metric = typeof m === 'string' ? m : isObj(m) && typeof m.name === 'string' ? m.name : undefined;
        if (metric) out.metrics.push(atName(metric));
      }
      break;
    }
    case 'saved_query': {
      const q = isObj(item.query_params) ? item.query_params : {};
      for (const m of list(q.metrics)) if (typeof m === 'string') out.metrics.push(atName(m));
      break;
    }
  }
  return out;
}

function enabledOf(item: Obj): boolean {
  const value = isObj(item.config) && 'enabled' in item.config ? item.config.enabled : item.enabled;
  return value !== false && !(typeof value === 'string' && /^\s*false\s*$/i.test(value));
}

/**
 * A `ref(...)`, `source(...)` or `metric(...)` string, read with the model analyzer as dbt renders it, its offsets placed
 * where the string stands in the text (searched from the item's name), else at the name.
 */
function readDependency(out: YamlResource, dep: string, at: { start: number; end: number }, text: string): void {
  let found = at.start >= 0 ? text.indexOf(dep, at.start) : -1;
  if (found < 0 && at.start >= 0) found = text.lastIndexOf(dep, at.start);
  // An offset into `{{ dep }}` as one into the text; where the string was not found, the name's.
  const prefix = '{{ ';
  const start = (o: number) => (found < 0 ? at.start : o + found - prefix.length);
  const end = (o: number) => (found < 0 ? at.end : o + found - prefix.length);
  const metric = METRIC_CALL.exec(dep);
  if (metric) {
    const [pkg, name] = metric[2] ? [metric[1], metric[2]] : [undefined, metric[1]];
    const at = prefix.length + dep.lastIndexOf(name);
    out.metrics.push({ name, ...(pkg ? { packageName: pkg } : {}), start: start(at), end: end(at + name.length) });
    return;
  }
  const a = analyzeModelFile(`${prefix}${dep} }}`);
  for (const r of a.refs) out.refs.push({ ...r, start: start(r.start), end: end(r.end), callStart: start(r.callStart), callEnd: end(r.callEnd) });
  for (const u of a.sources) {
    out.sources.push({
      ...u, sourceStart: start(u.sourceStart), sourceEnd: end(u.sourceEnd), tableStart: start(u.tableStart), tableEnd: end(u.tableEnd),
      callStart: start(u.callStart), callEnd: end(u.callEnd),
    });
  }
}

/** The resource with every offset moved by `by` (a chunk's start); a negative (not found) offset becomes 0. */
export function shiftYamlResource(r: YamlResource, by: number): YamlResource {
  const s = (o: number) => (o < 0 ? 0 : o + by);
  return {
    ...r, nameStart: s(r.nameStart), nameEnd: s(r.nameEnd),
    refs: r.refs.map((x) => ({ ...x, start: s(x.start), end: s(x.end), callStart: s(x.callStart), callEnd: s(x.callEnd) })),
    sources: r.sources.map((x) => ({ ...x, sourceStart: s(x.sourceStart), sourceEnd: s(x.sourceEnd), tableStart: s(x.tableStart), tableEnd: s(x.tableEnd), callStart: s(x.callStart), callEnd: s(x.callEnd) })),
    metrics: r.metrics.map((x) => ({ ...x, start: s(x.start), end: s(x.end) })),
  };
}
