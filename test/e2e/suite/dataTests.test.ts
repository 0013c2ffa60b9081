// dbt data tests in the Test Explorer: the demo's tests are listed at their schema.yml lines, "Run All Data Tests"
// passes on the demo, and tests added to the (unsaved) schema.yml report fail / warn / error through "Test Model"
// with their count and sample. Data-driven.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FloeApi } from '../../../client/src/api';
import type { DataTestRunSummary } from '../../../client/src/tests/dataTestText';
import type { DataTestResult } from '../../../server/src/protocol';
import { floeApi, hasLakehouse, openFile, revertActive, waitForReady, workspaceUri } from './helpers';

type Tests = FloeApi['dataTests'];

interface Case {
  name: string;
  /** The stg_customers column the test is added under, and the test's YAML lines. */
  column: string;
  test: string[];
  expect: { status: DataTestResult['status']; failures?: string; sample?: string; message?: RegExp };
}

// JP is missing from the list: one failing value, as dbt counts accepted_values (grouped by value).
const NO_JP = "    values: ['NL', 'DE', 'FR', 'US', 'GB']";
const cases: Case[] = [
  { name: 'a failing accepted_values', column: 'country', test: ['- accepted_values:', NO_JP], expect: { status: 'fail', failures: '1', sample: 'JP' } },
  { name: 'the same at severity warn', column: 'country', test: ['- accepted_values:', NO_JP, '    config:', '      severity: warn'], expect: { status: 'warn', failures: '1', sample: 'JP' } },
  { name: 'a not_null of a missing column', column: 'no_such_column', test: ['- not_null'], expect: { status: 'error', message: /stg_customers.*no_such_column/ } },
];

describe('data tests', () => {
  let tests: Tests;

  before(async function () {
    await waitForReady();
    tests = (await floeApi()).dataTests;
    await tests.refresh();
    if (tests.tests().length === 0) await waitForTests(tests, (all) => all.length > 0);
  });

  it('lists the demo tests under their subjects, each at its line in schema.yml', async () => {
    const all = tests.tests();
    const inSchema = all.filter((t) => t.info.uri.endsWith('/models/schema.yml'));
    assert.ok(inSchema.length >= 3, `expected the demo's schema.yml tests, got ${all.map((t) => t.info.id).join(', ')}`);
    const doc = await vscode.workspace.openTextDocument(workspaceUri('models/schema.yml'));
    for (const t of all) {
      assert.ok(t.item.uri && t.item.range, `${t.info.id} has no location (no gutter button)`);
      assert.equal(t.item.parent?.label, t.info.subject.replace(/^source:/, ''), `${t.info.id} sits under its subject`);
      if (t.item.uri.toString() !== doc.uri.toString() || t.info.kind === 'singular') continue;
      const line = doc.lineAt(t.item.range.start.line).text;
      assert.ok(line.includes(t.info.kind), `${t.info.id} points at line ${t.item.range.start.line + 1} ("${line.trim()}"), not at its ${t.info.kind}`);
    }
    // One project folder: subjects are the top level.
    const top: string[] = [];
    tests.controller.items.forEach((i) => void top.push(i.label));
    for (const t of all) assert.ok(top.includes(t.info.subject.replace(/^source:/, '')), `${t.info.subject} is a top-level item`);
  });

  it('floe.testAll passes every demo test', async function () {
    if (!hasLakehouse) this.skip();
    const summary = await vscode.commands.executeCommand<DataTestRunSummary>('floe.testAll');
    const total = tests.tests().length;
    const bad = summary.results.filter((r) => r.status === 'fail' || r.status === 'error').map((r) => `${r.id}: ${r.status} ${r.failures} ${r.message ?? ''}`);
    assert.deepEqual(bad, []);
    assert.equal(summary.passed + summary.warned, total, `every listed test ran: ${JSON.stringify({ ...summary, results: summary.results.length })}`);
    assert.ok(summary.passed > 0);
  });

  for (const c of cases) {
    it(`${c.name} added to schema.yml: floe.testModel reports ${c.expect.status}`, async function () {
      if (!hasLakehouse) this.skip();
      await check(tests, c);
    });
  }
});

