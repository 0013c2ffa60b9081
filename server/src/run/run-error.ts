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
