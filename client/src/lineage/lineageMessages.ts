// The check every lineage webview message passes before it is acted on (the messages are typed in
// server/src/protocol/lineage.ts), and the depth choices. No vscode import: the webview bundle and unit tests
// import it.
import type { Depth, FromLineageWebview, LineageDepth, LineageNode, LineagePanelState } from '../../../server/src/protocol/lineage';

/** Depths the controls offer; null is "all". */
export const DEPTH_CHOICES: readonly Depth[] = [1, 2, 3, 5, null];
export const DEFAULT_DEPTH: LineageDepth = { upstream: 2, downstream: 2 };

const MAX_ID_LENGTH = 1000;
const MAX_DEPTH = 1000;

function isDepth(v: unknown): v is Depth {
  return v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_DEPTH);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
}

/** The message if it is one the webview may send, else undefined (a webview is untrusted input). */
export function parseLineageMessage(m: unknown): FromLineageWebview | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const r = m as Record<string, unknown>;
  switch (r.type) {
    case 'ready':
      return { type: 'ready' };
    case 'open':
    case 'focus':
      return isId(r.id) ? { type: r.type, id: r.id } : undefined;
    case 'columns':
      return isId(r.id) ? { type: 'columns', id: r.id } : undefined;
    case 'column':
      return isId(r.id) && isId(r.column) ? { type: 'column', id: r.id, column: r.column } : undefined;
    case 'depth': {
      const depth = parseDepth(r.depth);
      return depth && { type: 'depth', depth };
    }
    default:
      return undefined;
  }
}

function parseDepth(v: unknown): LineageDepth | undefined {
  const d = v as Record<string, unknown> | null | undefined;
  if (typeof d !== 'object' || d === null || !isDepth(d.upstream) || !isDepth(d.downstream)) return undefined;
  return { upstream: d.upstream, downstream: d.downstream };
}

/** The state a restored panel comes back with (kept by the webview, so untrusted too); undefined when unusable. */
export function parseLineageState(state: unknown): LineagePanelState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  const r = state as Record<string, unknown>;
  if (!isId(r.uri) || !/^file:/.test(r.uri)) return undefined;
  if (r.focus !== undefined && !isId(r.focus)) return undefined;
  const depth = parseDepth(r.depth) ?? DEFAULT_DEPTH;
  return r.focus === undefined ? { uri: r.uri, depth } : { uri: r.uri, focus: r.focus, depth };
}

/** The node the webview names, only if the graph on screen has it: a click opens nothing else. */
export function nodeFor(nodes: readonly LineageNode[] | undefined, message: { type: 'open' | 'focus' | 'columns' | 'column'; id: string }): LineageNode | undefined {
  return nodes?.find((n) => n.id === message.id);
}
