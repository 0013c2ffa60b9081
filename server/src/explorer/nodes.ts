// Pure formatting: catalog answers (namespaces, tables, table metadata) become explorer tree nodes.
import type { ExplorerNode, NodeKind, NodeRef, NodeState } from '../protocol/explorer';
import type { IcebergType, NestedField, PartitionSpec, Schema, Snapshot, SortOrder, TableMetadata } from '../iceberg/spec';
import { formatType } from '../iceberg/types';

/** Stable ids: every part of the ref, joined with a separator that cannot appear in names. */
export function nodeId(ref: NodeRef, extra = ''): string {
  return [ref.connection, ref.kind, ...(ref.namespace ?? []), ref.table ?? '', ref.snapshotId ?? '', ref.pageToken ?? '', extra].join('\u001f');
}

function node(ref: NodeRef, fields: Omit<ExplorerNode, 'ref' | 'id' | 'contextValue'> & { contextValue?: string; idExtra?: string }): ExplorerNode {
  const { idExtra, contextValue, ...rest } = fields;
  return { ref, id: nodeId(ref, idExtra), contextValue: contextValue ?? `floe.${ref.kind}`, ...rest };
}

export function namespaceNode(connection: string, namespace: string[]): ExplorerNode {
  return node({ connection, kind: 'namespace', namespace }, {
    label: namespace[namespace.length - 1], tooltip: `Namespace ${namespace.join('.')}`, icon: 'folder', collapsible: true,
  });
}

export function tableNode(connection: string, namespace: string[], table: string): ExplorerNode {
  return node({ connection, kind: 'table', namespace, table }, {
    label: table, tooltip: `Table ${[...namespace, table].join('.')}`, icon: 'table', collapsible: true,
  });
}

/** The node that fetches the next page of its parent's children. */
export function loadMoreNode(parent: NodeRef, pageToken: string): ExplorerNode {
  return node({ ...parent, kind: 'loadMore', pageToken }, {
    label: 'Load more…', icon: 'ellipsis', collapsible: false, tooltip: 'List the next page',
  });
}

export function emptyNode(parent: NodeRef, label: string): ExplorerNode {
  return node({ ...parent, kind: 'empty' }, { label, icon: 'info', collapsible: false });
}

/** An error shown in the tree, with the reason; its context value offers Retry. */
export function errorNode(parent: NodeRef, state: NodeState, reason: string): ExplorerNode {
  return node({ ...parent, kind: 'error' }, {
    label: STATE_LABELS[state], description: reason, tooltip: reason, icon: 'error', collapsible: false, state,
  });
}

export const STATE_LABELS: Record<NodeState, string> = {
  unreachable: 'Catalog unreachable',
  unauthorized: 'Not authorized (401)',
  forbidden: 'Forbidden (403)',
  'not-found': 'Not found',
  error: 'Error',
};

/** The five sections inside a table. */
export function tableSectionNodes(connection: string, namespace: string[], table: string, m: TableMetadata): ExplorerNode[] {
  const base = { connection, namespace, table };
  const schema = currentSchema(m);
  const spec = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
  const order = m['sort-orders'].find((o) => o['order-id'] === m['default-sort-order-id']);
  const section = (kind: NodeKind, label: string, description: string, icon: string, count: number) =>
    node({ ...base, kind }, { label, description, icon, collapsible: count > 0 });
  return [
    section('columns', 'Columns', String(schema?.fields.length ?? 0), 'symbol-field', schema?.fields.length ?? 0),
    section('partitionSpec', 'Partition spec', spec && spec.fields.length ? `spec ${spec['spec-id']}` : 'unpartitioned', 'layers', spec?.fields.length ?? 0),
    section('sortOrder', 'Sort order', order && order.fields.length ? `order ${order['order-id']}` : 'unsorted', 'list-ordered', order?.fields.length ?? 0),
    section('snapshots', 'Snapshots', String(m.snapshots.length), 'history', m.snapshots.length),
    section('properties', 'Properties', String(Object.keys(m.properties).length), 'settings', Object.keys(m.properties).length),
  ];
}

