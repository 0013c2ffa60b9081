// Commit semantics of the Iceberg REST spec: check TableRequirement[] against the current metadata, then
// apply TableUpdate[] to produce the next metadata. Pure: no I/O, never mutates its input.
import type {
  MetadataLogEntry, PartitionSpec, Schema, SnapshotRef, SortOrder, TableMetadata, TableRequirement, TableUpdate,
} from './spec';
import { stringifyJson } from '../util/json';
import { nextRowIdAfter, nextRowIdOf, ROW_LINEAGE_VERSION } from './row-lineage';

/** 'requirement-failed' is a commit conflict (REST 409); 'invalid-update' is a bad request (REST 400). */
export type TableUpdateErrorKind = 'requirement-failed' | 'invalid-update';

export class TableUpdateError extends Error {
  constructor(readonly kind: TableUpdateErrorKind, message: string) {
    super(message);
    this.name = 'TableUpdateError';
  }
}

/** Update actions in the REST spec beyond the ones modelled in spec.ts. */
export type ExtraTableUpdate =
  | { action: 'set-partition-statistics'; 'partition-statistics': { 'snapshot-id': bigint; [k: string]: unknown } }
  | { action: 'remove-partition-statistics'; 'snapshot-id': bigint }
  | { action: 'add-encryption-key'; 'encryption-key': unknown }
  | { action: 'remove-encryption-key'; 'key-id': string };

export type AnyTableUpdate = TableUpdate | ExtraTableUpdate;

export interface ApplyOptions {
  /** Commit time; becomes last-updated-ms. */
  nowMs: bigint;
  /** The metadata file being replaced, appended to metadata-log. */
  previousMetadataFile?: string;
}

const MAIN = 'main';
const DEFAULT_METADATA_LOG_MAX = 100;

/** Throws TableUpdateError('requirement-failed') on the first requirement the current table does not meet. */
export function checkRequirements(base: TableMetadata | undefined, requirements: TableRequirement[]): void {
  for (const r of requirements) {
    if (r.type === 'assert-create') {
      if (base) fail('table already exists');
      continue;
    }
    if (!base) fail(`table does not exist (${r.type})`);
    switch (r.type) {
      case 'assert-table-uuid':
        if (base['table-uuid'] !== r.uuid) fail(`table UUID does not match: expected ${r.uuid} != ${base['table-uuid']}`);
        break;
      case 'assert-ref-snapshot-id': {
        const actual = refSnapshotId(base, r.ref);
        const expected = r['snapshot-id'] ?? undefined;
        if (expected === undefined && actual !== undefined) fail(`branch or tag ${r.ref} was created concurrently`);
        if (expected !== undefined && actual === undefined) fail(`branch or tag ${r.ref} is missing, expected ${expected}`);
        if (expected !== undefined && actual !== undefined && BigInt(expected) !== actual) {
          fail(`branch ${r.ref} has changed: expected id ${expected} != ${actual}`);
        }
        break;
      }
      case 'assert-last-assigned-field-id':
        same('last assigned field id', r['last-assigned-field-id'], base['last-column-id']);
        break;
      case 'assert-current-schema-id':
        same('current schema id', r['current-schema-id'], base['current-schema-id']);
        break;
      case 'assert-last-assigned-partition-id':
        same('last assigned partition id', r['last-assigned-partition-id'], base['last-partition-id']);
        break;
      case 'assert-default-spec-id':
        same('default partition spec id', r['default-spec-id'], base['default-spec-id']);
        break;
      case 'assert-default-sort-order-id':
        same('default sort order id', r['default-sort-order-id'], base['default-sort-order-id']);
        break;
      default:
        throw new TableUpdateError('invalid-update', `unknown requirement type: ${(r as { type: string }).type}`);
    }
  }
}

