// Bounded fuzz: randomly mutated model text (truncations, unbalanced delimiters, binary junk, a 1 MB line)
// never crashes the server, and every request is answered within one second.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompletionRequest, HoverRequest, DocumentSymbolRequest, DefinitionRequest, CodeLensRequest } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { CompiledSqlRequest } from '../../server/src/protocol';

const root = path.resolve(__dirname, '../fixtures/projects/lakehouse');
const models = ['models/marts/mart_customer_orders.sql', 'models/marts/mart_revenue.sql', 'models/staging/stg_customers.sql'].map((m) => path.join(root, m));
let client: LspClient;

before(async () => {
  client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
});
after(async () => {
  await client?.stop();
});

/** Small deterministic PRNG (mulberry32), so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DELIMITERS = ['{{', '}}', '{%', '%}', '{#', '#}', "'", '"', '(', ')', '{% if x %}', '{% endfor %}', "{{ ref('", "{{ config(materialized='", '{%- ', ' -%}'];

function mutate(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 5)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + DELIMITERS[Math.floor(random() * DELIMITERS.length)] + text.slice(at);
    case 2: {
      const junk = Array.from({ length: 1 + Math.floor(random() * 64) }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');
      return text.slice(0, at) + junk + text.slice(at);
    }
    case 3: return text.slice(0, at) + text.slice(Math.min(text.length, at + Math.floor(random() * 40)));
    default: return text.slice(at) + text.slice(0, at);
  }
}

async function timed<T>(what: string, p: Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: no answer within 1 s`)), 1000))]);
  assert.ok(Date.now() - started <= 1000, `${what} took ${Date.now() - started} ms`);
  return result;
}

async function exercise(uri: string, text: string, random: () => number): Promise<void> {
  await client.change(uri, text);
  const offset = Math.floor(random() * (text.length + 1));
  const before = text.slice(0, offset).split('\n');
  const position = { line: before.length - 1, character: before[before.length - 1].length };
  const doc = { textDocument: { uri } };
  await timed('diagnostics', client.diagnostics(uri));
  await timed('completion', client.connection.sendRequest(CompletionRequest.type, { ...doc, position }));
  await timed('hover', client.connection.sendRequest(HoverRequest.type, { ...doc, position }));
  await timed('definition', client.connection.sendRequest(DefinitionRequest.type, { ...doc, position }));
  await timed('symbols', client.connection.sendRequest(DocumentSymbolRequest.type, doc));
  await timed('lenses', client.connection.sendRequest(CodeLensRequest.type, doc));
  await timed('compiledSql', client.connection.sendRequest(CompiledSqlRequest.type, { uri }));
}

test('mutated model text never crashes or stalls the server', async () => {
  const random = rng(20261125);
  for (const file of models) {
    const original = readFileSync(file, 'utf8');
    const uri = await client.open(file);
    let text = original;
    for (let i = 0; i < 25; i++) {
      text = random() < 0.3 ? mutate(original, random) : mutate(text, random);
      await exercise(uri, text, random);
    }
    await client.change(uri, original);
  }
  assert.ok(client.alive, `server died: ${client.stderr.join('')}`);
});

test('a 1 MB line is answered within a second', async () => {
  const uri = await client.open(models[0]);
  const long = `select ${'x, '.repeat(350_000)}1 from {{ ref('stg_orders') }} {{ `;
  await exercise(uri, long, rng(7));
  await exercise(uri, `{{ ${'('.repeat(200_000)}`, rng(8));
  await client.change(uri, readFileSync(models[0], 'utf8'));
  assert.deepEqual(await client.diagnostics(uri), []);
  assert.ok(client.alive);
});
