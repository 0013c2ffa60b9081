// Where a model's SQL reads one column of one upstream model: `o.amount` where `o` is that model's ref() (or a CTE
// that selects * from it), and a bare `amount` in a query block reading it, when nothing else in that block can
// supply the name. Used by contract warnings on downstream models and by column rename, which must never touch a
// same-named column of another relation: a use it cannot attribute with certainty is reported as ambiguous.
import type { DbtProject, ModelNode } from '../project/project';
import type { ModelFileAnalysis } from '../project/modelFile';
import { outline, type SqlOutline } from '../sql/outline';
import { scopeAt, findRelation, type RelationInScope } from '../sql/scope';
import { identifierOf, isWord, type Token } from '../sql/lexer';
import { cteSelectItems, selectItemsAt } from '../sql/selectList';
import { columnsOfRelation, MAX_SQL_ANALYSIS } from './columns';

export interface ColumnUse {
  /** The column name's span in the template. */
  start: number;
  end: number;
  /** The use is a whole select item without an alias, so the block's output column is named after it. */
  namesOutput: boolean;
}

export interface ColumnUses {
  uses: ColumnUse[];
  /** Mentions of the name that may or may not be the upstream's column. */
  ambiguous: { start: number; end: number; reason: string }[];
  /** The model's own output carries the column through a `*` (its output column has the upstream's name). */
  passesThrough: boolean;
}

const NONE: ColumnUses = { uses: [], ambiguous: [], passesThrough: false };

export interface UseOptions {
  /** The column's new name (rename): an unqualified use becomes ambiguous when another relation has a column so named. */
  newName?: string;
}

/** Uses of `column` of `upstream` in the model file `a` (template offsets). */
export function columnUses(project: DbtProject, a: ModelFileAnalysis, upstream: ModelNode, column: string, options: UseOptions = {}): ColumnUses {
  const reads = (r: RelationInScope) => r.kind === 'jinja' && a.refs.some((ref) => ref.callStart >= r.start && ref.callEnd <= r.end && project.resolveRef(ref)?.file === upstream.file);
  return usesOf(project, a, reads, column, 0, options);
}

/** Uses of `column` of the statement-level CTE `cte` after its definition, in the same model file. */
export function cteColumnUses(project: DbtProject, a: ModelFileAnalysis, cte: string, column: string, options: UseOptions = {}): ColumnUses {
  const def = outline(a.text).ctes.find((c) => c.depth === 0 && c.name === cte);
  if (!def) return NONE;
  return usesOf(project, a, (r) => r.kind === 'cte' && r.name.length === 1 && r.name[0] === cte, column, def.end, options);
}

function usesOf(project: DbtProject, a: ModelFileAnalysis, isSource: (r: RelationInScope) => boolean, column: string, from: number, options: UseOptions): ColumnUses {
  if (a.text.length > MAX_SQL_ANALYSIS) return NONE;
  const key = column.toLowerCase();
  const o = outline(a.text);
  // CTEs whose rows are the source's under another name: `x as (select * from {{ ref('up') }})`
  const aliases = new Set<string>();
  const reads = (r: RelationInScope): boolean => isSource(r) || (r.kind === 'cte' && r.name.length === 1 && aliases.has(r.name[0]));
  for (const c of o.ctes) {
    if (c.end <= from) continue;
    const relations = scopeAt(o, Math.max(c.bodyOpen + 1, c.end - 1)).relations.filter((r) => r.level === 0);
    if (relations.some(reads) && cteSelectItems(o, c).some((i) => i.star)) aliases.add(c.name);
  }
  const out: ColumnUses = { uses: [], ambiguous: [], passesThrough: passesThrough(o, reads) };
  const t = o.tokens;
  // a text that never spells the name has no use of it (most models, checked cheaply)
  const spelled = a.text.toLowerCase().includes(key);
  for (let i = 0; spelled && i < t.length; i++) {
    const tk = t[i];
    if (tk.start < from || (tk.kind !== 'word' && tk.kind !== 'quoted') || identifierOf(tk).toLowerCase() !== key) continue;
    if (isPunct(t[i + 1], '(') || isPunct(t[i + 1], '.') || isWord(t[i - 1], 'as')) continue;
    if (o.ctes.some((c) => c.nameStart === tk.start)) continue;
    const scope = scopeAt(o, tk.start);
    const here = scope.relations.filter((r) => r.level === 0);
    if (here.some((r) => r.start <= tk.start && tk.end <= r.end)) continue;
    const qualified = isPunct(t[i - 1], '.');
    if (qualified) {
      if (isPunct(t[i - 3], '.') || !t[i - 2]) continue;
      const rel = findRelation(scope, identifierOf(t[i - 2]));
      if (rel && reads(rel)) out.uses.push(use(o, tk, t[i - 2].start));
      continue;
    }
    const own = here.filter(reads);
    if (own.length === 0) continue;
    const others = here.filter((r) => !own.includes(r));
    const why = ambiguity(project, a, o, tk, others, key, own.length) ?? (options.newName ? taken(project, a, o, tk, others, options.newName) : undefined);
    if (why) out.ambiguous.push({ start: tk.start, end: tk.end, reason: why });
    else out.uses.push(use(o, tk, tk.start));
  }
  return out;
}

