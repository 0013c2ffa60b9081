// LocalStorage: the Storage interface over the local file system (plain paths and file:// URIs).
import { promises as fs, constants as fsConstants } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { StorageError, type Storage, type StorageObject } from './storage';

/** Turns a file:// URI or a plain path into an absolute local path. */
export function localPathOf(uri: string): string {
  if (uri.startsWith('file:')) {
    // file:/x and file:///x are both in use (Java writes file:/x); fileURLToPath wants an authority.
    const normal = uri.startsWith('file://') ? uri : `file://${uri.slice('file:'.length)}`;
    return fileURLToPath(normal);
  }
  return path.resolve(uri);
}

/** Maps a Node file-system error to a StorageError naming the URI. */
export function storageErrorFromFs(e: unknown, uri: string, action: string): StorageError {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new StorageError('not-found', uri, `file not found while trying to ${action}`, { cause: e });
  if (code === 'EEXIST') return new StorageError('exists', uri, 'file already exists', { cause: e });
  if (code === 'EACCES' || code === 'EPERM') return new StorageError('denied', uri, `permission denied while trying to ${action}`, { cause: e });
  return new StorageError('io', uri, `cannot ${action}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

export class LocalStorage implements Storage {
  async read(uri: string): Promise<Uint8Array> {
    try {
      return await fs.readFile(localPathOf(uri));
    } catch (e) {
      throw storageErrorFromFs(e, uri, 'read');
    }
  }

  async readRange(uri: string, start: number, end: number): Promise<Uint8Array> {
    let handle: fs.FileHandle | undefined;
    try {
      handle = await fs.open(localPathOf(uri), 'r');
      const length = Math.max(0, end - start);
      const buffer = Buffer.alloc(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(buffer, filled, length - filled, start + filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } catch (e) {
      throw storageErrorFromFs(e, uri, 'read');
    } finally {
      await handle?.close();
    }
  }

  async write(uri: string, data: Uint8Array, opts: { ifAbsent?: boolean } = {}): Promise<void> {
    const target = localPathOf(uri);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      if (opts.ifAbsent) {
        // O_EXCL is the atomic "create only if absent"; write to a temp file first so readers never see a partial file.
        const temp = tempNameFor(target);
        await fs.writeFile(temp, data);
        try {
          await fs.link(temp, target);
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
          // No hard links on this file system: O_EXCL still makes the create exclusive (just not all-at-once).
          await fs.writeFile(target, data, { flag: fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY });
        } finally {
          await fs.rm(temp, { force: true });
        }
        return;
      }
      const temp = tempNameFor(target);
      await fs.writeFile(temp, data, { flag: fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_WRONLY });
      await fs.rename(temp, target);
    } catch (e) {
      throw storageErrorFromFs(e, uri, 'write');
    }
  }

  async upload(localPath: string, uri: string): Promise<void> {
    const target = localPathOf(uri);
    try {
      await fs.mkdir(path.dirname(target), { recursive: true });
      const temp = tempNameFor(target);
      await fs.copyFile(localPath, temp);
      await fs.rename(temp, target);
    } catch (e) {
      throw storageErrorFromFs(e, uri, 'upload');
    }
  }

  async exists(uri: string): Promise<boolean> {
    try {
      await fs.access(localPathOf(uri));
      return true;
    } catch {
      return false;
    }
  }

  async size(uri: string): Promise<number> {
    try {
      return (await fs.stat(localPathOf(uri))).size;
    } catch (e) {
      throw storageErrorFromFs(e, uri, 'stat');
    }
  }

  async delete(uri: string): Promise<void> {
    try {
      await fs.rm(localPathOf(uri), { force: true });
    } catch (e) {
      throw storageErrorFromFs(e, uri, 'delete');
    }
  }

  /** Lists files under a prefix (a folder or a partial file name), recursively, sorted by URI. */
  async list(prefix: string): Promise<StorageObject[]> {
    const base = localPathOf(prefix);
    const asUri = prefix.startsWith('file:') ? (p: string) => pathToFileURL(p).href : (p: string) => p;
    const endsWithSep = prefix.endsWith('/') || prefix.endsWith(path.sep);
    const dir = endsWithSep ? base : path.dirname(base);
    const namePrefix = endsWithSep ? '' : path.basename(base);
    const out: StorageObject[] = [];
    const walk = async (folder: string, top: boolean): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(folder, { withFileTypes: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw storageErrorFromFs(e, prefix, 'list');
      }
      for (const entry of entries) {
        if (top && !entry.name.startsWith(namePrefix)) continue;
        const full = path.join(folder, entry.name);
        if (entry.isDirectory()) await walk(full, false);
        else if (entry.isFile() && !entry.name.includes('.floe-tmp-')) {
          const st = await fs.stat(full);
          out.push({ uri: asUri(full), size: st.size, modifiedMs: st.mtimeMs });
        }
      }
    };
    await walk(dir, true);
    return out.sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0));
  }

  async localPath(uri: string): Promise<string> {
    const p = localPathOf(uri);
    if (!(await this.exists(uri))) throw new StorageError('not-found', uri, 'file not found');
    return p;
  }
}

function tempNameFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.floe-tmp-${randomBytes(6).toString('hex')}`);
}
