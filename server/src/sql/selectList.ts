// The select list of a query block: each item's output name when the text alone decides it, and star items.
import { isWord } from './lexer';
import { CteDefinition, SqlOutline, outline, tokenIndexAt } from './outline';
import { queryBlockAt } from './scope';

export interface SelectItem {
  /** Output column name as DuckDB will name it, when the text decides it (alias, column, `t.column`). */
  name?: string;
  /** `*`, `t.*`, `* EXCLUDE (...)`, `COLUMNS(...)`: the columns come from relations (`qualifier` when given). */
  star?: { qualifier?: string };
  start: number;
  end: number;
}

const ITEMS_END = new Set([
  'from', 'where', 'group', 'having', 'qualify', 'window', 'order', 'limit', 'offset', 'union', 'intersect', 'except', 'into',
]);
const NOT_IMPLICIT_ALIAS = new Set([
  ...ITEMS_END, 'as', 'end', 'and', 'or', 'not', 'is', 'null', 'true', 'false', 'then', 'else', 'asc', 'desc',
  // INTERVAL 3 DAY and friends
  'year', 'years', 'month', 'months', 'week', 'weeks', 'day', 'days', 'hour', 'hours', 'minute', 'minutes', 'second', 'seconds',
  'millisecond', 'milliseconds', 'microsecond', 'microseconds',
]);

/** Select items of the innermost query block around `offset`. */
export function selectItemsAt(sqlOrOutline: string | SqlOutline, offset: number): SelectItem[] {
  const o = typeof sqlOrOutline === 'string' ? outline(sqlOrOutline) : sqlOrOutline;
  const [from, to] = queryBlockAt(o, offset);
  return selectItems(o, from, to);
}

/** Select items of a CTE's body (its first set operand): the CTE's columns, as far as the text tells. */
export function cteSelectItems(o: SqlOutline, cte: CteDefinition): SelectItem[] {
  const open = tokenIndexAt(o, cte.bodyOpen);
  return selectItemsAt(o, o.tokens[open + 1]?.start ?? cte.end);
}

function selectItems(o: SqlOutline, from: number, to: number): SelectItem[] {
  const t = o.tokens;
  const skip = (k: number) => (t[k].kind === 'punct' && t[k].text === '(' && o.match[k] > k ? o.match[k] + 1 : k + 1);
  let i = from;
  while (i < to && !isWord(t[i], 'select')) i = skip(i);
  if (i >= to) return [];
  i++;
  if (isWord(t[i], 'distinct')) {
    i++;
    if (isWord(t[i], 'on') && t[i + 1]?.text === '(') i = skip(i + 1);
  } else if (isWord(t[i], 'all')) i++;
  const out: SelectItem[] = [];
  let start = i;
  const flush = (end: number) => {
    if (end > start) out.push(describe(o, start, end));
  };
  for (; i < to; i = skip(i)) {
    const tk = t[i];
    if (tk.kind === 'punct' && tk.text === ',') {
      flush(i);
      start = i + 1;
    } else if (tk.kind === 'word' && ITEMS_END.has(tk.text.toLowerCase())) break;
  }
  flush(i);
  return out;
}

/** One item from its tokens [a, b). */
function describe(o: SqlOutline, a: number, b: number): SelectItem {
  const t = o.tokens;
  const item: SelectItem = { start: t[a].start, end: t[b - 1].end };
  const last = t[b - 1];
  const nameLike = (k: number) => t[k] !== undefined && (t[k].kind === 'quoted' || t[k].kind === 'word');
  // star forms
  if (last.text === '*' || t[a].text === '*' || isWord(t[a], 'columns') || (b - a >= 3 && t[a + 2]?.text === '*' && t[a + 1].text === '.')) {
    const qualified = b - a >= 3 && nameLike(a) && t[a + 1].text === '.' && t[a + 2].text === '*';
    item.star = qualified ? { qualifier: t[a].text } : {};
    return item;
  }
  // explicit alias
  if (b - a >= 3 && isWord(t[b - 2], 'as') && nameLike(b - 1)) {
    item.name = last.text;
    return item;
  }
  // a column or t.column
  let dotted = nameLike(a);
  for (let k = a + 1; k < b && dotted; k += 2) dotted = t[k].text === '.' && nameLike(k + 1);
  if (dotted && (b - a) % 2 === 1) {
    item.name = last.text;
    return item;
  }
  // implicit alias: `expr name`, where name follows a complete expression
  const prev = t[b - 2];
  const prevEndsExpr = prev && (prev.kind !== 'punct' || prev.text === ')' || prev.text === ']');
  if (b - a >= 2 && nameLike(b - 1) && prevEndsExpr && !(last.kind === 'word' && NOT_IMPLICIT_ALIAS.has(last.text.toLowerCase()))) {
    item.name = last.text;
  }
  return item;
}
