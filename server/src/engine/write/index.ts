// The write path's public API: callers (language server, CLI) import from here.
export { writeTable, defaultStorageFactory, type WriteTableOptions, type WriteTableResult, type WriteMode, type WriteProgress, type StorageFactory, type OnSchemaChange } from './write-table.js';
export { WriteError, type WriteErrorKind } from './write-error.js';
export { parsePartitionBy, type PartitionTerm } from './partition-by.js';
