// The read-ahead worker thread (dist/read-ahead-worker.js, started by readAhead.ts): claims chunks of the file list,
// reads them, parses the schema YAML ones strictly (yamlStrict.ts: js-yaml was ~40% of a YAML-heavy project's index on
// the main thread), analyzes the model-like ones (their packed uses travel in one transferred buffer a chunk, which the
// caller keeps as it is), and posts each chunk. A file it cannot read or parse is left to the caller, which reports it.
import { readFileSync } from 'node:fs';
import { workerData } from 'node:worker_threads';
import { parseToSend, type ParsedYaml } from './yamlStrict';
import { toWire, wireLength, type ModelFileAnalysis } from './modelFile';
import { analyzeModelLike } from './pythonModel';
import { FileWork, type ReadAheadChunk, type ReadAheadData } from './readAheadProtocol';

function analyze(file: string, text: string): ModelFileAnalysis | null {
  try {
    return analyzeModelLike(file, text);
  } catch {
    return null;
  }
}

function parse(file: string, text: string): ParsedYaml | null {
  try {
    return parseToSend(file, text);
  } catch {
    return null;
  }
}

const { files, kinds, shared, port, chunk } = workerData as ReadAheadData;
const claims = new Int32Array(shared);
for (;;) {
  const start = Atomics.add(claims, 0, chunk);
  if (start >= files.length) break;
  const texts: Array<string | null> = [];
  const parsed: Array<ParsedYaml | null> = [];
  const analyzed: Array<ModelFileAnalysis | null> = [];
  let slotCount = 0;
  for (let i = start; i < Math.min(files.length, start + chunk); i++) {
    let text: string | null = null;
    try {
      text = readFileSync(files[i], 'utf8');
    } catch {
      // the caller reads it again and reports what went wrong
    }
    texts.push(text);
    parsed.push(text !== null && kinds[i] === FileWork.ParseYaml ? parse(files[i], text) : null);
    const a = text !== null && kinds[i] === FileWork.Analyze ? analyze(files[i], text) : null;
    analyzed.push(a);
    if (a) slotCount += wireLength(a);
  }
  const slots = new Int32Array(slotCount);
  let at = 0;
  const analyses = analyzed.map((a) => {
    if (!a) return null;
    const w = toWire(a, slots, at);
    at += w.length;
    return w;
  });
  try {
    port.postMessage([start, texts, parsed, analyses, slots] satisfies ReadAheadChunk, [slots.buffer]);
  } catch {
    // a value structured clone cannot carry: the texts alone (the caller parses and analyzes)
    port.postMessage([start, texts, parsed.map(() => null), analyses.map(() => null), new Int32Array(0)] satisfies ReadAheadChunk);
  }
  Atomics.add(claims, 1, 1);
  Atomics.notify(claims, 1);
}
port.close();
