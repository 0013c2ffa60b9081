// Commit requirements and updates (REST "CommitTableRequest") to and from JSON, with int64 ids as bigint.
import type { TableRequirement, TableUpdate } from './spec.js';
import { IcebergError } from './errors.js';
import {
  partitionSpecFromJson, partitionSpecToJson, schemaFromJson, schemaToJson, snapshotFromJson, snapshotToJson,
  sortOrderFromJson, sortOrderToJson,
} from './metadata-json.js';
import { toBigInt } from '../util/json.js';

type Obj = Record<string, unknown>;

function bad(message: string): never { throw new IcebergError('invalid-metadata', message); }
function obj(v: unknown, what: string): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) bad(`${what}: expected an object`);
  return v as Obj;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Typed field readers: a field of the wrong type is a malformed request (400), never something stored that
// bricks the table's later loads.
function big(v: unknown, what: string): bigint {
  let n: bigint;
  try { n = toBigInt(v); } catch { return bad(`${what}: expected a long`); }
  if (n < INT64_MIN || n > INT64_MAX) bad(`${what}: ${n} is outside the range of a long`);
  return n;
}
function optBig(o: Obj, k: string, what: string): bigint | undefined {
  return o[k] === undefined || o[k] === null ? undefined : big(o[k], `${what}.${k}`);
}
function int(o: Obj, k: string, what: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) bad(`${what}.${k}: expected an int${v === undefined ? ' (missing)' : ''}`);
  return v;
}
function optInt(o: Obj, k: string, what: string): number | undefined {
  return o[k] === undefined || o[k] === null ? undefined : int(o, k, what);
}
function str(o: Obj, k: string, what: string, nonEmpty = false): string {
  const v = o[k];
  if (typeof v !== 'string' || (nonEmpty && v.length === 0)) bad(`${what}.${k}: expected a${nonEmpty ? ' non-empty' : ''} string${v === undefined ? ' (missing)' : ''}`);
  if (v.includes('\u0000')) bad(`${what}.${k}: must not contain NUL`);
  return v;
}
function uuid(o: Obj, k: string, what: string): string {
  const v = str(o, k, what);
  if (!UUID.test(v)) bad(`${what}.${k}: expected a UUID, got ${JSON.stringify(v.slice(0, 64))}`);
  return v;
}
function ints(o: Obj, k: string, what: string): number[] {
  const v = o[k];
  if (!Array.isArray(v)) bad(`${what}.${k}: expected an array of ints`);
  return v.map((_, i) => int(v as unknown as Obj, String(i), `${what}.${k}`));
}
function strings(o: Obj, k: string, what: string): string[] {
  const v = o[k];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(`${what}.${k}: expected an array of strings`);
  return v as string[];
}
function stringMap(o: Obj, k: string, what: string): Record<string, string> {
  const m = obj(o[k], `${what}.${k}`);
  for (const [key, v] of Object.entries(m)) if (typeof v !== 'string') bad(`${what}.${k}: value of ${JSON.stringify(key)} must be a string`);
  return m as Record<string, string>;
}
/** A statistics entry: the fields readers rely on are typed; the rest (blob metadata) is kept as sent. */
function statistics(v: unknown, what: string): Obj {
  const o = obj(v, what);
  return { ...o, 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`), 'statistics-path': str(o, 'statistics-path', what, true) };
}

/** Parses one TableRequirement by type; snapshot ids become bigint, `null` stays null (assert-ref-snapshot-id on a missing ref). */
export function tableRequirementFromJson(v: unknown): TableRequirement {
  const o = obj(v, 'requirement');
  const type = o.type;
  if (typeof type !== 'string') bad('requirement: "type" is missing');
  const what = `requirement ${type}`;
  switch (type) {
    case 'assert-create': return { type };
    case 'assert-table-uuid': return { type, uuid: uuid(o, 'uuid', what) };
    case 'assert-ref-snapshot-id':
      return { type, ref: str(o, 'ref', what, true), 'snapshot-id': o['snapshot-id'] === undefined || o['snapshot-id'] === null ? null : big(o['snapshot-id'], `${what}.snapshot-id`) };
    case 'assert-last-assigned-field-id': return { type, 'last-assigned-field-id': int(o, 'last-assigned-field-id', what) };
    case 'assert-current-schema-id': return { type, 'current-schema-id': int(o, 'current-schema-id', what) };
    case 'assert-last-assigned-partition-id': return { type, 'last-assigned-partition-id': int(o, 'last-assigned-partition-id', what) };
    case 'assert-default-spec-id': return { type, 'default-spec-id': int(o, 'default-spec-id', what) };
    case 'assert-default-sort-order-id': return { type, 'default-sort-order-id': int(o, 'default-sort-order-id', what) };
    default: return bad(`unknown requirement type ${JSON.stringify(type.slice(0, 64))}`);
  }
}

export function tableRequirementToJson(r: TableRequirement): Obj { return { ...r }; }

/** Parses one TableUpdate by action, checking every field's type and normalising nested schemas, specs, orders and snapshots. */
export function tableUpdateFromJson(v: unknown): TableUpdate {
  const o = obj(v, 'update');
  const action = o.action;
  if (typeof action !== 'string') bad('update: "action" is missing');
  const what = `update ${action}`;
  const u = (x: Obj) => x as unknown as TableUpdate;
  switch (action) {
    case 'assign-uuid': return { action, uuid: uuid(o, 'uuid', what) };
    case 'upgrade-format-version': return { action, 'format-version': int(o, 'format-version', what) };
    case 'add-schema': {
      const out: Obj = { action, schema: schemaFromJson(o.schema) };
      const last = optInt(o, 'last-column-id', what);
      if (last !== undefined) out['last-column-id'] = last;
      return u(out);
    }
    case 'set-current-schema': return { action, 'schema-id': int(o, 'schema-id', what) };
    case 'add-spec': return { action, spec: partitionSpecFromJson(o.spec) };
    case 'set-default-spec': return { action, 'spec-id': int(o, 'spec-id', what) };
    case 'add-sort-order': return { action, 'sort-order': sortOrderFromJson(o['sort-order']) };
    case 'set-default-sort-order': return { action, 'sort-order-id': int(o, 'sort-order-id', what) };
    case 'add-snapshot': return { action, snapshot: snapshotFromJson(o.snapshot) };
    case 'set-snapshot-ref': {
      const type = o.type;
      if (type !== 'branch' && type !== 'tag') bad(`${what}.type: expected "branch" or "tag"`);
      const out: Obj = { action, 'ref-name': str(o, 'ref-name', what, true), type, 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`) };
      const keep = optInt(o, 'min-snapshots-to-keep', what);
      if (keep !== undefined) {
        if (keep < 1) bad(`${what}.min-snapshots-to-keep: must be at least 1`);
        out['min-snapshots-to-keep'] = keep;
      }
      for (const k of ['max-ref-age-ms', 'max-snapshot-age-ms']) {
        const x = optBig(o, k, what);
        if (x !== undefined) {
          if (x < 1n) bad(`${what}.${k}: must be positive`);
          out[k] = x;
        }
      }
      return u(out);
    }
    case 'remove-snapshots': {
      if (!Array.isArray(o['snapshot-ids'])) bad(`${what}: "snapshot-ids" must be an array`);
      return { action, 'snapshot-ids': o['snapshot-ids'].map((x) => big(x, `${what}.snapshot-ids`)) };
    }
    case 'remove-snapshot-ref': return { action, 'ref-name': str(o, 'ref-name', what, true) };
    case 'set-location': return { action, location: str(o, 'location', what, true) };
    case 'set-properties': return { action, updates: stringMap(o, 'updates', what) };
    case 'remove-properties': return { action, removals: strings(o, 'removals', what) };
    case 'set-statistics': {
      const stats = statistics(o.statistics, `${what}.statistics`);
      return u({ action, ...(o['snapshot-id'] !== undefined ? { 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`) } : {}), statistics: stats });
    }
    case 'remove-statistics': return { action, 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`) };
    case 'set-partition-statistics': return u({ action, 'partition-statistics': statistics(o['partition-statistics'], `${what}.partition-statistics`) });
    case 'remove-partition-statistics': return u({ action, 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`) });
    case 'remove-partition-specs': return u({ action, 'spec-ids': ints(o, 'spec-ids', what) });
    case 'remove-schemas': return u({ action, 'schema-ids': ints(o, 'schema-ids', what) });
    // Refused when applied (no table encryption), with a message saying so.
    case 'add-encryption-key': case 'remove-encryption-key': return u({ ...o });
    default: return bad(`unknown update action ${JSON.stringify(action.slice(0, 64))}`);
  }
}

/** Writes one TableUpdate as its REST JSON object (bigint kept for stringifyJson). */
export function tableUpdateToJson(u: TableUpdate): Obj {
  switch (u.action) {
    case 'add-schema': return { ...u, schema: schemaToJson(u.schema) };
    case 'add-spec': return { action: u.action, spec: partitionSpecToJson(u.spec) };
    case 'add-sort-order': return { action: u.action, 'sort-order': sortOrderToJson(u['sort-order']) };
    case 'add-snapshot': return { action: u.action, snapshot: snapshotToJson(u.snapshot) };
    default: return { ...u };
  }
}
