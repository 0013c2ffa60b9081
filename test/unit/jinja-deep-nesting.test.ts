// A model nested deeper than any real one (100,000 `(` inside a config() call): the index reads the rest of the
// project, and the file gets an error in words at its place, not JavaScript's "Maximum call stack size exceeded" (it
// ended the whole index, and `floe check`, with an internal error).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { fileDiagnostics, renderDiagnostics } from '../../server/src/features/diagnostics';

const ROOT = '/virtual/deep';

test('a model nested 100,000 brackets deep: the project indexes, the file has a render error in words', () => {
  const p = DbtProject.fromTexts(ROOT, {
    'dbt_project.yml': 'name: d\nprofile: d\n',
    'models/deep.sql': `{{ config(x=${'('.repeat(100_000)} }}\nselect 1`,
    'models/ok.sql': "select * from {{ ref('deep') }}",
  });
  assert.deepEqual(p.modelNames().sort(), ['deep', 'ok']);
  assert.deepEqual(fileDiagnostics(p, `${ROOT}/models/ok.sql`), []);
  const file = `${ROOT}/models/deep.sql`;
  const ds = renderDiagnostics(file, compileModel(p, file), fileDiagnostics(p, file));
  assert.equal(ds.length, 1);
  assert.match(ds[0].message, /^This Jinja nests too deeply to render/);
  assert.doesNotMatch(ds[0].message, /Maximum call stack|RangeError/);
});
