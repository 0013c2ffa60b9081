// The messages between readAhead.ts and its worker thread (readAheadWorker.ts), defined once for both sides.
import type { MessagePort } from 'node:worker_threads';
import type { WireAnalysis } from './modelFile';
import type { ParsedYaml } from './yamlStrict';

/** What the worker does with a file beside reading it (`ReadAheadData.kinds`). */
export const FileWork = { Read: 0, ParseYaml: 1, Analyze: 2 } as const;
export type FileWork = (typeof FileWork)[keyof typeof FileWork];

export interface ReadAheadData {
  files: string[];
  /** A FileWork per file. */
  kinds: Uint8Array;
  /** [0]: next unclaimed index (chunk-aligned); [1]: chunks posted (the caller waits on it). */
  shared: SharedArrayBuffer;
  port: MessagePort;
  chunk: number;
}

/**
 * A posted chunk: its first index, the texts (null: not read), the YAML parses and the analyses (null: none), and the
 * buffer holding the analyses' slots.
 */
export type ReadAheadChunk = [start: number, texts: Array<string | null>, parsed: Array<ParsedYaml | null>, analyses: Array<WireAnalysis | null>, slots: Int32Array];
