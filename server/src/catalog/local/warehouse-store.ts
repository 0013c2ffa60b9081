// The local catalog's state on disk: namespaces with properties, and each table's current metadata pointer.
// Layout under <warehouse>/.floe-catalog/ns/: one folder per namespace level holding `.properties.json`,
// and `.tables/<name>.json` pointers. Names never start with a dot, so state files cannot clash with names.
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { TableIdentifier } from '../../iceberg/spec';
import { namespaceDisplayName, tableDisplayName, unsafeNameReason } from '../names';
import { alreadyExists, badRequest, noSuchNamespace, RestError } from './rest-error';
import { withFileLock } from './file-lock';
import { MAX_PROPERTIES_BYTES } from '../../iceberg/validate-metadata';

const PROPERTIES = '.properties.json';
const TABLES = '.tables';

export interface TablePointer { 'metadata-location': string }

export class WarehouseStore {
  /** The catalog's own state folder, `<warehouse>/.floe-catalog`: no table may live in, on or around it. */
  readonly stateDir: string;
  readonly root: string;

  constructor(readonly warehouse: string) {
    this.stateDir = path.join(path.resolve(warehouse), '.floe-catalog');
    this.root = path.join(this.stateDir, 'ns');
  }

  /** The folder of a namespace; rejects names that would escape the warehouse (400). */
  namespaceDir(namespace: string[]): string {
    if (namespace.length === 0) throw badRequest('Namespace must have at least one level');
    for (const level of namespace) checkName(level, 'namespace');
    return path.join(this.root, ...namespace);
  }

  async namespaceExists(namespace: string[]): Promise<boolean> {
    return exists(path.join(this.namespaceDir(namespace), PROPERTIES));
  }

  async requireNamespace(namespace: string[]): Promise<void> {
    if (!(await this.namespaceExists(namespace))) throw noSuchNamespace(namespaceDisplayName(namespace));
  }

  async createNamespace(namespace: string[], properties: Record<string, string>): Promise<void> {
    const dir = this.namespaceDir(namespace);
    checkPropertiesSize(properties);
    if (namespace.length > 1) await this.requireNamespace(namespace.slice(0, -1));
    await fs.mkdir(dir, { recursive: true });
    if (!(await createExclusive(path.join(dir, PROPERTIES), JSON.stringify({ properties }, null, 2)))) {
      throw alreadyExists(`Namespace already exists: ${namespaceDisplayName(namespace)}`);
    }
  }

  /** Child namespaces of parent (top level when empty), sorted by name. */
  async listNamespaces(parent: string[]): Promise<string[][]> {
    if (parent.length > 0) await this.requireNamespace(parent);
    const dir = parent.length > 0 ? this.namespaceDir(parent) : this.root;
    const names = await childFolders(dir);
    const out: string[][] = [];
    for (const name of names) if (await exists(path.join(dir, name, PROPERTIES))) out.push([...parent, name]);
    return out;
  }

  async loadNamespace(namespace: string[]): Promise<Record<string, string>> {
    try {
      const text = await fs.readFile(path.join(this.namespaceDir(namespace), PROPERTIES), 'utf8');
      return (JSON.parse(text) as { properties: Record<string, string> }).properties ?? {};
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw noSuchNamespace(namespaceDisplayName(namespace));
      throw e;
    }
  }

  async updateNamespace(namespace: string[], removals: string[], updates: Record<string, string>): Promise<{ updated: string[]; removed: string[]; missing: string[] }> {
    const overlap = removals.filter((k) => k in updates);
    if (overlap.length > 0) throw new RestError(422, 'UnprocessableEntityException', `Cannot set and remove the same properties: ${overlap.join(', ')}`);
    await this.requireNamespace(namespace);
    const dir = this.namespaceDir(namespace);
    return withFileLock(path.join(dir, '.properties.lock'), async () => {
      const properties = await this.loadNamespace(namespace);
      const removed = removals.filter((k) => k in properties);
      const missing = removals.filter((k) => !(k in properties));
      for (const k of removed) delete properties[k];
      Object.assign(properties, updates);
      checkPropertiesSize(properties);
      await writeAtomic(path.join(dir, PROPERTIES), JSON.stringify({ properties }, null, 2));
      return { updated: Object.keys(updates), removed, missing };
    });
  }

