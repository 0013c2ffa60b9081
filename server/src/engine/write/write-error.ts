// Typed errors of the write path: each names the table or file it concerns, for a message a person can act on.

export type WriteErrorKind =
  | 'unsupported-type' | 'unsupported-format' | 'incompatible-schema' | 'bad-partition-by' | 'bad-argument'
  | 'table-exists' | 'table-not-found' | 'conflict' | 'commit-state-unknown' | 'cancelled' | 'io';

export class WriteError extends Error {
  constructor(readonly kind: WriteErrorKind, message: string, readonly details: { table?: string; uri?: string } = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WriteError';
  }
}