/** The metadata a brand-new table starts from before its create updates are applied. */
export function emptyTableMetadata(): TableMetadata {
  return {
    'format-version': 2,
    'table-uuid': '',
    location: '',
    'last-sequence-number': 0n,
    'last-updated-ms': 0n,
    'last-column-id': 0,
    schemas: [],
    'current-schema-id': -1,
    'partition-specs': [],
    'default-spec-id': -1,
    'last-partition-id': 999,
    properties: {},
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
    'sort-orders': [],
    'default-sort-order-id': -1,
    refs: {},
  };
}

/**
 * Applies updates in order and returns the next metadata. With base undefined the updates create a table
 * (as a staged create committed with assert-create does). `-1` ids refer to the last schema, spec or order added.
 */
export function applyUpdates(base: TableMetadata | undefined, updates: AnyTableUpdate[], opts: ApplyOptions): TableMetadata {
  const m: TableMetadata = base ? withOwnContainers(base) : emptyTableMetadata();
  const last = { schema: undefined as number | undefined, spec: undefined as number | undefined, order: undefined as number | undefined };
  for (const u of updates) applyOne(m, u, last);

  if (!m['table-uuid']) invalid('table has no UUID (missing assign-uuid)');
  if (!m.location) invalid('table has no location (missing set-location)');
  if (!m.schemas.some((s) => s['schema-id'] === m['current-schema-id'])) invalid('table has no current schema');
  if (m['partition-specs'].length === 0) {
    m['partition-specs'].push({ 'spec-id': 0, fields: [] });
    m['default-spec-id'] = 0;
  }
  if (m['sort-orders'].length === 0) {
    m['sort-orders'].push({ 'order-id': 0, fields: [] });
    m['default-sort-order-id'] = 0;
  }
  if (base && opts.previousMetadataFile) {
    const max = Number(m.properties['write.metadata.previous-versions-max'] ?? DEFAULT_METADATA_LOG_MAX);
    const entry: MetadataLogEntry = { 'timestamp-ms': base['last-updated-ms'], 'metadata-file': opts.previousMetadataFile };
    m['metadata-log'] = [...m['metadata-log'], entry].slice(-Math.max(1, max));
  }
  const newestSnapshot = m.snapshots.reduce((t, s) => (s['timestamp-ms'] > t ? s['timestamp-ms'] : t), 0n);
  m['last-updated-ms'] = opts.nowMs > newestSnapshot ? opts.nowMs : newestSnapshot;
  return m;
}

