// A model that cannot run: the message names the model file and the line in the user's own template.
import type { Position } from '../project/types';

export class ModelRunError extends Error {
  constructor(message: string, readonly location?: { file: string; position: Position; endPosition?: Position }, options?: { cause?: unknown }) {
    super(location ? `${location.file}:${location.position.line + 1}:${location.position.character + 1}: ${message}` : message, options);
    this.name = 'ModelRunError';
  }
  /** The message without the location prefix, for UIs that show the location separately. */
  get detail(): string {
    return this.location ? this.message.slice(this.message.indexOf(': ') + 2) : this.message;
  }
}

/** JavaScript's own errors: a bug in Floe, whose text (`Cannot read properties of undefined`) means nothing to a user. */
const PROGRAM_ERRORS = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError];

/**
 * What to show a user for a failure while doing `what` (e.g. "preview stg_orders"): a ModelRunError's message as
 * written, a service's error message (catalog, storage) as is, and for a bug in Floe a plain sentence (the detail goes
 * to the log).
 */
export function userErrorText(e: unknown, what: string, options: { withLocation?: boolean } = {}): string {
  if (e instanceof ModelRunError) return options.withLocation ? e.message : e.detail;
  if (PROGRAM_ERRORS.some((k) => e instanceof k)) return `Floe could not ${what} because of an internal error in Floe (${(e as Error).name}); the details are in the log. Please report it.`;
  return e instanceof Error ? e.message : String(e);
}
