// Which rows the grid shows, in which order: filtering and stable, type-aware sorting.
import type { ResultModel, SortKey } from './model';

export interface SortState {
  column: number;
  descending: boolean;
}

export interface ViewState {
  filter: string;
  /** Filter only this column; undefined filters over all columns. */
  filterColumn?: number;
  sort?: SortState;
}

/** Lower-cased display text per column, built on first use so typing in the filter stays fast. */
export class TextIndex {
  private readonly cache = new Map<number, (string | null)[]>();
  constructor(private readonly model: ResultModel) {}
  column(c: number): (string | null)[] {
    let texts = this.cache.get(c);
    if (!texts) {
      const col = this.model.columns[c];
      texts = new Array(this.model.rowCount);
      for (let r = 0; r < this.model.rowCount; r++) texts[r] = col.text(r)?.toLowerCase() ?? null;
      this.cache.set(c, texts);
    }
    return texts;
  }
}

/** Rows whose text contains the filter (case-insensitive); SQL NULL matches no filter text. */
export function filterRows(model: ResultModel, filter: string, column?: number, index = new TextIndex(model)): Uint32Array {
  const all = Uint32Array.from({ length: model.rowCount }, (_, i) => i);
  const needle = filter.toLowerCase();
  if (!needle) return all;
  const columns = column === undefined ? model.columns.map((_, i) => i) : [column];
  const texts = columns.map((c) => index.column(c));
  const out: number[] = [];
  for (let r = 0; r < model.rowCount; r++) {
    for (const t of texts) {
      const s = t[r];
      if (s !== null && s.includes(needle)) {
        out.push(r);
        break;
      }
    }
  }
  return Uint32Array.from(out);
}

function compareKeys(a: SortKey, b: SortKey): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Sorts rows by one column; equal keys keep their row order, NULLs go last in both directions. */
export function sortRows(model: ResultModel, rows: Uint32Array, sort: SortState): Uint32Array {
  const col = model.columns[sort.column];
  const keys: (SortKey | null)[] = new Array(model.rowCount);
  for (const r of rows) keys[r] = col.key(r);
  const sign = sort.descending ? -1 : 1;
  const sorted = Array.from(rows).sort((a, b) => {
    const ka = keys[a];
    const kb = keys[b];
    if (ka === null || kb === null) {
      if (ka === kb) return a - b;
      return ka === null ? 1 : -1;
    }
    return sign * compareKeys(ka, kb) || a - b;
  });
  return Uint32Array.from(sorted);
}

/** The rows to show for a view state. */
export function viewRows(model: ResultModel, state: ViewState, index?: TextIndex): Uint32Array {
  const rows = filterRows(model, state.filter, state.filterColumn, index);
  return state.sort ? sortRows(model, rows, state.sort) : rows;
}
