// var() in the editor as dbt scopes vars: completion offers the vars the file's package sees (global ones and those
// under its name in `vars:`, never a package's name as if it were a var), and definition, references and completion
// work in macro files as in models. Found on fivetran/dbt_ad_reporting, whose vars all sit under `vars: ad_reporting:`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CompletionRequest, DefinitionRequest, ReferencesRequest, type CompletionItem, type CompletionList, type Location } from 'vscode-languageserver-protocol';
import { positionOf, SHOP_DUCKDB_PROFILE, withProjectServer } from '../helpers/lspClient';

const FILES: Record<string, string> = {
  'dbt_project.yml': "name: shop\nprofile: shop\nvars:\n  global_v: 1\n  shop:\n    scoped_v: 'a'\n  pkg:\n    pkg_v: 2\n",
  'profiles.yml': SHOP_DUCKDB_PROFILE,
  'models/m.sql': "select '{{ var('scoped_v') }}' as s, {{ var('global_v') }} as g\n",
  'models/n.sql': 'select 1 as x\n',
  'macros/helpers.sql': "{% macro pick() %}\n  {{ var('scoped_v') }} from {{ ref('n') }}\n{% endmacro %}\n",
  'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n',
};

test('var completion, definition and references follow dbt var scoping, in models and macro files', async () => {
  await withProjectServer('floe-vars-', FILES, async (client, root) => {
  const where = (l: Location) => `${path.relative(root, new URL(l.uri).pathname)}:${l.range.start.line}`;
  const labels = (r: CompletionItem[] | CompletionList | null) => (Array.isArray(r) ? r : r?.items ?? []).map((i) => i.label).sort();
    const model = FILES['models/m.sql'];
    const modelUri = await client.open(path.join(root, 'models/m.sql'), model);
    const macro = FILES['macros/helpers.sql'];
    const macroUri = await client.open(path.join(root, 'macros/helpers.sql'), macro);

    const inModel = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: modelUri }, position: positionOf(model, "scoped_v') }}' as s", 0) });
    assert.deepEqual(labels(inModel), ['global_v', 'scoped_v'], 'the vars shop sees, not the package names shop and pkg');
    const inMacro = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: macroUri }, position: positionOf(macro, "scoped_v')", 0) });
    assert.deepEqual(labels(inMacro), ['global_v', 'scoped_v'], 'var completion in a macro file');
    const refInMacro = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: macroUri }, position: positionOf(macro, "n') }}", 0) });
    assert.ok(labels(refInMacro).includes('m') && labels(refInMacro).includes('n'), `ref completion in a macro file: ${labels(refInMacro).join(', ')}`);

    const def = await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: macroUri }, position: positionOf(macro, "scoped_v')", 2) }) as Location[];
    assert.deepEqual(def.map(where), ['dbt_project.yml:5'], 'definition of a var in a macro file: its key under vars: shop:');

    const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: modelUri }, position: positionOf(model, "scoped_v') }}' as s", 2), context: { includeDeclaration: true } }) as Location[];
    assert.deepEqual(refs.map(where).sort(), ['dbt_project.yml:5', 'macros/helpers.sql:1', 'models/m.sql:0'], 'references of a var: where it is set and every var() naming it');
  });
});
