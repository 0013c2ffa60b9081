// Table operations of the local catalog: create (plain and staged), load, commit, drop, rename, register, and
// multi-table transactions. Metadata files go through Storage; the pointer swap happens under the table lock.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { realpath } from 'node:fs/promises';
import type { PartitionSpec, Schema, SortOrder, TableIdentifier, TableMetadata, TableRequirement, TableUpdate } from '../../iceberg/spec';
import { applyUpdates, checkRequirements } from '../../iceberg/apply-updates';
import type { Storage } from '../../storage/storage';
import { localPathOf } from '../../storage/local';
import { isS3Uri } from '../../storage/factory';
import { tableDisplayName } from '../names';
import { alreadyExists, badRequest, commitFailed, noSuchTable, RestError } from './rest-error';
import type { WarehouseStore } from './warehouse-store';
import { LockTimeoutError } from './file-lock';
import { MetadataCache } from './metadata-cache';
import { MetadataCodec, OFF_THREAD_BYTES } from './metadata-codec';
import { isInside, locationConflict, locationKey, locationOfMetadataFile, overlaps } from './location-guard';
import { purgeTableFiles } from './purge';
import { DEFAULT_MAX_METADATA_BYTES, readMetadataFile } from './metadata-file';
import { validateTableMetadata } from '../../iceberg/validate-metadata';
import { IcebergError } from '../../iceberg/errors';

export interface LoadedTable {
  metadataLocation?: string;
  metadata: TableMetadata;
  /** `metadata` as compact JSON (UTF-8), when at hand (large metadata is serialized once, off the event loop). */
  metadataJson?: Uint8Array;
}

export interface NewTable {
  name: string;
  schema: Schema;
  location?: string;
  spec?: PartitionSpec;
  order?: SortOrder;
  properties?: Record<string, string>;
}

export interface TableChange { id: TableIdentifier; requirements: TableRequirement[]; updates: TableUpdate[] }

export interface TableServiceOptions {
  store: WarehouseStore;
  /** Where new tables go when neither the request nor the namespace names a location; defaults to the warehouse folder. */
  baseLocation?: string;
  /** Further folders or s3:// prefixes where tables may live; the base location and the warehouse always may. */
  allowedLocations?: string[];
  /** The Storage for a metadata or data URI. */
  storageFor: (uri: string) => Storage;
  /** Largest metadata file the catalog reads (register and load); default 64 MiB. */
  maxMetadataBytes?: number;
  /** Byte budget of the parsed-metadata cache, weighed by file size; default 64 MiB. */
  metadataCacheBytes?: number;
  now?: () => bigint;
}

const METADATA_FILE = /(?:^|\/)(\d+)-[^/]*\.metadata\.json$/;

export class TableService {
  private readonly store: WarehouseStore;
  private readonly base: string;
  private readonly now: () => bigint;
  private readonly roots: string[];
  private readonly metadataCache: MetadataCache;
  private readonly codec = new MetadataCodec();

  constructor(private readonly opts: TableServiceOptions) {
    this.store = opts.store;
    this.base = (opts.baseLocation ?? path.resolve(opts.store.warehouse)).replace(/\/+$/, '');
    this.now = opts.now ?? (() => BigInt(Date.now()));
    this.metadataCache = new MetadataCache(opts.metadataCacheBytes);
    this.roots = [this.base, opts.store.warehouse, ...(opts.allowedLocations ?? [])].map((r) => (isS3Uri(r) ? r.replace(/\/+$/, '') : localPathOf(r)));
  }

  /** `<namespace location>/<table>` when the namespace has a `location` property, else `<base>/<ns...>/<table>`. */
  async defaultLocation(namespace: string[], name: string): Promise<string> {
    const props = await this.store.loadNamespace(namespace);
    if (props.location) return `${props.location.replace(/\/+$/, '')}/${name}`;
    return [this.base, ...namespace, name].join('/');
  }

