// A `floe check` kept whole: its report and every input it read (files, folders, env vars; see util/inputTrace.ts).
// A check of an unchanged project replays the report after reading only those inputs again: no project load, no
// render, no DuckDB. One file per project, Floe build, Node and binding on/off (util/keptReport.ts).
import path from 'node:path';
import type { TracedInput } from '../util/inputTrace';
import { cacheDir, FLOE_BUILD } from '../util/jsonlStore';
import { KeptReport } from '../util/keptReport';

export interface CheckReport<D> {
  models: number;
  diagnostics: D[];
}

function isReport(value: unknown): value is CheckReport<unknown> {
  const r = value as CheckReport<unknown> | null;
  return !!r && Array.isArray(r.diagnostics) && typeof r.models === 'number';
}

export class CheckSnapshot {
  private readonly kept: KeptReport<CheckReport<unknown>>;

  constructor(root: string, bind: boolean, dir = cacheDir('check')) {
    this.kept = new KeptReport(['check', path.resolve(root), FLOE_BUILD, process.version, bind], dir, '.check', isReport);
  }

  get file(): string {
    return this.kept.file;
  }

  /** The kept report, when every input it was made from reads as it did then. */
  replay<D>(): CheckReport<D> | undefined {
    return this.kept.replay() as CheckReport<D> | undefined;
  }

  keep<D>(inputs: TracedInput[], report: CheckReport<D>): void {
    this.kept.keep(inputs, { models: report.models, diagnostics: report.diagnostics });
  }
}
