// Typed errors for Iceberg spec logic: each names the file or table it concerns, so callers can show it as is.

export type IcebergErrorKind =
  | 'invalid-metadata'   // JSON metadata that breaks the spec (missing or mistyped field)
  | 'corrupt-file'       // bytes that cannot be decoded (bad gzip, bad JSON, bad Avro)
  | 'unsupported'        // valid Iceberg we do not handle (e.g. ORC data files, LZ4-compressed Puffin footers)
  | 'invalid-argument'   // a caller asked for something impossible (unknown snapshot, bad type string)
  | 'not-found';         // a snapshot, ref, schema or field that does not exist

export class IcebergError extends Error {
  constructor(
    readonly kind: IcebergErrorKind,
    message: string,
    readonly details: { file?: string; table?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(details.file ? `${message} (${details.file})` : details.table ? `${message} (table ${details.table})` : message, options);
    this.name = 'IcebergError';
  }
}
