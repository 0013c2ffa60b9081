// dbt's built-in macros in the editor: hovering `dbt.type_string()` or `date_trunc(...)` names the macro and its
// parameters, and completion after `dbt.` lists them. No project file defines them, so hover said nothing and `dbt.`
// completed nothing; fivetran's packages call them in most models (dbt.type_string, dbt.date_trunc, dbt.type_int).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { CompletionRequest, HoverRequest, type CompletionItem, type CompletionList } from 'vscode-languageserver-protocol';
import { positionOf, SHOP_DUCKDB_PROFILE, withProjectServer } from '../helpers/lspClient';

const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': SHOP_DUCKDB_PROFILE,
  'models/m.sql': "select cast(1 as {{ dbt.type_string() }}) as s, {{ date_trunc('day', 'now()') }} as d, {{ dbt.ty }} as t\n",
  'macros/helpers.sql': "{% macro to_int(x) %}cast({{ x }} as {{ dbt.type_int() }}){% endmacro %}\n",
};

test("hover and completion know dbt's built-in macros, in models and macro files", async () => {
  await withProjectServer('floe-builtin-macros-', FILES, async (client, root) => {
    const model = FILES['models/m.sql'];
    const uri = await client.open(path.join(root, 'models/m.sql'), model);
    const hover = async (u: string, text: string, needle: string) => JSON.stringify(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: positionOf(text, needle, 2) }));
    assert.match(await hover(uri, model, 'type_string()'), /macro dbt\.type_string\(\)/);
    assert.match(await hover(uri, model, "date_trunc('day'"), /macro dbt\.date_trunc\(datepart, date\)/);
    const macro = FILES['macros/helpers.sql'];
    const macroUri = await client.open(path.join(root, 'macros/helpers.sql'), macro);
    assert.match(await hover(macroUri, macro, 'type_int()'), /macro dbt\.type_int\(\)/);

    const r = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(model, 'ty }}', 2) }) as CompletionItem[] | CompletionList;
    const labels = (Array.isArray(r) ? r : r.items).map((i) => i.label);
    for (const name of ['type_string', 'type_timestamp', 'dateadd', 'date_trunc']) assert.ok(labels.includes(name), `dbt.${name} in ${labels.join(', ')}`);
    assert.ok(!labels.some((l) => l.includes('__')), 'no default__ implementations');
  });
});
