// Rename and references of a model started from its ref() inside a hook's template: a config() hook in a model's SQL,
// a hook in schema YAML. The range offered is that ref's name (not the file's own model), and the rename reaches every
// ref of the model: SQL, hooks in SQL and YAML, dbt_project.yml.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { PrepareRenameRequest, ReferencesRequest, RenameRequest, type Location, type TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\non-run-end:\n  - "select count(*) from {{ ref(\'stg_x\') }}"\n',
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'models/stg_x.sql': 'select 1 as id\n',
  'models/m.sql': "{{ config(post_hook=\"delete from {{ ref('stg_x') }} where false\") }}\nselect id from {{ ref('stg_x') }}\n",
  'models/schema.yml': 'version: 2\nmodels:\n  - name: m\n    config:\n      pre_hook: "select * from {{ ref(\'stg_x\') }} limit 0"\n',
};

/** Each file's text after the edit, by path relative to root, and the files it renames. */
function applied(edit: WorkspaceEdit | null, root: string): { texts: Record<string, string>; renames: string[] } {
  const texts: Record<string, string> = {};
  const renames: string[] = [];
  for (const change of edit?.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind === 'rename') renames.push(`${path.relative(root, new URL(change.oldUri).pathname)} → ${path.relative(root, new URL(change.newUri).pathname)}`);
      continue;
    }
    const c = change as TextDocumentEdit;
    const rel = path.relative(root, new URL(c.textDocument.uri).pathname);
    texts[rel] = TextDocument.applyEdits(TextDocument.create(c.textDocument.uri, 'sql', 0, texts[rel] ?? FILES[rel]), c.edits as never);
  }
  return { texts, renames };
}

test("rename and references from a ref() in a hook's template: the ref's model, every ref of it", async () => {
  const root = writeTempProject('floe-hook-rename-', FILES);
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  try {
    const expected = {
      'models/m.sql': FILES['models/m.sql'].replaceAll('stg_x', 'stg_y'),
      'models/schema.yml': FILES['models/schema.yml'].replaceAll('stg_x', 'stg_y'),
      'dbt_project.yml': FILES['dbt_project.yml'].replaceAll('stg_x', 'stg_y'),
    };
    for (const [rel, needle] of [['models/m.sql', "stg_x') }} where"], ['models/schema.yml', "stg_x') }} limit"]] as const) {
      const text = FILES[rel];
      const uri = await client.open(path.join(root, rel), text);
      const position = positionOf(text, needle, 2);
      const range = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri }, position });
      assert.deepEqual(range, { range: { start: positionOf(text, needle), end: positionOf(text, needle, 5) }, placeholder: 'stg_x' }, `prepareRename in ${rel}`);
      const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri }, position, newName: 'stg_y' });
      const { texts, renames } = applied(edit, root);
      assert.deepEqual(renames, ['models/stg_x.sql → models/stg_y.sql'], `the renamed file, from ${rel}`);
      assert.deepEqual(texts, expected, `the edits, from ${rel}`);
      const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position, context: { includeDeclaration: false } }) as Location[];
      const places = refs.map((l) => path.relative(root, new URL(l.uri).pathname)).sort();
      assert.deepEqual(places, ['dbt_project.yml', 'models/m.sql', 'models/m.sql', 'models/schema.yml'], `references from ${rel}`);
    }
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
