// Columns in scope at an offset of a model's SQL: relations from the SQL engineer's scope analysis,
// resolved through ref()/source() to upstream models and Iceberg sources, and through CTEs.
import { scopeAt, type RelationInScope } from '../sql/scope';
import { outline, tokenIndexAt, type SqlOutline } from '../sql/outline';
import { selectItemsAt, type SelectItem } from '../sql/selectList';
import { identifierOf, isWord } from '../sql/lexer';
import type { DbtProject, ModelNode } from '../project/project';
import { analyzeModelFile, type ModelFileAnalysis } from '../project/modelFile';
import { compileModel, type UpstreamRelation } from '../project/compile';
import type { Column, Location } from '../project/types';
import type { SourceTable } from '../project/schemaYaml';

/**
 * What is still to come that would add to an answer, as the server knows it: a model's bind in DuckDB queued or under
 * way, a source's schema being read from the catalog. A list read from such a model or source is partial for now.
 */
export interface Awaiting {
  bind(node: ModelNode): boolean;
  sourceSchema(project: DbtProject, table: SourceTable): boolean;
}

/** Nothing to come (the CLI, a server without a binder): every list is as complete as it will be. */
export const NOTHING_AWAITED: Awaiting = { bind: () => false, sourceSchema: () => false };

export interface ScopedColumn extends Column {
  /** Where the column comes from: `model stg_orders`, `source bronze.orders`, `cte final`. */
  origin: string;
  /** The alias (or name) of the relation in this query. */
  relation: string;
  /** Where the upstream relation is defined (for go to definition). */
  location?: Location;
}

export function columnsOfRelation(project: DbtProject, a: ModelFileAnalysis, r: RelationInScope, depth = 0): ScopedColumn[] {
  const label = r.alias ?? r.name[r.name.length - 1] ?? '';
  if (r.kind === 'jinja') {
    const ref = a.refs.find((x) => x.callStart >= r.start && x.callEnd <= r.end);
    if (ref) {
      const node = project.resolveRef(ref);
      if (!node) return [];
      return (project.columnsOfNode(node) ?? []).map((c) => ({ ...c, origin: `${node.kind} ${node.name}`, relation: label || node.name, location: { file: node.file, start: node.nameStart, end: node.nameEnd } }));
    }
    const src = a.sources.find((x) => x.callStart >= r.start && x.callEnd <= r.end);
    if (src) {
      const table = project.resolveSource(src);
      if (!table) return [];
      return (project.columnsOfSource(table) ?? []).map((c) => ({ ...c, origin: `source ${src.source}.${src.table} (${table.icebergTable})`, relation: label || src.table, location: { file: table.file, start: table.nameStart, end: table.nameEnd } }));
    }
    return [];
  }
  if (r.kind === 'cte' && depth < 5) {
    const cte = scopeAt(a.text, r.start).ctes.find((c) => c.name === r.name[r.name.length - 1]?.toLowerCase());
    if (!cte) return [];
    const inner = scopeAt(a.text, Math.max(cte.bodyOpen + 1, cte.end - 1));
    return inner.relations.filter((x) => x.level === 0).flatMap((x) => columnsOfRelation(project, a, x, depth + 1)).map((c) => ({ ...c, relation: label, origin: `cte ${cte.displayName} ← ${c.origin}` }));
  }
  return [];
}

/**
 * Above this size, SQL scope analysis is skipped so requests stay fast (Jinja features still work). At 1 MB a
 * request's first outline takes ~35 ms and later ones reuse it (sql/outline.ts).
 */
export const MAX_SQL_ANALYSIS = 1024 * 1024;

/**
 * Every column visible at offset (relations of the innermost query block); `known`: every column that can be known
 * (knownColumnsOfRelation, for completion and hover), else what columnsOfRelation answers.
 */
export function columnsInScope(project: DbtProject, a: ModelFileAnalysis, offset: number, known = false, awaiting = NOTHING_AWAITED): { columns: ScopedColumn[]; relations: RelationInScope[]; partial: boolean } {
  if (a.text.length > MAX_SQL_ANALYSIS) return { columns: [], relations: [], partial: false };
  const scope = scopeAt(a.text, offset);
  const relations = scope.relations.filter((r) => r.level === 0);
  const ctx = newKnownContext(awaiting);
  return { columns: relations.flatMap((r) => (known ? knownColumnsOfRelation(project, a, r, ctx) : columnsOfRelation(project, a, r))), relations, partial: ctx.waits.partial };
}

/** How far a column is followed through stars: models and CTEs read in a row (a chain; each is read once a request). */
const MAX_HOPS = 64;
/** How many upstream models' SQL one request reads at most (a star over wide joins could reach a whole project). */
const MAX_MODELS = 200;

