// What the catalog status bar item shows for the connections' states. Pure (no vscode import), so it is unit-tested.
import type { ConnectionInfo, NodeState } from '../../../server/src/protocol/explorer';

export type ConnectionState = { state: 'connected' } | { state: NodeState; reason: string } | { state: 'idle' };

export interface CatalogStatusView {
  text: string;
  tooltip: string;
  isError: boolean;
}

/**
 * undefined hides the item (no connection opened yet); a failed connection wins over connected ones. Only connections
 * the user asked for count: the active target's (connected by default) and those the user opened (`asked`), so a
 * connection the user never asked for never warns.
 */
export function catalogStatusView(connections: ConnectionInfo[], stateOf: (id: string) => ConnectionState, asked: ReadonlySet<string> = new Set()): CatalogStatusView | undefined {
  const states = connections.filter((c) => c.active || asked.has(c.id)).map((c) => ({ c, s: stateOf(c.id) })).filter(({ s }) => s.state !== 'idle');
  if (states.length === 0) return undefined;
  const failed = states.filter(({ s }) => s.state !== 'connected');
  const lines = states.map(({ c, s }) => `${c.label}: ${'reason' in s ? `${s.state} — ${s.reason}` : s.state}`);
  if (failed.length > 0) {
    const { c, s } = failed[0];
    return { text: `$(warning) Catalog: ${c.label} ${s.state}`, tooltip: lines.join('\n'), isError: true };
  }
  return { text: `$(database) Catalog: ${states.length} connected`, tooltip: lines.join('\n'), isError: false };
}
