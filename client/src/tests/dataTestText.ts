// What the Test Explorer says about a data test result, as plain text, and which tests a command picks. No vscode here,
// so the unit tests can check it.
import type { DataTestInfo, DataTestResult } from '../../../server/src/protocol/dataTests';

/** What floe.testModel and floe.testAll return (and the e2e tests assert on). */
export interface DataTestRunSummary {
  passed: number;
  failed: number;
  warned: number;
  errored: number;
  /** Tests that did not run: the run was cancelled, or the server answered without them. */
  skipped: number;
  results: DataTestResult[];
}

export function summarize(results: DataTestResult[], requested: number): DataTestRunSummary {
  const count = (status: DataTestResult['status']) => results.filter((r) => r.status === status).length;
  return {
    passed: count('pass'),
    failed: count('fail'),
    warned: count('warn'),
    errored: count('error'),
    skipped: Math.max(0, requested - new Set(results.map((r) => r.id)).size),
    results,
  };
}

/** `1 failing row` / `1,234 failing rows`; the count stays a decimal string (int64). */
export function failingRows(failures: string): string {
  const grouped = /^\d+$/.test(failures) ? failures.replace(/\B(?=(\d{3})+(?!\d))/g, ',') : failures;
  return `${grouped} failing row${failures === '1' ? '' : 's'}`;
}

/** The sample rows as a small monospace table: header, rule, rows; long cells are cut. */
export function sampleTable(sample: { columns: string[]; rows: string[][] } | undefined, maxCell = 40): string {
  if (!sample || sample.columns.length === 0) return '';
  const cut = (s: string) => {
    const one = (s ?? 'NULL').replace(/\s+/g, ' ');
    return one.length > maxCell ? `${one.slice(0, maxCell - 1)}…` : one;
  };
  const header = sample.columns.map(cut);
  const rows = sample.rows.map((r) => header.map((_, i) => cut(r[i])));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...rows.map(line)].join('\n');
}

/**
 * The failure message shown at the test's line (its first line shows inline): the server's reason, which names the
 * model, column and file, with the failing-row count added when it lacks one; then the sample rows.
 */
export function failureText(result: DataTestResult, test: Pick<DataTestInfo, 'label' | 'subject'> | undefined): string {
  const count = failingRows(result.failures);
  const head = !result.message
    ? `${test ? `${test.label} on ${test.subject}: ` : ''}${count}`
    : mentionsCount(result.message, result.failures) ? result.message : `${result.message}: ${count}`;
  const table = sampleTable(result.sample);
  return [head, table && `Sample:\n${table}`].filter(Boolean).join('\n\n');
}

/** A failed unit test's message beside its diff: the reason's first line (the diff view shows the rows). */
export function unitFailureText(result: DataTestResult): string {
  return (result.message ?? 'actual rows differ from the expected rows').split('\n')[0];
}

function mentionsCount(message: string, failures: string): boolean {
  const forms = [failures, failingRows(failures).split(' ')[0]]; // 1234 or 1,234
  return forms.some((f) => new RegExp(`(^|[^\\d,])${f} failing rows?\\b`).test(message));
}

/** The warning line for the run output (VS Code has no warn state, so a warned test shows as passed). */
export function warningText(result: DataTestResult, test: Pick<DataTestInfo, 'label' | 'subject'> | undefined): string {
  const name = test ? `${test.label} on ${test.subject}` : result.id;
  return `WARN ${name}: ${failingRows(result.failures)} (severity warn)${result.message ? `: ${result.message}` : ''}`;
}

/** Test output is a terminal: it needs CRLF line ends. */
export function terminalText(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/**
 * The tests "Test Model" runs for a file: those about the model named after a .sql file, and those declared in the
 * file itself (a schema.yml's tests, or a singular test file).
 */
export function testsForFile(tests: DataTestInfo[], fileUri: string): DataTestInfo[] {
  const base = safeDecode(fileUri.split('/').pop() ?? '');
  const model = base.toLowerCase().endsWith('.sql') ? base.slice(0, -4) : undefined;
  return tests.filter((t) => sameUri(t.uri, fileUri) || (model !== undefined && t.subject === model));
}

/** URIs as the server and VS Code write them may differ in escaping (e.g. `%3A` for a drive colon). */
export function sameUri(a: string, b: string): boolean {
  return a === b || safeDecode(a) === safeDecode(b);
}

/** Whether `uri` is the folder `root` or inside it. */
export function isInside(uri: string, root: string): boolean {
  const folder = safeDecode(root).replace(/\/$/, '');
  const file = safeDecode(uri);
  return file === folder || file.startsWith(`${folder}/`);
}

function safeDecode(uri: string): string {
  try {
    return decodeURIComponent(uri);
  } catch {
    return uri;
  }
}
