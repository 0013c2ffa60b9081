// The static reader (calls.ts, used at cold index) and nunjucks' parser (used to render) read the same Jinja: on the
// same inputs, every call one sees the other sees too, so "macro not found" can never come from a misread operator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { scanTemplate } from '../../server/src/jinja/scanner';
import { findCalls } from '../../server/src/jinja/calls';
import { toNunjucksSource } from '../../server/src/jinja/dbtSyntax';
import { DbtJinjaEnvironment } from '../../server/src/jinja/environment';
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { parse } = require('nunjucks/src/parser');
// eslint-disable-next-line @typescript-eslint/no-var-requires
const nodes = require('nunjucks/src/nodes');

const extensions = (new DbtJinjaEnvironment([], []).env as any).extensionsList;

/** Callee names nunjucks' parser sees: `f(...)` and `ns.f(...)`. */
function parserCalls(text: string): string[] {
  const out: string[] = [];
  const visit = (node: any) => {
    if (!node || typeof node !== 'object') return;
    // `x is divisibleby(2)`: the test's name is not a call.
    if (node instanceof nodes.Is && node.right instanceof nodes.FunCall) { visit(node.left); visit(node.right.args); return; }
    if (node instanceof nodes.FunCall && !(node instanceof nodes.Filter)) {
      const callee = node.name;
      if (callee instanceof nodes.Symbol) out.push(callee.value);
      else if (callee instanceof nodes.LookupVal && callee.target instanceof nodes.Symbol && callee.val instanceof nodes.Literal) out.push(`${callee.target.value}.${callee.val.value}`);
    }
    for (const field of node.fields ?? []) {
      const v = node[field];
      if (Array.isArray(v)) v.forEach(visit); else visit(v);
    }
  };
  visit(parse(toNunjucksSource(text), extensions, {}));
  // `set ns.x = v` is rewritten to a call of Floe's own setter, which the user did not write.
  return out.filter((n) => !n.startsWith('__floe')).sort();
}

function staticCalls(text: string): string[] {
  return findCalls(text, scanTemplate(text)).map((c) => c.name).sort();
}

function check(text: string) {
  assert.deepEqual(staticCalls(text), parserCalls(text), text);
}

test('static calls agree with the parser on operator, filter, test and tag shapes', () => {
  for (const t of [
    "{% if (var('a', true)) and (var('b', true)) %}x{% endif %}",
    "{{ x | replace('-', '_') | join(', ') }} {% if 1 in (1, 2) %}{% elif not (x) %}{% else %}{{ (y) }}{% endif %}",
    "{% for c in adapter.get_columns_in_relation(ref('m')) if c.name is divisibleby(2) %}{{ dbt_utils.star(c) }}{% endfor %}",
    "{% macro m(a, b=f(1)) %}{{ return(g(a, b,)) }}{% endmacro %}{% call m(1) %}{{ caller() }}{% endcall %}",
    "{% set ns = namespace(n=0) %}{% set ns.n = h(ns.n) %}{% do l.append(k(1)) %}{% test t(model) %}select {{ q() }}{% endtest %}",
  ]) check(t);
});

test('static calls agree with the parser on every model and macro of the demo and the fixture projects', () => {
  const roots = ['demo', 'test/fixtures/projects', 'test/fixtures/dbt-false-positives'].map((d) => path.resolve(__dirname, '../..', d));
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) { if (!name.startsWith('.') && name !== 'broken') walk(p); } else if (name.endsWith('.sql')) files.push(p);
    }
  };
  roots.forEach(walk);
  assert.ok(files.length > 20);
  for (const f of files) check(readFileSync(f, 'utf8'));
});
