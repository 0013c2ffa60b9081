import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorFromResponse } from '../../server/src/catalog/rest-client';
import type { CatalogErrorKind } from '../../server/src/catalog/catalog';

const uri = 'http://127.0.0.1:8181/api/catalog';
const spec = (code: number, type: string, message: string) => JSON.stringify({ error: { message, type, code } });

/** status, body, whether the call was a commit, expected kind, and a fragment the message must contain. */
const cases: [number, string, boolean, CatalogErrorKind, string][] = [
  [404, spec(404, 'NoSuchTableException', 'Table does not exist: ns.t'), false, 'not-found', 'Table does not exist: ns.t'],
  [409, spec(409, 'AlreadyExistsException', 'Table already exists: ns.t'), false, 'already-exists', 'AlreadyExistsException'],
  [409, spec(409, 'NamespaceNotEmptyException', 'Namespace ns is not empty'), false, 'not-empty', 'not empty'],
  [409, spec(409, 'CommitFailedException', 'Requirement failed: branch main has changed'), true, 'commit-conflict', 'branch main has changed'],
  [500, spec(500, 'ServiceFailureException', 'boom'), true, 'commit-state-unknown', 'HTTP 500'],
  [502, '<html>Bad Gateway</html>', true, 'commit-state-unknown', 'Bad Gateway'],
  [504, '', true, 'commit-state-unknown', 'HTTP 504'],
  [503, '', false, 'server-error', 'HTTP 503'],
  [401, spec(401, 'NotAuthorizedException', 'Not authorized'), false, 'unauthorized', 'Not authorized'],
  [401, JSON.stringify({ error: 'invalid_client', error_description: 'The client is not authorized' }), false, 'unauthorized', 'invalid_client'],
  [419, spec(419, 'AuthenticationTimeoutException', 'expired'), false, 'unauthorized', 'expired'],
  [403, spec(403, 'ForbiddenException', 'principal lacks TABLE_WRITE_DATA'), false, 'forbidden', 'TABLE_WRITE_DATA'],
  [400, spec(400, 'BadRequestException', 'Invalid namespace name'), false, 'bad-request', 'Invalid namespace name'],
  [501, spec(501, 'UnsupportedOperationException', 'Not implemented: views'), false, 'not-implemented', 'views'],
];

test('HTTP status and the spec error body map to CatalogError kinds, naming the catalog and the table', () => {
  for (const [status, text, commit, kind, fragment] of cases) {
    const e = errorFromResponse({ status, text }, { uri, subject: 'table ns.t', action: commit ? 'commit to' : 'load', commit });
    assert.equal(e.kind, kind, `${status} ${text}`);
    assert.ok(e.message.includes(fragment), `${e.message} should include ${fragment}`);
    assert.ok(e.message.includes(uri) && e.message.includes('ns.t'), e.message);
    assert.equal(e.details.status, status);
  }
});

test('error messages never carry secrets echoed by a server', () => {
  const e = errorFromResponse({ status: 400, text: spec(400, 'BadRequestException', 'bad form client_secret=hunter2') }, { uri, subject: '', action: 'get a token' });
  assert.ok(!e.message.includes('hunter2'), e.message);
});
