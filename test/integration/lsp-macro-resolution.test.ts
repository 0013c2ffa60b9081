// Definition, hover and references of an unqualified macro call resolve as dbt does (dbt-core's MacroNamespace): the
// package of the file calling first (a package's model, or a package's own macro, runs its package's macro), then the
// root project, then any other package; `pkg.x` is pkg's. Calls inside macro files are navigable too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DefinitionRequest, HoverRequest, ReferencesRequest, type Location } from 'vscode-languageserver-protocol';
import { LspClient, positionOf } from '../helpers/lspClient';
import { writeTempProject } from '../helpers/demo-copy';

const PKG_MACROS = '{% macro shared() %}pkg{% endmacro %}\n{% macro own() %}{{ shared() }}{{ only_pkg() }}{% endmacro %}\n{% macro only_pkg() %}x{% endmacro %}\n';
const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: shop\nprofile: shop\n',
  'profiles.yml': "shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ':memory:'\n",
  'macros/helpers.sql': '{% macro shared() %}root{% endmacro %}\n',
  'models/m.sql': "select '{{ shared() }}' as s, '{{ pkg.shared() }}' as p\n",
  'dbt_packages/aaa/dbt_project.yml': 'name: aaa\n',
  'dbt_packages/aaa/macros/a.sql': '{% macro only_pkg() %}a{% endmacro %}\n{% macro shared() %}a{% endmacro %}\n',
  'dbt_packages/pkg/dbt_project.yml': 'name: pkg\n',
  'dbt_packages/pkg/macros/m.sql': PKG_MACROS,
  'dbt_packages/pkg/models/pkg_model.sql': "select '{{ shared() }}' as s, '{{ only_pkg() }}' as o\n",
};

test('macro calls resolve as dbt does: the calling package, the root project, then others', async () => {
  const root = writeTempProject('floe-macro-resolution-', FILES);
  const client = await LspClient.start(root, { FLOE_NO_BINDER: '1' });
  const where = (l: Location) => `${path.relative(root, new URL(l.uri).pathname)}:${l.range.start.line}`;
  try {
    const cases: Array<[file: string, needle: string, defined: string, pkg: string]> = [
      ['models/m.sql', "shared() }}' as s", 'macros/helpers.sql:0', 'shop'],
      ['models/m.sql', "shared() }}' as p", 'dbt_packages/pkg/macros/m.sql:0', 'pkg'],
      ['dbt_packages/pkg/models/pkg_model.sql', "shared() }}' as s", 'dbt_packages/pkg/macros/m.sql:0', 'pkg'],
      ['dbt_packages/pkg/models/pkg_model.sql', "only_pkg() }}' as o", 'dbt_packages/pkg/macros/m.sql:2', 'pkg'],
      ['dbt_packages/pkg/macros/m.sql', 'shared() }}{{ only', 'dbt_packages/pkg/macros/m.sql:0', 'pkg'],
      ['dbt_packages/pkg/macros/m.sql', 'only_pkg() }}{% end', 'dbt_packages/pkg/macros/m.sql:2', 'pkg'],
    ];
    for (const [rel, needle, defined, pkg] of cases) {
      const text = FILES[rel];
      const uri = await client.open(path.join(root, rel), text);
      const position = positionOf(text, needle, 2);
      const defs = await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position }) as Location[];
      assert.deepEqual(defs.map(where), [defined], `definition of ${needle} in ${rel}`);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      assert.match(JSON.stringify(hover), new RegExp(`from package \`${pkg}\``), `hover of ${needle} in ${rel}`);
    }
    // references of pkg's shared(): its package's calls and pkg.shared(), not the root's nor aaa's
    const text = FILES['dbt_packages/pkg/macros/m.sql'];
    const uri = await client.open(path.join(root, 'dbt_packages/pkg/macros/m.sql'), text);
    const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: positionOf(text, 'shared() %}pkg', 2), context: { includeDeclaration: false } }) as Location[];
    assert.deepEqual(refs.map(where).sort(), ['dbt_packages/pkg/macros/m.sql:1', 'dbt_packages/pkg/models/pkg_model.sql:0', 'models/m.sql:0']);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});
