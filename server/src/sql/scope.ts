// What is in scope at an offset of a SQL text: visible CTEs, FROM/JOIN relations with aliases, and the dotted prefix.
import { isWord, identifierOf } from './lexer';
import { CteDefinition, SqlOutline, outline, tokenIndexAt } from './outline';

export interface RelationInScope {
  /** table: a (possibly qualified) name; cte: a visible CTE; subquery: `( ... )`; function: `f(...)`; jinja: `{{ ... }}`. */
  kind: 'table' | 'cte' | 'subquery' | 'function' | 'jinja';
  /** Name parts as DuckDB resolves them (unquoted parts fold to lower case); for a function its name; empty otherwise. */
  name: string[];
  /** The relation text as written (e.g. `"bronze"."customers"` or `{{ ref('stg_orders') }}`). */
  text: string;
  /** Alias as written (quotes removed), when there is one. */
  alias?: string;
  /** Column aliases `AS t(a, b)`, when given. */
  columnAliases?: string[];
  /** Range of the relation text. */
  start: number;
  end: number;
  /** 0 for the query block around the offset, 1 for the block around that (correlated subqueries), ... */
  level: number;
}

export interface DottedPrefix {
  /** Qualifier parts before the last dot, as written without quotes: `c.` → ['c'], `s.t.` → ['s', 't']. */
  parts: string[];
  /** The partial word being typed after the last dot (or the word alone when there is no dot). */
  partial: string;
  partialStart: number;
}

export type ClauseKind =
  | 'select' | 'from' | 'join' | 'on' | 'where' | 'group' | 'having' | 'qualify' | 'window' | 'order' | 'limit' | 'other';

export interface SqlScope {
  /** CTEs visible at the offset (from the enclosing WITH clauses), innermost last. */
  ctes: CteDefinition[];
  /** Relations of the query block around the offset (level 0), then of enclosing blocks. */
  relations: RelationInScope[];
  prefix: DottedPrefix;
  /** The clause of the innermost query block the offset is in. */
  clause: ClauseKind;
}

/** Relation of the scope whose alias (or last name part when unaliased) matches `name`, case-insensitively. */
export function findRelation(scope: SqlScope, name: string): RelationInScope | undefined {
  const key = name.toLowerCase();
  for (const r of scope.relations) {
    const label = r.alias ?? (r.name.length ? r.name[r.name.length - 1] : undefined);
    if (label !== undefined && label.toLowerCase() === key) return r;
  }
  return undefined;
}

const QUERY_START = new Set(['select', 'with', 'from', 'values', 'table', 'pivot', 'unpivot']);
const SET_OPERATORS = new Set(['union', 'intersect', 'except']);
const CLAUSE_END = new Set([
  'where', 'group', 'having', 'qualify', 'window', 'order', 'limit', 'offset', 'union', 'intersect', 'except',
  'select', 'returning', 'fetch', 'using', 'tablesample',
]);
const JOIN_WORDS = new Set([
  'join', 'left', 'right', 'full', 'inner', 'outer', 'cross', 'natural', 'semi', 'anti', 'asof', 'positional', 'lateral',
]);
/** Words that can follow a relation but are never its alias. */
const NOT_ALIAS = new Set([
  ...CLAUSE_END, ...JOIN_WORDS, 'on', 'as', 'pivot', 'unpivot', 'at', 'for', 'with', 'limit', 'end', 'then', 'when',
  'else', 'and', 'or', 'not', 'in', 'is', 'order', 'by',
]);
const CLAUSE_WORDS: Record<string, ClauseKind> = {
  select: 'select', from: 'from', join: 'join', on: 'on', using: 'on', where: 'where', group: 'group',
  having: 'having', qualify: 'qualify', window: 'window', order: 'order', limit: 'limit', offset: 'limit',
};

export function scopeAt(sqlOrOutline: string | SqlOutline, offset: number): SqlScope {
  const o = typeof sqlOrOutline === 'string' ? outline(sqlOrOutline) : sqlOrOutline;
  const prefix = dottedPrefixAt(o.sql, offset);
  const ctes = o.ctes.filter((c) => cteVisibleAt(o, c, offset));
  const relations: RelationInScope[] = [];
  let clause: ClauseKind = 'other';
  const idx = tokenIndexAt(o, offset);
  // enclosing parenthesis chain, from the token just before the offset's position
  let group = enclosingGroup(o, idx, offset);
  let level = 0;
  for (;;) {
    if (isQueryGroup(o, group)) {
      const [from, to] = groupRange(o, group);
      const segment = setOperandAt(o, from, to, idx);
      if (level === 0) clause = clauseAt(o, segment[0], segment[1], idx);
      for (const r of fromItems(o, segment[0], segment[1], ctes)) relations.push({ ...r, level });
      level++;
    }
    // a CTE body sees no relations of the query around it
    if (group < 0 || o.ctes.some((c) => c.bodyOpen === o.tokens[group].start)) break;
    group = o.parent[group];
  }
  return { ctes, relations, prefix, clause };
}