  /** Creates a table; staged creates return metadata without registering anything. */
  async create(namespace: string[], req: NewTable, staged: boolean): Promise<LoadedTable> {
    const id = { namespace, name: req.name };
    this.store.pointerPath(id); // validates the name before any I/O
    await this.store.requireNamespace(namespace);
    if (await this.store.readPointer(id)) throw alreadyExists(`Table already exists: ${tableDisplayName(id)}`);
    const properties = { ...(req.properties ?? {}) };
    const formatVersion = Number(properties['format-version'] ?? 2);
    delete properties['format-version'];
    const location = req.location ?? (await this.defaultLocation(namespace, req.name));
    const updates: TableUpdate[] = [
      { action: 'assign-uuid', uuid: randomUUID() },
      { action: 'upgrade-format-version', 'format-version': formatVersion },
      { action: 'add-schema', schema: req.schema },
      { action: 'set-current-schema', 'schema-id': -1 },
      { action: 'add-spec', spec: req.spec ?? { 'spec-id': 0, fields: [] } },
      { action: 'set-default-spec', 'spec-id': -1 },
      { action: 'add-sort-order', 'sort-order': req.order ?? { 'order-id': 0, fields: [] } },
      { action: 'set-default-sort-order', 'sort-order-id': -1 },
      { action: 'set-location', location },
      { action: 'set-properties', updates: properties },
    ];
    const metadata = applyUpdates(undefined, updates, { nowMs: this.now() });
    if (staged) {
      validateTableMetadata(metadata);
      await this.checkLocationFree(metadata.location, id);
      return { metadata };
    }
    return this.store.withCatalogLock(async () => {
      await this.store.requireNamespace(namespace); // again, under the lock: a drop may have won the race
      await this.checkLocationFree(metadata.location, id);
      return this.createCommitted(id, metadata);
    });
  }

  async load(id: TableIdentifier): Promise<LoadedTable & { metadataLocation: string }> {
    const pointer = await this.store.readPointer(id);
    if (!pointer) throw noSuchTable(tableDisplayName(id));
    return this.loadFile(id, pointer['metadata-location']);
  }

  /** The table as one metadata file of it records it (an idempotent replay answers with its commit's own result). */
  async loadFile(id: TableIdentifier, file: string): Promise<LoadedTable & { metadataLocation: string }> {
    const read = async () => this.codec.parse(await this.readMetadata(file, (m) => new RestError(500, 'ServiceFailureException', `Cannot load ${tableDisplayName(id)}: ${m}`)), file);
    const parsed = isS3Uri(file) ? await read() : await this.metadataCache.get(localPathOf(file), read);
    return { metadataLocation: file, metadata: parsed.metadata, metadataJson: parsed.json };
  }

  /** Commits one table change; requirement failures and lost races answer 409 CommitFailedException. */
  async commit(change: TableChange): Promise<LoadedTable & { metadataLocation: string }> {
    const { id, requirements, updates } = change;
    if (requirements.some((r) => r.type === 'assert-create')) {
      await this.store.requireNamespace(id.namespace);
      if (await this.store.readPointer(id)) throw commitFailed(`Commit failed for ${tableDisplayName(id)}: Requirement failed: table already exists`);
      checkRequirements(undefined, requirements);
      const created = applyUpdates(undefined, updates, { nowMs: this.now() });
      return this.store.withCatalogLock(async () => {
        await this.store.requireNamespace(id.namespace);
        await this.checkLocationFree(created.location, id);
        return this.createCommitted(id, created, true);
      });
    }
    return this.locked(id, async () => {
      const current = await this.load(id);
      const next = this.next(current, change);
      return this.whileClaiming(current.metadata.location, next.location, id, async () => {
        const { file, json } = await this.writeMetadata(next, current);
        await this.store.swapPointer(id, { 'metadata-location': file });
        return { metadataLocation: file, metadata: next, metadataJson: json };
      });
    });
  }

