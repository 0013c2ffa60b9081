// The figures the suite reports, with their goals (issue 7). Goals are fixed here: never loosen them.
import { summarize, type SideBySide, type Summary } from './measure';

export type FigureName =
  | 'ls_index_10k_ms' | 'ls_index_100k_ms' | 'ls_rss_100k_mb' | 'ls_edit_p95_ms' | 'ls_rss_mb' | 'ls_schema_yaml_edit_p95_ms' | 'plan_10k_files_ms'
  | 'read_ratio' | 'preview_ms' | 'preview_ratio' | 'write_ratio' | 'commit_ms' | 'check_packages_1240_ms' | 'ls_first_diagnostics_1240_ms'
  | 'check_bind_10k_ms' | 'check_bind_10k_warm_ms' | 'schema_ready_10k_ms' | 'schema_ready_10k_warm_ms' | 'ls_downstream_rebind_ms'
  | 'count_13k_files_ms' | 'preview_limit_100k_files_ms' | 'filtered_preview_1pct_ratio' | 's3_cold_preview_ratio' | 'write_100m_peak_mb'
  | 'compact_10k_files_ratio' | 'column_lineage_1k_ms' | 'column_lineage_edit_p95_ms';

export interface FigureSpec { what: string; baseline: string; goal: number; unit: string }

