// What a user reads when a run fails: the project's own problems as written, a service's message as is, and never
// JavaScript's text for a bug in Floe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModelRunError, userErrorText } from '../../server/src/run/run-error';

test('userErrorText: model errors with or without their location, service errors as is, bugs in plain words', () => {
  const located = new ModelRunError("Model 'x' not found", { file: '/p/models/a.sql', position: { line: 2, character: 4 } });
  assert.equal(userErrorText(located, 'preview a'), "Model 'x' not found");
  assert.equal(userErrorText(located, 'preview a', { withLocation: true }), "/p/models/a.sql:3:5: Model 'x' not found");
  assert.equal(userErrorText(new Error('catalog at http://127.0.0.1:9 refused the connection'), 'preview a'), 'catalog at http://127.0.0.1:9 refused the connection');
  let bug: unknown;
  try {
    (undefined as unknown as { x: number }).x;
  } catch (e) {
    bug = e;
  }
  const shown = userErrorText(bug, 'preview a');
  assert.equal(shown, 'Floe could not preview a because of an internal error in Floe (TypeError); the details are in the log. Please report it.');
  assert.doesNotMatch(shown, /undefined|properties/);
});
