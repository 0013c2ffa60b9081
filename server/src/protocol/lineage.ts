// Lineage: the DAG around a model (sources → staging views → gold marts), for the lineage panel.
import { RequestType } from 'vscode-languageserver-protocol';

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
