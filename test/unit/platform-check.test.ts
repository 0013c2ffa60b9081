// wrongPlatformMessage: a VSIX's DuckDB binding against the platform VS Code runs on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wrongPlatformMessage } from '../../client/src/platformCheck';

test('the binding of this platform, or its musl variant, fits', () => {
  assert.equal(wrongPlatformMessage(['linux-x64'], 'linux-x64'), undefined);
  assert.equal(wrongPlatformMessage(['linux-x64-musl'], 'linux-x64'), undefined);
  assert.equal(wrongPlatformMessage(['darwin-arm64'], 'darwin-arm64'), undefined);
});

test('no binding folder (a development checkout without node_modules/@duckdb) says nothing', () => {
  assert.equal(wrongPlatformMessage([], 'win32-x64'), undefined);
});

test('another platform names both and the VSIX to install', () => {
  assert.equal(wrongPlatformMessage(['darwin-x64'], 'darwin-arm64'),
    'This Floe VSIX is built for darwin-x64, but VS Code runs on darwin-arm64: previews, materialize and SQL checks ' +
    'need DuckDB for darwin-arm64. Install floe-darwin-arm64.vsix instead.');
  assert.match(wrongPlatformMessage(['linux-arm64'], 'linux-x64') ?? '', /Install floe-linux-x64\.vsix/);
  assert.match(wrongPlatformMessage(['win32-x64'], 'win32-arm64') ?? '', /built for win32-x64/);
});
