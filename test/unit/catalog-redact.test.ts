import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redact } from '../../server/src/catalog/redact';

/** Each case: input text, the expected redacted text. */
const cases: [string, string][] = [
  ['grant_type=client_credentials&client_id=root&client_secret=s3cr3t&scope=PRINCIPAL_ROLE%3AALL',
    'grant_type=client_credentials&client_id=root&client_secret=***&scope=PRINCIPAL_ROLE%3AALL'],
  ['Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def', 'Authorization: Bearer ***'],
  ['authorization: Basic cm9vdDpzM2NyM3Q=', 'authorization: Basic ***'],
  ['{"access_token":"tok123","token_type":"bearer","expires_in":3600}', '{"access_token":"***","token_type":"bearer","expires_in":3600}'],
  ['{"s3.access-key-id":"AKIAIOSFODNN7EXAMPLE","s3.secret-access-key":"abc/def+ghi","s3.session-token":"FwoGZXIvYXdz"}',
    '{"s3.access-key-id":"AKIAIOSFODNN7EXAMPLE","s3.secret-access-key":"***","s3.session-token":"***"}'],
  ['floe catalog serve --client-id root --client-secret hunter2 --port 8181', 'floe catalog serve --client-id root --client-secret *** --port 8181'],
  ['floe query --credential root:hunter2 "select 1"', 'floe query --credential *** "select 1"'],
  ["secretAccessKey: 'abc/def'", "secretAccessKey: '***'"],
  ['aws key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in a message', 'aws key *** in a message'],
  ['GET http://127.0.0.1:8181/api/catalog/v1/floe/namespaces -> 200 (3 ms)', 'GET http://127.0.0.1:8181/api/catalog/v1/floe/namespaces -> 200 (3 ms)'],
  // a model named for tokens, with its line and column (solana-models' silver__token_account_owners)
  ['models/silver/silver__token_account_owners.sql:1:1: error: x', 'models/silver/silver__token_account_owners.sql:1:1: error: x'],
  ['token_prices.sql:12:3: warning', 'token_prices.sql:12:3: warning'],
  ['password:12345', 'password:***'],
  // forty letters and slashes of a path are not an AWS secret key (spellbook's genesis_balances)
  ['models/balances/ethereum/genesis/genesis_balances.sql:1:1: info', 'models/balances/ethereum/genesis/genesis_balances.sql:1:1: info'],
  ['password: 1:2', 'password: ***'],
  // a dbt node's unique id and its message (floe docs' warnings; survey 14's flow-models' bronze__complete_token_prices)
  ['floe docs: warning: model.flow_models.bronze__complete_token_prices: Cannot load table silver.complete_token_prices',
    'floe docs: warning: model.flow_models.bronze__complete_token_prices: Cannot load table silver.complete_token_prices'],
  ['source.p.raw.user_passwords: Cannot load table raw.user_passwords', 'source.p.raw.user_passwords: Cannot load table raw.user_passwords'],
  ['model.secret: hunter2', 'model.secret: ***'],
];

test('redact masks client secrets, bearer tokens and S3 secret keys, and leaves the rest', () => {
  for (const [input, expected] of cases) assert.equal(redact(input), expected, input);
});
