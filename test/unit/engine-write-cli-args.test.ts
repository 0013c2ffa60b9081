import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWriteArgs } from '../../server/src/cli/commands/write';

const CAT = ['--catalog', 'http://127.0.0.1:8181/api/catalog', '--warehouse', 'floe'];

function check(args: string[], expected: Record<string, unknown> | RegExp) {
  if (expected instanceof RegExp) { assert.throws(() => parseWriteArgs(args), expected, args.join(' ')); return; }
  const parsed = parseWriteArgs(args) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(expected)) assert.deepEqual(parsed[k], v, `${k} of ${args.join(' ')}`);
}

test('floe write arguments', () => {
  check([...CAT, '--mode', 'create', 'gold.t', 'SELECT 1'], { mode: 'create', table: { namespace: ['gold'], name: 't' }, sql: 'SELECT 1' });
  check([...CAT, '--mode=append', '--partition-by', 'day(ts)', 'a.b.t', 'SELECT 1'], { partitionBy: 'day(ts)', table: { namespace: ['a', 'b'], name: 't' } });
  check([...CAT, '--credential', 'id:se:cret', '--mode', 'merge', '--unique-key', 'id', 'g.t', 'SELECT 1'], { credential: { clientId: 'id', clientSecret: 'se:cret' }, uniqueKey: 'id' });
  check([...CAT, '--mode', 'append', '--on-schema-change', 'ignore', 'g.t', 'SELECT 1'], { onSchemaChange: 'ignore' });
  check([...CAT, '--mode', 'merge', 'g.t', 'SELECT 1'], /needs --unique-key/);
  check([...CAT, '--mode', 'upsert', 'g.t', 'SELECT 1'], /--mode must be one of/);
  check([...CAT, '--mode', 'create', 't', 'SELECT 1'], /not NAMESPACE\.TABLE/);
  check([...CAT, '--mode', 'create', 'g.t'], /expected NAMESPACE\.TABLE and one SQL/);
  check(['--warehouse', 'floe', '--mode', 'create', 'g.t', 'SELECT 1'], /--catalog is required/);
  check([...CAT, '--mode', 'create', '--bogus', 'x', 'g.t', 'SELECT 1'], /unknown option --bogus/);
  check([...CAT, '--mode', 'append', '--on-schema-change', 'maybe', 'g.t', 'SELECT 1'], /--on-schema-change must be one of/);
  check([...CAT, '--credential', 'nocolon', '--mode', 'create', 'g.t', 'SELECT 1'], /ID:SECRET/);
  check([...CAT, '--mode', 'create', '--format-version', '3', 'g.t', 'SELECT 1'], { formatVersion: 3 });
  check([...CAT, '--mode', 'create', 'g.t', 'SELECT 1'], { formatVersion: undefined });
  check([...CAT, '--mode', 'create', '--format-version=1', 'g.t', 'SELECT 1'], /--format-version must be 2 or 3/);
});
