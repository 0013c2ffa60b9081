// Explorer actions on a connection: metadata JSON, create a namespace, drop a table. Errors come back as text.
import { tableMetadataToJson } from '../iceberg/metadata-json';
import { tableDisplayName } from '../catalog/names';
import { stringifyJson } from '../util/json';
import type { ActionResult, TableParams } from '../protocol/explorer';
import type { ConnectionRegistry } from './registry';
import { problemOf } from './errors';

/** The table's current metadata as pretty JSON; int64 values stay exact. */
export async function tableMetadataJson(registry: ConnectionRegistry, p: TableParams): Promise<{ json: string; metadataLocation?: string } | { error: string }> {
  try {
    const id = { namespace: p.namespace, name: p.table };
    registry.forgetTable(p.connection, id);
    const loaded = await registry.loadTable(p.connection, id);
    return { json: stringifyJson(tableMetadataToJson(loaded.metadata), 2), metadataLocation: loaded.metadataLocation };
  } catch (e) {
    return { error: problemOf(e).reason };
  }
}

export async function createNamespace(registry: ConnectionRegistry, connection: string, namespace: string[]): Promise<ActionResult> {
  const bad = namespace.find((level) => level.trim() === '');
  if (namespace.length === 0 || bad !== undefined) return { error: 'A namespace needs one or more non-empty levels, e.g. demo.bronze.' };
  try {
    await (await registry.catalog(connection)).createNamespace(namespace);
    return { ok: true };
  } catch (e) {
    return { error: problemOf(e).reason };
  }
}

export async function dropTable(registry: ConnectionRegistry, p: TableParams & { purge?: boolean }): Promise<ActionResult> {
  const id = { namespace: p.namespace, name: p.table };
  try {
    await (await registry.catalog(p.connection)).dropTable(id, p.purge === true);
    registry.forgetTable(p.connection, id);
    return { ok: true };
  } catch (e) {
    return { error: `Could not drop ${tableDisplayName(id)}: ${problemOf(e).reason}` };
  }
}
