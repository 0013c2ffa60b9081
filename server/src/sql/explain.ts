// DuckDB's messages in a model author's terms: what is wrong, and the fix (with a did-you-mean where one exists),
// with DuckDB's own text kept under it. Messages this does not know stay DuckDB's. SqlError.message stays DuckDB's
// text (the binder's repairs read it); this is what a person is shown.
import { hint, suggestName } from '../util/suggest';
import { tokenize } from './lexer';
import type { SqlError } from './errors';
import type { NameFix } from '../project/types';

/** The message to show for a SQL error: the explanation (suggesting from `columns` and the query's own words), then DuckDB's. */
export function userMessage(e: Pick<SqlError, 'message'>, options: { columns?: readonly string[]; sql?: string } = {}): string {
  return explainError(e, options).message;
}

/** userMessage's text, with its did-you-mean as a fix of the name the error is about. */
export function explainError(e: Pick<SqlError, 'message'>, options: { columns?: readonly string[]; sql?: string } = {}): { message: string; fix?: NameFix } {
  const words = options.sql ? tokenize(options.sql).filter((t) => t.kind === 'word' || t.kind === 'quoted').map((t) => t.text) : [];
  const explained = explainDuckDbError(e.message.replace(/^[A-Z][A-Za-z ]* Error: /, ''), [...(options.columns ?? []), ...words]);
  return explained ? { message: `${explained.text}\nDuckDB: ${withoutInternalSuggestions(e.message)}`, ...(explained.fix ? { fix: explained.fix } : {}) } : { message: e.message };
}

/** DuckDB suggests its own system tables for an unknown name (`Did you mean "pg_sequences"?`): no help to a model author. */
function withoutInternalSuggestions(message: string): string {
  return message.replace(/\n?Did you mean "(?:pg_|duckdb_|sqlite_|information_schema|floe_)[^"]*"\??/g, '');
}

/** DuckDB's physical type names as a model author writes the types. */
const SQL_TYPE: Record<string, string> = { INT8: 'TINYINT', INT16: 'SMALLINT', INT32: 'INTEGER', INT64: 'BIGINT', INT128: 'HUGEINT', UINT8: 'UTINYINT', UINT16: 'USMALLINT', UINT32: 'UINTEGER', UINT64: 'UBIGINT' };

/**
 * The user's version of a DuckDB error body (without its "X Error: " head and LINE excerpt), or undefined.
 * `columns`: column names the query could mean (upstream columns, identifiers in the SQL), for suggestions.
 */
export function explainDuckDbMessage(body: string, columns: readonly string[]): string | undefined {
  return explainDuckDbError(body, columns)?.text;
}

/** explainDuckDbMessage's text, with the did-you-mean it makes as a fix. */
function explainDuckDbError(body: string, columns: readonly string[]): { text: string; fix?: NameFix } | undefined {
  let fix: NameFix | undefined;
  // a did-you-mean among `names`, never the unknown name itself (the query's own words include it)
  const suggest = (name: string, names: readonly string[]) => {
    const best = suggestName(name, [...new Set(names.filter((n) => n.toLowerCase() !== name.toLowerCase()))]);
    if (best) fix = { replaces: name, with: best };
    return hint(best);
  };
  const text = explainBody(body, columns, suggest);
  return text === undefined ? undefined : { text, ...(fix ? { fix } : {}) };
}

function explainBody(body: string, columns: readonly string[], suggest: (name: string, names: readonly string[]) => string): string | undefined {
  let m: RegExpExecArray | null;
  if ((m = /^Referenced column "([^"]+)" not found in FROM clause!/.exec(body))) {
    const candidates = [...body.matchAll(/"([^"]+)"/g)].slice(1).map((c) => c[1].split('.').pop()!);
    return `Column '${m[1]}' is not in the relations this query reads.${suggest(m[1], candidates.length ? candidates : columns)}`;
  }
  // DuckDB lets a query read its own select list's aliases: a column absent from FROM, but named (in any case) by a
  // select item's alias, is worded as that alias used too early
  if ((m = /^Column "([^"]+)" referenced that exists in the SELECT clause - but this column cannot be referenced before it is defined/.exec(body))) {
    return `Column '${m[1]}' is not in the relations this query reads (only an alias in this SELECT has that name, and an alias cannot be read where it is defined).${suggest(m[1], columns)}`;
  }
  if ((m = /^(?:Table|Values list) "([^"]+)" does not have a column named "([^"]+)"/.exec(body))) {
    const listed = [...body.slice(m[0].length).matchAll(/"([^"]+)"/g)].map((c) => c[1].split('.').pop()!);
    return `'${m[1]}' has no column '${m[2]}'.${suggest(m[2], listed.length ? listed : columns)}`;
  }
  if ((m = /^Table with name (\S+) does not exist!/.exec(body))) {
    return `There is no relation '${m[1]}': read models with {{ ref('...') }} and sources with {{ source('...', '...') }}.`;
  }
  if ((m = /^Column "([^"]+)" does not exist on (left|right) side of join!/.exec(body))) {
    return `USING (${m[1]}): the ${m[2]} side of the join has no column '${m[1]}'.${suggest(m[1], columns)}`;
  }
  if ((m = /^column "([^"]+)" must appear in the GROUP BY clause or must be part of an aggregate function/.exec(body))) {
    return `'${m[1]}' is neither grouped nor aggregated: add it to GROUP BY (or GROUP BY ALL), or wrap it in an aggregate such as any_value(${m[1]}).`;
  }
  if ((m = /^No function matches the given name and argument types '([^(']+)\(([^']*)\)'/.exec(body))) {
    return `${m[1]}() does not take (${m[2]}): cast the arguments to types it takes (its forms are listed below).`;
  }
  if ((m = /^(?:Scalar|Aggregate|Table) Function with name (\S+) does not exist!/.exec(body))) {
    const suggestion = /Did you mean "([^"]+)"/.exec(body);
    return `DuckDB has no function '${m[1]}'.${suggestion ? ` Did you mean '${suggestion[1]}'?` : ''}`;
  }
  if ((m = /^Could not convert string '([^']*)' to ([\w(), ]+?)(?: when casting from source column "?([^"\s]+)"?)?$/m.exec(body))) {
    const type = SQL_TYPE[m[2]] ?? m[2];
    return `The value '${m[1]}'${m[3] ? ` of column '${m[3]}'` : ''} cannot be converted to ${type}: use TRY_CAST(... AS ${type}) to get NULL for such values, or filter them out before casting.`;
  }
  if ((m = /^Overflow in (\w+) of (\w+)/.exec(body))) {
    const type = SQL_TYPE[m[2]] ?? m[2];
    return `A ${m[1]} overflowed ${type}: cast its operands to BIGINT or DECIMAL first.`;
  }
  if ((m = /^Referenced table "([^"]+)" not found!/.exec(body))) {
    const candidates = [...body.slice(m[0].length).matchAll(/"([^"]+)"/g)].map((c) => c[1]);
    return `'${m[1]}' is not a relation or alias in the FROM clause of this query.${suggest(m[1], candidates)}`;
  }
  if (/^syntax error at end of input/.test(body)) {
    return 'The SQL ends too early: a clause is unfinished or a parenthesis is not closed.';
  }
  // DuckDB quotes the token as it is, so a quoted identifier comes doubly quoted: near ""stg_orders"".
  if ((m = /^syntax error at or near "(.*)"$/m.exec(body))) {
    return `SQL syntax error at '${m[1]}': look just before it for a missing comma, parenthesis or keyword.`;
  }
  return undefined;
}
