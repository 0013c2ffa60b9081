// A command line the CLI's option parser refuses (`floe preview --help`, an unknown flag) is a usage error, exit 2, in
// words, for every command: `floe preview --help` reported "an internal error in Floe (TypeError)". The real CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFloe } from '../helpers/floe-cli';

test('an option a command does not know is a usage error (exit 2, no internal error) for preview, materialize and demo', async () => {
  for (const args of [['preview', '--help'], ['materialize', '--bogus'], ['demo', '--bogus']]) {
    const r = await runFloe(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
    assert.match(r.err, new RegExp(`^floe ${args[0]}: Unknown option '${args[1]}'`));
    assert.doesNotMatch(r.err, /internal error|TypeError/);
  }
});
