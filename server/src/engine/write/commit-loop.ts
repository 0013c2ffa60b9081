// Commits a write with optimistic concurrency: on a conflict (409) reload, rebuild the commit on the new parent
// and retry with backoff; when the outcome is unknown (5xx, timeout) keep every file, since the commit may have
// landed; when the commit certainly failed remove what this write created.
import type { Catalog, LoadTableResult } from '../../catalog/catalog.js';
import { CatalogError } from '../../catalog/catalog.js';
import type { TableIdentifier, TableMetadata, TableRequirement, TableUpdate } from '../../iceberg/spec.js';
import type { Storage } from '../../storage/storage.js';
import { WriteError } from './write-error.js';

export interface CommitAttempt {
  requirements: TableRequirement[];
  updates: TableUpdate[];
  /** Files written for this attempt only (manifest list, rewritten manifests). */
  attemptFiles: string[];
}

export interface CommitLoopInput {
  catalog: Catalog;
  table: TableIdentifier;
  storage: Storage;
  snapshotId: bigint;
  /** Builds the commit against the latest metadata (undefined: the table is being created). */
  build(base: TableMetadata | undefined, attempt: number): Promise<CommitAttempt>;
  /** The metadata the first attempt is built on. */
  initial: TableMetadata | undefined;
  /** Files the write created before committing (data files, new manifests): removed if the commit certainly fails. */
  ownFiles: string[];
  maxAttempts?: number;
  /** Backoff before retry n (1-based), in ms. */
  backoffMs?: (retry: number) => number;
  signal?: AbortSignal;
}

export interface CommitLoopResult { metadata: TableMetadata; metadataLocation: string; attempts: number }

const defaultBackoff = (retry: number) => Math.min(2000, 50 * 2 ** retry) * (0.5 + Math.random() / 2);

export function tableName(id: TableIdentifier): string {
  return [...id.namespace, id.name].join('.');
}

export async function commitWithRetry(input: CommitLoopInput): Promise<CommitLoopResult> {
  const name = tableName(input.table);
  const maxAttempts = input.maxAttempts ?? 5;
  const spent: string[] = [];
  let base = input.initial;
  for (let attempt = 1; ; attempt++) {
    let built: CommitAttempt;
    try {
      if (input.signal?.aborted) throw new WriteError('cancelled', `the write to ${name} was cancelled before its commit`, { table: name });
      built = await input.build(base, attempt);
    } catch (e) {
      await remove(input.storage, [...spent, ...input.ownFiles]);
      throw e;
    }
    try {
      const result = await input.catalog.commitTable(input.table, built.requirements, built.updates);
      await remove(input.storage, spent);
      return { ...result, attempts: attempt };
    } catch (e) {
      if (e instanceof CatalogError && e.kind === 'commit-conflict' && base !== undefined && attempt < maxAttempts) {
        spent.push(...built.attemptFiles);
        await sleep((input.backoffMs ?? defaultBackoff)(attempt));
        base = (await input.catalog.loadTable(input.table)).metadata;
        continue;
      }
      if (isUnknownOutcome(e)) {
        const landed = await snapshotLanded(input);
        if (landed) { await remove(input.storage, spent); return { ...landed, attempts: attempt }; }
        throw new WriteError('commit-state-unknown',
          `the catalog did not confirm the commit of snapshot ${input.snapshotId} to ${name} (${message(e)}); its files were kept in case it succeeded — check the table's history before writing again`,
          { table: name }, { cause: e });
      }
      await remove(input.storage, [...spent, ...built.attemptFiles, ...input.ownFiles]);
      if (e instanceof CatalogError && e.kind === 'commit-conflict') {
        throw new WriteError(base === undefined ? 'table-exists' : 'conflict',
          base === undefined
            ? `${name} was created by someone else while this write was preparing it (${e.message})`
            : `${name} kept changing: gave up after ${attempt} attempts (${e.message})`,
          { table: name }, { cause: e });
      }
      throw e;
    }
  }
}

/** A 5xx on commit, a timeout or a dropped connection: the catalog may or may not have applied the commit. */
function isUnknownOutcome(e: unknown): boolean {
  if (e instanceof CatalogError) return e.kind === 'commit-state-unknown';
  return !(e instanceof WriteError);
}

/** After an unknown outcome, a reload that shows our snapshot proves the commit landed. */
async function snapshotLanded(input: CommitLoopInput): Promise<{ metadata: TableMetadata; metadataLocation: string } | undefined> {
  try {
    const loaded: LoadTableResult = await input.catalog.loadTable(input.table);
    if (loaded.metadata.snapshots.some((s) => s['snapshot-id'] === input.snapshotId)) {
      return { metadata: loaded.metadata, metadataLocation: loaded.metadataLocation ?? '' };
    }
  } catch {
    // Still unknown: keep everything.
  }
  return undefined;
}

async function remove(storage: Storage, uris: string[]): Promise<void> {
  await Promise.all(uris.map((u) => storage.delete(u).catch(() => undefined)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