async function check(tests: Tests, c: Case): Promise<void> {
  const editor = await openFile('models/schema.yml');
  const before = testsOf(tests, 'stg_customers').length;
  try {
    const line = await addColumnTest(editor, 'stg_customers', c.column, c.test);
    await waitForTests(tests, () => testsOf(tests, 'stg_customers').length === before + 1);
    const added = testsOf(tests, 'stg_customers').find((t) => t.item.range?.start.line === line);
    assert.ok(added, `the new test is listed at line ${line + 1}`);

    const summary = await vscode.commands.executeCommand<DataTestRunSummary>('floe.testModel', workspaceUri('models/staging/stg_customers.sql'));
    const got = summary.results.find((r) => r.id === added.info.id);
    assert.ok(got, `the new test ran: ${JSON.stringify(summary.results.map((r) => r.id))}`);
    assert.equal(got.status, c.expect.status, JSON.stringify(got));
    if (c.expect.failures) assert.equal(got.failures, c.expect.failures);
    if (c.expect.sample) assert.ok(got.sample?.rows.some((r) => r.includes(c.expect.sample!)), `the sample shows ${c.expect.sample}: ${JSON.stringify(got.sample)}`);
    if (c.expect.message) assert.match(got.message ?? '', c.expect.message);
    // The model's other tests still pass, and only the model's tests ran.
    const counts = { passed: summary.passed, failed: summary.failed, warned: summary.warned, errored: summary.errored, skipped: summary.skipped };
    const want = { passed: before, failed: 0, warned: 0, errored: 0, skipped: 0, [{ pass: 'passed', fail: 'failed', warn: 'warned', error: 'errored' }[c.expect.status]]: c.expect.status === 'pass' ? before + 1 : 1 };
    assert.deepEqual(counts, want);
  } finally {
    await vscode.window.showTextDocument(editor.document);
    await revertActive();
    // The next case counts the model's tests: wait until the tree has dropped this one.
    await waitForTests(tests, () => testsOf(tests, 'stg_customers').length === before);
  }
}

function testsOf(tests: Tests, subject: string) {
  return tests.tests().filter((t) => t.info.subject === subject);
}

/** Resolves once `accept` holds for the listed tests (checked now and whenever the tree changes). */
function waitForTests(tests: Tests, accept: (all: ReturnType<Tests['tests']>) => boolean, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!accept(tests.tests())) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    };
    const sub = tests.onDidChangeTests(check);
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`the data tests did not change as expected within ${timeoutMs} ms; now: ${tests.tests().map((t) => t.info.id).join(', ')}`));
    }, timeoutMs);
    check();
  });
}

/**
 * Adds a column entry with one test to a model in the (unsaved) schema.yml, under its `columns:` (created if missing).
 * Returns the 0-based line of the test's first line.
 */
async function addColumnTest(editor: vscode.TextEditor, model: string, column: string, test: string[]): Promise<number> {
  const doc = editor.document;
  const lines = doc.getText().split(/\r?\n/);
  const at = lines.findIndex((l) => new RegExp(`^\\s*- name: ${model}\\s*$`).test(l));
  assert.ok(at >= 0, `${model} is not in ${doc.uri.fsPath}`);
  const modelIndent = lines[at].indexOf('-');
  let end = at + 1;
  while (end < lines.length && !(lines[end].trim() && lines[end].search(/\S/) <= modelIndent)) end++;
  const columnsAt = lines.slice(at + 1, end).findIndex((l) => /^\s*columns:\s*$/.test(l));
  let insertAt: number;
  let indent: string;
  let text: string[];
  if (columnsAt >= 0) {
    insertAt = at + 1 + columnsAt + 1;
    indent = /^\s*/.exec(lines[insertAt])![0];
    text = [];
  } else {
    insertAt = at + 1;
    indent = ' '.repeat(modelIndent + 4);
    text = [`${' '.repeat(modelIndent + 2)}columns:`];
  }
  text.push(`${indent}- name: ${column}`, `${indent}  data_tests:`, ...test.map((l) => `${indent}    ${l}`));
  const testLine = insertAt + text.length - test.length;
  const edit = new vscode.WorkspaceEdit();
  edit.insert(doc.uri, new vscode.Position(insertAt, 0), `${text.join('\n')}\n`);
  assert.ok(await vscode.workspace.applyEdit(edit), `edit of ${doc.uri.fsPath} was refused`);
  return testLine;
}
