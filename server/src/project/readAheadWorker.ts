// The read-ahead worker thread (dist/read-ahead-worker.js, started by readAhead.ts): claims chunks of the file list,
// reads them, parses the schema YAML ones strictly (yamlStrict.ts: js-yaml was ~40% of a YAML-heavy project's index on
// the main thread), and posts each chunk. A file it cannot read or parse is left to the caller, which reports it.
import { readFileSync } from 'node:fs';
import { workerData, type MessagePort } from 'node:worker_threads';
import { parseToSend, type ParsedYaml } from './yamlStrict';

export interface ReadAheadData {
  files: string[];
  /** 1 where the file is schema YAML to parse. */
  yaml: Uint8Array;
  /** [0]: next unclaimed index (chunk-aligned); [1]: chunks posted (the caller waits on it). */
  shared: SharedArrayBuffer;
  port: MessagePort;
  chunk: number;
}

/** A posted chunk: its first index, the texts (null: not read) and the YAML parses (null: none). */
export type ReadAheadChunk = [start: number, texts: Array<string | null>, parsed: Array<ParsedYaml | null>];

function parse(file: string, text: string): ParsedYaml | null {
  try {
    return parseToSend(file, text);
  } catch {
    return null;
  }
}

const { files, yaml, shared, port, chunk } = workerData as ReadAheadData;
const claims = new Int32Array(shared);
for (;;) {
  const start = Atomics.add(claims, 0, chunk);
  if (start >= files.length) break;
  const texts: Array<string | null> = [];
  const parsed: Array<ParsedYaml | null> = [];
  for (let i = start; i < Math.min(files.length, start + chunk); i++) {
    let text: string | null = null;
    try {
      text = readFileSync(files[i], 'utf8');
    } catch {
      // the caller reads it again and reports what went wrong
    }
    texts.push(text);
    parsed.push(text !== null && yaml[i] ? parse(files[i], text) : null);
  }
  try {
    port.postMessage([start, texts, parsed] satisfies ReadAheadChunk);
  } catch {
    // a value structured clone cannot carry: the texts alone (the caller parses)
    port.postMessage([start, texts, parsed.map(() => null)] satisfies ReadAheadChunk);
  }
  Atomics.add(claims, 1, 1);
  Atomics.notify(claims, 1);
}
port.close();
