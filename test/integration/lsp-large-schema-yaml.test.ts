// The real language server on a project with an ~800 KB schema.yml (2,000 models × 10 columns): the YAML's columns
// reach completion and hover, edits to it are picked up, and a syntax error is reported at its line.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionItem } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { generateProject } from '../helpers/generateProject';
import { generateSchemaYaml } from '../helpers/generateSchemaYaml';

const dir = mkdtempSync(path.join(os.tmpdir(), 'floe-large-yaml-'));
const yamlFile = path.join(dir, 'models', 'schema.yml');
const probe = path.join(dir, 'models', 'marts', 'probe.sql');
const probeText = "select x.c0 from {{ ref('m1500') }} x\n";
const yaml = generateSchemaYaml(2000, 10);
let client: LspClient;

before(async () => {
  generateProject(dir, 2000);
  writeFileSync(yamlFile, yaml);
  writeFileSync(probe, probeText);
  client = await LspClient.start(dir, { FLOE_NO_BINDER: '1' });
  await client.waitForStatus((s) => s.state === 'ready');
});
after(async () => {
  await client?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function columnLabels(uri: string): Promise<string[]> {
  const items = (await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(probeText, 'c0 from') })) as CompletionItem[];
  return items.map((i) => i.label);
}

async function hoverText(uri: string): Promise<string> {
  const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(probeText, "m1500')") });
  return (h?.contents as { value: string } | undefined)?.value ?? '';
}

test('columns and descriptions from the large schema.yml reach completion and hover', async () => {
  assert.ok(yaml.length > 800_000);
  const uri = await client.open(probe);
  const labels = await columnLabels(uri);
  for (const c of ['c0', 'c5', 'c9']) assert.ok(labels.includes(c), `${c} missing from ${JSON.stringify(labels)}`);
  assert.match(await hoverText(uri), /Model 1500\./);
});

test('an edit to one model in the large schema.yml is picked up; a syntax error is at its line', async () => {
  const sql = await client.open(probe);
  const yml = await client.open(yamlFile);
  const edited = yaml.replace('- name: m1500\n  description: Model 1500.\n  columns:\n', '- name: m1500\n  description: Model 1500, edited.\n  columns:\n  - name: added_col\n');
  await client.change(yml, edited);
  assert.deepEqual(await client.diagnostics(yml), []);
  assert.ok((await columnLabels(sql)).includes('added_col'));
  assert.match(await hoverText(sql), /Model 1500, edited\./);

  await client.change(yml, edited.replace('- name: m1000\n', '- name: [m1000\n'));
  const errors = (await client.diagnostics(yml)).filter((d) => d.severity === 1);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0].message), /^YAML: /);
  const line = positionOf(edited, '- name: m1000\n').line;
  assert.ok(Math.abs(errors[0].range.start.line - line) <= 1, `error on line ${errors[0].range.start.line}, expected near ${line}`);

  await client.change(yml, yaml);
  assert.deepEqual(await client.diagnostics(yml), []);
  assert.ok(!(await columnLabels(sql)).includes('added_col'));
});