function applyOne(m: TableMetadata, u: AnyTableUpdate, last: { schema?: number; spec?: number; order?: number }): void {
  switch (u.action) {
    case 'assign-uuid':
      if (m['table-uuid'] && m['table-uuid'] !== u.uuid) invalid(`cannot reassign table UUID ${m['table-uuid']} to ${u.uuid}`);
      m['table-uuid'] = u.uuid;
      return;
    case 'upgrade-format-version': {
      const v = u['format-version'];
      if (v !== 1 && v !== 2 && v !== 3) invalid(`unsupported format version ${v}`);
      if (v < m['format-version']) invalid(`cannot downgrade format version from ${m['format-version']} to ${v}`);
      m['format-version'] = v as 1 | 2 | 3;
      // Row lineage starts counting when a table becomes v3.
      if (v === 3 && m['next-row-id'] === undefined) m['next-row-id'] = 0n;
      return;
    }
    case 'add-schema': {
      const fields = stringifyJson(u.schema.fields);
      const ids = stringifyJson(u.schema['identifier-field-ids'] ?? []);
      const existing = m.schemas.find((s) => stringifyJson(s.fields) === fields && stringifyJson(s['identifier-field-ids'] ?? []) === ids);
      const highest = Math.max(maxFieldId(u.schema.fields), u['last-column-id'] ?? 0);
      m['last-column-id'] = Math.max(m['last-column-id'], highest);
      if (existing) {
        last.schema = existing['schema-id'];
        return;
      }
      const id = m.schemas.reduce((x, s) => Math.max(x, s['schema-id'] + 1), 0);
      const schema: Schema = { ...u.schema, 'schema-id': id };
      m.schemas.push(schema);
      last.schema = id;
      return;
    }
    case 'set-current-schema': {
      const id = resolveLast(u['schema-id'], last.schema, 'schema');
      if (!m.schemas.some((s) => s['schema-id'] === id)) invalid(`cannot set current schema to unknown schema: ${id}`);
      m['current-schema-id'] = id;
      return;
    }
    case 'add-spec': {
      const fields = stringifyJson(u.spec.fields);
      const existing = m['partition-specs'].find((s) => stringifyJson(s.fields) === fields);
      m['last-partition-id'] = Math.max(m['last-partition-id'], ...u.spec.fields.map((f) => f['field-id']));
      if (existing) {
        last.spec = existing['spec-id'];
        return;
      }
      const id = m['partition-specs'].reduce((x, s) => Math.max(x, s['spec-id'] + 1), 0);
      const spec: PartitionSpec = { ...u.spec, 'spec-id': id };
      m['partition-specs'].push(spec);
      last.spec = id;
      return;
    }
    case 'set-default-spec': {
      const id = resolveLast(u['spec-id'], last.spec, 'partition spec');
      if (!m['partition-specs'].some((s) => s['spec-id'] === id)) invalid(`cannot set default partition spec to unknown spec: ${id}`);
      m['default-spec-id'] = id;
      return;
    }
    case 'add-sort-order': {
      const fields = stringifyJson(u['sort-order'].fields);
      const existing = m['sort-orders'].find((o) => stringifyJson(o.fields) === fields);
      if (existing) {
        last.order = existing['order-id'];
        return;
      }
      // Order id 0 is reserved for the unsorted order.
      const id = u['sort-order'].fields.length === 0 ? 0 : m['sort-orders'].reduce((x, o) => Math.max(x, o['order-id'] + 1), 1);
      const order: SortOrder = { ...u['sort-order'], 'order-id': id };
      m['sort-orders'].push(order);
      last.order = id;
      return;
    }
    case 'set-default-sort-order': {
      const id = resolveLast(u['sort-order-id'], last.order, 'sort order');
      if (!m['sort-orders'].some((o) => o['order-id'] === id)) invalid(`cannot set default sort order to unknown order: ${id}`);
      m['default-sort-order-id'] = id;
      return;
    }
    case 'add-snapshot': {
      const s = u.snapshot;
      if (m.snapshots.some((x) => x['snapshot-id'] === s['snapshot-id'])) invalid(`snapshot already exists: ${s['snapshot-id']}`);
      if (m['format-version'] > 1 && s['sequence-number'] <= m['last-sequence-number'] && s['parent-snapshot-id'] !== undefined) {
        invalid(`cannot add snapshot with sequence number ${s['sequence-number']} older than last sequence number ${m['last-sequence-number']}`);
      }
      if (s['schema-id'] !== undefined && !m.schemas.some((x) => x['schema-id'] === s['schema-id'])) {
        invalid(`snapshot ${s['snapshot-id']} references unknown schema ${s['schema-id']}`);
      }
      if (m['format-version'] >= ROW_LINEAGE_VERSION) {
        // Spec "Snapshot Row IDs": every v3 snapshot claims a range of row ids; next-row-id moves past it on any branch.
        const lineage = nextRowIdAfter(nextRowIdOf(m), s);
        if ('invalid' in lineage) invalid(lineage.invalid);
        if ('conflict' in lineage) fail(lineage.conflict);
        m['next-row-id'] = lineage.next;
      }
      m.snapshots.push(s);
      if (s['sequence-number'] > m['last-sequence-number']) m['last-sequence-number'] = s['sequence-number'];
      return;
    }
    case 'set-snapshot-ref': {
      const { action: _a, 'ref-name': name, ...ref } = u;
      const snapshot = m.snapshots.find((s) => s['snapshot-id'] === ref['snapshot-id']);
      if (!snapshot) invalid(`cannot set ${name} to unknown snapshot: ${ref['snapshot-id']}`);
      if (ref.type !== 'branch' && ref.type !== 'tag') invalid(`invalid ref type for ${name}: ${String(ref.type)}`);
      if (name === MAIN && ref.type !== 'branch') invalid('main must be a branch');
      const previous = m.refs[name];
      m.refs[name] = stripUndefined(ref) as SnapshotRef;
      if (name === MAIN && previous?.['snapshot-id'] !== ref['snapshot-id']) {
        m['current-snapshot-id'] = ref['snapshot-id'];
        m['snapshot-log'].push({ 'timestamp-ms': snapshot['timestamp-ms'], 'snapshot-id': ref['snapshot-id'] });
      }
      return;
    }
    case 'remove-snapshots': {
      const gone = new Set(u['snapshot-ids'].map((id) => BigInt(id)));
      m.snapshots = m.snapshots.filter((s) => !gone.has(s['snapshot-id']));
      for (const [name, ref] of Object.entries(m.refs)) if (gone.has(ref['snapshot-id'])) delete m.refs[name];
      if (m['current-snapshot-id'] !== undefined && gone.has(m['current-snapshot-id'])) delete m['current-snapshot-id'];
      m['snapshot-log'] = m['snapshot-log'].filter((e) => !gone.has(e['snapshot-id']));
      if (m.statistics) m.statistics = m.statistics.filter((s) => !gone.has(statSnapshot(s)));
      if (m['partition-statistics']) m['partition-statistics'] = m['partition-statistics'].filter((s) => !gone.has(statSnapshot(s)));
      return;
    }
    case 'remove-snapshot-ref':
      delete m.refs[u['ref-name']];
      if (u['ref-name'] === MAIN) delete m['current-snapshot-id'];
      return;
    case 'set-location':
      if (!u.location) invalid('table location must not be empty');
      m.location = u.location.replace(/\/+$/, '');
      return;
    case 'set-properties':
      for (const [k, v] of Object.entries(u.updates)) {
        if (typeof v !== 'string') invalid(`property ${k} must be a string`);
        m.properties[k] = v;
      }
      return;
    case 'remove-properties':
      for (const k of u.removals) delete m.properties[k];
      return;
    case 'set-statistics': {
      const id = statSnapshot(u.statistics);
      m.statistics = [...(m.statistics ?? []).filter((s) => statSnapshot(s) !== id), u.statistics];
      return;
    }
    case 'remove-statistics': {
      const id = BigInt(u['snapshot-id']);
      m.statistics = (m.statistics ?? []).filter((s) => statSnapshot(s) !== id);
      return;
    }
    case 'set-partition-statistics': {
      const id = statSnapshot(u['partition-statistics']);
      m['partition-statistics'] = [...(m['partition-statistics'] ?? []).filter((s) => statSnapshot(s) !== id), u['partition-statistics']];
      return;
    }
    case 'remove-partition-statistics': {
      const id = BigInt(u['snapshot-id']);
      m['partition-statistics'] = (m['partition-statistics'] ?? []).filter((s) => statSnapshot(s) !== id);
      return;
    }
    case 'remove-partition-specs':
      if (u['spec-ids'].includes(m['default-spec-id'])) invalid(`cannot remove the default partition spec ${m['default-spec-id']}`);
      m['partition-specs'] = m['partition-specs'].filter((s) => !u['spec-ids'].includes(s['spec-id']));
      return;
    case 'remove-schemas':
      if (u['schema-ids'].includes(m['current-schema-id'])) invalid(`cannot remove the current schema ${m['current-schema-id']}`);
      m.schemas = m.schemas.filter((s) => !u['schema-ids'].includes(s['schema-id']));
      return;
    case 'add-encryption-key':
    case 'remove-encryption-key':
      invalid(`${u.action} is not supported: table encryption is not implemented`);
      return;
    default:
      invalid(`unknown update action: ${(u as { action: string }).action}`);
  }
}