/** After a rename, an unqualified use would name another relation's column too. */
function taken(project: DbtProject, a: ModelFileAnalysis, o: SqlOutline, tk: Token, others: RelationInScope[], newName: string): string | undefined {
  const key = newName.toLowerCase();
  const other = others.find((r) => columnsOfRelation(project, a, r).some((c) => c.name.toLowerCase() === key));
  return other ? `line ${lineOf(o.sql, tk.start)}: '${other.alias ?? other.text}' already has a column ${newName}, so the renamed name would be ambiguous; qualify the column` : undefined;
}

const isPunct = (t: Token | undefined, text: string) => t?.kind === 'punct' && t.text === text;

function use(o: SqlOutline, tk: Token, itemStart: number): ColumnUse {
  const items = selectItemsAt(o, tk.start);
  return { start: tk.start, end: tk.end, namesOutput: items.some((it) => it.start === itemStart && it.end === tk.end) };
}

/** Why an unqualified name in a block reading the upstream might be another relation's column (or an alias). */
function ambiguity(project: DbtProject, a: ModelFileAnalysis, o: SqlOutline, tk: Token, others: RelationInScope[], key: string, own: number): string | undefined {
  const where = `line ${lineOf(o.sql, tk.start)}`;
  if (own > 1) return `${where}: the upstream is read twice in this query; qualify the column to say which`;
  for (const r of others) {
    const label = r.alias ?? r.name[r.name.length - 1] ?? r.text;
    if (r.kind !== 'jinja' && r.kind !== 'cte') return `${where}: '${label}' is also read here and its columns are not known; qualify the column`;
    const columns = columnsOfRelation(project, a, r);
    if (columns.length === 0) return `${where}: '${label}' is also read here and its columns are not known; qualify the column`;
    if (columns.some((c) => c.name.toLowerCase() === key)) return `${where}: '${label}' has a column of the same name; qualify the column`;
  }
  // an output column of that name made by an expression (not the column itself, bare or qualified)
  const itself = /^(?:(?:"[^"]*"|[\w$]+)\s*\.\s*)?(?:"[^"]*"|[\w$]+)$/;
  const alias = selectItemsAt(o, tk.start).find((it) => it.name?.replace(/^"|"$/g, '').toLowerCase() === key && !itself.test(o.sql.slice(it.start, it.end)) && !(it.start <= tk.start && tk.end <= it.end));
  if (alias) return `${where}: this query also names an output column ${tk.text}, which the name may mean`;
  return undefined;
}

/** Whether the final select has a `*` over a relation that reads the upstream. */
function passesThrough(o: SqlOutline, reads: (r: RelationInScope) => boolean): boolean {
  const select = o.tokens.findIndex((x, k) => o.parent[k] === -1 && isWord(x, 'select'));
  if (select < 0) return false;
  const at = o.tokens[select].end;
  const items = selectItemsAt(o, at);
  const relations = scopeAt(o, at + 1).relations.filter((r) => r.level === 0);
  return items.some((it) => {
    if (!it.star) return false;
    if (!it.star.qualifier) return relations.some(reads);
    const r = relations.find((x) => (x.alias ?? x.name[x.name.length - 1] ?? '').toLowerCase() === it.star!.qualifier!.toLowerCase());
    return !!r && reads(r);
  });
}

export function lineOf(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
