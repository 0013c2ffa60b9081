// floe table rewrite-manifests: regroups the current snapshot's data manifests, per partition spec, sorted by
// partition, into manifests of the target size, and commits them as one `replace` snapshot with the same files.
// Each append adds a manifest, so planning a long-lived table reads many small ones; after this a scan that
// filters on the partition skips whole manifests. A concurrent append's manifests are carried over; a concurrent
// rewrite of the same manifests refuses the commit. Delete manifests are left as they are.
import { performance } from 'node:perf_hooks';
import { partitionKey } from '../../iceberg/scan.js';
import type { ManifestEntry, ManifestFile } from '../../iceberg/spec.js';
import { manifestUri, newSnapshotId, schemaFor } from '../write/snapshot-producer.js';
import { checkCancelled, loadMaintained, type MaintenanceOptions } from './maintained-table.js';
import { commitReplace } from './replace-snapshot.js';

/** Iceberg's default commit.manifest.target-size-bytes: 8 MiB. */
export const DEFAULT_MANIFEST_SIZE = 8 * 1024 * 1024;

export interface RewriteManifestsOptions extends MaintenanceOptions {
  targetManifestSizeBytes?: number;
}

export interface RewriteManifestsResult {
  table: string;
  dryRun: boolean;
  /** Data manifests before and after (after: planned, in a dry run). */
  manifestsBefore: number;
  manifestsAfter: number;
  /** Live file entries moved into new manifests. */
  entries: number;
  snapshotId?: bigint;
  attempts: number;
  ms: number;
}

/** Plans the regrouping and, unless a dry run, writes and commits it. */
export async function rewriteManifests(opts: RewriteManifestsOptions): Promise<RewriteManifestsResult> {
  const started = performance.now();
  const progress = opts.onProgress ?? (() => undefined);
  const t = await loadMaintained(opts, 'rewrite manifests of');
  const result: RewriteManifestsResult = { table: t.name, dryRun: opts.dryRun === true, manifestsBefore: 0, manifestsAfter: 0, entries: 0, attempts: 0, ms: 0 };
  const finish = () => ({ ...result, ms: Math.round(performance.now() - started) });
  if (!t.snapshot) return finish();
  const target = opts.targetManifestSizeBytes ?? (Number(t.metadata.properties['commit.manifest.target-size-bytes']) || DEFAULT_MANIFEST_SIZE);
  progress({ phase: 'planning', message: `reading the manifests of ${t.name}` });
  const data = (await t.io.readManifestList(t.storage, t.snapshot['manifest-list'])).filter((m) => m.content === 0);
  result.manifestsBefore = result.manifestsAfter = data.length;

  const bySpec = new Map<number, ManifestFile[]>();
  for (const m of data) (bySpec.get(m['partition-spec-id']) ?? bySpec.set(m['partition-spec-id'], []).get(m['partition-spec-id'])!).push(m);
  const plans: { specId: number; replaced: ManifestFile[]; chunks: ManifestEntry[][] }[] = [];
  for (const [specId, manifests] of bySpec) {
    const spec = t.metadata['partition-specs'].find((s) => s['spec-id'] === specId);
    if (!spec) continue;
    const entries: ManifestEntry[] = [];
    let total = 0;
    for (const m of manifests) {
      checkCancelled(opts.signal, t.name);
      const all = await t.io.readManifest(t.storage, m);
      total += all.length;
      entries.push(...all.filter((e) => e.status !== 2));
    }
    const bytesPerEntry = Math.max(1, manifests.reduce((n, m) => n + Number(m['manifest-length']), 0) / Math.max(1, total));
    const perManifest = Math.max(1, Math.floor(target / bytesPerEntry));
    const count = Math.ceil(entries.length / perManifest);
    // Worth it when it leaves fewer manifests, or drops entries of files deleted long ago.
    if (count >= manifests.length && entries.length === total) continue;
    const keyed = entries.map((e) => ({ e, key: partitionKey(specId, spec, e['data-file'].partition) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const chunks: ManifestEntry[][] = [];
    for (let i = 0; i < keyed.length; i += perManifest) chunks.push(keyed.slice(i, i + perManifest).map((k) => ({ ...k.e, status: 0 })));
    plans.push({ specId, replaced: manifests, chunks });
    result.manifestsAfter += chunks.length - manifests.length;
    result.entries += entries.length;
  }
  if (opts.dryRun || !plans.length) return finish();

  const snapshotId = newSnapshotId();
  const added: ManifestFile[] = [];
  const location = t.metadata.location.replace(/\/+$/, '');
  try {
    let done = 0;
    for (const p of plans) {
      const spec = t.metadata['partition-specs'].find((s) => s['spec-id'] === p.specId)!;
      const schema = schemaFor(t.metadata, spec)!;
      for (const entries of p.chunks) {
        checkCancelled(opts.signal, t.name);
        progress({ phase: 'rewriting', done: done++, total: result.manifestsAfter, message: `writing manifest ${done} of ${t.name}` });
        added.push(await t.io.writeManifest(t.storage, { uri: manifestUri(location), formatVersion: t.metadata['format-version'], schema, spec, content: 0, snapshotId, entries }));
      }
    }
  } catch (e) {
    await Promise.all(added.map((m) => t.storage.delete(m['manifest-path']).catch(() => undefined)));
    throw e;
  }
  const replaced = plans.flatMap((p) => p.replaced);
  const replace = {
    table: t.name, snapshotId, schemaId: t.metadata['current-schema-id'], addedFiles: [], removedFiles: new Set<string>(),
    replacedManifests: new Set(replaced.map((m) => m['manifest-path'])), addedManifests: added,
    summary: { 'manifests-created': String(added.length), 'manifests-replaced': String(replaced.length), 'entries-processed': String(result.entries) },
  };
  progress({ phase: 'committing', message: `committing ${added.length} manifest(s) in place of ${replaced.length}` });
  result.attempts = await commitReplace(opts, t, replace, added.map((m) => m['manifest-path']));
  result.snapshotId = snapshotId;
  progress({ phase: 'done', message: `${t.name}: ${replaced.length} manifest(s) rewritten as ${added.length}` });
  return finish();
}
