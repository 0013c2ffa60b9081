// dbt data tests from the editor: the project's tests (generic ones declared in YAML, singular ones in tests/*.sql)
// and running them over the engine. The client shows them in VS Code's Test Explorer.
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Pos, RunFailure } from './run';

export interface DataTestInfo {
  /** Stable across edits while the test's model, column, name and arguments stay: e.g. `stg_orders.order_id.not_null`. */
  id: string;
  /** What the Test Explorer shows: `not_null(order_id)`, `accepted_values(status)`, `assert_positive_revenue`. */
  label: string;
  /** The generic test's name (`not_null`, `unique`, `accepted_values`, `relationships`), `singular`, or `unit` (a dbt unit test). */
  kind: string;
  /** The model or source table (`source:bronze.orders`) the test is about; singular tests name their file. */
  subject: string;
  column?: string;
  /** `error` fails the run; `warn` reports failing rows without failing. */
  severity: 'error' | 'warn';
  /** The installed package that declares the test (dbt runs packages' tests too); absent for the project's own. */
  packageName?: string;
  /** Where the test is declared (its line in schema.yml, or the singular test's file). */
  uri: string;
  range: { start: Pos; end: Pos };
  /** The subject's own file (the model's SQL, the source's YAML), so the subject can be opened from the tree. */
  subjectUri?: string;
}

export interface DataTestsParams {
  /** A project folder (or any file in it). */
  uri: string;
}

export interface DataTestsResponse {
  /** Every data test of the project, grouped by nothing: the client groups by subject. */
  tests: DataTestInfo[];
}

/** floe/dataTests: the project's data tests. Sent by the client. */
export namespace DataTestsRequest {
  export const method = 'floe/dataTests' as const;
  export const type = new RequestType<DataTestsParams, DataTestsResponse, void>(method);
}

/** floe/dataTestsChanged: the project's tests may have changed (a YAML or test file was edited); re-ask. Sent by the server. */
export namespace DataTestsChangedNotification {
  export const method = 'floe/dataTestsChanged' as const;
  export const type = new NotificationType<{ uri: string }>(method);
}

export interface RunDataTestsParams {
  /** A project folder (or any file in it). */
  uri: string;
  /** Test ids to run; absent runs every test of the project. */
  ids?: string[];
  /** Echoed in floe/runProgress notifications. */
  progressId?: string;
}

export interface DataTestResult {
  id: string;
  /** `pass`: no failing rows; `fail`/`warn`: failing rows (by severity); `error`: the test could not run (bad SQL, missing model). */
  status: 'pass' | 'fail' | 'warn' | 'error';
  /** Failing rows, a decimal int64 string. */
  failures: string;
  /** Why it failed or errored, naming the model, column and file. */
  message?: string;
  /** A few failing rows as text, for the failure message: column names, then rows. */
  sample?: { columns: string[]; rows: string[][] };
  /** The SQL that ran (compiled, over the engine's relations). */
  sql: string;
  ms: number;
  /** A failed unit test: the expected and the actual rows (expected columns only) as text tables, for a diff view. */
  diff?: { expected: string; actual: string };
}

export type RunDataTestsResponse = { results: DataTestResult[] } | RunFailure;

/** floe/runDataTests: run data tests over the models' current upstream data. Sent by the client; cancellable. */
export namespace RunDataTestsRequest {
  export const method = 'floe/runDataTests' as const;
  export const type = new RequestType<RunDataTestsParams, RunDataTestsResponse, void>(method);
}
