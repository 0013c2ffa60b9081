// The worker thread of the metadata codec (metadata-codec.ts): parses and writes large table metadata so that the
// catalog's event loop keeps answering other clients meanwhile. One job at a time, in order.
import { parentPort } from 'node:worker_threads';
import { parseTableMetadata, serializeTableMetadata } from '../../iceberg/metadata-json';
import { IcebergError } from '../../iceberg/errors';
import { PartCollector, splitMetadata, type CodecJob, type CodecReply, type ToWorker } from './metadata-codec-protocol';

const utf8 = new TextEncoder();
const collector = new PartCollector();
/** The part last sent, until the catalog has taken it. */
let sent: (() => void) | undefined;
let jobs = Promise.resolve();

function run(job: CodecJob): CodecReply {
  try {
    if (job.op === 'parse') {
      const metadata = parseTableMetadata(job.bytes, job.file);
      return { id: job.id, ok: true, metadata, json: utf8.encode(serializeTableMetadata(metadata)) };
    }
    const text = serializeTableMetadata(collector.join(job.id, job.metadata, job.parts));
    parseTableMetadata(text, job.file); // the read-back check
    return { id: job.id, ok: true, json: utf8.encode(text) };
  } catch (e) {
    collector.forget(job.id);
    if (e instanceof IcebergError) return { id: job.id, ok: false, error: { kind: e.kind, message: e.message, details: e.details } };
    return { id: job.id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } };
  }
}

/** Sends the reply, its long arrays first, one part at a time; the JSON bytes are moved, not copied. */
async function answer(job: CodecJob): Promise<void> {
  const reply = run(job);
  if (reply.ok && reply.metadata) {
    const { head, keys, slices } = splitMetadata(reply.metadata);
    for (const slice of slices) {
      await new Promise<void>((resolve) => {
        sent = resolve;
        parentPort!.postMessage({ id: reply.id, ...slice });
      });
    }
    reply.metadata = head;
    reply.parts = keys;
  }
  parentPort!.postMessage(reply, reply.ok ? [reply.json.buffer as ArrayBuffer] : []);
}

parentPort?.on('message', (m: ToWorker) => {
  if ('taken' in m) {
    const next = sent;
    sent = undefined;
    next?.();
  } else if ('items' in m) {
    collector.add(m);
  } else {
    jobs = jobs.then(() => answer(m));
  }
});