export interface KnownContext {
  hops: number;
  /** Per file: its outline, and the known columns of each of its CTEs and subqueries (by where their body opens). */
  files: Map<ModelFileAnalysis, { outline: SqlOutline; blocks: Map<number, ScopedColumn[]> }>;
  /** A model's known columns, once per request (a model read by many is looked at once; a cycle reads as none). */
  models: Map<string, ScopedColumn[]>;
  /** In an upstream model's file, `model x`: the names its CTEs and subqueries give are that model's. */
  owner?: string;
  awaiting: Awaiting;
  /** Shared by the whole request: whether an answer read a model or source whose columns are still to come. */
  waits: { partial: boolean };
  /** Models' compiled SQL read this request: each one's relations, as its render wrote them, to what they name. */
  rendered: Map<ModelFileAnalysis, Map<string, UpstreamRelation>>;
  /** Set while one model's text is read: whether a select list there holds Jinja whose columns its text cannot tell. */
  jinjaItems?: { met: boolean };
}

/**
 * Every column of a relation that can be known, for completion and hover: a bound model's columns; else a model's
 * schema YAML columns and the names its SQL's select list gives (stars expanded through what it reads), each origin
 * saying where the name was learned; a CTE's or subquery's own select list. Possibly partial, so it is never for a
 * check that needs every column (those read columnsOfRelation).
 */
export function knownColumnsOfRelation(project: DbtProject, a: ModelFileAnalysis, r: RelationInScope, ctx = newKnownContext()): ScopedColumn[] {
  const label = r.alias ?? r.name[r.name.length - 1] ?? '';
  if (ctx.hops > MAX_HOPS) return [];
  let columns: ScopedColumn[];
  if (r.kind === 'jinja') {
    const ref = a.refs.find((x) => x.callStart >= r.start && x.callEnd <= r.end);
    const node = ref && project.resolveRef(ref);
    if (!node) {
      const src = a.sources.find((x) => x.callStart >= r.start && x.callEnd <= r.end);
      const table = src && project.resolveSource(src);
      if (table && ctx.awaiting.sourceSchema(project, table)) ctx.waits.partial = true;
      return columnsOfRelation(project, a, r);
    }
    columns = knownColumnsOfNode(project, node, ctx).map((c) => ({ ...c, relation: label || node.name }));
  } else if (r.kind === 'table' && ctx.rendered.get(a)?.has(r.text)) {
    // in a model's compiled SQL: a relation its render wrote for a ref() or source()
    const u = ctx.rendered.get(a)!.get(r.text)!;
    const node = u.kind === 'source' ? undefined : project.resolveRef({ name: u.name });
    const table = u.sourceTable && project.resolveSource({ source: u.sourceTable[0], table: u.sourceTable[1] });
    if (table && ctx.awaiting.sourceSchema(project, table)) ctx.waits.partial = true;
    if (node) columns = knownColumnsOfNode(project, node, ctx);
    else if (table) columns = (project.columnsOfSource(table) ?? []).map((c) => ({ ...c, origin: `source ${u.name} (${table.icebergTable})`, relation: label, location: { file: table.file, start: table.nameStart, end: table.nameEnd } }));
    else return [];
  } else if (r.kind === 'cte' || r.kind === 'subquery') {
    // a file's outline and its blocks' columns once per request: CTEs reading CTEs (joins of them) are read once each
    const file = fileOf(ctx, a);
    const o = file.outline;
    const cte = r.kind === 'cte' ? scopeAt(o, r.start).ctes.find((c) => c.name === r.name[r.name.length - 1]?.toLowerCase()) : undefined;
    if (r.kind === 'cte' && !cte) return [];
    const bodyStart = cte ? o.tokens[tokenIndexAt(o, cte.bodyOpen) + 1]?.start ?? cte.end : r.start + 1;
    const known = file.blocks.get(bodyStart);
    if (known) columns = known;
    else {
      file.blocks.set(bodyStart, []);
      const where = ctx.owner ?? (cte ? `cte ${cte.displayName}` : 'subquery');
      columns = selectListColumns(project, a, o, bodyStart, { ...ctx, hops: ctx.hops + 1 }, where);
      if (!ctx.owner) columns = columns.map((c) => (c.origin.startsWith(`${where} (`) ? c : { ...c, origin: throughCte(where, c.origin) }));
      file.blocks.set(bodyStart, columns);
    }
  } else return [];
  if (r.columnAliases?.length) columns = columns.map((c, i) => (i < r.columnAliases!.length ? { ...c, name: r.columnAliases![i] } : c));
  return columns.map((c) => ({ ...c, relation: label }));
}

export function newKnownContext(awaiting = NOTHING_AWAITED): KnownContext {
  return { hops: 0, models: new Map(), files: new Map(), awaiting, waits: { partial: false }, rendered: new Map() };
}