/** Token range [from, to) of the innermost query block (set operand) around the offset, at its own level. */
export function queryBlockAt(o: SqlOutline, offset: number): [number, number] {
  const idx = tokenIndexAt(o, offset);
  let group = enclosingGroup(o, idx, offset);
  while (!isQueryGroup(o, group)) group = o.parent[group];
  const [from, to] = groupRange(o, group);
  return setOperandAt(o, from, to, idx);
}

/** The innermost open parenthesis containing the offset (-1 for the statement level). */
function enclosingGroup(o: SqlOutline, idx: number, offset: number): number {
  // the token at idx ends after offset; if it also starts before, offset is inside it (e.g. inside a word)
  const t = o.tokens[idx];
  if (t && t.start < offset) return o.parent[idx];
  if (t) {
    // offset sits between tokens: a ')' next means the offset is inside the group that ')' closes
    if (t.kind === 'punct' && t.text === ')') return o.match[idx] >= 0 ? o.match[idx] : o.parent[idx];
    return o.parent[idx];
  }
  // past the last token: inside whatever is still open
  const last = o.tokens.length - 1;
  if (last < 0) return -1;
  const lt = o.tokens[last];
  if (lt.kind === 'punct' && lt.text === '(' && o.match[last] < 0) return last;
  if (lt.kind === 'punct' && lt.text === ';') return -1;
  return o.parent[last];
}

function isQueryGroup(o: SqlOutline, group: number): boolean {
  if (group < 0) return true;
  const first = o.tokens[group + 1];
  return first !== undefined && first.kind === 'word' && QUERY_START.has(first.text.toLowerCase());
}

/** Token range [from, to) directly inside a group (or the statement around `group`'s position for -1). */
function groupRange(o: SqlOutline, group: number): [number, number] {
  if (group >= 0) {
    const close = o.match[group];
    return [group + 1, close >= 0 ? close : statementEndIndex(o, group)];
  }
  return [0, o.tokens.length];
}

function statementEndIndex(o: SqlOutline, i: number): number {
  for (const s of o.statements) if (i <= s.last) return s.last + 1;
  return o.tokens.length;
}

/** Narrow [from, to) to the statement and set-operation operand (UNION branch) holding token idx. */
function setOperandAt(o: SqlOutline, from: number, to: number, idx: number): [number, number] {
  let a = from;
  let b = to;
  for (let i = from; i < to; i++) {
    const t = o.tokens[i];
    if (t.kind === 'punct' && t.text === '(' && o.match[i] > i) {
      i = o.match[i];
      continue;
    }
    const split = (t.kind === 'punct' && t.text === ';') || (t.kind === 'word' && SET_OPERATORS.has(t.text.toLowerCase()));
    if (!split) continue;
    if (i < idx) a = i + 1;
    else {
      b = i;
      break;
    }
  }
  return [a, b];
}

function clauseAt(o: SqlOutline, from: number, to: number, idx: number): ClauseKind {
  let clause: ClauseKind = 'other';
  for (let i = from; i < Math.min(to, idx); i++) {
    const t = o.tokens[i];
    if (t.kind === 'punct' && t.text === '(' && o.match[i] > i) {
      if (o.match[i] >= idx) break;
      i = o.match[i];
      continue;
    }
    if (t.kind !== 'word') continue;
    const k = CLAUSE_WORDS[t.text.toLowerCase()];
    if (k) clause = k;
  }
  return clause;
}

function cteVisibleAt(o: SqlOutline, c: CteDefinition, offset: number): boolean {
  // visible in its own statement after the WITH, and only inside the parentheses that hold that WITH
  if (offset < c.withStart) return false;
  const withIdx = tokenIndexAt(o, c.withStart);
  const holder = o.parent[withIdx];
  if (holder < 0) {
    const s = o.statements[c.statement];
    return s !== undefined && offset <= nextStatementStart(o, c.statement);
  }
  const close = o.match[holder];
  return close < 0 || offset <= o.tokens[close].start;
}

function nextStatementStart(o: SqlOutline, s: number): number {
  const next = o.statements[s + 1];
  return next ? next.start - 1 : o.sql.length;
}

type Item = Omit<RelationInScope, 'level'>;

/** FROM and JOIN items of one query block, given its direct tokens [from, to). */
function fromItems(o: SqlOutline, from: number, to: number, ctes: CteDefinition[]): Item[] {
  const t = o.tokens;
  const out: Item[] = [];
  let i = from;
  // find FROM at this level (skipping nested groups, e.g. the WITH bodies and subqueries in the select list)
  const skip = (k: number) => (t[k].kind === 'punct' && t[k].text === '(' && o.match[k] > k ? o.match[k] + 1 : k + 1);
  while (i < to) {
    while (i < to && !isWord(t[i], 'from')) i = skip(i);
    if (i >= to) break;
    i++;
    // items: relation [AS] alias [(cols)] followed by ',' | JOIN ... | ON ... | end
    while (i < to) {
      while (i < to && t[i].kind === 'word' && JOIN_WORDS.has(t[i].text.toLowerCase()) && !isWord(t[i], 'lateral')) i++;
      if (isWord(t[i], 'lateral')) i++;
      if (i >= to) break;
      const r = relationAt(o, i, to, ctes);
      if (!r) break;
      out.push(r.item);
      i = r.next;
      // skip ON/USING conditions and anything else until the next item or the clause end
      let stop = false;
      while (i < to) {
        const tk = t[i];
        if (tk.kind === 'punct' && tk.text === ',') {
          i++;
          break;
        }
        if (tk.kind === 'word') {
          const w = tk.text.toLowerCase();
          if (JOIN_WORDS.has(w)) break;
          if (CLAUSE_END.has(w) && w !== 'using') {
            stop = true;
            break;
          }
        }
        i = skip(i);
      }
      if (stop) break;
    }
  }
  return out;
}

