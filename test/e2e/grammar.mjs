// Tokenizes Jinja SQL with our grammar through the TextMate engine VS Code itself uses (bundled in code-server),
// and checks the scopes a person sees as colours. Data-driven: one line, one token, the scope it must (not) have.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { codeServerDir } from './install.mjs';
import { root } from './workspace.mjs';

const cases = [
  { line: "select * from {{ ref('stg_orders') }}", token: 'select', scope: 'keyword' },
  { line: "select * from {{ ref('stg_orders') }}", token: '{{', scope: 'punctuation.section.embedded.begin.jinja' },
  { line: "select * from {{ ref('stg_orders') }}", token: 'ref', scope: 'support.function.dbt.jinja' },
  { line: "select * from {{ ref('stg_orders') }}", token: "stg_orders", scope: 'string.quoted.single.jinja' },
  { line: "select * from {{ source('bronze', 'orders') }}", token: 'source', scope: 'support.function.dbt.jinja' },
  { line: "{{ config(materialized='table') }}", token: 'config', scope: 'support.function.dbt.jinja' },
  { line: "{{ config(materialized='table') }}", token: 'table', scope: 'string.quoted.single.jinja' },
  { line: '{% if is_incremental() %}', token: 'if', scope: 'keyword.control.jinja' },
  { line: '{% if is_incremental() %}', token: 'is_incremental', scope: 'support.function.dbt.jinja' },
  { line: '{%- endif -%}', token: 'endif', scope: 'keyword.control.jinja' },
  { line: '{% for c in cols %}', token: 'for', scope: 'keyword.control.jinja' },
  { line: '{% set total = 1 %}', token: 'total', scope: 'variable.other.jinja' },
  { line: '{%- macro cents(col) -%}', token: 'cents', scope: 'entity.name.function.jinja' },
  { line: '{{ my_macro(1) }}', token: 'my_macro', scope: 'entity.name.function.jinja' },
  { line: '{{ name | upper }}', token: 'upper', scope: 'support.function.filter.jinja' },
  { line: "{# {{ ref('old') }} is gone #}", token: 'ref', scope: 'comment.block.jinja', not: 'support.function' },
  // Jinja renders inside SQL strings and comments too, so it is highlighted there.
  { line: `where status = '{{ var("min_order_status") }}'`, token: 'var', scope: 'support.function.dbt.jinja' },
  { line: "-- uses {{ ref('stg_orders') }}", token: 'ref', scope: 'support.function.dbt.jinja' },
  { line: 'select 1 as x -- plain comment', token: 'plain', scope: 'comment.line' },
  { line: "select 'it''s' as s", token: 'it', scope: 'string.quoted.single.sql' },
  { line: "select 'it''s' as quoted_end", token: 'quoted_end', scope: 'source.floe-sql', not: 'string' },
];

async function loadTextMate() {
  const vscodeDir = path.join(codeServerDir, 'lib/node_modules/code-server/lib/vscode');
  const require = createRequire(path.join(vscodeDir, 'package.json'));
  const onig = require('vscode-oniguruma');
  const textmate = require('vscode-textmate');
  await onig.loadWASM(readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm')).buffer);
  const grammars = {
    'source.floe-sql': path.join(root, 'syntaxes/jinja-sql.tmLanguage.json'),
    'source.sql': path.join(vscodeDir, 'extensions/sql/syntaxes/sql.tmLanguage.json'),
  };
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new onig.OnigScanner(p), createOnigString: (s) => new onig.OnigString(s) }),
    loadGrammar: async (scope) =>
      grammars[scope] ? textmate.parseRawGrammar(readFileSync(grammars[scope], 'utf8'), grammars[scope]) : null,
  });
  return { grammar: await registry.loadGrammar('source.floe-sql'), INITIAL: textmate.INITIAL };
}

/** Returns the failures (empty when every case holds). */
export async function runGrammarCheck() {
  const { grammar, INITIAL } = await loadTextMate();
  const failures = [];
  for (const c of cases) {
    const { tokens } = grammar.tokenizeLine(c.line, INITIAL);
    const at = c.line.indexOf(c.token);
    const token = tokens.find((t) => t.startIndex <= at && at < t.endIndex);
    const scopes = token ? token.scopes.join(' ') : '(no token)';
    const ok = scopes.includes(c.scope) && !(c.not && scopes.includes(c.not));
    if (!ok) failures.push(`"${c.token}" in ${c.line}\n    expected ${c.scope}${c.not ? ` and not ${c.not}` : ''}, got: ${scopes}`);
  }
  return { total: cases.length, failures };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { total, failures } = await runGrammarCheck();
  for (const f of failures) console.log(`FAIL ${f}`);
  console.log(`grammar: ${total - failures.length}/${total} ok`);
  process.exit(failures.length ? 1 : 0);
}