/** `cte a ← cte b (select list)`; a longer chain as its ends, `cte a ← … ← model x (select list)`. */
function throughCte(where: string, origin: string): string {
  const parts = origin.split(' ← ');
  return parts.length < 3 ? `${where} ← ${origin}` : `${where} ← … ← ${parts[parts.length - 1]}`;
}

/** A file's outline and its blocks' known columns, kept for the request. */
function fileOf(ctx: KnownContext, a: ModelFileAnalysis): { outline: SqlOutline; blocks: Map<number, ScopedColumn[]> } {
  let file = ctx.files.get(a);
  if (!file) ctx.files.set(a, (file = { outline: outline(a.text), blocks: new Map() }));
  return file;
}

/** A model's known columns: the bind's, else its select list's names and its YAML's (see knownColumnsOfRelation). */
function knownColumnsOfNode(project: DbtProject, node: ModelNode, ctx: KnownContext): ScopedColumn[] {
  const location = { file: node.file, start: node.nameStart, end: node.nameEnd };
  const what = `${node.kind} ${node.name}`;
  if (node.kind !== 'model' || project.boundColumns.has(node.name)) return (project.columnsOfNode(node) ?? []).map((c) => ({ ...c, origin: what, relation: node.name, location }));
  if (ctx.awaiting.bind(node)) ctx.waits.partial = true;
  const memo = ctx.models.get(node.name);
  if (memo) return memo;
  if (ctx.models.size >= MAX_MODELS) return (project.doc(node.name)?.columns ?? []).map((c) => ({ ...c, origin: `${what} (schema YAML)`, relation: node.name, location }));
  ctx.models.set(node.name, []);
  const upstream = project.entry(node.file)?.analysis;
  const jinjaItems = { met: false };
  let stated = upstream && upstream.language !== 'python' && upstream.text.length <= MAX_SQL_ANALYSIS
    ? finalSelectColumns(project, upstream, { ...ctx, hops: ctx.hops + 1, owner: what, jinjaItems }) : [];
  // the text tells no column, or some select list there is Jinja (a macro's output): the compiled SQL's select list
  if (upstream && upstream.language !== 'python' && (stated.length === 0 || jinjaItems.met)) {
    const compiled = compiledSelectColumns(project, node, { ...ctx, hops: ctx.hops + 1, owner: what, jinjaItems: undefined });
    if (compiled.length) stated = compiled;
  }
  const documented = project.doc(node.name)?.columns ?? [];
  const out: ScopedColumn[] = stated.map((c) => ({ ...c, location: c.location ?? location }));
  for (const d of documented) {
    const same = out.findIndex((c) => c.name.toLowerCase() === d.name.toLowerCase());
    if (same < 0) out.push({ ...d, origin: `${what} (schema YAML)`, relation: node.name, location });
    else out[same] = { ...out[same], type: out[same].type ?? d.type, description: d.description ?? out[same].description, origin: `${out[same].origin}; documented in schema YAML` };
  }
  ctx.models.set(node.name, out);
  return out;
}

/** The columns of a model's final select in its compiled SQL (a macro's output read as the SQL it is). */
function compiledSelectColumns(project: DbtProject, node: ModelNode, ctx: KnownContext & { owner: string }): ScopedColumn[] {
  const compiled = compiledSql(project, node.file);
  if (!compiled) return [];
  const { analysis: a, relations } = compiled;
  ctx.rendered.set(a, relations);
  const stated = `${ctx.owner} (select list)`;
  return finalSelectColumns(project, a, ctx).map((c) => ({
    ...c,
    origin: c.origin.startsWith(stated) ? `${ctx.owner} (compiled select list)${c.origin.slice(stated.length)}` : c.origin,
  }));
}

/** Models' compiled SQL read for their columns, kept while the model's text, the macros and the project's structure are. */
const compiledSqls = new WeakMap<DbtProject, Map<string, { key: string; text: string; value: CompiledSql | undefined }>>();
const MAX_KEPT_COMPILED = 500;
interface CompiledSql { analysis: ModelFileAnalysis; relations: Map<string, UpstreamRelation> }

/**
 * A model's compiled SQL as the column reader reads it, with its relations; undefined when it does not render or has
 * no select. Kept across requests: an edit of the model being typed in re-renders no upstream model (compileModel's
 * own cache follows every edit of the project).
 */