  /** Commits several tables all-or-nothing: every table is locked, checked and written before any pointer moves. */
  async commitTransaction(changes: TableChange[]): Promise<void> {
    if (changes.some((c) => c.requirements.some((r) => r.type === 'assert-create'))) {
      throw badRequest('assert-create is not supported in a multi-table transaction');
    }
    const names = changes.map((c) => tableDisplayName(c.id));
    if (new Set(names).size !== names.length) throw badRequest('A transaction may change each table only once');
    const order = [...changes].sort((a, b) => (tableDisplayName(a.id) < tableDisplayName(b.id) ? -1 : 1));
    const staged: { id: TableIdentifier; file: string }[] = [];
    const run = async (i: number): Promise<void> => {
      if (i === order.length) {
        for (const s of staged) await this.store.swapPointer(s.id, { 'metadata-location': s.file });
        return;
      }
      const change = order[i];
      await this.locked(change.id, async () => {
        const current = await this.load(change.id);
        const next = this.next(current, change);
        await this.whileClaiming(current.metadata.location, next.location, change.id, async () => {
          staged.push({ id: change.id, file: (await this.writeMetadata(next, current)).file });
        });
        await run(i + 1);
      });
    };
    await run(0);
  }

  /** Unregisters a table; with purge, also deletes its files (its whole folder when the catalog owns it). */
  async drop(id: TableIdentifier, purge: boolean): Promise<void> {
    await this.locked(id, async () => {
      const current = await this.load(id).catch((e) => {
        if (e instanceof RestError) throw e;
        return undefined; // unreadable metadata must not block a drop
      });
      await this.store.removePointer(id);
      if (purge && current) await this.purge(current);
    });
  }

  async rename(from: TableIdentifier, to: TableIdentifier): Promise<void> {
    this.store.pointerPath(to);
    await this.store.requireNamespace(to.namespace);
    await this.locked(from, () => this.store.withCatalogLock(async () => {
      await this.store.requireNamespace(to.namespace);
      const pointer = await this.store.readPointer(from);
      if (!pointer) throw noSuchTable(tableDisplayName(from));
      if (!(await this.store.createPointer(to, pointer))) throw alreadyExists(`Table already exists: ${tableDisplayName(to)}`);
      await this.store.removePointer(from);
    }));
  }

  /** Registers an existing metadata file as a table (or replaces the table's pointer with overwrite). */
  async register(id: TableIdentifier, metadataLocation: string, overwrite: boolean): Promise<LoadedTable & { metadataLocation: string }> {
    this.store.pointerPath(id);
    await this.store.requireNamespace(id.namespace);
    // Checked before the file is touched, so the answer says nothing about files elsewhere.
    if (!this.insideRoots(metadataLocation)) {
      throw new RestError(403, 'ForbiddenException', `Invalid metadata location '${metadataLocation}': tables of this catalog must live under ${this.roots.join(' or ')}`);
    }
    const bytes = await this.readMetadata(metadataLocation, (m) => badRequest(`Cannot register ${tableDisplayName(id)}: ${m}`));
    const { metadata, json } = await this.codec.parse(bytes, metadataLocation);
    const pointer = { 'metadata-location': metadataLocation };
    const claim = async () => {
      await this.store.requireNamespace(id.namespace);
      await this.checkLocationFree(metadata.location, id);
      if (!isInside(locationKey(metadataLocation), locationKey(metadata.location))) {
        throw badRequest(`Cannot register ${tableDisplayName(id)}: metadata file ${metadataLocation} does not lie inside the table location ${metadata.location}`);
      }
    };
    if (!isS3Uri(metadataLocation)) this.metadataCache.put(localPathOf(metadataLocation), { metadata, json });
    if (overwrite) {
      await this.locked(id, () => this.store.withCatalogLock(async () => {
        await claim();
        await this.store.swapPointer(id, pointer);
      }));
    } else {
      await this.store.withCatalogLock(async () => {
        await claim();
        if (!(await this.store.createPointer(id, pointer))) throw alreadyExists(`Table already exists: ${tableDisplayName(id)}`);
      });
    }
    return { metadataLocation, metadata, metadataJson: json };
  }

