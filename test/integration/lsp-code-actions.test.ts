// Code actions over LSP: a diagnostic's did-you-mean (unknown ref, source, macro, var, YAML model name, column) comes
// back as a quick fix whose edit puts the suggested name in place of the misspelt one, and only there; an
// undocumented model offers its schema YAML entry with its bound columns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CodeActionRequest, type CodeAction, type CreateFile, type TextDocumentEdit, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const mart = path.join(root, 'models/marts/mart_customer_orders.sql');
const staging = path.join(root, 'models/staging/stg_orders.sql');
const schema = path.join(root, 'models/schema.yml');

function offsetOf(text: string, p: Range['start']): number {
  const lines = text.split('\n');
  return lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
}

function applied(text: string, edits: TextEdit[]): string {
  return [...edits].sort((a, b) => offsetOf(text, b.range.start) - offsetOf(text, a.range.start))
    .reduce((t, e) => t.slice(0, offsetOf(t, e.range.start)) + e.newText + t.slice(offsetOf(t, e.range.end)), text);
}

async function fixesAt(client: LspClient, uri: string, d: Diagnostic): Promise<CodeAction[]> {
  const answer = await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: d.range, context: { diagnostics: [d] } });
  return (answer ?? []).filter((a): a is CodeAction => 'edit' in a && a.kind === 'quickfix');
}

/** Opens `file` with `from` replaced by `to`, and checks its `code` diagnostic's one fix restores the file. */
async function roundTrip(client: LspClient, file: string, from: string, to: string, code: string, title: string): Promise<void> {
  const original = readFileSync(file, 'utf8');
  assert.ok(original.includes(from), `${from} in ${file}`);
  const broken = original.replace(from, to);
  const uri = await client.open(file, broken);
  const d = (await client.diagnostics(uri)).find((x) => x.code === code);
  assert.ok(d, `a ${code} diagnostic in ${path.basename(file)}`);
  const fixes = await fixesAt(client, uri, d);
  assert.equal(fixes.length, 1, `one fix for ${code}: ${fixes.map((f) => f.title).join('; ')}`);
  assert.equal(fixes[0].title, title);
  assert.equal(fixes[0].kind, 'quickfix');
  assert.equal(fixes[0].isPreferred, true);
  assert.equal(fixes[0].diagnostics?.[0]?.code, code, 'the fix names the problem it fixes');
  assert.equal(applied(broken, fixes[0].edit!.changes![uri]), original, `the fix of ${code} restores the file`);
  await client.change(uri, original);
}

test('each did-you-mean diagnostic has a preferred quick fix that writes the suggested name', async () => {
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    await roundTrip(client, mart, "ref('stg_orders')", "ref('stg_ordrs')", 'unknown-ref', "Change 'stg_ordrs' to 'stg_orders'");
    await roundTrip(client, staging, "source('bronze', 'orders')", "source('bronze', 'ordrs')", 'unknown-source-table', "Change 'ordrs' to 'orders'");
    await roundTrip(client, staging, "source('bronze', 'orders')", "source('bronz', 'orders')", 'unknown-source', "Change 'bronz' to 'bronze'");
    await roundTrip(client, staging, 'var("min_status")', 'var("min_statu")', 'unknown-var', "Change 'min_statu' to 'min_status'");
    await roundTrip(client, schema, 'name: stg_customers', 'name: stg_customer', 'yaml-unknown-model', "Change 'stg_customer' to 'stg_customers'");

    // a macro's name, bare and under its package's namespace
    const macroCall = (name: string) => readFileSync(staging, 'utf8').replace('    status\n', `    {{ ${name}('status') }} as status\n`);
    for (const [typo, fixed] of [['cents_to_dolars', 'cents_to_dollars'], ['lakehouse.cents_to_dolars', 'lakehouse.cents_to_dollars']]) {
      const broken = macroCall(typo);
      const uri = await client.open(staging, broken);
      const d = (await client.diagnostics(uri)).find((x) => x.code === 'unknown-macro');
      assert.ok(d, `unknown macro ${typo}`);
      const fixes = await fixesAt(client, uri, d);
      assert.deepEqual(fixes.map((f) => f.title), [`Change '${typo}' to '${fixed}'`]);
      assert.equal(applied(broken, fixes[0].edit!.changes![uri]), macroCall(fixed));
    }

    // no suggestion, no fix; and nothing where the range holds no problem
    const far = readFileSync(mart, 'utf8').replace("ref('stg_orders')", "ref('zzzzzzzzzz')");
    const uri = await client.open(mart, far);
    const d = (await client.diagnostics(uri)).find((x) => x.code === 'unknown-ref');
    assert.ok(d && !/Did you mean/.test(String(d.message)));
    assert.deepEqual(await fixesAt(client, uri, d), []);
    const nowhere = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    assert.deepEqual(await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: nowhere, context: { diagnostics: [] } }), []);

    // the client's diagnostic is a keystroke old: the fix follows the text as it is now
    const moved = far.replace("ref('zzzzzzzzzz')", "ref('stg_order')");
    await client.change(uri, moved);
    const [fix] = await fixesAt(client, uri, d);
    assert.equal(fix?.title, "Change 'stg_order' to 'stg_orders'");
    assert.equal(applied(moved, fix.edit!.changes![uri]), readFileSync(mart, 'utf8'));
  } finally {
    await client.stop();
  }
});

