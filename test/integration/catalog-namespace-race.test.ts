// Issue 13, item 6: drop-namespace and create-table (also register and rename into it) racing over HTTP never
// both succeed: either the table is created and the drop answers 409 (not empty), or the drop wins and the create
// answers 404; no table is ever left in a namespace that no longer exists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { startTestCatalog, type TestCatalog } from '../helpers/local-catalog';
import { raw, SCHEMA_JSON } from '../helpers/raw-http';

let server: TestCatalog;
let P: string;

before(async () => {
  server = await startTestCatalog();
  P = `/v1/${server.name}`;
});
after(async () => {
  await server?.close();
});

test('80 drop-namespace / create-table races: never both succeed, never an orphaned table', async () => {
  const outcomes = new Map<string, number>();
  for (let i = 0; i < 80; i++) {
    const ns = `race${i}`;
    assert.equal((await raw(server.uri, { path: `${P}/namespaces`, body: { namespace: [ns] } })).status, 200);
    const [created, dropped] = await Promise.all([
      raw(server.uri, { path: `${P}/namespaces/${ns}/tables`, body: { name: 't', schema: SCHEMA_JSON } }),
      // A jitter of 0-4 ms lets either side win the race.
      delay(i % 5).then(() => raw(server.uri, { method: 'DELETE', path: `${P}/namespaces/${ns}` })),
    ]);
    const key = `create ${created.status} / drop ${dropped.status}`;
    outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    assert.ok(!(created.status === 200 && dropped.status === 204), `try ${i}: both succeeded`);
    assert.ok([200, 404].includes(created.status) && [204, 409].includes(dropped.status), `try ${i}: ${key} ${created.text} ${dropped.text}`);
    const exists = (await raw(server.uri, { method: 'HEAD', path: `${P}/namespaces/${ns}` })).status === 204;
    if (created.status === 200) {
      assert.ok(exists, `try ${i}: an acknowledged table's namespace is gone`);
      assert.equal((await raw(server.uri, { path: `${P}/namespaces/${ns}/tables/t` })).status, 200, `try ${i}: acknowledged table lost`);
    } else {
      assert.ok(!exists);
    }
  }
  console.log(`namespace races: ${[...outcomes].map(([k, n]) => `${k}: ${n}`).join(', ')}`);
});
