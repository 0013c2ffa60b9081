// The results footer's sentence: how many rows are shown of how many, whether a row limit applies (and that sort,
// filter and export then run on the full result on the server), and the query time. Pure, so it is unit-tested.
import type { PreviewResult } from '../../server/src/protocol/results';

const numbers = new Intl.NumberFormat('en-US');
const n = (v: number): string => numbers.format(v);

/** True when the grid holds only the first rows: sorting and filtering must then ask the server. */
export function isServerSide(r: Pick<PreviewResult, 'truncated' | 'view'>): boolean {
  return r.truncated || r.view !== undefined;
}

export interface Summary {
  text: string;
  /** A row limit cut the result (the footer shows it as a warning colour). */
  limited: boolean;
}

/** `shown`: the rows the grid shows after its own filter (equal to rowCount when the server filtered). */
export function resultSummary(r: PreviewResult, shown: number): Summary {
  const time = `${n(r.elapsedMs)} ms`;
  if (!isServerSide(r)) {
    const rows = shown === r.rowCount ? `${n(r.rowCount)} rows` : `${n(shown)} of ${n(r.rowCount)} rows`;
    return { text: `${rows} · ${time}`, limited: false };
  }
  const matching = r.view?.filter?.text ? ' matching' : '';
  const limit = r.limit ?? r.rowCount;
  if (!r.truncated) return { text: `${n(r.rowCount)}${matching} rows · sorted and filtered over the full result · ${time}`, limited: false };
  const of = r.totalRows === undefined ? `first ${n(r.rowCount)}${matching} rows (total not counted)` : `first ${n(r.rowCount)} of ${n(r.totalRows)}${matching} rows`;
  return { text: `Showing ${of} · row limit ${n(limit)}: sort, filter and export use the full result · ${time}`, limited: true };
}
