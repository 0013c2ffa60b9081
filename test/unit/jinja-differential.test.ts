// Floe's Jinja against dbt's Jinja2: each template of test/fixtures/jinja-differential/cases.json renders as real Jinja2
// 3.1 rendered it with dbt's environment settings (the `do` and loopcontrols extensions, the default Undefined, no
// trim_blocks), or fails where Jinja2 raised. The table is written by generate.py there (hand-written cases by area and
// seeded generated expressions); Python is needed only to write it again. known-differences.json lists the templates
// Floe still renders otherwise, each with why: a new difference fails here, and so does a listed one that now agrees
// (take it off the list).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { scanTemplate } from '../../server/src/jinja/scanner';
import { renderTemplate } from '../../server/src/jinja/render';
import { DbtJinjaEnvironment, type RenderHooks } from '../../server/src/jinja/environment';

interface Case { t: string; out?: string; error?: string }
const dir = path.join(__dirname, '../fixtures/jinja-differential');
const cases = JSON.parse(fs.readFileSync(path.join(dir, 'cases.json'), 'utf8')) as { table: Case[]; generated: Case[] };
const known = new Map((JSON.parse(fs.readFileSync(path.join(dir, 'known-differences.json'), 'utf8')) as Array<{ t: string; why: string }>).map((k) => [k.t, k.why]));

const env = new DbtJinjaEnvironment([], []);
const hooks: RenderHooks = { ref: () => '', source: () => '', config: () => '', var: (a) => a[1], this: undefined, target: {} };

/** Whether Floe renders a case as Jinja2 did (or fails where Jinja2 raised), and what Floe gave. */
function agrees(c: Case): { same: boolean; floe: string } {
  const r = renderTemplate(env, c.t, scanTemplate(c.t), hooks);
  const floe = r.problem ? `fails: ${r.problem.message}` : JSON.stringify(r.sql);
  return { same: c.error !== undefined ? r.problem !== undefined : !r.problem && r.sql === c.out, floe };
}

function check(list: Case[]): void {
  const differ: string[] = [];
  const nowAgree: string[] = [];
  for (const c of list) {
    const { same, floe } = agrees(c);
    if (same && known.has(c.t)) nowAgree.push(JSON.stringify(c.t));
    if (!same && !known.has(c.t)) differ.push(`${JSON.stringify(c.t)}\n    Jinja2: ${c.error !== undefined ? `raises ${c.error}` : JSON.stringify(c.out)}\n    Floe:   ${floe}`);
  }
  assert.equal(differ.length, 0, `${differ.length} of ${list.length} render otherwise than Jinja2:\n${differ.join('\n')}`);
  assert.equal(nowAgree.length, 0, `listed in known-differences.json but agreeing now (take them off):\n${nowAgree.join('\n')}`);
}

test("hand-written cases by area render as dbt's Jinja2 renders them", () => check(cases.table));

test("generated expressions render as dbt's Jinja2 renders them", () => check(cases.generated));

test('every known difference says why and is a case of the table', () => {
  const all = new Set([...cases.table, ...cases.generated].map((c) => c.t));
  for (const [t, why] of known) {
    assert.ok(all.has(t), `not a case: ${t}`);
    assert.ok(why.length > 10, `no reason given for ${t}`);
  }
});