export const FIGURES: Record<FigureName, FigureSpec> = {
  ls_index_10k_ms: { what: 'cold index of a generated 10,000-model project until floe/status ready and pull diagnostics answered', baseline: '(absolute)', goal: 600, unit: 'ms' },
  ls_index_100k_ms: { what: 'the same on a generated 100,000-model project (394 MB; full run only)', baseline: '(absolute)', goal: 6000, unit: 'ms' },
  ls_rss_100k_mb: { what: 'RSS of the server process after indexing the 100k project', baseline: '(absolute)', goal: 1536, unit: 'MB' },
  ls_edit_p95_ms: { what: 'edit-to-diagnostics on a model with 10 upstream refs, p95 over 200 edits', baseline: '(absolute)', goal: 50, unit: 'ms' },
  ls_rss_mb: { what: 'RSS of the server process after indexing the 10k project', baseline: '(absolute)', goal: 300, unit: 'MB' },
  ls_schema_yaml_edit_p95_ms: { what: 'edit-to-diagnostics on an 800 KB schema.yml (2,000 models × 10 columns), p95 over 20 edits', baseline: '(absolute)', goal: 300, unit: 'ms' },
  plan_10k_files_ms: { what: 'scan planning over 10,000 data files in 100 manifests (read from disk)', baseline: '(absolute)', goal: 200, unit: 'ms' },
  read_ratio: { what: "aggregate over every column of a 1M-row Iceberg table through Floe's relation", baseline: 'read_parquet on the same files', goal: 1.2, unit: '×' },
  preview_ms: { what: 'preview of a staging model (stg_orders) over 1M bronze rows, data cached', baseline: '(absolute)', goal: 300, unit: 'ms' },
  preview_ratio: { what: 'the same preview', baseline: 'the same SQL on the Parquet files', goal: 1.2, unit: '×' },
  write_ratio: { what: 'materializing a 10M-row result as a new Iceberg table (writeTable, create)', baseline: 'DuckDB COPY of the same query to Parquet', goal: 1.15, unit: '×' },
  commit_ms: { what: 'one REST commit (append) against the local catalog', baseline: '(absolute)', goal: 50, unit: 'ms' },
  check_packages_1240_ms: { what: '`floe check --no-bind` cold on a generated 1,240-model project with two packages, dispatch and dbt built-ins (process start to report)', baseline: '(absolute)', goal: 2000, unit: 'ms' },
  check_bind_10k_ms: { what: '`floe check` with binding, cold (`--no-cache`), on the generated 10,000-model project: every model bound in DuckDB (process start to report)', baseline: '(absolute)', goal: 10000, unit: 'ms' },
  schema_ready_10k_ms: { what: 'the editor: from starting the language server on the generated 10,000-model project until every model is bound ("All N models bound"), no kept results', baseline: '(absolute)', goal: 10000, unit: 'ms' },
  schema_ready_10k_warm_ms: { what: 'the same on a reopen of the unchanged project, renders and bind results kept on disk', baseline: '(absolute)', goal: 1000, unit: 'ms' },
  ls_downstream_rebind_ms: { what: "an edit changes a column's type in a model with ~500 models downstream: until they are all bound again (the edited file's diagnostics must not wait)", baseline: '(absolute)', goal: 10000, unit: 'ms' },
  check_bind_10k_warm_ms: { what: 'the same check again on the unchanged project, renders, bind results and the last report kept on disk (issue #18: a reopen ≤ 1 s)', baseline: '(absolute)', goal: 1000, unit: 'ms' },
  count_13k_files_ms: { what: '`count(*)` of a 13,000-file table (130 manifests), answered from its manifests (floe query, in process)', baseline: 'planning the same files for a read (in detail)', goal: 200, unit: 'ms' },
  preview_limit_100k_files_ms: { what: '`SELECT * … LIMIT 100` of a 100,000-file table (1,000 manifests; goal also ≤ 2 manifests read per 100 rows, in detail)', baseline: 'planning every file (in detail)', goal: 500, unit: 'ms' },
  filtered_preview_1pct_ratio: { what: 'a preview filtered by partition to 1% (1,000) of the 100,000 files', baseline: 'the same preview of a table of just those files', goal: 1.2, unit: '×' },
  s3_cold_preview_ratio: { what: 'a `LIMIT 100` preview of a table in moto S3, file cache empty', baseline: 'the same preview from local disk, of a folder this process has not read (no plan or footer in memory on either side)', goal: 2, unit: '×' },
  write_100m_peak_mb: { what: 'peak RSS of `floe write` creating a 100M-row table (its own process)', baseline: '(absolute)', goal: 2048, unit: 'MB' },
  compact_10k_files_ratio: { what: '`floe table optimize` of a 10,000-file table (1M rows, 100 per file) into one file, one replace commit (issue #16)', baseline: 'DuckDB COPY of the same rows from the same files to Parquet', goal: 1.3, unit: '×' },
  column_lineage_1k_ms: { what: 'column lineage of every model of the generated 1,000-model project (DuckDB parse and resolution per model, then the project index and one full upstream path)', baseline: '(absolute)', goal: 2000, unit: 'ms' },
  column_lineage_edit_p95_ms: { what: "what column lineage adds to an edit: the edited model's lineage (10 refs), the project index rebuilt and its column's paths answered, p95 (the model's bind, done after every edit anyway, is in the notes)", baseline: '(absolute)', goal: 50, unit: 'ms' },
  ls_first_diagnostics_1240_ms: { what: 'the language server on the same 1,240-model project: spawn to the first pull diagnostics of a root model answered', baseline: '(absolute)', goal: 1000, unit: 'ms' },
};

export interface Measured {
  name: FigureName;
  summary: Summary;
  /** For ratios: the two sides' times in ms. */
  floeMs?: Summary;
  baselineMs?: Summary;
  /** CPU time of the measured process, where wall time is at the mercy of the shared machine's load. */
  cpuMs?: Summary;
  /** For ratios: the same ratio in CPU time (Floe's CPU over the baseline's). */
  cpuRatio?: Summary;
  /** A breakdown worth printing next to the figure. */
  detail?: string;
  /** What was measured when it differs from the full-size definition (quick runs). */
  size?: string;
}

export const meets = (m: Measured): boolean => m.summary.median <= FIGURES[m.name].goal;

/** A ratio figure from side-by-side timings. */
export function ratioFigure(name: FigureName, r: SideBySide, size?: string): Measured {
  return {
    name, size, summary: summarize(r.ratios), cpuRatio: summarize(r.cpuRatios),
    floeMs: summarize(r.floe.map((t) => t.ms)), baselineMs: summarize(r.baseline.map((t) => t.ms)),
  };
}
