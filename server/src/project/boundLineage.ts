// Column lineage per model as the binder learned it, in node ids and template offsets (features/columnLineage.ts
// turns a bind's LocalLineage into this and reads the whole project's from here). Versioned: the project-wide
// index is rebuilt only after a model's lineage changed.

/** `model:stg_orders`, `source:bronze.orders`, `seed:x`, `snapshot:x` (as in protocol/lineage.ts). */
export type NodeId = string;

import type { ColumnEdgeKind } from '../protocol/columnLineage';

export type { ColumnEdgeKind };

export interface BoundColumnOrigin {
  node: NodeId;
  column: string;
  /** Struct fields read within the column. */
  path?: string[];
  kind: ColumnEdgeKind;
}

export interface BoundColumnLineage {
  name: string;
  from: BoundColumnOrigin[];
}

/** Where the model's SQL reads an upstream column, in the model file's text. */
export interface BoundColumnUse {
  node: NodeId;
  column: string;
  start: number;
  end: number;
}

export interface BoundLineage {
  /** The model file's text when bound: `uses` offsets are valid only while it is unchanged. */
  text: string;
  columns: BoundColumnLineage[];
  uses: BoundColumnUse[];
  problem?: string;
}

export class BoundLineageStore {
  private readonly byModel = new Map<string, BoundLineage>();
  /** Bumped whenever a model's lineage changes. */
  version = 0;

  get(model: string): BoundLineage | undefined {
    return this.byModel.get(model);
  }

  set(model: string, lineage: BoundLineage): void {
    const before = this.byModel.get(model);
    if (before && before.text === lineage.text && JSON.stringify(before) === JSON.stringify(lineage)) return;
    this.byModel.set(model, lineage);
    this.version++;
  }

  delete(model: string): void {
    if (this.byModel.delete(model)) this.version++;
  }

  entries(): IterableIterator<[string, BoundLineage]> {
    return this.byModel.entries();
  }

  get size(): number {
    return this.byModel.size;
  }
}
