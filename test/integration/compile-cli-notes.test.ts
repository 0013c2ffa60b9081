// What `floe compile` cannot write as dbt does, said to the user: a model whose SQL renders empty without a database
// (`{% if execute %}` blocks, run_query/statement results) is a warning naming its file, and the Python models a
// selection holds are skipped with a note naming them. Before, both were silent: an empty compiled file, no word.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { runFloe } from '../helpers/floe-cli';
import { writeTempProject } from '../helpers/demo-copy';

let dir: string;
const FILES: Record<string, string> = {
  'dbt_project.yml': 'name: notes\nprofile: notes\n',
  'profiles.yml': 'notes:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: notes.duckdb\n',
  'models/plain.sql': 'select 1 as id\n',
  'models/only_when_executing.sql': "{% if execute %}\nselect * from {{ ref('plain') }}\n{% endif %}\n",
  'models/from_query.sql': "{% set rows = run_query('select 1') %}\n{% for r in rows %}select {{ r[0] }} as x{% endfor %}\n",
  'models/scored.py': "def model(dbt, session):\n    return dbt.ref('plain')\n",
  'models/scored_again.py': "def model(dbt, session):\n    return dbt.ref('scored')\n",
};
const floe = (...args: string[]) => runFloe(['compile', '--project-dir', dir, '--profiles-dir', dir, ...args]);

before(() => { dir = writeTempProject('floe-compile-notes-', FILES); });
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test('floe compile warns of each model that rendered no SQL and notes the Python models it skipped, exit 0', async () => {
  const r = await floe();
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(r.err.trim().split('\n').sort(), [
    'floe compile: note: skipped 2 Python models (Floe compiles SQL models only; dbt compiles these): scored, scored_again',
    "models/from_query.sql: warning: rendered no SQL, so its compiled file is empty: Floe's compile queries no database, so run_query and statement return nothing (dbt compile's do not)",
    "models/only_when_executing.sql: warning: rendered no SQL, so its compiled file is empty: it reads `execute`, which Floe's compile leaves false, as it queries no database (dbt compile does)",
  ]);
  // what compiled is written as before; nothing but the written files on stdout
  assert.equal(fs.readFileSync(path.join(dir, 'target/compiled/notes/models/plain.sql'), 'utf8'), 'select 1 as id');
  assert.deepEqual(r.out.trim().split('\n').map((l) => l.split(' ')[0]), ['compiled', 'compiled', 'compiled']);
});

test('one selected model: its (empty) SQL on stdout, the warning on stderr; --log-format json gives it as a warn event', async () => {
  const one = await floe('-s', 'only_when_executing');
  assert.equal(one.code, 0, one.err);
  assert.equal(one.out, '\n');
  assert.match(one.err, /^models\/only_when_executing\.sql: warning: rendered no SQL/);
  const json = await floe('-s', 'only_when_executing', 'scored', '--log-format', 'json');
  assert.equal(json.code, 0, json.err);
  const events = json.out.trim().split('\n').map((l) => JSON.parse(l).info);
  assert.deepEqual(events.filter((e) => e.level === 'warn').map((e) => e.msg.split(':')[0]), ['models/only_when_executing.sql']);
  assert.ok(events.some((e) => e.name === 'Note' && /^skipped 1 Python model .*: scored$/.test(e.msg)), json.out);
});
