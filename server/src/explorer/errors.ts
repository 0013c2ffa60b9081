// Catalog failures become a node state and a one-line reason a person can act on (never a stack trace).
import { CatalogError } from '../catalog/catalog';
import { redact } from '../catalog/redact';
import type { NodeState } from '../protocol/explorer';

export interface NodeProblem {
  state: NodeState;
  reason: string;
}

export function problemOf(e: unknown): NodeProblem {
  if (e instanceof CatalogError) {
    const state: NodeState = e.kind === 'unreachable' ? 'unreachable'
      : e.kind === 'unauthorized' ? 'unauthorized'
        : e.kind === 'forbidden' ? 'forbidden'
          : e.kind === 'not-found' ? 'not-found' : 'error';
    return { state, reason: redact(e.message) };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { state: 'error', reason: redact(message.split('\n')[0]) };
}