  async dropNamespace(namespace: string[]): Promise<void> {
    await this.requireNamespace(namespace);
    const dir = this.namespaceDir(namespace);
    const children = await this.listNamespaces(namespace);
    const tables = await this.listTables(namespace);
    if (children.length > 0 || tables.length > 0) {
      throw new RestError(409, 'NamespaceNotEmptyException', `Namespace ${namespaceDisplayName(namespace)} is not empty: ${tables.length} table(s), ${children.length} namespace(s)`);
    }
    await fs.rm(path.join(dir, PROPERTIES), { force: true });
    await fs.rm(dir, { recursive: true, force: true });
  }

  /** Table names in a namespace, sorted. */
  async listTables(namespace: string[]): Promise<string[]> {
    await this.requireNamespace(namespace);
    const dir = path.join(this.namespaceDir(namespace), TABLES);
    const files = await fs.readdir(dir).catch(() => [] as string[]);
    return files.filter((f) => f.endsWith('.json') && !f.startsWith('.')).map((f) => f.slice(0, -'.json'.length)).sort();
  }

  /** Every table of the catalog, in every namespace. */
  async allTables(): Promise<TableIdentifier[]> {
    const out: TableIdentifier[] = [];
    const walk = async (namespace: string[]): Promise<void> => {
      for (const child of await this.listNamespaces(namespace).catch(() => [] as string[][])) {
        for (const name of await this.listTables(child).catch(() => [] as string[])) out.push({ namespace: child, name });
        await walk(child);
      }
    };
    await walk([]);
    return out;
  }

  /**
   * Runs body under the catalog-wide lock that orders everything claiming a location (create, register,
   * set-location, a namespace location) or a place in a namespace (create, register, rename, create and drop
   * namespace): two racing claims must not both pass their checks, and a table is never created into a namespace
   * being dropped. Not reentrant: take it once, at the outermost call.
   */
  async withCatalogLock<T>(body: () => Promise<T>): Promise<T> {
    await fs.mkdir(this.stateDir, { recursive: true });
    return withFileLock(path.join(this.stateDir, '.catalog.lock'), body);
  }

  pointerPath(id: TableIdentifier): string {
    checkName(id.name, 'table');
    return path.join(this.namespaceDir(id.namespace), TABLES, `${id.name}.json`);
  }

  /** Runs body under the table's cross-process lock. */
  async withTableLock<T>(id: TableIdentifier, body: () => Promise<T>): Promise<T> {
    const file = this.pointerPath(id).replace(/\.json$/, '.lock');
    await fs.mkdir(path.dirname(file), { recursive: true });
    return withFileLock(file, body);
  }

  async readPointer(id: TableIdentifier): Promise<TablePointer | undefined> {
    try {
      // Sync: a pointer is ~150 bytes on local disk, and the thread-pool hops of an async read cost more (it is on
      // every table load).
      return JSON.parse(readFileSync(this.pointerPath(id), 'utf8')) as TablePointer;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Registers a new table; false when the name is taken. */
  async createPointer(id: TableIdentifier, pointer: TablePointer): Promise<boolean> {
    const file = this.pointerPath(id);
    await fs.mkdir(path.dirname(file), { recursive: true });
    return createExclusive(file, JSON.stringify(pointer));
  }

  /** Atomically replaces a table's pointer (call under the table lock). */
  async swapPointer(id: TableIdentifier, pointer: TablePointer): Promise<void> {
    await writeAtomic(this.pointerPath(id), JSON.stringify(pointer));
  }

  async removePointer(id: TableIdentifier): Promise<void> {
    await fs.rm(this.pointerPath(id), { force: true });
  }

  describe(id: TableIdentifier): string {
    return tableDisplayName(id);
  }
}

/** Namespace properties share the table properties' cap: every listing and load reads them whole. */
function checkPropertiesSize(properties: Record<string, string>): void {
  const bytes = Object.entries(properties).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > MAX_PROPERTIES_BYTES) throw badRequest(`Namespace properties take ${bytes} bytes, over the limit of ${MAX_PROPERTIES_BYTES}`);
}

function checkName(name: string, what: string): void {
  const reason = typeof name === 'string' ? unsafeNameReason(name) : 'is not a string';
  if (reason) throw badRequest(`Invalid ${what} name ${JSON.stringify(name)}: ${reason}`);
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

async function childFolders(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}

/** Writes a temp file, then renames it over the target: readers see the old or the new file, never half of one. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const temp = `${file}.${randomUUID()}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

/** Creates a complete file only if absent (temp + hard link); false when it already exists. */
async function createExclusive(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${randomUUID()}.tmp`;
  await fs.writeFile(temp, text);
  try {
    await fs.link(temp, file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.rm(temp, { force: true });
  }
}
