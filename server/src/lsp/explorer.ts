// The floe/explorer/* handlers: the catalog explorer's requests onto server/src/explorer. Catalog failures are
// answered as data (error nodes, { error }), so the client never shows a stack trace.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Connection } from 'vscode-languageserver';
import type { Workspace } from '../project/workspace';
import type { DbtProject } from '../project/project';
import type { Catalog } from '../catalog/catalog';
import {
  ExplorerChildrenRequest, ExplorerConnectionsRequest, ExplorerCreateNamespaceRequest, ExplorerDropTableRequest,
  ExplorerMetadataRequest, ExplorerRetryRequest, ExplorerSetCredentialRequest, ExplorerSourceRefRequest,
  ExplorerStagingModelRequest, ExplorerStartLocalRequest, ExplorerMaintenanceRequest, ExplorerMaintenanceProgressNotification,
} from '../protocol/explorer';
import { ConnectionRegistry } from '../explorer/registry';
import { connectionNode, connectionsOf } from '../explorer/connections';
import { problemOf } from '../explorer/errors';
import { errorNode } from '../explorer/nodes';
// The tree, actions and sources load on first use: they pull in Iceberg, Avro and DuckDB code that no cold start needs.
const tree = () => import('../explorer/tree.js');
const actions = () => import('../explorer/actions.js');
const sources = () => import('../explorer/sources.js');
import { uriToPath } from './convert';

/** What other handlers may use: the explorer's live catalog clients (e.g. to preview a table the tree shows). */
export interface ExplorerHandlers {
  /** The catalog client of an explorer connection (with its in-memory credentials); undefined for an unknown id. */
  catalogOf(connection: string): Promise<Catalog> | undefined;
}

export function registerExplorerHandlers(connection: Connection, workspace: Workspace, log: (line: string) => void): ExplorerHandlers {
  const registry = new ConnectionRegistry({ log: (line) => log(`floe: catalog: ${line}`) });
  const localFolders = new Set<string>();
  const fail = (name: string, e: unknown) => {
    log(`floe: explorer ${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    return problemOf(e).reason;
  };

  connection.onRequest(ExplorerConnectionsRequest.type, (params) => {
    try {
      // The client asks for connections on every full refresh: reload table metadata from then on.
      registry.forgetTables();
      registry.setConnections(connectionsOf(workspace.projects, params.catalogs ?? [], [...localFolders]));
      const connections = registry.connections();
      return { connections, nodes: connections.map(connectionNode) };
    } catch (e) {
      fail('connections', e);
      return { connections: [], nodes: [] };
    }
  });

  connection.onRequest(ExplorerChildrenRequest.type, async (params) => {
    try {
      return await (await tree()).childrenOf(registry, params.ref);
    } catch (e) {
      const p = problemOf(e);
      fail('children', e);
      return { nodes: [errorNode(params.ref, p.state, p.reason)] };
    }
  });

  connection.onRequest(ExplorerSetCredentialRequest.type, (params) => {
    registry.setSecret(params.connection, params.clientSecret, params.clientId);
  });

  connection.onRequest(ExplorerRetryRequest.type, (params) => {
    registry.forget(params.connection);
  });

  connection.onRequest(ExplorerMetadataRequest.type, async (params) => (await actions()).tableMetadataJson(registry, params));
  connection.onRequest(ExplorerCreateNamespaceRequest.type, async (params) => (await actions()).createNamespace(registry, params.connection, params.namespace));
  connection.onRequest(ExplorerDropTableRequest.type, async (params) => (await actions()).dropTable(registry, params));

  // Cancelling the request (the client's Cancel button) aborts the run; a commit already sent is not undone.
  connection.onRequest(ExplorerMaintenanceRequest.type, async (params, token) => {
    const controller = new AbortController();
    const sub = token.onCancellationRequested(() => controller.abort());
    try {
      // Loaded on first use: table maintenance pulls in DuckDB, which no cold start needs.
      const { runTableMaintenance } = await import('../explorer/maintenance.js');
      return await runTableMaintenance(registry, params, {
        signal: controller.signal,
        onProgress: (p) => void connection.sendNotification(ExplorerMaintenanceProgressNotification.type, {
          progressToken: params.progressToken, message: p.message,
          percent: p.total ? Math.round((100 * (p.done ?? 0)) / p.total) : undefined,
        }),
      });
    } catch (e) {
      return { error: fail('maintenance', e) };
    } finally {
      sub.dispose();
    }
  });

  connection.onRequest(ExplorerSourceRefRequest.type, async (params) => {
    try {
      const { sourceRefFor } = await sources();
      const project = projectFor(params.connection, params.projectHint);
      if (!project) return { error: 'Open a dbt project (a folder with dbt_project.yml) to map catalog tables to sources.' };
      return sourceRefFor(project, { namespace: params.namespace, name: params.table }, readText);
    } catch (e) {
      return { error: fail('sourceRef', e) };
    }
  });

  connection.onRequest(ExplorerStagingModelRequest.type, async (params) => {
    try {
      const project = projectFor(params.connection, params.projectHint);
      if (!project) return { error: 'Open a dbt project (a folder with dbt_project.yml) to create a staging model.' };
      const id = { namespace: params.namespace, name: params.table };
      const { metadata } = await registry.loadTable(params.connection, id);
      return (await sources()).stagingModelFor(project, id, metadata, readText);
    } catch (e) {
      return { error: fail('stagingModel', e) };
    }
  });

  connection.onRequest(ExplorerStartLocalRequest.type, async (params) => {
    try {
      const folder = path.resolve(uriToPath(params.folder) ?? params.folder);
      // A folder inside a dbt project uses that project's lakehouse, which is always listed.
      const project = workspace.projectOf(path.join(folder, 'dbt_project.yml'));
      if (!project) localFolders.add(folder);
      const local = connectionsOf(project ? [project] : [], [], project ? [] : [folder]).find((c) => c.localWarehouse)!;
      const { localCatalogServer } = await import('../run/lakehouse.js');
      const server = await localCatalogServer(local.localWarehouse!, local.localS3, log);
      return { uri: server.uri };
    } catch (e) {
      return { error: fail('startLocal', e) };
    }
  });

  const handlers: ExplorerHandlers = {
    catalogOf: (id) => (registry.config(id) ? registry.catalog(id) : undefined),
  };
  return handlers;

  /** The project a table action writes into: the hint's project, the connection's, else the first one. */
  function projectFor(connectionId: string, hint?: string): DbtProject | undefined {
    const hinted = hint ? workspace.projectOf(uriToPath(hint) ?? hint) : undefined;
    const root = registry.config(connectionId)?.projectRoot;
    return hinted ?? workspace.projects.find((p) => p.root === root) ?? workspace.projects[0];
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
