// Errors the local catalog answers with, in the REST spec's shape: {"error": {"message", "type", "code"}}.
import { IcebergError } from '../../iceberg/errors';
import { TableUpdateError } from '../../iceberg/apply-updates';
import { StorageError } from '../../storage/storage';
import { LockTimeoutError } from './file-lock';

/** An HTTP error with an Iceberg/Polaris exception type name. */
export class RestError extends Error {
  constructor(readonly status: number, readonly type: string, message: string) {
    super(message);
    this.name = 'RestError';
  }

  body(): { error: { message: string; type: string; code: number } } {
    return { error: { message: this.message, type: this.type, code: this.status } };
  }
}

export const badRequest = (message: string) => new RestError(400, 'BadRequestException', message);
export const notAuthorized = (message: string) => new RestError(401, 'NotAuthorizedException', message);
export const noSuchNamespace = (ns: string) => new RestError(404, 'NoSuchNamespaceException', `Namespace does not exist: ${ns}`);
export const noSuchTable = (table: string) => new RestError(404, 'NoSuchTableException', `Table does not exist: ${table}`);
export const alreadyExists = (what: string) => new RestError(409, 'AlreadyExistsException', what);
export const commitFailed = (message: string) => new RestError(409, 'CommitFailedException', message);
export const notImplemented = (what: string) => new RestError(501, 'UnsupportedOperationException', `Not implemented: ${what}`);

/** Maps any error thrown while handling a request to a RestError; unknown failures become 500. */
export function toRestError(e: unknown, context: string): RestError {
  if (e instanceof RestError) return e;
  // A path the file system refuses by its shape is the request's fault, not the server's.
  const code = errnoCode(e);
  if (e instanceof LockTimeoutError) return new RestError(503, 'ServiceUnavailableException', `The catalog is busy (${context}); retry`);
  if (code === 'ENAMETOOLONG') return badRequest(`Invalid request for ${context}: a name or location is too long for the file system`);
  if (e instanceof TableUpdateError) {
    return e.kind === 'requirement-failed' ? commitFailed(`Commit failed for ${context}: ${e.message}`) : badRequest(`Invalid update for ${context}: ${e.message}`);
  }
  if (e instanceof IcebergError) return new RestError(500, 'ServiceFailureException', `Cannot read metadata of ${context}: ${e.message}`);
  if (e instanceof StorageError) {
    if (e.kind === 'not-found') return new RestError(404, 'NotFoundException', `File not found for ${context}: ${e.message}`);
    return new RestError(500, 'ServiceFailureException', `Storage failure for ${context}: ${e.message}`);
  }
  return new RestError(500, 'ServiceFailureException', `Internal error for ${context}: ${e instanceof Error ? e.message : String(e)}`);
}

function errnoCode(e: unknown): string | undefined {
  for (let x = e, depth = 0; x && depth < 4; x = (x as { cause?: unknown }).cause, depth++) {
    const code = (x as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}