export function currentSchema(m: TableMetadata): Schema | undefined {
  return m.schemas.find((s) => s['schema-id'] === m['current-schema-id']);
}

/** Columns of the current schema: type, required, field id, doc. */
export function columnNodes(connection: string, namespace: string[], table: string, m: TableMetadata): ExplorerNode[] {
  const schema = currentSchema(m);
  return (schema?.fields ?? []).map((f) => columnNode({ connection, kind: 'column', namespace, table }, f));
}

export function columnNode(ref: NodeRef, f: NestedField): ExplorerNode {
  const type = formatType(f.type);
  const req = f.required ? 'required' : 'optional';
  const nested = typeof f.type !== 'string';
  return node(nested ? { ...ref, fieldId: f.id } : ref, {
    idExtra: String(f.id),
    label: f.name,
    description: `${type} · ${req} · id ${f.id}`,
    tooltip: [`${f.name}: ${type} (${req}, field id ${f.id})`, f.doc].filter(Boolean).join('\n'),
    icon: nested ? 'symbol-struct' : f.required ? 'key' : 'symbol-field',
    collapsible: nested,
  });
}

/** The fields inside a nested type: a struct's fields, a list's `element`, a map's `key` and `value`. */
export function nestedFieldsOf(type: IcebergType): NestedField[] {
  if (typeof type === 'string') return [];
  switch (type.type) {
    case 'struct': return type.fields;
    case 'list': return [{ id: type['element-id'], name: 'element', required: type['element-required'], type: type.element }];
    case 'map': return [
      { id: type['key-id'], name: 'key', required: true, type: type.key },
      { id: type['value-id'], name: 'value', required: type['value-required'], type: type.value },
    ];
  }
}

/** A field anywhere in the schema by id (list elements and map keys/values included). */
export function findField(fields: NestedField[], id: number): NestedField | undefined {
  for (const f of fields) {
    if (f.id === id) return f;
    const inner = findField(nestedFieldsOf(f.type), id);
    if (inner) return inner;
  }
  return undefined;
}

/** Children of a nested column node. */
export function nestedColumnNodes(connection: string, namespace: string[], table: string, fieldId: number, m: TableMetadata): ExplorerNode[] {
  const field = findField(currentSchema(m)?.fields ?? [], fieldId);
  return field ? nestedFieldsOf(field.type).map((f) => columnNode({ connection, kind: 'column', namespace, table }, f)) : [];
}

export function partitionFieldNodes(connection: string, namespace: string[], table: string, m: TableMetadata): ExplorerNode[] {
  const spec: PartitionSpec | undefined = m['partition-specs'].find((s) => s['spec-id'] === m['default-spec-id']);
  const names = columnNames(m);
  return (spec?.fields ?? []).map((f) => node({ connection, kind: 'partitionField', namespace, table }, {
    idExtra: String(f['field-id']),
    label: f.name,
    description: `${f.transform}(${names.get(f['source-id']) ?? `#${f['source-id']}`})`,
    tooltip: `Partition field ${f.name} (field id ${f['field-id']}): ${f.transform} of source column id ${f['source-id']}`,
    icon: 'symbol-enum-member',
    collapsible: false,
  }));
}

export function sortFieldNodes(connection: string, namespace: string[], table: string, m: TableMetadata): ExplorerNode[] {
  const order: SortOrder | undefined = m['sort-orders'].find((o) => o['order-id'] === m['default-sort-order-id']);
  const names = columnNames(m);
  return (order?.fields ?? []).map((f, i) => {
    const column = names.get(f['source-id']) ?? `#${f['source-id']}`;
    return node({ connection, kind: 'sortField', namespace, table }, {
      idExtra: String(i),
      label: f.transform === 'identity' ? column : `${f.transform}(${column})`,
      description: `${f.direction} ${f['null-order']}`,
      icon: f.direction === 'asc' ? 'arrow-up' : 'arrow-down',
      collapsible: false,
    });
  });
}

