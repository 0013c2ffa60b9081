// Format Document for model SQL with Jinja: sql-formatter lays out the SQL; every Jinja construct stays as written.
// Jinja is masked before formatting (a run of Jinja glued to words or strings becomes one placeholder identifier; a
// line of only Jinja statements becomes a line comment), restored after, and the result is checked token by token
// against the input: a layout that would change what the model renders is refused, never applied.
import { format as formatSql, type SqlLanguage } from 'sql-formatter';
import { scanTemplate } from '../jinja/scanner';
import { tokenize, type Token } from '../sql/lexer';

export interface FormatSettings {
  /** One level of indentation: spaces or a tab. */
  indent: { tabs: boolean; width: number };
  keywordCase: 'preserve' | 'upper' | 'lower';
  /** The profile's adapter (`duckdb`, `snowflake`, ...): the SQL dialect to read. */
  adapter?: string;
}

/** dbt adapters → sql-formatter's dialects; anything else is read as DuckDB's SQL. */
const DIALECTS: Record<string, SqlLanguage> = {
  duckdb: 'duckdb', bigquery: 'bigquery', snowflake: 'snowflake', postgres: 'postgresql', redshift: 'redshift', spark: 'spark',
  databricks: 'spark', trino: 'trino', athena: 'trino', mysql: 'mysql', sqlite: 'sqlite', sqlserver: 'tsql', synapse: 'tsql', fabric: 'tsql',
  clickhouse: 'clickhouse', oracle: 'plsql', db2: 'db2', hive: 'hive', mariadb: 'mariadb',
};

export type FormatResult = { text: string } | { error: string };

const PLACEHOLDER = (n: number) => `floe_jinja_${n}_`;
const PLACEHOLDER_RE = /floe_jinja_(\d+)_/g;

export function formatModelSql(text: string, settings: FormatSettings): FormatResult {
  const scan = scanTemplate(text);
  if (scan.problems.length) return { error: 'the model has Jinja errors; fix them first' };
  if (scan.raw.length) return { error: 'models with {% raw %} blocks are left as written' };
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const source = text.replace(/\r\n/g, '\n');
  const headerEnd = jinjaHeaderEnd(source);
  const body = source.slice(headerEnd);
  if (!body.trim()) return { text };

  const { masked, pieces } = mask(body);
  let laidOut: string;
  try {
    laidOut = formatSql(masked, {
      language: DIALECTS[settings.adapter ?? ''] ?? 'duckdb', keywordCase: settings.keywordCase, useTabs: settings.indent.tabs, tabWidth: settings.indent.width,
      linesBetweenQueries: 1,
    });
  } catch (e) {
    // sql-formatter's first words, the unexpected text whole (it may span lines); its line and column are the masked SQL's, not the file's
    const said = e instanceof Error ? e.message.replace(/\s+/g, ' ').replace(/ at line \d+ column \d+[\s\S]*$/, '').trim() : 'unknown syntax';
    const reason = said.length > 120 ? `${said.slice(0, 120)}…` : said;
    return { error: `the SQL could not be laid out (${reason})` };
  }
  const seen = new Set<number>();
  let restored = laidOut.replace(PLACEHOLDER_RE, (_, n: string) => {
    seen.add(Number(n));
    return pieces[Number(n)];
  });
  restored = restored.replace(/^([ \t]*)-- floe_jinja_line (\d+)$/gm, (_, indent: string, n: string) => {
    seen.add(Number(n));
    return indent + pieces[Number(n)];
  });
  if (seen.size !== pieces.length) return { error: 'a Jinja block could not be kept in place' };
  const out = `${source.slice(0, headerEnd)}${restored.trimEnd()}\n`;
  if (!sameTokens(body, out.slice(headerEnd), settings.keywordCase !== 'preserve')) return { error: 'the layout would change what the model renders, so nothing was changed' };
  return { text: newline === '\n' ? out : out.replace(/\n/g, '\r\n') };
}

/** The leading lines that hold only Jinja (config, set, imports) or nothing: kept exactly, blank lines included. */
function jinjaHeaderEnd(text: string): number {
  const tokens = tokenize(text);
  const firstSql = tokens.find((t) => t.kind !== 'jinja');
  if (!firstSql) return text.length;
  return text.lastIndexOf('\n', firstSql.start) + 1;
}

