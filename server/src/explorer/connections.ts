// The explorer's connections: profiles.yml targets with a catalog_uri, `floe.catalogs` entries, and the local
// lakehouse of each project (always present). Pure: no network, no disk beyond the project model.
import path from 'node:path';
import type { DbtProject } from '../project/project';
import { resolveTarget } from '../project/profiles';
import { secretKeyOf, type CatalogSettingEntry, type ConnectionInfo, type ExplorerNode } from '../protocol/explorer';
import { localWarehouseOf } from '../run/lakehouse-settings';
import type { S3Options } from '../storage/storage';
import { nodeId } from './nodes';
import { parseCredential } from '../catalog/credential';

export interface ConnectionConfig {
  info: ConnectionInfo;
  /** The local lakehouse: its warehouse folder, and the profile's S3 settings its tables may live under. */
  localWarehouse?: string;
  localS3?: S3Options;
  /** The project this connection belongs to (profile and local connections). */
  projectRoot?: string;
  /** A `client_id:client_secret` from the setting's legacy `credential` field (env already resolved). */
  settingCredential?: { clientId: string; clientSecret: string };
}


/**
 * Every connection to show, in order: each project's active target first (its profile catalog, or its local lakehouse
 * when the target names none), marked `active` so the tree opens it; then settings, the other profile targets and the
 * remaining local lakehouses, which connect only when the user expands them.
 */
export function connectionsOf(projects: readonly DbtProject[], settings: readonly CatalogSettingEntry[], extraLocalFolders: readonly string[] = [], env: NodeJS.ProcessEnv = process.env): ConnectionConfig[] {
  const out: ConnectionConfig[] = [];
  const seen = new Set<string>();
  const add = (c: ConnectionConfig) => {
    if (seen.has(c.info.id)) return;
    seen.add(c.info.id);
    out.push(c);
  };
  for (const p of projects) {
    const active = p.target.catalog?.catalogUri ? profileConnection(p, p.target.name) : { ...localConnection(p.root, `Local lakehouse · ${p.name}`), localS3: localS3Of(p) };
    if (active) add({ ...active, info: { ...active.info, active: true } });
  }
  for (const s of settings) {
    if (!s || typeof s.name !== 'string' || typeof s.uri !== 'string' || !s.uri) continue;
    const legacy = s.credential ? parseCredential(resolveEnv(s.credential, env)) : undefined;
    const clientId = s.clientId ?? legacy?.clientId;
    add({
      info: {
        id: `setting:${s.name}`, label: s.name, kind: 'setting', uri: s.uri, warehouse: s.warehouse, clientId, realm: s.realm, scope: s.scope,
        secretKey: clientId && !legacy ? secretKeyOf(s.uri, s.warehouse, clientId) : undefined,
      },
      settingCredential: legacy,
    });
  }
  for (const p of projects) {
    const profile = p.profiles?.profiles[p.target.profile];
    for (const targetName of Object.keys(profile?.outputs ?? {})) {
      const c = profileConnection(p, targetName);
      if (c) add(c);
    }
  }
  for (const p of projects) add({ ...localConnection(p.root, `Local lakehouse · ${p.name}`), localS3: localS3Of(p) });
  for (const folder of extraLocalFolders) add(localConnection(path.resolve(folder), `Local lakehouse · ${path.basename(folder)}`));
  return out;
}

/** A profiles.yml target's catalog; undefined when the target names no catalog_uri. */
function profileConnection(p: DbtProject, targetName: string): ConnectionConfig | undefined {
  const target = resolveTarget(p.profiles, p.target.profile, targetName);
  const uri = target.catalog?.catalogUri;
  if (!uri) return undefined;
  return {
    info: { id: `profile:${p.root}:${targetName}`, label: `${p.name} · ${targetName}`, kind: 'profile', uri, warehouse: target.catalog?.warehouse },
    projectRoot: p.root,
  };
}

function localConnection(root: string, label: string): ConnectionConfig {
  const warehouse = localWarehouseOf(root);
  return { info: { id: `local:${root}`, label, kind: 'local', warehouse: 'floe' }, localWarehouse: warehouse, projectRoot: root };
}

/** The connection's top-level node. */
export function connectionNode(c: ConnectionInfo): ExplorerNode {
  const ref = { connection: c.id, kind: 'connection' as const };
  const where = [c.active ? 'active target' : '', c.kind === 'local' ? 'embedded catalog over .floe/warehouse' : [c.uri, c.warehouse].filter(Boolean).join(' · ')]
    .filter(Boolean).join(' · ');
  return {
    ref, id: nodeId(ref), label: c.label, description: where,
    tooltip: [c.label, c.uri ? `URI: ${c.uri}` : '', c.warehouse ? `Warehouse: ${c.warehouse}` : '', c.clientId ? `Client id: ${c.clientId}` : '', c.realm ? `Realm: ${c.realm}` : '']
      .filter(Boolean).join('\n'),
    icon: c.kind === 'local' ? 'home' : 'database', collapsible: true, expanded: c.active,
    contextValue: `floe.connection.${c.kind}`,
  };
}

/** The S3 settings of a project's local target (none when the target names a remote catalog). */
function localS3Of(p: DbtProject): S3Options | undefined {
  const c = p.target.catalog;
  if (!c || c.catalogUri) return undefined;
  const s3: S3Options = { endpoint: c.s3Endpoint, region: c.s3Region, accessKeyId: c.s3AccessKeyId, secretAccessKey: c.s3SecretAccessKey, forcePathStyle: c.s3Endpoint ? true : undefined };
  for (const k of Object.keys(s3) as (keyof S3Options)[]) if (s3[k] === undefined) delete s3[k];
  return Object.keys(s3).length ? s3 : undefined;
}

/** `${env:VAR}` in a setting value. */
function resolveEnv(value: string, env: NodeJS.ProcessEnv): string {
  return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => env[name] ?? '');
}
