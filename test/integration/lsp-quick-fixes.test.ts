// Quick fixes over LSP: a diagnostic's did-you-mean (unknown ref, source, macro, var, YAML model name, column) comes
// back as a code action whose edit puts the suggested name in place of the misspelt one, and only there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CodeActionRequest, type CodeAction, type Diagnostic, type Range, type TextEdit } from 'vscode-languageserver-protocol';
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
  return (answer ?? []).filter((a): a is CodeAction => 'edit' in a);
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
    assert.ok(d && !/Did you mean/.test(d.message));
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

test("a column DuckDB cannot find is fixed to the upstream's column its message suggests", async () => {
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
    assert.match(d.message, /Did you mean 'customer_name'/);
    const fixes = await fixesAt(client, uri, d);
    assert.deepEqual(fixes.map((f) => f.title), ["Change 'customer_nme' to 'customer_name'"]);
    assert.equal(applied(broken, fixes[0].edit!.changes![uri]), original);
  } finally {
    await client.stop();
  }
});
