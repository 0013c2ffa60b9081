// Row filters for scan planning: predicates on column names, bound to a schema, then used to skip manifests and
// files by partition values (projected through transforms) and by column metrics. "false" means "cannot match".
import type { DataFile, ManifestFile, PartitionSpec, PrimitiveType, Schema } from './spec.js';
import { allFields } from './schema.js';
import { IcebergError } from './errors.js';
import { compareValues, toValue, type IcebergValue } from './values.js';
import { parseTransform, preservesOrder, transformer, transformResultType } from './transforms.js';
import { decodeValue } from './single-value.js';

export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** A row filter. Values are plain literals (numbers, bigint, strings, booleans, bytes) coerced to the column type. */
export type Predicate =
  | { op: 'and' | 'or'; args: Predicate[] }
  | { op: ComparisonOp; column: string; value: unknown }
  | { op: 'in'; column: string; values: unknown[] }
  | { op: 'is-null'; column: string }
  | { op: 'not-null'; column: string }
  | { op: 'true' | 'false' };

export const and = (...args: Predicate[]): Predicate => ({ op: 'and', args });
export const or = (...args: Predicate[]): Predicate => ({ op: 'or', args });
export const cmp = (column: string, op: ComparisonOp, value: unknown): Predicate => ({ op, column, value });
export const isIn = (column: string, values: unknown[]): Predicate => ({ op: 'in', column, values });
export const isNull = (column: string): Predicate => ({ op: 'is-null', column });
export const notNull = (column: string): Predicate => ({ op: 'not-null', column });

/** A leaf bound to a field id and type; `key` names the field in a partition tuple after projection. */
export type BoundLeaf =
  | { op: ComparisonOp; id: number; key: string; type: PrimitiveType; value: IcebergValue }
  | { op: 'in'; id: number; key: string; type: PrimitiveType; values: IcebergValue[] }
  | { op: 'is-null'; id: number; key: string; type: PrimitiveType }
  | { op: 'not-null'; id: number; key: string; type: PrimitiveType };
export type Bound = { op: 'and' | 'or'; args: Bound[] } | { op: 'true' | 'false' } | BoundLeaf;

const TRUE: Bound = { op: 'true' };
const FALSE: Bound = { op: 'false' };

function simplify(op: 'and' | 'or', args: Bound[]): Bound {
  const kept: Bound[] = [];
  for (const a of args) {
    if (a.op === (op === 'and' ? 'false' : 'true')) return a;
    if (a.op !== (op === 'and' ? 'true' : 'false')) kept.push(a);
  }
  if (kept.length === 0) return op === 'and' ? TRUE : FALSE;
  return kept.length === 1 ? kept[0]! : { op, args: kept };
}

/**
 * Binds column names (exact, else ignoring case when that is unambiguous; dotted for nested struct fields) to field ids and coerces literals.
 * Unknown columns fail; literals that do not fit the column type make the leaf unprunable ("true").
 */
export function bindPredicate(p: Predicate, schema: Schema): Bound {
  // Exact names first: Iceberg names are case-sensitive, and `user_id` and `USER_ID` may both be columns.
  const exact = new Map<string, { id: number; type: PrimitiveType }>();
  const folded = new Map<string, { id: number; type: PrimitiveType } | 'ambiguous'>();
  for (const f of allFields(schema)) {
    if (typeof f.type !== 'string') continue;
    exact.set(f.name, { id: f.id, type: f.type });
    const key = f.name.toLowerCase();
    folded.set(key, folded.has(key) ? 'ambiguous' : { id: f.id, type: f.type });
  }
  const byName = { get: (name: string) => exact.get(name) ?? folded.get(name.toLowerCase()) };
  const bind = (q: Predicate): Bound => {
    switch (q.op) {
      case 'true': case 'false': return q;
      case 'and': case 'or': return simplify(q.op, q.args.map(bind));
      default: {
        const f = byName.get(q.column);
        if (f === 'ambiguous') throw new IcebergError('invalid-argument', `filter column "${q.column}" matches several columns that differ only by case; name one exactly`);
        if (!f) throw new IcebergError('not-found', `filter column "${q.column}" is not a primitive column of schema ${schema['schema-id']}`);
        const base = { id: f.id, key: String(f.id), type: f.type };
        try {
          if (q.op === 'is-null') return { op: 'is-null', ...base };
          if (q.op === 'not-null') return { op: 'not-null', ...base };
          if (q.op === 'in') return { op: 'in', ...base, values: q.values.filter((v) => v !== null && v !== undefined).map((v) => toValue(f.type, v)) };
          if (q.value === null || q.value === undefined) return FALSE; // comparisons with NULL are never true
          return { op: q.op, ...base, value: toValue(f.type, q.value) };
        } catch (e) {
          if (e instanceof IcebergError && e.kind === 'invalid-argument') return TRUE;
          throw e;
        }
      }
    }
  };
  return bind(p);
}

