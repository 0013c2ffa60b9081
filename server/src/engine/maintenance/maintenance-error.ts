// Typed errors of table maintenance; each names the table and, when one is to blame, the file.
export type MaintenanceErrorKind = 'unreadable-metadata' | 'moved-table' | 'conflict' | 'cancelled' | 'unsupported';

export class MaintenanceError extends Error {
  constructor(
    readonly kind: MaintenanceErrorKind,
    message: string,
    readonly details: { table: string; file?: string },
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'MaintenanceError';
  }
}