test("a column DuckDB cannot find is fixed to the upstream's column its message suggests; a relation named by hand to its ref() or source()", async () => {
  const client = await LspClient.start(root);
  try {
    await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
    const original = readFileSync(mart, 'utf8');
    const broken = original.replace('customers.customer_name,', 'customers.customer_nme,');
    const uri = await client.open(mart, broken);
    let d: Diagnostic | undefined;
    for (const deadline = Date.now() + 15000; !d && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      d = (await client.diagnostics(uri)).find((x) => x.code === 'sql-binder');
    }
    assert.ok(d, 'the binder reports the column');
    assert.match(String(d.message), /Did you mean 'customer_name'/);
    const fixes = await fixesAt(client, uri, d);
    assert.deepEqual(fixes.map((f) => f.title), ["Change 'customer_nme' to 'customer_name'"]);
    assert.equal(applied(broken, fixes[0].edit!.changes![uri]), original);

    // a model and a source named by hand: fixed to their ref() and source()
    for (const [file, good, bad] of [
      [mart, "{{ ref('stg_orders') }}", 'analytics."stg_orders"'],
      [staging, "{{ source('bronze', 'orders') }}", 'bronze.orders'],
      // three-part names in a catalog DuckDB does not have (its error gives no position: found in the text)
      [mart, "{{ ref('stg_orders') }}", 'wh.analytics.stg_orders'],
      [staging, "{{ source('bronze', 'orders') }}", 'demo."bronze".bronze_orders'],
    ]) {
      const text = readFileSync(file, 'utf8');
      const handWritten = text.replace(good, bad);
      const at = await client.open(file, handWritten);
      let found: Diagnostic | undefined;
      for (const deadline = Date.now() + 15000; !found && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
        found = (await client.diagnostics(at)).find((x) => String(x.code).startsWith('sql-') && /does not exist|no relation/.test(String(x.message)));
      }
      assert.ok(found, `the binder reports ${bad}: ${JSON.stringify(await client.diagnostics(at))}`);
      const [fix, ...more] = await fixesAt(client, at, found);
      assert.equal(fix?.title, `Change '${bad}' to '${good}'`);
      assert.equal(more.length, 0);
      assert.equal(applied(handWritten, fix.edit!.changes![at]), text);
      await client.change(at, text);
    }
    // a three-part name that is no model or source: no fix, but reported where it is written
    const text = readFileSync(mart, 'utf8');
    const unknown = text.replace("{{ ref('stg_orders') }}", 'wh.analytics.nothing_here');
    const at = await client.open(mart, unknown);
    let found: Diagnostic | undefined;
    for (const deadline = Date.now() + 15000; !found && Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      found = (await client.diagnostics(at)).find((x) => /Catalog "wh" does not exist/.test(String(x.message)));
    }
    assert.ok(found, JSON.stringify(await client.diagnostics(at)));
    assert.equal(unknown.slice(offsetOf(unknown, found.range.start), offsetOf(unknown, found.range.end)), 'wh.analytics.nothing_here');
    assert.deepEqual(await fixesAt(client, at, found), []);
    await client.change(at, text);
  } finally {
    await client.stop();
  }
});

