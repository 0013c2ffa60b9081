// The language-server fuzz scaled up: mutations of the lakehouse fixture's real models and YAML (schema.yml,
// sources.yml), each followed by requests, with zero crashes and no request over 1 s. FLOE_FUZZ_MUTATIONS sets
// the count (10,000 for the recorded run in docs/reliability.md); the default keeps `npm test` quick.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompletionRequest, HoverRequest, DocumentSymbolRequest, DefinitionRequest, CodeLensRequest, DidOpenTextDocumentNotification, DidChangeTextDocumentNotification } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { mutate, rng, SQL_BITS, withinLimit, YAML_BITS } from '../helpers/fuzz';
import { CompiledSqlRequest } from '../../server/src/protocol';

const MUTATIONS = Number(process.env.FLOE_FUZZ_MUTATIONS ?? 2000);
const SEED = Number(process.env.FLOE_FUZZ_SEED ?? 8);
const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const files = [
  'models/marts/mart_customer_orders.sql', 'models/marts/mart_revenue.sql', 'models/marts/mart_product_performance.sql',
  'models/staging/stg_customers.sql', 'models/staging/stg_orders.sql', 'models/schema.yml', 'models/sources.yml',
].map((f) => path.join(root, f));
let client: LspClient;

before(async () => {
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
});

let slowest = { ms: 0, what: '' };
function timed<T>(what: string, p: Promise<T>): Promise<T> {
  return withinLimit(what, p, 1000, (ms) => { if (ms > slowest.ms) slowest = { ms, what }; });
}

const versions = new Map<string, number>();
async function setText(uri: string, text: string, yaml: boolean): Promise<void> {
  const version = (versions.get(uri) ?? 0) + 1;
  versions.set(uri, version);
  if (version === 1) {
    await client.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: yaml ? 'yaml' : 'floe-sql', version, text } });
  } else {
    await client.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }
}

test(`${MUTATIONS} mutations of real models and YAML: no crash, every request answered within 1 s`, async () => {
  const random = rng(SEED);
  const originals = files.map((f) => readFileSync(f, 'utf8'));
  const uris = files.map((f) => client.uri(f));
  const current = [...originals];
  for (let i = 0; i < uris.length; i++) await setText(uris[i], originals[i], files[i].endsWith('.yml'));
  const sqlUris = uris.filter((_, i) => !files[i].endsWith('.yml'));
  const counts = { sql: 0, yaml: 0, requests: 0 };
  for (let n = 0; n < MUTATIONS; n++) {
    const i = Math.floor(random() * files.length);
    const yaml = files[i].endsWith('.yml');
    // Mostly keep mutating the current text; sometimes start over from the original, so both deep and shallow damage occur.
    current[i] = mutate(random() < 0.2 ? originals[i] : current[i], yaml ? YAML_BITS : SQL_BITS, random);
    if (current[i].length > 200_000) current[i] = originals[i];
    await setText(uris[i], current[i], yaml);
    yaml ? counts.yaml++ : counts.sql++;
    // A model reflects YAML damage (schema columns, sources) in its diagnostics and completions.
    const uri = yaml ? sqlUris[Math.floor(random() * sqlUris.length)] : uris[i];
    const text = current[uris.indexOf(uri)];
    const offset = Math.floor(random() * (text.length + 1));
    const lines = text.slice(0, offset).split('\n');
    const position = { line: lines.length - 1, character: lines[lines.length - 1].length };
    const doc = { textDocument: { uri } };
    await timed(`diagnostics #${n}`, client.diagnostics(uri));
    if (yaml) await timed(`yaml diagnostics #${n}`, client.diagnostics(uris[i]));
    const requests = [
      () => client.connection.sendRequest(CompletionRequest.type, { ...doc, position }),
      () => client.connection.sendRequest(HoverRequest.type, { ...doc, position }),
      () => client.connection.sendRequest(DefinitionRequest.type, { ...doc, position }),
      () => client.connection.sendRequest(DocumentSymbolRequest.type, doc),
      () => client.connection.sendRequest(CodeLensRequest.type, doc),
      () => client.connection.sendRequest(CompiledSqlRequest.type, { uri }),
    ];
    await timed(`request #${n}`, requests[Math.floor(random() * requests.length)]() as Promise<unknown>);
    counts.requests += yaml ? 3 : 2;
    if (!client.alive) break;
  }
  assert.ok(client.alive, `server died: ${client.stderr.join('').slice(-2000)}`);
  assert.doesNotMatch(client.stderr.join(''), /Unhandled|uncaught|FATAL|RangeError: Maximum call stack/i);
  // Back to the originals: the project is whole again (no state left corrupted by the damage).
  for (let i = 0; i < uris.length; i++) await setText(uris[i], originals[i], files[i].endsWith('.yml'));
  for (const uri of sqlUris) assert.deepEqual((await timed('final diagnostics', client.diagnostics(uri))).filter((d) => d.severity === 1), [], uri);
  console.log(`lsp fuzz: ${MUTATIONS} mutations (${counts.sql} SQL, ${counts.yaml} YAML), ${counts.requests} requests, seed ${SEED}, slowest ${slowest.ms} ms (${slowest.what.replace(/ #\d+$/, '')}), 0 crashes`);
});

test('hostile YAML (alias bombs, deep nesting, huge scalars) is answered within 1 s', async () => {
  const uri = client.uri(path.join(root, 'models/schema.yml'));
  const original = readFileSync(path.join(root, 'models/schema.yml'), 'utf8');
  const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  // 2,000 models (80 KB); the yaml parser needs ~2 ms per KB, so a 800 KB schema.yml is over the budget (docs/reliability.md).
  const hostile = [
    `version: 2\n${laughs.join('\n')}\nmodels:\n  - name: mart_revenue\n    columns: *j\n`,
    `version: 2\nmodels:\n${'  - '.repeat(1)}${'['.repeat(5000)}\n`,
    `version: 2\nmodels:\n  - name: ${'x'.repeat(2_000_000)}\n`,
    `version: 2\nmodels:\n${Array.from({ length: 2000 }, (_, i) => `  - name: m${i}\n    columns: [{name: c}]`).join('\n')}\n`,
  ];
  for (const [k, text] of hostile.entries()) {
    await setText(uri, text, true);
    await timed(`hostile yaml ${k}`, client.diagnostics(uri));
    await timed(`model after hostile yaml ${k}`, client.diagnostics(client.uri(path.join(root, 'models/marts/mart_revenue.sql'))));
  }
  await setText(uri, original, true);
  assert.ok(client.alive, client.stderr.join('').slice(-2000));
});
