// Reading a large project's files on a second thread while the index analyzes them (issue #18: 10k readFileSync calls
// were ~0.2 s of the cold index's main thread: four syscalls a file, 3–6 µs each on a VM). The caller still takes the
// texts one by one, in order and synchronously; a file the worker has not claimed yet is read by the caller itself, so
// a busy or slow worker never holds the index up. The worker also parses schema YAML (readAheadWorker.ts), the
// caller's most expensive step on YAML-heavy projects, and analyzes model-like files (modelFile.ts: their packed uses
// arrive in a transferred buffer the caller keeps as it is). Texts the worker read are noted in the active input traces
// as the readFileSync calls they replace (util/inputTrace.ts), so kept reports and diagnostics stay replayable.
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { noteRead } from '../util/inputTrace';
import { workerStarter } from '../util/workerThread';
import type { FileWork, ReadAheadChunk, ReadAheadData } from './readAheadProtocol';
import type { ParsedYaml } from './yamlStrict';
import { fromWire, type ModelFileAnalysis } from './modelFile';

/** Files claimed and posted at a time (both sides claim whole chunks, so a chunk has one reader). */
const CHUNK = 32;

/** FLOE_READ_AHEAD=off: every file read by the caller (A/B runs); =worker: every file by the worker (tests). */
const mode = process.env.FLOE_READ_AHEAD;

export const readAheadSettings = {
  /** Below this many files the worker's start (~20–40 ms of a thread) costs more than it saves. */
  minFiles: mode === 'off' ? Infinity : 2000,
  /** Whether the caller reads a chunk the worker has not claimed yet (off only in tests: everything from the worker). */
  callerReads: mode !== 'worker',
  /** How long the caller waits on a chunk the worker claimed before reading it itself (the worker stalled or died). */
  stallMs: mode === 'worker' ? 600_000 : 2,
  /** Texts taken from the worker since the process started (tests). */
  fromWorker: 0,
  /** Schema YAML parses taken from the worker since the process started (tests). */
  parsedByWorker: 0,
  /** Model-like files' analyses taken from the worker since the process started (tests). */
  analyzedByWorker: 0,
};

/** A file as the worker read it, with its strict YAML parse (schema YAML that parsed) or its analysis (model-like files). */
export interface ReadAheadFile {
  text: string;
  yaml?: ParsedYaml;
  analysis?: ModelFileAnalysis;
}

// looked up at load: the index that starts the worker may be traced, and Floe's own files are no input of a project
const startReader = workerStarter(__dirname, 'read-ahead-worker.js', 'readAheadWorker.ts');

export class ReadAhead {
  private readonly shared: Int32Array;
  /** Files received and not yet taken, by index; null where the worker could not read (the caller reads it). */
  private readonly received = new Map<number, ReadAheadFile | null>();
  /** The end of the chunk the caller claimed for itself, if it is reading one. */
  private ownUntil = -1;
  private closed = false;

  private constructor(private readonly files: readonly string[], private readonly port: MessagePort, shared: SharedArrayBuffer) {
    this.shared = new Int32Array(shared);
  }

  /**
   * A read-ahead of `files` (absolute paths, read as UTF-8; what `work` says of each is also done: schema YAML parsed,
   * model-like files analyzed), or undefined for few files or when no worker starts.
   */
  static start(files: readonly string[], work: (i: number) => FileWork): ReadAhead | undefined {
    if (files.length < readAheadSettings.minFiles || files.length === 0) return undefined;
    try {
      const shared = new SharedArrayBuffer(8);
      const { port1, port2 } = new MessageChannel();
      const kinds = new Uint8Array(files.length);
      for (let i = 0; i < files.length; i++) kinds[i] = work(i);
      const workerData: ReadAheadData = { files: [...files], kinds, shared, port: port2, chunk: CHUNK };
      // env: {} so the worker's start reads nothing of process.env (a traced index would record the whole environment)
      const worker = startReader({ env: {}, workerData, transferList: [port2] });
      worker.unref();
      worker.on('error', () => undefined); // a failed worker only means the caller reads everything itself
      return new ReadAhead(files, port1, shared);
    } catch {
      return undefined;
    }
  }

  /**
   * File `i` (taken in order, each once) as the worker read it, or undefined when the caller must read it itself (its
   * own chunk, or the worker could not read it).
   */
  take(i: number): ReadAheadFile | undefined {
    if (this.closed || i < this.ownUntil) return undefined;
    for (;;) {
      const got = this.received.get(i);
      if (got !== undefined) {
        this.received.delete(i);
        if (got === null) return undefined;
        noteRead(this.files[i], 'utf8', got.text);
        readAheadSettings.fromWorker++;
        if (got.yaml) readAheadSettings.parsedByWorker++;
        if (got.analysis) readAheadSettings.analyzedByWorker++;
        return got;
      }
      if (this.drain()) continue;
      const chunkStart = i - (i % CHUNK);
      // not claimed yet: the caller reads this chunk itself rather than wait for the worker to reach it
      if (readAheadSettings.callerReads && Atomics.compareExchange(this.shared, 0, chunkStart, chunkStart + CHUNK) === chunkStart) {
        this.ownUntil = chunkStart + CHUNK;
        return undefined;
      }
      // claimed by the worker and on its way (a chunk takes about a millisecond to read and analyze); a worker that does
      // not post it soon (descheduled on a loaded machine, or gone) leaves this chunk to the caller, whose copy then wins
      const posted = Atomics.load(this.shared, 1);
      if (this.drain()) continue;
      if (Atomics.wait(this.shared, 1, posted, readAheadSettings.stallMs) === 'timed-out' && !this.drain()) {
        this.ownUntil = chunkStart + CHUNK;
        return undefined;
      }
    }
  }

  /** Stops the worker after the chunk it is reading (it exits by itself) and drops what was not taken. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.shared, 0, this.files.length);
    this.received.clear();
    this.port.close();
  }

  /** Moves posted chunks into `received`; whether any came. */
  private drain(): boolean {
    let any = false;
    for (let m = receiveMessageOnPort(this.port); m; m = receiveMessageOnPort(this.port)) {
      const [start, texts, parsed, analyses, slots] = m.message as ReadAheadChunk;
      // (a chunk the caller read itself meanwhile is dropped)
      for (let k = 0; k < texts.length; k++) {
        if (start + k < this.ownUntil) continue;
        const text = texts[k];
        const wire = analyses[k];
        this.received.set(start + k, text === null ? null : parsed[k] ? { text, yaml: parsed[k]! } : wire ? { text, analysis: fromWire(text, wire, slots) } : { text });
      }
      any = true;
    }
    return any;
  }
}
