// Output columns of a model's final select that can be NULL by construction, read from the SQL text: a literal NULL
// (also cast), or a column of the nullable side of an outer join taken as is. Only what the text proves: a block that
// filters (WHERE, HAVING, QUALIFY) may drop the NULL rows, and a column we cannot attribute is never reported.
import type { DbtProject } from '../project/project';
import type { ModelFileAnalysis } from '../project/modelFile';
import { outline, tokenIndexAt, type SqlOutline } from '../sql/outline';
import { scopeAt, findRelation, type RelationInScope } from '../sql/scope';
import { identifierOf, isWord, type Token } from '../sql/lexer';
import { selectItemsAt, type SelectItem } from '../sql/selectList';
import { columnsOfRelation, MAX_SQL_ANALYSIS } from './columns';

export interface NullableOutput {
  /** Output column name, lower case. */
  column: string;
  /** The select item's span. */
  start: number;
  end: number;
  why: string;
}

const JOIN_KINDS = new Set(['left', 'right', 'full', 'outer', 'inner', 'cross', 'natural', 'asof', 'semi', 'anti', 'positional']);

/** The final select's output columns that can provably be NULL. */
export function provablyNullOutputs(project: DbtProject, a: ModelFileAnalysis): NullableOutput[] {
  if (a.text.length > MAX_SQL_ANALYSIS) return [];
  const o = outline(a.text);
  const select = o.tokens.findIndex((x, k) => o.parent[k] === -1 && isWord(x, 'select'));
  if (select < 0) return [];
  const at = o.tokens[select].end;
  const scope = scopeAt(o, at + 1);
  const relations = scope.relations.filter((r) => r.level === 0);
  const filters = blockFilters(o, select);
  const out: NullableOutput[] = [];
  for (const item of selectItemsAt(o, at)) {
    if (!item.name) continue;
    const expr = expressionTokens(o, item);
    const column = item.name.replace(/^"|"$/g, '').toLowerCase();
    if (isNullLiteral(expr)) {
      out.push({ column, start: item.start, end: item.end, why: 'it is a literal NULL' });
      continue;
    }
    if (filters) continue;
    const ref = columnRef(expr);
    if (!ref) continue;
    const rel = ref.qualifier ? findRelation(scope, ref.qualifier) : soleOwner(project, a, relations, ref.name);
    if (!rel || rel.level !== 0) continue;
    const side = nullableSide(o, relations, rel);
    if (side) out.push({ column, start: item.start, end: item.end, why: `it comes from ${rel.alias ?? rel.text}, the ${side} side of an outer join, without coalesce` });
  }
  return out;
}

/** The item's expression tokens, its alias (`AS name` or a trailing name) left out. */
function expressionTokens(o: SqlOutline, item: SelectItem): Token[] {
  const t = o.tokens.slice(tokenIndexAt(o, item.start), tokenIndexAt(o, item.end - 1) + 1);
  if (t.length >= 3 && isWord(t[t.length - 2], 'as')) return t.slice(0, -2);
  const dotted = t.every((x, k) => (k % 2 === 1 ? x.text === '.' : x.kind === 'word' || x.kind === 'quoted'));
  return t.length >= 2 && !dotted ? t.slice(0, -1) : t;
}

function isNullLiteral(t: Token[]): boolean {
  if (isWord(t[0], 'null')) return t.length === 1 || t[1].text === '::';
  return (isWord(t[0], 'cast') || isWord(t[0], 'try_cast')) && t[1]?.text === '(' && isWord(t[2], 'null') && isWord(t[3], 'as');
}

function columnRef(t: Token[]): { qualifier?: string; name: string } | undefined {
  const name = (x: Token | undefined) => x !== undefined && (x.kind === 'word' || x.kind === 'quoted');
  if (t.length === 1 && name(t[0])) return { name: identifierOf(t[0]) };
  if (t.length === 3 && name(t[0]) && t[1].text === '.' && name(t[2])) return { qualifier: identifierOf(t[0]), name: identifierOf(t[2]) };
  return undefined;
}

/** The one relation of the block with this column, when every relation's columns are known. */
function soleOwner(project: DbtProject, a: ModelFileAnalysis, relations: RelationInScope[], name: string): RelationInScope | undefined {
  const owners: RelationInScope[] = [];
  for (const r of relations) {
    const columns = columnsOfRelation(project, a, r);
    if (columns.length === 0) return undefined;
    if (columns.some((c) => c.name.toLowerCase() === name)) owners.push(r);
  }
  return owners.length === 1 ? owners[0] : undefined;
}

/** 'right' for a LEFT JOIN's right side, 'left' for the relations before a RIGHT JOIN, either for a FULL JOIN. */
function nullableSide(o: SqlOutline, relations: RelationInScope[], rel: RelationInScope): string | undefined {
  const own = joinWords(o, rel);
  if (own.has('left') || own.has('full')) return 'right';
  const i = relations.indexOf(rel);
  if (relations.slice(i + 1).some((r) => { const w = joinWords(o, r); return w.has('right') || w.has('full'); })) return 'left';
  return undefined;
}

/** The join keywords just before a relation (`left outer join x` → {left, outer}); empty after FROM or a comma. */
function joinWords(o: SqlOutline, r: RelationInScope): Set<string> {
  const words = new Set<string>();
  let k = tokenIndexAt(o, r.start) - 1;
  if (isWord(o.tokens[k], 'lateral')) k--;
  if (!isWord(o.tokens[k], 'join')) return words;
  for (k--; k >= 0 && o.tokens[k].kind === 'word' && JOIN_KINDS.has(o.tokens[k].text.toLowerCase()); k--) words.add(o.tokens[k].text.toLowerCase());
  return words;
}

/** Whether the select's own block filters rows (WHERE, HAVING, QUALIFY at its level). */
function blockFilters(o: SqlOutline, select: number): boolean {
  const level = o.parent[select];
  for (let k = select + 1; k < o.tokens.length && o.parent[k] >= level; k++) {
    if (o.parent[k] !== level) continue;
    const t = o.tokens[k];
    if (t.kind === 'punct' && t.text === ';') break;
    if (isWord(t, 'where') || isWord(t, 'having') || isWord(t, 'qualify')) return true;
  }
  return false;
}
