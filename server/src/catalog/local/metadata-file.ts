// Reading a table metadata file the catalog was pointed at, without trusting the pointer: local files are opened
// without blocking (a FIFO or /dev/stdin must not hang the server), must be regular files whose real path lies in
// the catalog's folders, and every file, local or S3, is size-checked before it is read (a /dev/zero or a huge file
// must not exhaust memory).
import { promises as fs, constants } from 'node:fs';
import type { Storage } from '../../storage/storage';
import { StorageError } from '../../storage/storage';
import { isS3Uri } from '../../storage/factory';
import { localPathOf, storageErrorFromFs } from '../../storage/local';
import { RestError } from './rest-error';

/** Default cap on one metadata file: far above real tables (kilobytes to a few MB), far below memory trouble. */
export const DEFAULT_MAX_METADATA_BYTES = 64 * 1024 * 1024;

export interface MetadataFileReader {
  storage: (uri: string) => Storage;
  maxBytes: number;
  /** True when a resolved local path lies inside the catalog's folders. */
  allowedLocalPath: (realPath: string) => Promise<boolean>;
  /** The error for a file refused for its place or kind; `register` answers 4xx, a load of a stored table 500. */
  refuse: (message: string) => RestError;
}

/** The bytes of a metadata file, after the checks above. */
export async function readMetadataFile(r: MetadataFileReader, uri: string): Promise<Uint8Array> {
  if (isS3Uri(uri)) {
    const storage = r.storage(uri);
    checkSize(r, uri, await storage.size(uri));
    return storage.read(uri);
  }
  const local = localPathOf(uri);
  let handle: fs.FileHandle;
  try {
    // Resolve links first: a link inside the warehouse may point anywhere.
    const real = await fs.realpath(local);
    if (!(await r.allowedLocalPath(real))) throw r.refuse(`metadata file ${uri} lies outside the catalog's folders`);
    handle = await fs.open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    if (e instanceof RestError) throw e;
    throw storageErrorFromFs(e, uri, 'read');
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw r.refuse(`metadata file ${uri} is not a regular file`);
    checkSize(r, uri, st.size);
    return await handle.readFile();
  } catch (e) {
    if (e instanceof RestError || e instanceof StorageError) throw e;
    throw storageErrorFromFs(e, uri, 'read');
  } finally {
    await handle.close();
  }
}

function checkSize(r: MetadataFileReader, uri: string, size: number): void {
  if (size > r.maxBytes) throw r.refuse(`metadata file ${uri} is ${size} bytes, over the catalog's limit of ${r.maxBytes} bytes`);
}