// --- projection onto partition fields (inclusive: keeps every partition that may hold matching rows) ---

/** Projects a bound predicate onto a spec's partition tuple; leaves are keyed by partition field name. */
export function projectToPartition(p: Bound, spec: PartitionSpec): Bound {
  switch (p.op) {
    case 'true': case 'false': return p;
    case 'and': case 'or': return simplify(p.op, p.args.map((a) => projectToPartition(a, spec)));
  }
  const parts: Bound[] = [];
  for (const f of spec.fields) {
    if (f['source-id'] !== p.id) continue;
    const kind = parseTransform(f.transform).kind;
    if (kind === 'void') continue;
    const type = transformResultType(f.transform, p.type);
    const t = transformer(f.transform, p.type);
    const base = { id: f['field-id'], key: f.name, type };
    if (p.op === 'is-null' || p.op === 'not-null') { parts.push({ op: p.op, ...base } as BoundLeaf); continue; }
    if (p.op === 'in') {
      if (kind === 'identity' || kind === 'bucket' || preservesOrder(f.transform)) parts.push({ op: 'in', ...base, values: p.values.map((v) => t(v)!) });
      continue;
    }
    if (kind === 'identity') { parts.push({ op: p.op, ...base, value: p.value }); continue; }
    if (p.op === '=') { parts.push({ op: '=', ...base, value: t(p.value)! }); continue; }
    if (p.op === '!=' || !preservesOrder(f.transform)) continue;
    // order-preserving but lossy: bounds become inclusive on the transformed value; strict bounds on integral
    // values step by one first (ts < 2024-01-01 projects to month <= 2023-12), as Iceberg's projections do
    const op = p.op === '<' || p.op === '<=' ? '<=' : '>=';
    let v = p.value;
    if (p.op === '<' || p.op === '>') {
      const step = p.op === '<' ? -1 : 1;
      if (typeof v === 'bigint') v += BigInt(step);
      else if (typeof v === 'number' && Number.isInteger(v) && (p.type === 'int' || p.type === 'date')) v += step;
    }
    parts.push({ op, ...base, value: t(v)! });
  }
  return simplify('and', parts);
}

function leafMatches(l: BoundLeaf, v: IcebergValue | null | undefined): boolean {
  if (l.op === 'is-null') return v === null || v === undefined;
  if (l.op === 'not-null') return v !== null && v !== undefined;
  if (v === null || v === undefined) return false;
  if (l.op === 'in') return l.values.some((x) => compareValues(v, x) === 0);
  const c = compareValues(v, l.value);
  switch (l.op) {
    case '=': return c === 0;
    case '!=': return c !== 0;
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    case '>=': return c >= 0;
  }
}

/** Evaluates a projected predicate on a file's partition tuple. */
export function matchesPartition(p: Bound, partition: Record<string, unknown>): boolean {
  switch (p.op) {
    case 'true': return true;
    case 'false': return false;
    case 'and': return p.args.every((a) => matchesPartition(a, partition));
    case 'or': return p.args.some((a) => matchesPartition(a, partition));
    default: return leafMatches(p, partition[p.key] as IcebergValue | null | undefined);
  }
}

/** Whether a value range [lower, upper] (either may be unknown) may hold a value satisfying the leaf. */
function rangeMayMatch(l: BoundLeaf, lower: IcebergValue | undefined, upper: IcebergValue | undefined): boolean {
  switch (l.op) {
    case 'is-null': case 'not-null': case '!=': return true;
    case 'in': return l.values.some((v) => (lower === undefined || compareValues(v, lower) >= 0) && (upper === undefined || compareValues(v, upper) <= 0));
    case '=': return (lower === undefined || compareValues(l.value, lower) >= 0) && (upper === undefined || compareValues(l.value, upper) <= 0);
    case '<': return lower === undefined || compareValues(lower, l.value) < 0;
    case '<=': return lower === undefined || compareValues(lower, l.value) <= 0;
    case '>': return upper === undefined || compareValues(upper, l.value) > 0;
    case '>=': return upper === undefined || compareValues(upper, l.value) >= 0;
  }
}