/** Snapshots newest first, labelled by time and operation; ids stay exact decimal strings (tooltip, ref, copy). */
export function snapshotNodes(connection: string, namespace: string[], table: string, m: TableMetadata): ExplorerNode[] {
  const current = m['current-snapshot-id'];
  const sorted = [...m.snapshots]
    .sort((a, b) => (a['timestamp-ms'] === b['timestamp-ms'] ? Number(b['sequence-number'] - a['sequence-number']) : a['timestamp-ms'] < b['timestamp-ms'] ? 1 : -1));
  // Minutes read best; snapshots sharing a minute (a seed run commits several) show their seconds so labels differ.
  const perMinute = new Map<string, number>();
  for (const s of sorted) perMinute.set(snapshotTime(s['timestamp-ms'], false), (perMinute.get(snapshotTime(s['timestamp-ms'], false)) ?? 0) + 1);
  return sorted.map((s) => {
    const seconds = (perMinute.get(snapshotTime(s['timestamp-ms'], false)) ?? 0) > 1;
    return snapshotNode({ connection, kind: 'snapshot', namespace, table, snapshotId: s['snapshot-id'].toString() }, s, s['snapshot-id'] === current, seconds);
  });
}

/** A snapshot row: "2026-12-04 20:31 · append", described "current · +3 records"; the 19-digit id in the tooltip. */
export function snapshotNode(ref: NodeRef, s: Snapshot, isCurrent: boolean, seconds = false): ExplorerNode {
  const id = s['snapshot-id'].toString();
  const time = formatTimestampMs(s['timestamp-ms']);
  const records = recordSummary(s.summary);
  return node(ref, {
    label: [snapshotTime(s['timestamp-ms'], seconds), s.summary.operation].filter(Boolean).join(' · '),
    description: [isCurrent ? 'current' : '', records].filter(Boolean).join(' · '),
    tooltip: [
      `Snapshot ${id}${isCurrent ? ' (current)' : ''}`,
      `${time}, ${s.summary.operation}`,
      s['parent-snapshot-id'] !== undefined ? `parent ${s['parent-snapshot-id'].toString()}` : 'no parent',
      `sequence number ${s['sequence-number'].toString()}`,
      ...Object.entries(s.summary).filter(([k]) => k !== 'operation').map(([k, v]) => `${k}: ${v}`),
    ].join('\n'),
    icon: isCurrent ? 'git-commit' : 'circle-outline',
    collapsible: false,
    contextValue: 'floe.snapshot',
  });
}

/** "2026-12-04 20:31" (UTC), to the second when asked; the raw value when it is no valid time. */
export function snapshotTime(ms: bigint, seconds: boolean): string {
  const full = formatTimestampMs(ms);
  return full.endsWith(' UTC') ? full.slice(0, seconds ? 19 : 16) : full;
}

/** "+3 / −1 records" from a snapshot summary; empty when the summary has no record counts. */
export function recordSummary(summary: Record<string, string>): string {
  const added = summary['added-records'];
  const removed = summary['deleted-records'];
  const parts: string[] = [];
  if (added !== undefined) parts.push(`+${added}`);
  if (removed !== undefined) parts.push(`−${removed}`);
  return parts.length ? `${parts.join(' / ')} records` : '';
}

/** UTC time to the second, e.g. 2026-11-25 03:50:20 UTC. */
export function formatTimestampMs(ms: bigint): string {
  const d = new Date(Number(ms));
  return Number.isNaN(d.getTime()) ? `${ms} ms` : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function propertyNodes(connection: string, namespace: string[], table: string, m: TableMetadata): ExplorerNode[] {
  return Object.entries(m.properties).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => node({ connection, kind: 'property', namespace, table }, {
    idExtra: k, label: k, description: v, tooltip: `${k} = ${v}`, icon: 'symbol-property', collapsible: false,
  }));
}

function columnNames(m: TableMetadata): Map<number, string> {
  const names = new Map<number, string>();
  for (const f of currentSchema(m)?.fields ?? []) names.set(f.id, f.name);
  return names;
}