test("an undocumented model's schema YAML entry, with its bound columns, in a new file or the YAML beside it", async () => {
  const create = { workspaceEdit: { documentChanges: true, resourceOperations: ['create' as const] } };
  // a copy: the edit's file is made on disk, as VS Code makes it before its text
  const copy = path.join(mkdtempSync(path.join(os.tmpdir(), 'floe-fixes-')), 'lakehouse');
  cpSync(root, copy, { recursive: true, filter: (f) => !f.includes(`${path.sep}.floe`) && !f.includes(`${path.sep}target`) });
  const client = await LspClient.start(copy, {}, undefined, { workspace: create });
  try {
    await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
    const uri = await client.open(path.join(copy, 'models/staging/stg_orders.sql'));
    const refactors = async () => ((await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, context: { diagnostics: [] } })) ?? [])
      .filter((a): a is CodeAction => 'kind' in a && a.kind === 'refactor');
    const [action] = await refactors();
    assert.equal(action?.title, "Add 'stg_orders' and its 4 columns to a new stg_orders.yml");
    const [made, edit] = action.edit!.documentChanges! as [CreateFile, TextDocumentEdit];
    const yamlFile = path.join(copy, 'models/staging/stg_orders.yml');
    assert.equal(made.kind, 'create');
    assert.equal(made.uri, client.uri(yamlFile));
    const yaml = (edit.edits[0] as TextEdit).newText;
    assert.match(yaml, /^version: 2\n\nmodels:\n {2}- name: stg_orders\n/);
    for (const column of ['order_id', 'customer_id', 'order_date', 'status']) assert.match(yaml, new RegExp(`- name: ${column}\\n\\s+data_type: \\w+`));

    // the file made (open, unsaved): the model is documented, so no entry is offered again; the YAML checks clean
    writeFileSync(yamlFile, '');
    await client.filesChanged([{ file: yamlFile, type: 'created' }]);
    const yamlUri = await client.open(yamlFile, yaml);
    assert.deepEqual(await client.diagnostics(yamlUri), []);
    assert.deepEqual(await refactors(), [], 'documented now: no entry offered');
    // a second model in that folder is appended to that file's models: list
    const extra = path.join(copy, 'models/staging/stg_extra.sql');
    writeFileSync(extra, "select order_id, status from {{ ref('stg_orders') }}\n");
    await client.filesChanged([{ file: extra, type: 'created' }]);
    const extraUri = await client.open(extra);
    const next = ((await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: extraUri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })) ?? [])
      .filter((a): a is CodeAction => 'kind' in a && a.kind === 'refactor');
    assert.equal(next[0]?.title, "Add 'stg_extra' and its 2 columns to stg_orders.yml", 'bound on request: a new model the background has not reached');
    const appended = applied(yaml, next[0].edit!.changes![yamlUri]);
    assert.ok(appended.startsWith(yaml) && /\n {2}- name: stg_extra\n/.test(appended), appended);
    await client.change(yamlUri, appended);
    assert.deepEqual(await client.diagnostics(yamlUri), []);
  } finally {
    await client.stop();
    rmSync(path.dirname(copy), { recursive: true, force: true });
  }
  // a client that cannot create files is offered no new file
  const plain = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const uri = await plain.open(staging);
    const actions = (await plain.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } })) ?? [];
    assert.deepEqual(actions, [], 'no new file for a client that cannot make one');
  } finally {
    await plain.stop();
  }
});

test("a documented model's bound columns its schema YAML entry lacks: added to its columns: list, or a columns: made for it", async () => {
  const client = await LspClient.start(root);
  try {
    await client.waitForStatus((s) => s.state === 'ready' && /All \d+ models bound/.test(s.message ?? ''), 30000);
    const refactors = async (file: string) => {
      const uri = await client.open(file);
      return ((await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: { line: 9, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: [] } })) ?? [])
        .filter((a): a is CodeAction => 'kind' in a && a.kind === 'refactor');
    };
    const original = readFileSync(schema, 'utf8');
    const yamlUri = client.uri(schema);
    const [customers, ...more] = await refactors(path.join(root, 'models/staging/stg_customers.sql'));
    assert.equal(customers?.title, "Add 2 missing columns to 'stg_customers' in schema.yml");
    assert.equal(more.length, 0);
    const once = applied(original, customers.edit!.changes![yamlUri]);
    assert.equal(once, original.replace('        description: Lower-cased email address.\n',
      '        description: Lower-cased email address.\n      - name: customer_name\n        data_type: varchar\n        description: ""\n      - name: country\n        data_type: varchar\n        description: ""\n'));
    // the YAML edited (open, unsaved): the next edit is made against it
    await client.open(schema, once);
    const [mart] = await refactors(path.join(root, 'models/marts/mart_customer_orders.sql'));
    assert.equal(mart?.title, "Add 3 missing columns to 'mart_customer_orders' in schema.yml");
    const twice = applied(once, mart.edit!.changes![yamlUri]);
    assert.ok(twice.startsWith(once.replace(/\n$/, '')) && twice.endsWith('    description: One row per customer with order count and lifetime value.\n    columns:\n      - name: customer_id\n        data_type: bigint\n        description: ""\n      - name: customer_name\n        data_type: varchar\n        description: ""\n      - name: order_count\n        data_type: bigint\n        description: ""\n'), twice);
    // the edited YAML checks clean, and both models have every column now: nothing more is offered
    await client.change(yamlUri, twice);
    assert.deepEqual(await client.diagnostics(yamlUri), []);
    assert.deepEqual(await refactors(path.join(root, 'models/staging/stg_customers.sql')), []);
    assert.deepEqual(await refactors(path.join(root, 'models/marts/mart_customer_orders.sql')), []);
  } finally {
    await client.stop();
  }
});