/**
 * Jinja out of the formatter's way. A line of only `{% %}`/`{# #}` blocks becomes a line comment (it keeps a line of
 * its own); other Jinja, with the words, strings and Jinja glued to it (`{{ prefix }}_name`, `'{{ var("d") }}'`),
 * becomes one identifier, so no space can ever be put inside what renders as one token.
 */
function mask(body: string): { masked: string; pieces: string[] } {
  const pieces: string[] = [];
  const placeholders = (text: string, pick: (tokens: Token[], i: number) => [number, number] | undefined, name: (n: number) => string) => {
    const tokens = tokenize(text);
    let out = '';
    let at = 0;
    for (let i = 0; i < tokens.length; i++) {
      const run = pick(tokens, i);
      if (!run) continue;
      const [first, last] = run;
      out += text.slice(at, tokens[first].start) + name(pieces.length);
      pieces.push(text.slice(tokens[first].start, tokens[last].end));
      at = tokens[last].end;
      i = last;
    }
    return out + text.slice(at);
  };
  // Statements and comments alone on their line(s), a block over several lines included.
  const statement = (t: Token) => t.kind === 'jinja' && !t.text.startsWith('{{');
  const lines = placeholders(body, (tokens, i) => {
    if (!statement(tokens[i]) || !/(^|\n)[ \t]*$/.test(body.slice(0, tokens[i].start))) return undefined;
    let last = i;
    while (last + 1 < tokens.length && statement(tokens[last + 1]) && !/\n/.test(body.slice(tokens[last].end, tokens[last + 1].start))) last++;
    return /^[ \t]*(\n|$)/.test(body.slice(tokens[last].end)) ? [i, last] : undefined;
  }, (n) => `-- floe_jinja_line ${n}`);
  // Other Jinja with what is glued to it.
  const masked = placeholders(lines, (tokens, i) => {
    if (!involvesJinja(tokens[i])) return undefined;
    let first = i;
    let last = i;
    while (first > 0 && glued(tokens[first - 1], tokens[first])) first--;
    while (last + 1 < tokens.length && glued(tokens[last], tokens[last + 1])) last++;
    return [first, last];
  }, PLACEHOLDER);
  return { masked, pieces };
}

const GLUING: ReadonlySet<Token['kind']> = new Set(['word', 'number', 'string', 'quoted', 'jinja', 'param']);

function involvesJinja(t: Token): boolean {
  return t.kind === 'jinja' || ((t.kind === 'string' || t.kind === 'quoted') && /\{[{%#]/.test(t.text));
}

/** Two tokens that render as one when nothing separates them. */
function glued(a: Token, b: Token): boolean {
  return a.end === b.start && GLUING.has(a.kind) && GLUING.has(b.kind);
}

/**
 * The formatted body says the same as the input: the same tokens in order (comments compared without their
 * whitespace), and every Jinja token glued to the same neighbours as before. With `caseChanges`, a word may change
 * case (keyword capitalisation; DuckDB names columns by the catalog or lower-cases) unless it names an output column:
 * after `as`, or an implicit alias before `,` / `from` / the end.
 */
export function sameTokens(before: string, after: string, caseChanges = false): boolean {
  const a = tokenize(before);
  const b = tokenize(after);
  if (a.length !== b.length) return false;
  const squash = (t: Token) => (t.kind === 'comment' ? t.text.replace(/\s+/g, ' ') : t.text);
  for (let i = 0; i < a.length; i++) {
    if (a[i].kind !== b[i].kind) return false;
    if (squash(a[i]) !== squash(b[i]) && !(caseChanges && a[i].kind === 'word' && a[i].text.toLowerCase() === b[i].text.toLowerCase() && !namesColumn(a, i))) return false;
    if (i > 0 && (involvesJinja(a[i]) || involvesJinja(a[i - 1])) && glued(a[i - 1], a[i]) !== glued(b[i - 1], b[i])) return false;
  }
  return true;
}

function namesColumn(tokens: Token[], i: number): boolean {
  const previous = tokens[i - 1];
  if (previous?.kind === 'word' && previous.text.toLowerCase() === 'as') return true;
  const next = tokens[i + 1];
  const endsItem = !next || next.text === ',' || (next.kind === 'word' && next.text.toLowerCase() === 'from');
  return endsItem && !!previous && (previous.kind === 'word' || previous.kind === 'quoted' || previous.kind === 'number' || previous.text === ')');
}
