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
function big(v: unknown, what: string): bigint {
  try { return toBigInt(v); } catch { return bad(`${what}: expected a long`); }
}
function optBig(o: Obj, k: string, what: string): bigint | undefined {
  return o[k] === undefined || o[k] === null ? undefined : big(o[k], `${what}.${k}`);
}

const BIG_REQUIREMENT_KEYS = new Set(['snapshot-id']);

/** Parses one TableRequirement; snapshot ids become bigint, `null` stays null (assert-ref-snapshot-id on a missing ref). */
export function tableRequirementFromJson(v: unknown): TableRequirement {
  const o = obj(v, 'requirement');
  if (typeof o.type !== 'string') bad('requirement: "type" is missing');
  const out: Obj = { ...o };
  for (const k of BIG_REQUIREMENT_KEYS) if (o[k] !== undefined && o[k] !== null) out[k] = big(o[k], `requirement ${o.type}.${k}`);
  if (o.type === 'assert-ref-snapshot-id' && o['snapshot-id'] === undefined) out['snapshot-id'] = null;
  return out as unknown as TableRequirement;
}

export function tableRequirementToJson(r: TableRequirement): Obj { return { ...r }; }

/** Parses one TableUpdate, normalising nested schemas, specs, sort orders and snapshots. */
export function tableUpdateFromJson(v: unknown): TableUpdate {
  const o = obj(v, 'update');
  const action = o.action;
  if (typeof action !== 'string') bad('update: "action" is missing');
  const what = `update ${action}`;
  switch (action) {
    case 'add-schema': {
      const u: Obj = { action, schema: schemaFromJson(o.schema) };
      if (typeof o['last-column-id'] === 'number') u['last-column-id'] = o['last-column-id'];
      return u as unknown as TableUpdate;
    }
    case 'add-spec': return { action, spec: partitionSpecFromJson(o.spec) };
    case 'add-sort-order': return { action, 'sort-order': sortOrderFromJson(o['sort-order']) };
    case 'add-snapshot': return { action, snapshot: snapshotFromJson(o.snapshot) };
    case 'set-snapshot-ref': {
      const u: Obj = { ...o, 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`) };
      for (const k of ['max-ref-age-ms', 'max-snapshot-age-ms']) {
        const x = optBig(o, k, what);
        if (x === undefined) delete u[k]; else u[k] = x;
      }
      return u as unknown as TableUpdate;
    }
    case 'remove-snapshots': {
      if (!Array.isArray(o['snapshot-ids'])) bad(`${what}: "snapshot-ids" must be an array`);
      return { action, 'snapshot-ids': o['snapshot-ids'].map((x) => big(x, `${what}.snapshot-ids`)) };
    }
    case 'set-statistics': {
      const u: Obj = { ...o };
      const id = optBig(o, 'snapshot-id', what);
      if (id !== undefined) u['snapshot-id'] = id;
      return u as unknown as TableUpdate;
    }
    case 'remove-statistics': return { action, 'snapshot-id': big(o['snapshot-id'], `${what}.snapshot-id`) };
    default: return { ...o } as unknown as TableUpdate;
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