function compiledSql(project: DbtProject, file: string): CompiledSql | undefined {
  let kept = compiledSqls.get(project);
  if (!kept) compiledSqls.set(project, (kept = new Map()));
  const key = `${project.structureVersion}:${project.macroVersion}`;
  const text = project.entry(file)?.text ?? '';
  const hit = kept.get(file);
  if (hit && hit.key === key && hit.text === text) return hit.value;
  const compiled = compileModel(project, file);
  const value = compiled.problem || compiled.sql.length > MAX_SQL_ANALYSIS || !/\bselect\b/i.test(compiled.sql)
    ? undefined : { analysis: analyzeModelFile(compiled.sql), relations: new Map(compiled.upstream.map((u) => [u.relation, u])) };
  kept.delete(file);
  if (kept.size >= MAX_KEPT_COMPILED) kept.delete(kept.keys().next().value!);
  kept.set(file, { key, text, value });
  return value;
}

/** The columns of a model's final select (its output), as far as its text tells. */
function finalSelectColumns(project: DbtProject, a: ModelFileAnalysis, ctx: KnownContext & { owner: string }): ScopedColumn[] {
  const o = fileOf(ctx, a).outline;
  const select = o.tokens.findIndex((x, k) => o.parent[k] === -1 && isWord(x, 'select'));
  return select < 0 ? [] : selectListColumns(project, a, o, o.tokens[select].end, ctx, ctx.owner);
}

/**
 * The columns a query block's select list makes: an item whose name the text decides (an alias, a column), with the
 * type and description of the column it reads when that is known; a star, the known columns of the relations it
 * covers (`* exclude (…)` leaves those out). A name once: the first column of that name (a join of two relations
 * with the same columns lists them once, and CTEs joining CTEs never grow a list past the names there are).
 */
function selectListColumns(project: DbtProject, a: ModelFileAnalysis, o: SqlOutline, at: number, ctx: KnownContext, where: string): ScopedColumn[] {
  const items = selectItemsAt(o, at);
  let relations: RelationInScope[] | undefined;
  const ofRelation = new Map<RelationInScope, ScopedColumn[]>();
  const columnsOf = (r: RelationInScope) => ofRelation.get(r) ?? ofRelation.set(r, knownColumnsOfRelation(project, a, r, ctx)).get(r)!;
  const inScope = () => (relations ??= scopeAt(o, items[0]?.start ?? at).relations.filter((r) => r.level === 0));
  const out: ScopedColumn[] = [];
  const seen = new Set<string>();
  const add = (c: ScopedColumn) => {
    const key = c.name.toLowerCase();
    if (!seen.has(key)) (seen.add(key), out.push(c));
  };
  for (const item of items) {
    if (item.star) {
      const q = item.star.qualifier?.replace(/^"|"$/g, '').toLowerCase();
      const covered = inScope().filter((r) => q === undefined || (r.alias ?? r.name[r.name.length - 1] ?? '').toLowerCase() === q);
      const excluded = excludedNames(o, item);
      for (const r of covered) for (const c of columnsOf(r)) if (!excluded.has(c.name.toLowerCase())) add(c);
      continue;
    }
    if (!item.name) {
      if (ctx.jinjaItems && /\{[{%]/.test(o.sql.slice(item.start, item.end))) ctx.jinjaItems.met = true;
      continue;
    }
    const name = item.name.replace(/^"|"$/g, '');
    const read = readColumn(o, item);
    const from = read && inScope().filter((r) => read.qualifier === undefined || (r.alias ?? r.name[r.name.length - 1] ?? '').toLowerCase() === read.qualifier)
      .map((r) => columnsOf(r).find((c) => c.name.toLowerCase() === read.name)).find((c) => c);
    add({ name, type: from?.type, description: from?.description, origin: `${where} (select list)`, relation: '', location: from?.location });
  }
  return out;
}

/** A select item that is a column itself (`c`, `t.c`): its name and qualifier, lower case. */
function readColumn(o: SqlOutline, item: SelectItem): { qualifier?: string; name: string } | undefined {
  const m = /^(?:("[^"]*"|[\w$]+)\s*\.\s*)?("[^"]*"|[\w$]+)$/.exec(o.sql.slice(item.start, item.end).trim());
  const bare = (s: string) => s.replace(/^"|"$/g, '').toLowerCase();
  return m ? { qualifier: m[1] === undefined ? undefined : bare(m[1]), name: bare(m[2]) } : undefined;
}

/** The names `* exclude (a, b)` (or `* exclude a`) leaves out, lower case. */
function excludedNames(o: SqlOutline, item: SelectItem): Set<string> {
  const tokens = o.tokens.slice(tokenIndexAt(o, item.start), tokenIndexAt(o, item.end - 1) + 1);
  const k = tokens.findIndex((t) => isWord(t, 'exclude'));
  if (k < 0) return new Set();
  const names = tokens[k + 1]?.text === '(' ? tokens.slice(k + 2).filter((t) => t.kind === 'word' || t.kind === 'quoted') : tokens.slice(k + 1, k + 2);
  return new Set(names.map((t) => identifierOf(t).toLowerCase()));
}