  /**
   * Refuses (403, as Polaris) a table location outside the catalog's folders, overlapping the catalog's state
   * folder, or equal to, inside or around another table's location. `self` (a table keeping or moving its own
   * location, or a name being registered over) is not a conflict with itself.
   */
  async checkLocationFree(location: string, self: TableIdentifier): Promise<void> {
    this.checkWritable(location);
    const key = locationKey(location);
    if (!isS3Uri(key) && overlaps(key, this.store.stateDir)) throw locationConflict(location, this.store.stateDir, 'the catalog\'s own state');
    const selfName = tableDisplayName(self);
    for (const other of await this.store.allTables()) {
      if (tableDisplayName(other) === selfName) continue;
      const otherLocation = await this.locationOf(other);
      if (otherLocation && overlaps(key, locationKey(otherLocation))) throw locationConflict(location, otherLocation, `existing table ${tableDisplayName(other)}`);
    }
  }

  /** Refuses a namespace `location` property that lies outside the catalog's folders, on its state, or on or inside a table. */
  async checkNamespaceLocation(location: string): Promise<void> {
    this.checkWritable(location);
    const key = locationKey(location);
    if (!isS3Uri(key) && overlaps(key, this.store.stateDir)) throw locationConflict(location, this.store.stateDir, 'the catalog\'s own state');
    for (const other of await this.store.allTables()) {
      const otherLocation = await this.locationOf(other);
      if (otherLocation && (key === locationKey(otherLocation) || isInside(key, locationKey(otherLocation)))) {
        throw locationConflict(location, otherLocation, `existing table ${tableDisplayName(other)}`);
      }
    }
  }

  /** A table's location from its metadata; from its metadata file's path when the metadata is unreadable. */
  private async locationOf(id: TableIdentifier): Promise<string | undefined> {
    try {
      return (await this.load(id)).metadata.location;
    } catch {
      const pointer = await this.store.readPointer(id).catch(() => undefined);
      return pointer ? locationOfMetadataFile(pointer['metadata-location']) : undefined;
    }
  }

  /** Runs write, under the locations lock and after the overlap check when a commit moves the table. */
  private async whileClaiming<T>(from: string, to: string, id: TableIdentifier, write: () => Promise<T>): Promise<T> {
    if (locationKey(from) === locationKey(to)) return write();
    return this.store.withCatalogLock(async () => {
      await this.checkLocationFree(to, id);
      return write();
    });
  }

  private next(current: LoadedTable & { metadataLocation: string }, change: TableChange): TableMetadata {
    checkRequirements(current.metadata, change.requirements);
    return applyUpdates(current.metadata, change.updates, { nowMs: this.now(), previousMetadataFile: current.metadataLocation });
  }

  private async createCommitted(id: TableIdentifier, metadata: TableMetadata, viaCommit = false): Promise<LoadedTable & { metadataLocation: string }> {
    const { file, json } = await this.writeMetadata(metadata, undefined);
    if (!(await this.store.createPointer(id, { 'metadata-location': file }))) {
      await this.storage(file).delete(file).catch(() => undefined);
      const message = `Table already exists: ${tableDisplayName(id)}`;
      throw viaCommit ? commitFailed(`Commit failed for ${tableDisplayName(id)}: Requirement failed: ${message}`) : alreadyExists(message);
    }
    return { metadataLocation: file, metadata, metadataJson: json };
  }

