// The explorer's children for any node: lists namespaces and tables page by page, loads a table for its
// sections (listed tables show their file counts). Every failure becomes an error node (with the connection's state), never a thrown request.
import type { ChildrenResult, ExplorerNode, NodeRef } from '../protocol/explorer';
import type { TableMetadata } from '../iceberg/spec';
import type { ConnectionRegistry } from './registry';
import { problemOf } from './errors';
import { fileStatsDescription, fileStatsTooltip, tableFileStats } from './maintenance';
import {
  columnNodes, emptyNode, errorNode, loadMoreNode, namespaceNode, nestedColumnNodes, partitionFieldNodes, propertyNodes,
  snapshotNodes, sortFieldNodes, tableNode, tableSectionNodes,
} from './nodes';

const SECTIONS: Partial<Record<NodeRef['kind'], (c: string, ns: string[], t: string, m: TableMetadata) => ExplorerNode[]>> = {
  columns: columnNodes,
  partitionSpec: partitionFieldNodes,
  sortOrder: sortFieldNodes,
  snapshots: snapshotNodes,
  properties: propertyNodes,
};

/** Children of a node. A `loadMore` ref answers the next page of its parent's children (to append). */
export async function childrenOf(registry: ConnectionRegistry, ref: NodeRef): Promise<ChildrenResult> {
  try {
    const nodes = await list(registry, ref);
    return ref.kind === 'connection' ? { nodes, connectionState: { state: 'connected' } } : { nodes };
  } catch (e) {
    const problem = problemOf(e);
    const parent: NodeRef = ref.kind === 'loadMore' ? { ...ref, kind: parentKindOf(ref) } : ref;
    const nodes = [errorNode(parent, problem.state, problem.reason)];
    // Connection-level failures (down, 401, 403) also mark the connection node.
    const connectionLevel = ref.kind === 'connection' || problem.state === 'unreachable' || problem.state === 'unauthorized' || problem.state === 'forbidden';
    return connectionLevel ? { nodes, connectionState: problem } : { nodes };
  }
}

async function list(registry: ConnectionRegistry, ref: NodeRef): Promise<ExplorerNode[]> {
  const { connection } = ref;
  switch (ref.kind) {
    case 'connection':
      return namespaceLevel(registry, connection, [], undefined, ref);
    case 'namespace':
      return namespaceLevel(registry, connection, ref.namespace ?? [], undefined, ref);
    case 'loadMore': {
      const parent = { ...ref, kind: parentKindOf(ref), pageToken: undefined };
      return namespaceLevel(registry, connection, ref.namespace ?? [], ref.pageToken, parent);
    }
    case 'table': {
      const { metadata } = await registry.loadTable(connection, tableId(ref));
      return tableSectionNodes(connection, ref.namespace ?? [], ref.table!, metadata);
    }
    case 'column': {
      if (ref.fieldId === undefined) return [];
      const { metadata } = await registry.loadTable(connection, tableId(ref));
      return nestedColumnNodes(connection, ref.namespace ?? [], ref.table!, ref.fieldId, metadata);
    }
    default: {
      const section = SECTIONS[ref.kind];
      if (!section) return [];
      const { metadata } = await registry.loadTable(connection, tableId(ref));
      return section(connection, ref.namespace ?? [], ref.table!, metadata);
    }
  }
}

/**
 * One page of a namespace level: child namespaces first, then tables (the top level has no tables).
 * The page token is `ns:<token>` or `tb:<token>` so "Load more…" knows which listing to continue.
 */
async function namespaceLevel(registry: ConnectionRegistry, connection: string, namespace: string[], token: string | undefined, parent: NodeRef): Promise<ExplorerNode[]> {
  const catalog = await registry.catalog(connection);
  const nodes: ExplorerNode[] = [];
  const phase = token?.startsWith('tb:') ? 'tables' : 'namespaces';
  const inner = token ? token.slice(3) : undefined;
  if (phase === 'namespaces') {
    const page = await catalog.listNamespaces(namespace, inner);
    nodes.push(...page.items.map((ns) => namespaceNode(connection, ns)));
    if (page.nextPageToken) return [...nodes, loadMoreNode(parent, `ns:${page.nextPageToken}`)];
  }
  if (namespace.length > 0) {
    const page = await catalog.listTables(namespace, phase === 'tables' ? inner : undefined);
    nodes.push(...await withFileStats(registry, connection, page.items.map((t) => tableNode(connection, t.namespace, t.name))));
    if (page.nextPageToken) return [...nodes, loadMoreNode(parent, `tb:${page.nextPageToken}`)];
  }
  if (nodes.length === 0 && !token) return [emptyNode(parent, namespace.length ? 'No tables' : 'No namespaces')];
  return nodes;
}

/**
 * Table nodes with their file counts and size (description) and what they mean (tooltip), from each table's
 * metadata, a few at a time; the loads are cached for expanding. A table that fails to load shows without them.
 */
async function withFileStats(registry: ConnectionRegistry, connection: string, tables: ExplorerNode[]): Promise<ExplorerNode[]> {
  let next = 0;
  const worker = async () => {
    while (next < tables.length) {
      const node = tables[next++];
      try {
        const stats = tableFileStats((await registry.loadTable(connection, tableId(node.ref))).metadata);
        if (stats) {
          node.description = fileStatsDescription(stats);
          node.tooltip = `${node.tooltip}\n${fileStatsTooltip(stats)}`;
        }
      } catch {
        // Shown without counts; expanding the table shows why it does not load.
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(STATS_CONCURRENCY, tables.length) }, worker));
  return tables;
}

const STATS_CONCURRENCY = 4;

function parentKindOf(ref: NodeRef): NodeRef['kind'] {
  return ref.namespace && ref.namespace.length ? 'namespace' : 'connection';
}

function tableId(ref: NodeRef): { namespace: string[]; name: string } {
  return { namespace: ref.namespace ?? [], name: ref.table ?? '' };
}
