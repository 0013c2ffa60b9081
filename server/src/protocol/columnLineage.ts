// Column-level lineage: a node's columns, and a column's upstream and downstream paths across the DAG.
import { RequestType } from 'vscode-languageserver-protocol';

export type ColumnEdgeKind = 'pass-through' | 'rename' | 'transformation';

/** A column of a node (`model:stg_orders`, `source:bronze.orders`, as in protocol/lineage.ts). */
export interface ColumnRef {
  node: string;
  column: string;
  /** Struct fields read within the column (`address.city` → ['city']). */
  path?: string[];
  /** The Iceberg field id of a source column read from the catalog. */
  fieldId?: number;
}

/** The `to` column is computed from the `from` column: its value as is, under another name, or transformed. */
export interface ColumnEdge {
  from: ColumnRef;
  to: ColumnRef;
  kind: ColumnEdgeKind;
}

export interface ColumnSummary {
  name: string;
  type?: string;
  fieldId?: number;
  /** How many upstream columns it is computed from, when the model's lineage is known. */
  upstream?: number;
  /** The strongest kind among its upstream edges. */
  kind?: ColumnEdgeKind;
}

export interface ColumnLineageParams {
  /** A file of the project (any model, or the project folder). */
  uri: string;
  /** The node whose columns to show. */
  node: string;
  /** A column of it: its upstream and downstream edges come back too. */
  column?: string;
}

export type ColumnLineageResponse =
  | {
      node: string;
      columns: ColumnSummary[];
      /** With a column: every edge on its upstream and downstream paths. */
      edges?: ColumnEdge[];
      /** With a column: the columns of every node those edges touch. */
      nodeColumns?: Record<string, ColumnSummary[]>;
      /** Why the lineage of the node's columns is unknown (not bound yet, SQL that does not parse). */
      problem?: string;
    }
  | { error: string };

/** floe/columnLineage: a node's columns, or a column's paths. Sent by the client (the lineage panel). */
export namespace ColumnLineageRequest {
  export const method = 'floe/columnLineage' as const;
  export const type = new RequestType<ColumnLineageParams, ColumnLineageResponse, void>(method);
}
