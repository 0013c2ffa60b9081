// Lineage: the DAG around a model (sources → staging views → gold marts), for the lineage panel.
import { RequestType } from 'vscode-languageserver-protocol';
import type { ColumnEdge, ColumnRef, ColumnSummary } from './columnLineage';

export interface LineageNode {
  /** `model:stg_orders`, `source:bronze.orders`, `seed:country_codes`, `snapshot:orders_snap`. */
  id: string;
  kind: 'model' | 'source' | 'seed' | 'snapshot';
  /** What the panel shows: the model name, or `bronze.orders` for a source. */
  label: string;
  /** The model's materialization (`view`, `table`, `incremental`, `external`, `ephemeral`), when a model. */
  materialized?: string;
  /** The Iceberg table a source reads or a gold model writes (`demo.gold.mart_revenue`). */
  icebergTable?: string;
  /** Medallion layer when known from the model's schema/namespace or folder: `bronze`, `silver`, `gold`. */
  layer?: string;
  /** How many data tests the node has. */
  tests: number;
  /** Where to go on click: the model's SQL, or the source's YAML line. */
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  /** The node the lineage is centred on. */
  focus?: boolean;
}

export interface LineageEdge { from: string; to: string }

export interface LineageParams {
  /** A model file (centre on it) or a project folder (the whole project). */
  uri: string;
  /** A node id to centre on instead of the uri's own node (e.g. `source:bronze.orders`, or one snapshot of several in a file). */
  focus?: string;
  /** How many levels up and down from the focus; absent means all. */
  upstream?: number;
  downstream?: number;
}

export type LineageResponse = { nodes: LineageNode[]; edges: LineageEdge[] } | { error: string };

/** floe/lineage: the DAG around a model or of a whole project. Sent by the client. */
export namespace LineageRequest {
  export const method = 'floe/lineage' as const;
  export const type = new RequestType<LineageParams, LineageResponse, void>(method);
}

// --- the lineage webview's messages (the extension ↔ its panel); media/ imports these as types only, so the
// LSP import above stays out of its bundle ---

/** How many levels up or down from the focus; null means all. */
export type Depth = number | null;

export interface LineageDepth {
  upstream: Depth;
  downstream: Depth;
}

/** What the panel shows: a graph, a wait, or a sentence (no model open, the server's error). */
export type LineageView =
  | { state: 'graph'; title: string; nodes: LineageNode[]; edges: LineageEdge[]; depth: LineageDepth }
  | { state: 'loading'; title: string; depth: LineageDepth }
  | { state: 'message'; title: string; message: string; depth: LineageDepth };

/**
 * What the panel is centred on, kept by the webview (its `setState`) so that VS Code hands it back to the panel
 * serializer after a window reload and the same lineage comes back.
 */
export interface LineagePanelState {
  /** The model (or YAML) file's URI. */
  uri: string;
  /** A node of that file the lineage is centred on (a source, one of several snapshots). */
  focus?: string;
  depth: LineageDepth;
}

/** Extension → webview. `restore` is what to keep for a reload (absent: nothing to restore). */
export type ToLineageWebview =
  | { type: 'show'; view: LineageView; restore?: LineagePanelState }
  /** A node's columns (the answer to 'columns'); `problem` says why their lineage is unknown. */
  | { type: 'columns'; id: string; columns: ColumnSummary[]; problem?: string }
  /** A column's upstream and downstream paths (the answer to 'column'), with the columns of every node on them. */
  | { type: 'columnPaths'; focus: ColumnRef; edges: ColumnEdge[]; nodeColumns: Record<string, ColumnSummary[]> }
  /** A column request failed: said in the panel. */
  | { type: 'columnsError'; id: string; message: string };

/** Webview → extension. Nodes are named by id only: the extension resolves them in the graph it last sent. */
export type FromLineageWebview =
  /** The script started and can receive a 'show'. */
  | { type: 'ready' }
  /** Open the node's file at its range (a click). */
  | { type: 'open'; id: string }
  /** Centre the lineage on this node (a double-click). */
  | { type: 'focus'; id: string }
  /** New depth controls. */
  | { type: 'depth'; depth: LineageDepth }
  /** Expand a node to its columns. */
  | { type: 'columns'; id: string }
  /** Highlight a column's upstream and downstream paths. */
  | { type: 'column'; id: string; column: string };
