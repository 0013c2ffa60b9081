// dbt's command-line conventions in Floe's CLI: multi-value flags, --vars as YAML, --resource-type names, build order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandAndArgs, expandMultiValueFlags, parseVars } from '../../server/src/cli/dbt-args';
import { resourceTypesArg } from '../../server/src/cli/commands/ls';
import { UsageError } from '../../server/src/cli/command';
import { DbtProject } from '../../server/src/project/project';
import { selectableGraph } from '../../server/src/selection/graph';
import { selectNodes } from '../../server/src/selection/select';
import { buildOrder } from '../../server/src/run/build';

test("multi-value flags: dbt's `--select a b` is one flag per value; other flags and values stay", () => {
  const check = (args: string[], expected: string[]) => assert.deepEqual(expandMultiValueFlags(args), expected, args.join(' '));
  check(['--select', 'a', 'b', '--full-refresh'], ['--select', 'a', '--select', 'b', '--full-refresh']);
  check(['-s', 'a', '--exclude', 'x', 'y'], ['-s', 'a', '--exclude', 'x', '--exclude', 'y']);
  check(['--select=a', 'b'], ['--select=a', '--select', 'b']);
  check(['--vars', '{a: 1}', 'stray'], ['--vars', '{a: 1}', 'stray']);
  check(['--output-keys', 'name', 'unique_id'], ['--output-keys', 'name', '--output-keys', 'unique_id']);
});

test('--vars is a YAML (or JSON) mapping; anything else is a usage error', () => {
  assert.deepEqual(parseVars('{a: 1, b: [x, y]}', 'u'), { a: 1, b: ['x', 'y'] });
  assert.deepEqual(parseVars('{"a": "text"}', 'u'), { a: 'text' });
  assert.deepEqual(parseVars('', 'u'), {});
  for (const bad of ['[1, 2]', 'just text', '{a: [}']) assert.throws(() => parseVars(bad, 'u'), UsageError, bad);
});

test("--resource-type takes dbt's names: all/default mean every type; dbt types Floe has none of are valid and empty", () => {
  assert.deepEqual(resourceTypesArg(['model', 'seed'], 'u'), ['model', 'seed']);
  assert.deepEqual(resourceTypesArg(['model,test'], 'u'), ['model', 'test']);
  assert.equal(resourceTypesArg(['all'], 'u').length, 11);
  assert.deepEqual(resourceTypesArg(['function', 'unit_test'], 'u'), ['unit_test']);
  assert.deepEqual(resourceTypesArg(['exposure', 'semantic_model'], 'u'), ['exposure', 'semantic_model']);
  assert.throws(() => resourceTypesArg(['modle'], 'u'), UsageError);
});

test("build order: a model waits for its parents' tests, but not for a test that reads the model itself", () => {
  const project = DbtProject.fromTexts('/p', {
    'dbt_project.yml': 'name: p\nprofile: p\n',
    'models/a.sql': 'select 1 as id',
    'models/b.sql': "select id from {{ ref('a') }}",
    'models/c.sql': "select id from {{ ref('b') }}",
    'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n        data_tests: [unique]\n  - name: b\n    columns:\n      - name: id\n        data_tests:\n          - relationships:\n              arguments:\n                to: ref(\'a\')\n                field: id\n',
  });
  const order = buildOrder(selectableGraph(project), selectNodes(project, {}).nodes).map((n) => n.name);
  const at = (name: string) => order.findIndex((n) => n.startsWith(name));
  assert.ok(at('a') < at('unique_a_id') && at('unique_a_id') < at('b'), order.join(' '));
  // relationships(b.id → a) reads b: b cannot wait for it; c (below b) does.
  assert.ok(at('b') < at('relationships_b_id') && at('relationships_b_id') < at('c'), order.join(' '));
});

test("dbt's global flags may come before the command: they move behind it", () => {
  assert.deepEqual(commandAndArgs(['run', '-s', 'a']), { name: 'run', args: ['-s', 'a'] });
  assert.deepEqual(commandAndArgs(['--no-use-colors', '--log-format', 'json', 'run', '-s', 'a']), { name: 'run', args: ['-s', 'a', '--no-use-colors', '--log-format', 'json'] });
  assert.deepEqual(commandAndArgs(['--help']), { name: '--help', args: [] });
  assert.deepEqual(commandAndArgs(['--quiet']), { name: undefined, args: ['--quiet'] });
});
