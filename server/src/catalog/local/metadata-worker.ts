// The worker thread of the metadata codec (metadata-codec.ts): parses and writes large table metadata so that the
// catalog's event loop keeps answering other clients meanwhile. Stateless: each message is one job.
import { parentPort } from 'node:worker_threads';
import { parseTableMetadata, serializeTableMetadata } from '../../iceberg/metadata-json';
import { IcebergError } from '../../iceberg/errors';
import type { CodecJob, CodecReply } from './metadata-codec-protocol';

function run(job: CodecJob): CodecReply {
  try {
    if (job.op === 'parse') {
      const metadata = parseTableMetadata(job.bytes, job.file);
      return { id: job.id, ok: true, metadata, text: serializeTableMetadata(metadata) };
    }
    const text = serializeTableMetadata(job.metadata);
    parseTableMetadata(text, job.file); // the read-back check
    return { id: job.id, ok: true, text };
  } catch (e) {
    if (e instanceof IcebergError) return { id: job.id, ok: false, error: { kind: e.kind, message: e.message, details: e.details } };
    return { id: job.id, ok: false, error: { message: e instanceof Error ? e.message : String(e) } };
  }
}

parentPort?.on('message', (job: CodecJob) => parentPort!.postMessage(run(job)));