  /**
   * Writes `<location>/metadata/<version+1>-<uuid>.metadata.json`, never over an existing file, and caches it.
   * Metadata derived from large metadata is serialized and read back off the event loop.
   */
  private async writeMetadata(metadata: TableMetadata, previous: LoadedTable & { metadataLocation: string } | undefined): Promise<{ file: string; json: Uint8Array }> {
    this.checkWritable(metadata.location);
    const version = previous ? Number(METADATA_FILE.exec(previous.metadataLocation)?.[1] ?? -1) + 1 : 0;
    const file = `${metadata.location}/metadata/${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;
    const sizeHint = previous?.metadataJson?.byteLength ?? 0;
    const json = await this.checkedMetadataJson(metadata, file, sizeHint);
    await this.storage(file).write(file, json, { ifAbsent: true });
    if (!isS3Uri(file)) this.metadataCache.put(localPathOf(file), { metadata, json: sizeHint >= OFF_THREAD_BYTES ? json : undefined });
    return { file, json };
  }

  /**
   * The metadata as it will be stored, after Java Iceberg's checks and a read-back through our own loader: a commit
   * that would leave the table unloadable is refused (400) instead of written.
   */
  private async checkedMetadataJson(metadata: TableMetadata, file: string, sizeHint: number): Promise<Uint8Array> {
    validateTableMetadata(metadata);
    try {
      return await this.codec.write(metadata, file, sizeHint);
    } catch (e) {
      if (e instanceof IcebergError) throw badRequest(`Invalid table metadata: the commit would store metadata that cannot be read back: ${e.message}`);
      throw e;
    }
  }

  private async purge(table: LoadedTable & { metadataLocation: string }): Promise<void> {
    const location = table.metadata.location;
    if (!isS3Uri(location) && !this.insideRoots(location)) return; // a local folder outside the catalog's locations is never deleted
    await purgeTableFiles(table, this.storage(location));
  }

  private readMetadata(file: string, refuse: (message: string) => RestError): Promise<Uint8Array> {
    return readMetadataFile({
      storage: (uri) => this.storage(uri),
      maxBytes: this.opts.maxMetadataBytes ?? DEFAULT_MAX_METADATA_BYTES,
      allowedLocalPath: async (real) => (await this.realRoots()).some((root) => isInside(real, root)),
      refuse,
    }, file);
  }

  private realRootsPromise?: Promise<string[]>;
  /** The local roots with links resolved (a warehouse under a linked folder still matches its files' real paths). */
  private realRoots(): Promise<string[]> {
    this.realRootsPromise ??= Promise.all(this.roots.filter((r) => !isS3Uri(r)).map((r) => realpath(r).catch(() => r)));
    return this.realRootsPromise;
  }

  /** True when a location lies strictly inside the base location, the warehouse or an allowed location. */
  private insideRoots(location: string): boolean {
    if (isS3Uri(location)) return this.roots.some((root) => location.startsWith(`${root}/`));
    if (/^[a-z][a-z0-9+.-]*:/i.test(location) && !location.startsWith('file:')) return false;
    let local: string;
    try {
      local = localPathOf(location);
    } catch {
      // file://host/... (a remote host) or a malformed file: URI.
      throw badRequest(`Invalid location '${location}': not a local path or file: URI of this machine`);
    }
    return this.roots.some((root) => local.startsWith(`${root}${path.sep}`));
  }

  /** The catalog writes metadata only to S3 or inside its own folders, never to an arbitrary local path (403 like Polaris). */
  private checkWritable(location: string): void {
    if (isS3Uri(location) || this.insideRoots(location)) return;
    throw new RestError(403, 'ForbiddenException', `Invalid location '${location}': tables of this catalog must live under ${this.roots.join(' or ')} (or on S3)`);
  }

  private storage(uri: string): Storage {
    return this.opts.storageFor(uri);
  }

  private async locked<T>(id: TableIdentifier, body: () => Promise<T>): Promise<T> {
    try {
      return await this.store.withTableLock(id, body);
    } catch (e) {
      if (e instanceof LockTimeoutError) throw commitFailed(`Table ${tableDisplayName(id)} is locked by another commit; retry`);
      throw e;
    }
  }
}
