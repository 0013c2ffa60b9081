// Issue 13, item 7: requests that are the client's fault get a 4xx, never a 500 (remote-host file: URIs, names and
// locations too long for the file system, bad percent-encoding in Basic auth); the access log records the status
// the client really got, and a client that hangs up mid-request is logged as such (499), not as a server error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';

let server: TestCatalog;
let P: string;
const log: string[] = [];

before(async () => {
  server = await startTestCatalog({ log: (line) => log.push(line) });
  P = `/v1/${server.name}`;
  assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: ['db'] } })).status, 200);
});
after(async () => {
  await server?.close();
});

test('client mistakes are 4xx, not 500', async () => {
  const long = 'x'.repeat(300);
  const cases: [string, Parameters<typeof raw>[1]][] = [
    ['file://host location', { path: `${P}/namespaces/db/tables`, body: { name: 'remote', location: 'file://fileserver/share/t', schema: SCHEMA_JSON } }],
    ['file: URI with bad escapes', { path: `${P}/namespaces/db/tables`, body: { name: 'esc', location: 'file:///tmp/%E0%A4%A', schema: SCHEMA_JSON } }],
    ['300-character table name', { path: `${P}/namespaces/db/tables`, body: { name: long, schema: SCHEMA_JSON } }],
    ['300-character namespace', { path: `${P}/namespaces`, body: { namespace: [long] } }],
    ['300-character location folder', { path: `${P}/namespaces/db/tables`, body: { name: 'deep', location: path.join(server.warehouse, long), schema: SCHEMA_JSON } }],
    ['load with a 300-character name', { path: `${P}/namespaces/db/tables/${long}` }],
    ['set-properties with a number', { path: `${P}/namespaces/db/tables/none`, body: { updates: [{ action: 'set-properties', updates: { a: 1 } }] } }],
    ['Basic auth with bad percent-encoding', { path: '/v1/oauth/tokens', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('%zz:%').toString('base64')}` }, body: 'grant_type=client_credentials' }],
  ];
  for (const [label, req] of cases) {
    const r = await raw(server.uri, req);
    assert.ok(r.status >= 400 && r.status < 500, `${label}: ${r.status} ${r.text}`);
  }
  assert.equal(log.filter((l) => / -> 5\d\d/.test(l)).length, 0, log.join('\n'));
});

test('the access log records the status the client received, after the response is serialized', async () => {
  log.length = 0;
  const statuses: number[] = [];
  for (const req of [
    { path: `${P}/namespaces` }, { path: `${P}/namespaces/nope` }, { path: `${P}/namespaces`, body: { namespace: 'not-a-list' } },
    { path: `${P}/namespaces/db/tables`, body: { name: 't', schema: SCHEMA_JSON } }, { path: `${P}/namespaces/db/tables/t`, method: 'HEAD' },
  ]) statuses.push((await raw(server.uri, req)).status);
  await delay(20);
  assert.deepEqual(log.map((l) => Number(/ -> (\d{3})/.exec(l)?.[1])), statuses, log.join('\n'));
});

test('a client hanging up mid-body is logged as 499, the server keeps serving', async () => {
  log.length = 0;
  const { port } = new URL(server.uri);
  for (let i = 0; i < 5; i++) {
    const socket = net.connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`POST /api/catalog${P}/namespaces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"namespace":`);
    await delay(30);
    socket.destroy();
  }
  await delay(100);
  assert.equal(log.length, 5, log.join('\n'));
  for (const line of log) assert.match(line, /-> 499 client closed the request/);
  assert.equal((await raw(server.uri, { path: `${P}/namespaces` })).status, 200);
});
