// Messages between the catalog and its metadata worker thread (structured-cloned: bigint and typed arrays survive).
import type { TableMetadata } from '../../iceberg/spec';
import type { IcebergErrorKind } from '../../iceberg/errors';

export type CodecJob =
  /** Parse a metadata file's bytes; answers the metadata and its compact JSON text. */
  | { id: number; op: 'parse'; bytes: Uint8Array; file: string }
  /** Serialize metadata about to be written and check that it reads back; answers the text. */
  | { id: number; op: 'write'; metadata: TableMetadata; file: string };

export type CodecReply =
  | { id: number; ok: true; metadata?: TableMetadata; text: string }
  | { id: number; ok: false; error: { kind?: IcebergErrorKind; message: string; details?: { file?: string; table?: string } } };