function refSnapshotId(m: TableMetadata, ref: string): bigint | undefined {
  const r = m.refs[ref];
  if (r) return BigInt(r['snapshot-id']);
  // Tables written without refs still have a current snapshot on main.
  if (ref === MAIN && m['current-snapshot-id'] !== undefined && m['current-snapshot-id'] !== -1n) return m['current-snapshot-id'];
  return undefined;
}

function resolveLast(id: number, lastAdded: number | undefined, what: string): number {
  if (id !== -1) return id;
  if (lastAdded === undefined) invalid(`cannot set the last added ${what}: no ${what} has been added`);
  return lastAdded;
}

function maxFieldId(fields: unknown): number {
  // Walks nested structs, lists and maps for the highest id, so last-column-id covers them all.
  let max = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    for (const key of ['id', 'element-id', 'key-id', 'value-id']) if (typeof o[key] === 'number') max = Math.max(max, o[key] as number);
    for (const key of ['type', 'fields', 'element', 'key', 'value']) visit(o[key]);
  };
  visit(fields);
  return max;
}

function statSnapshot(s: unknown): bigint {
  const id = (s as { 'snapshot-id'?: unknown })?.['snapshot-id'];
  if (typeof id === 'bigint') return id;
  if (typeof id === 'number' || typeof id === 'string') return BigInt(id);
  return invalid('statistics entry has no snapshot-id');
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function same(what: string, expected: number, actual: number): void {
  if (expected !== actual) fail(`${what} has changed: expected ${expected} != ${actual}`);
}

function fail(message: string): never {
  throw new TableUpdateError('requirement-failed', `Requirement failed: ${message}`);
}

/**
 * A copy of the metadata with its own arrays and records (snapshots, logs, refs, properties...) and shared entries.
 * Updates add, replace or drop entries and never change one in place, so the base stays untouched. A deep clone
 * of a table with a long history took a quarter of a second of the catalog's event loop per commit.
 */
function withOwnContainers(base: TableMetadata): TableMetadata {
  const m: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(m)) {
    if (Array.isArray(v)) m[k] = [...v];
    else if (v !== null && typeof v === 'object') m[k] = { ...v };
  }
  return m as unknown as TableMetadata;
}