function relationAt(o: SqlOutline, i: number, to: number, ctes: CteDefinition[]): { item: Item; next: number } | undefined {
  const t = o.tokens;
  const first = t[i];
  let item: Item;
  let next: number;
  if (first.kind === 'punct' && first.text === '(') {
    const close = o.match[i] > i ? o.match[i] : to - 1;
    item = { kind: 'subquery', name: [], text: o.sql.slice(first.start, t[close].end), start: first.start, end: t[close].end };
    next = close + 1;
  } else if (first.kind === 'jinja') {
    item = { kind: 'jinja', name: [], text: first.text, start: first.start, end: first.end };
    next = i + 1;
  } else if (first.kind === 'word' || first.kind === 'quoted' || first.kind === 'string') {
    if (first.kind === 'word' && (CLAUSE_END.has(first.text.toLowerCase()) || first.text.toLowerCase() === 'on')) return undefined;
    const parts: string[] = [first.kind === 'string' ? first.text.slice(1, -1) : identifierOf(first)];
    let j = i + 1;
    while (j + 1 < to && t[j].kind === 'punct' && t[j].text === '.' && (t[j + 1].kind === 'word' || t[j + 1].kind === 'quoted')) {
      parts.push(identifierOf(t[j + 1]));
      j += 2;
    }
    const end = t[j - 1].end;
    if (j < to && t[j].kind === 'punct' && t[j].text === '(' && first.kind !== 'string') {
      const close = o.match[j] > j ? o.match[j] : to - 1;
      item = { kind: 'function', name: parts, text: o.sql.slice(first.start, t[close].end), start: first.start, end: t[close].end };
      next = close + 1;
    } else {
      const isCte = parts.length === 1 && first.kind !== 'string' && ctes.some((c) => c.name === parts[0]);
      item = { kind: isCte ? 'cte' : 'table', name: parts, text: o.sql.slice(first.start, end), start: first.start, end };
      next = j;
    }
  } else return undefined;
  // [AS] alias [(col, ...)]
  let j = next;
  const hasAs = isWord(t[j], 'as');
  if (hasAs) j++;
  const a = t[j];
  if (a && j < to && (a.kind === 'quoted' || (a.kind === 'word' && (hasAs || !NOT_ALIAS.has(a.text.toLowerCase()))))) {
    item.alias = a.text;
    j++;
    if (j < to && t[j].kind === 'punct' && t[j].text === '(' && o.match[j] > j) {
      const cols: string[] = [];
      for (let k = j + 1; k < o.match[j]; k++) if (t[k].kind === 'word' || t[k].kind === 'quoted') cols.push(t[k].text);
      item.columnAliases = cols;
      j = o.match[j] + 1;
    }
    next = j;
  }
  return { item, next };
}

/** The dotted identifier being typed just before `offset`: `c.na|` → {parts: ['c'], partial: 'na'}. */
export function dottedPrefixAt(sql: string, offset: number): DottedPrefix {
  const end = Math.max(0, Math.min(offset, sql.length));
  const isPart = (c: number) =>
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c > 127 || (c >= 48 && c <= 57) || c === 36;
  let i = end;
  while (i > 0 && end - i < 1024 && isPart(sql.charCodeAt(i - 1))) i--;
  const partial = sql.slice(i, end);
  const partialStart = i;
  const parts: string[] = [];
  while (i > 0 && sql.charCodeAt(i - 1) === 46 && parts.length < 8) {
    let j = i - 1;
    if (j > 0 && sql.charCodeAt(j - 1) === 34) {
      // "quoted" part: find its opening quote (no escaped quotes inside, for simplicity of the backward scan)
      const open = sql.lastIndexOf('"', j - 2);
      if (open < 0 || j - open > 1024) break;
      parts.unshift(sql.slice(open + 1, j - 1));
      i = open;
      continue;
    }
    let k = j;
    while (k > 0 && j - k < 1024 && isPart(sql.charCodeAt(k - 1))) k--;
    if (k === j) break;
    parts.unshift(sql.slice(k, j));
    i = k;
  }
  return { parts, partial, partialStart };
}

/** Document symbols: every CTE with its name range and full range (name to closing parenthesis). */
export function cteSymbols(sql: string): { name: string; nameStart: number; nameEnd: number; start: number; end: number; depth: number }[] {
  return outline(sql).ctes.map((c) => ({
    name: c.displayName,
    nameStart: c.nameStart,
    nameEnd: c.nameEnd,
    start: c.nameStart,
    end: c.end,
    depth: c.depth,
  }));
}

