// Parsing and writing table metadata without stalling the catalog. Table metadata is JSON with int64 values, read
// with lossless-json (JSON.parse would round snapshot ids), which parses and writes about 15-20 MB/s: a table with a
// long history (a 15 MB metadata.json) held the event loop for seconds per load or commit, and every other client
// waited. Above a size threshold the work runs in one worker thread; below it, inline, where a message round trip
// would cost more than the parse. A streaming JSON parser would also keep the loop free, but it yields per chunk,
// is slower still than lossless-json and would need its own exact-integer handling; a worker runs the same parser
// the rest of Floe uses, on the other core. The metadata travels by structured clone, in parts (see the protocol
// file: 11.6 MB took the loop 54 ms to send and 140 ms to receive at once, idle); the compact JSON comes back with
// it as UTF-8 bytes (moved, not copied), which the catalog writes to the file and sends to clients as they are:
// building and encoding a 15 MB string on the loop cost it hundreds of milliseconds more under load.
import { startWorkerThread } from '../../util/workerThread';
import { Worker } from 'node:worker_threads';
import type { TableMetadata } from '../../iceberg/spec';
import { parseTableMetadata, serializeTableMetadata } from '../../iceberg/metadata-json';
import { IcebergError } from '../../iceberg/errors';
import { PartCollector, splitMetadata, type CodecJob, type CodecReply, type FromWorker } from './metadata-codec-protocol';

/** Metadata this large or larger is parsed and written off the event loop (about 15 ms of parsing inline). */
export const OFF_THREAD_BYTES = 256 * 1024;

export interface ParsedMetadata {
  metadata: TableMetadata;
  /** The metadata as compact JSON (UTF-8), when it was parsed off the loop (large metadata only). */
  json?: Uint8Array;
}

/** A job before it is given its id (Omit over each member of the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type JobInput = WithoutId<CodecJob>;
type Answer = CodecReply & { ok: true };

export class MetadataCodec {
  constructor(private readonly offThreadBytes = OFF_THREAD_BYTES) {}

  /** Parses a metadata file's bytes; errors are IcebergErrors naming the file. */
  async parse(bytes: Uint8Array, file: string): Promise<ParsedMetadata> {
    if (bytes.length < this.offThreadBytes) return { metadata: parseTableMetadata(bytes, file) };
    const reply = await sharedWorker().parse(bytes, file);
    return { metadata: reply.metadata!, json: reply.json };
  }

  /**
   * The compact JSON (UTF-8) of metadata about to be written to `file`, checked to read back. `sizeHint` is the
   * size of the metadata it was derived from: its own size is not known before it is serialized.
   */
  async write(metadata: TableMetadata, file: string, sizeHint: number): Promise<Uint8Array> {
    if (sizeHint < this.offThreadBytes) {
      const text = serializeTableMetadata(metadata);
      parseTableMetadata(text, file);
      return new TextEncoder().encode(text);
    }
    return (await sharedWorker().write(metadata, file)).json;
  }
}

/** One worker per process, started on first use, kept while jobs are pending and never holding the process open. */
class CodecWorker {
  private worker?: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: Answer) => void; reject: (e: Error) => void }>();
  private readonly collector = new PartCollector();

  parse(bytes: Uint8Array, file: string): Promise<Answer> {
    return this.run({ op: 'parse', bytes, file });
  }

  /** Sends the metadata's long arrays first, a part per turn of the event loop, then the job. */
  async write(metadata: TableMetadata, file: string): Promise<Answer> {
    const worker = this.started();
    const id = this.nextId++;
    const { head, keys, slices } = splitMetadata(metadata);
    for (const slice of slices) {
      worker.postMessage({ id, ...slice });
      await new Promise((resolve) => setImmediate(resolve));
    }
    return this.run({ op: 'write', metadata: head, parts: keys, file }, id);
  }

  private run(job: JobInput, id = this.nextId++): Promise<Answer> {
    const worker = this.started();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ ...job, id });
    });
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const worker = startWorkerThread(__dirname, 'metadata-worker.js', 'metadata-worker.ts');
    worker.on('message', (m: FromWorker) => {
      if ('items' in m) {
        // One part per turn: the next is asked for only after other clients' events had their turn.
        this.collector.add(m);
        setImmediate(() => worker.postMessage({ taken: m.id }));
        return;
      }
      if (!('ok' in m)) return;
      const job = this.pending.get(m.id);
      if (!job) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (!m.ok) return job.reject(errorFrom(m.error));
      try {
        job.resolve(m.metadata ? { ...m, metadata: this.collector.join(m.id, m.metadata, m.parts) } : m);
      } catch (e) {
        job.reject(e as Error);
      }
    });
    // A worker that died (out of memory, killed) fails its jobs; the next job starts a new one.
    const fail = (e: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, job] of this.pending) {
        this.collector.forget(id);
        job.reject(new Error(`the metadata worker stopped: ${e.message}`));
      }
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`exit code ${code}`)));
    worker.unref();
    this.worker = worker;
    return worker;
  }
}

let shared: CodecWorker | undefined;
function sharedWorker(): CodecWorker {
  shared ??= new CodecWorker();
  return shared;
}


function errorFrom(e: Extract<CodecReply, { ok: false }>['error']): Error {
  if (!e.kind) return new Error(e.message);
  const error = new IcebergError(e.kind, '', e.details);
  error.message = e.message; // already names the file, as the worker's IcebergError did
  return error;
}