function invalid(message: string): never {
  throw new TableUpdateError('invalid-update', message);
}

/**
 * The updates that build `m` from nothing: what a commit with assert-create carries after a staged create
 * (the staged metadata is not registered, so the commit must recreate it, as Iceberg's Java client does).
 */
export function updatesForNewTable(m: TableMetadata): TableUpdate[] {
  const schema = m.schemas.find((s) => s['schema-id'] === m['current-schema-id']);
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']) ?? { 'spec-id': 0, fields: [] };
  const order = m['sort-orders'].find((o) => o['order-id'] === m['default-sort-order-id']) ?? { 'order-id': 0, fields: [] };
  if (!schema) throw new TableUpdateError('invalid-update', `table ${m.location} has no current schema`);
  const updates: TableUpdate[] = [
    { action: 'assign-uuid', uuid: m['table-uuid'] },
    { action: 'upgrade-format-version', 'format-version': m['format-version'] },
    { action: 'add-schema', schema, 'last-column-id': m['last-column-id'] },
    { action: 'set-current-schema', 'schema-id': -1 },
    { action: 'add-spec', spec },
    { action: 'set-default-spec', 'spec-id': -1 },
    { action: 'add-sort-order', 'sort-order': order },
    { action: 'set-default-sort-order', 'sort-order-id': -1 },
    { action: 'set-location', location: m.location },
  ];
  if (Object.keys(m.properties).length > 0) updates.push({ action: 'set-properties', updates: { ...m.properties } });
  return updates;
}