function isNaNLiteral(l: BoundLeaf): boolean {
  return (l.op === 'in' && l.values.some((v) => typeof v === 'number' && Number.isNaN(v)))
    || ('value' in l && typeof l.value === 'number' && Number.isNaN(l.value));
}

/** Evaluates a projected predicate on a manifest's partition field summaries (manifest list). */
export function manifestMayMatch(p: Bound, spec: PartitionSpec, manifest: ManifestFile): boolean {
  const summaries = manifest.partitions;
  if (!summaries || summaries.length !== spec.fields.length) return true;
  const eval_ = (q: Bound): boolean => {
    switch (q.op) {
      case 'true': return true;
      case 'false': return false;
      case 'and': return q.args.every(eval_);
      case 'or': return q.args.some(eval_);
    }
    const i = spec.fields.findIndex((f) => f.name === q.key);
    const s = summaries[i];
    if (!s || isNaNLiteral(q)) return true;
    const allNull = s['lower-bound'] === undefined && s['upper-bound'] === undefined && s['contains-null'] && s['contains-nan'] !== true;
    if (q.op === 'is-null') return s['contains-null'];
    if (q.op === 'not-null') return !allNull;
    if (allNull) return false;
    let lower: IcebergValue | undefined, upper: IcebergValue | undefined;
    try {
      lower = s['lower-bound'] ? decodeValue(q.type, s['lower-bound']) : undefined;
      upper = s['upper-bound'] ? decodeValue(q.type, s['upper-bound']) : undefined;
    } catch {
      return true; // unreadable summary: read the manifest rather than fail the scan
    }
    return rangeMayMatch(q, lower, upper);
  };
  return eval_(p);
}

/** Field ids inside lists or maps, whose metrics do not describe rows one to one. */
export function repeatedFieldIds(schema: Schema): Set<number> {
  const out = new Set<number>();
  for (const f of allFields(schema)) {
    if (typeof f.type !== 'string' && (f.type.type === 'list' || f.type.type === 'map')) {
      const inner = f.type.type === 'list' ? [f.type['element-id']] : [f.type['key-id'], f.type['value-id']];
      for (const g of allFields(schema)) if (inner.some((id) => g.id === id) || g.path.join('.').startsWith(`${f.name}.`)) out.add(g.id);
    }
  }
  return out;
}

/** Evaluates a bound (unprojected) predicate on a data file's column metrics (counts and bounds). */
export function metricsMayMatch(p: Bound, file: DataFile, repeated: Set<number>): boolean {
  switch (p.op) {
    case 'true': return true;
    case 'false': return false;
    case 'and': return p.args.every((a) => metricsMayMatch(a, file, repeated));
    case 'or': return p.args.some((a) => metricsMayMatch(a, file, repeated));
  }
  if (repeated.has(p.id) || isNaNLiteral(p)) return true;
  const values = file['value-counts']?.get(p.id);
  const nulls = file['null-value-counts']?.get(p.id);
  const nans = file['nan-value-counts']?.get(p.id) ?? 0n;
  const allNull = values !== undefined && nulls !== undefined && nulls === values;
  if (p.op === 'is-null') return nulls === undefined || nulls > 0n;
  if (p.op === 'not-null') return !allNull;
  if (allNull) return false;
  if (p.op === '!=') return true;
  if (nans > 0n && (p.op === '>' || p.op === '>=')) return true; // NaN sorts above every bound
  const lb = file['lower-bounds']?.get(p.id), ub = file['upper-bounds']?.get(p.id);
  let lower: IcebergValue | undefined, upper: IcebergValue | undefined;
  try {
    lower = lb ? decodeValue(p.type, lb) : undefined;
    upper = ub ? decodeValue(p.type, ub) : undefined;
  } catch {
    return true; // bounds in an older type we cannot read: do not prune
  }
  return rangeMayMatch(p, lower, upper);
}
