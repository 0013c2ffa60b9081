// Completion in model files: models in ref(', sources and tables in source(', vars, config keys and
// values, macros, and columns/relations in scope in the SQL.
import type { DbtProject } from '../project/project';
import { CONFIG_KEYS } from '../project/config';
import { dottedPrefixAt, scopeAt } from '../sql/scope';
import { columnsInScope, knownColumnsOfRelation, MAX_SQL_ANALYSIS, newKnownContext, NOTHING_AWAITED, type Awaiting, type ScopedColumn } from './columns';
import { cursorContext, nestedTemplateAt, templateAnalysis } from './cursor';
import { BUILTIN_MACRO_PARAMS } from '../jinja/dbtBuiltins';
import type { ModelFileAnalysis } from '../project/modelFile';
import { yamlCompletions } from './yamlCompletion';
import { jsonText } from '../util/json';

export type CompletionKind = 'model' | 'seed' | 'snapshot' | 'source' | 'table' | 'column' | 'macro' | 'var' | 'config-key' | 'config-value' | 'function' | 'cte';

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  /** The text range the completion replaces (offsets). */
  replaceStart: number;
  replaceEnd: number;
  sortText?: string;
  /** insertText is a snippet with $1 placeholders. */
  snippet?: boolean;
  /**
   * Detail and documentation left for later (completionDetail, by the label): a `ref('` list names every model of a
   * large project, and resolving each one's config was most of its first list.
   */
  later?: true;
}

/** The detail and documentation of an item left for later: the model (or package) its label names; undefined if gone. */
export function completionDetail(project: DbtProject, label: string): Pick<Completion, 'detail' | 'documentation'> | undefined {
  const node = project.resolveRef({ name: label });
  if (node) return { detail: `${node.kind} · ${String(project.configOf(node).materialized ?? 'view')}`, documentation: project.doc(label)?.description };
  return project.packageNames().includes(label) ? { detail: 'package' } : undefined;
}

const JINJA_GLOBALS: Array<[string, string]> = [
  ['ref', "ref('model')"], ['source', "source('source', 'table')"], ['config', 'config(materialized=...)'], ['var', "var('name')"],
  ['env_var', "env_var('NAME', 'default')"], ['is_incremental', 'is_incremental()'], ['this', 'the current relation'], ['target', 'the active target'],
  ['adapter', 'adapter.dispatch(...)'], ['return', 'return(value) from a macro'],
];

/**
 * A completion list, and whether it is partial: cut at MAX_LISTED items (typing more narrows it), or read from models
 * or sources whose columns are still to come (`awaiting`). A partial list is asked for again as the user types.
 */
export interface CompletionAnswer {
  items: Completion[];
  incomplete: boolean;
}

/** The most items one answer lists: a `ref('` list of 10,000 models was 457 KiB of JSON; the best matches go first. */
export const MAX_LISTED = 500;

export function completions(project: DbtProject, file: string, offset: number): Completion[] {
  return completionAnswer(project, file, offset).items;
}

export function completionAnswer(project: DbtProject, file: string, offset: number, awaiting: Awaiting = NOTHING_AWAITED): CompletionAnswer {
  const entry = project.entry(file);
  if (entry?.kind === 'yaml') return complete(yamlCompletions(project, file, offset));
  // a model's analysis, or a macro file's (its Jinja completes as a model's does; its SQL is a template's)
  const a = templateAnalysis(entry);
  if (!a) return complete([]);
  // in a hook's template (`pre_hook="… {{ source('raw', '|') }}"`): its Jinja, with offsets in the file
  const nested = nestedTemplateAt(a, offset);
  if (nested) {
    const answer = jinjaCompletions(project, file, nested.analysis, offset - nested.base) ?? complete([]);
    return { ...answer, items: answer.items.map((c) => ({ ...c, replaceStart: c.replaceStart + nested.base, replaceEnd: c.replaceEnd + nested.base })) };
  }
  return jinjaCompletions(project, file, a, offset) ?? (entry!.analysis ? sqlCompletions(project, file, offset, awaiting) : complete([]));
}

function complete(items: Completion[]): CompletionAnswer {
  return { items, incomplete: false };
}

/**
 * At most MAX_LISTED of the items whose label holds `typed`'s characters in order (every item a client's fuzzy filter
 * could show), the best first: a label starting with it, then holding it whole, then the rest, each by sortText.
 */
function capped(items: Completion[], typed: string): CompletionAnswer {
  if (items.length <= MAX_LISTED) return complete(items);
  const want = typed.toLowerCase();
  const rank = (label: string): number => {
    const l = label.toLowerCase();
    if (l.startsWith(want)) return 0;
    if (l.includes(want)) return 1;
    let k = 0;
    for (let i = 0; i < l.length && k < want.length; i++) if (l[i] === want[k]) k++;
    return k === want.length ? 2 : 3;
  };
  const ranked = items.map((c) => ({ c, rank: rank(c.label), key: c.sortText ?? c.label })).filter((x) => x.rank < 3);
  if (ranked.length <= MAX_LISTED) return complete(ranked.map((x) => x.c));
  ranked.sort((x, y) => x.rank - y.rank || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  return { items: ranked.slice(0, MAX_LISTED).map((x) => x.c), incomplete: true };
}

/** Completions at a Jinja position of `a` (the file's analysis or a hook's template's); undefined in SQL text. */
function jinjaCompletions(project: DbtProject, file: string, a: ModelFileAnalysis, offset: number): CompletionAnswer | undefined {
  const ctx = cursorContext(a, offset);
  const items = jinjaItems(project, file, ctx, offset);
  return items && capped(items, 'partial' in ctx ? ctx.partial : '');
}

function jinjaItems(project: DbtProject, file: string, ctx: ReturnType<typeof cursorContext>, offset: number): Completion[] | undefined {
  const at = (label: string, kind: CompletionKind, start: number, extra: Partial<Completion> = {}): Completion => ({ label, kind, replaceStart: start, replaceEnd: offset, ...extra });
  switch (ctx.kind) {
    case 'jinja-comment':
      return [];
    case 'string-arg': {
      const s = ctx.valueStart;
      if (ctx.call === 'ref') {
        if (ctx.index === 1 && ctx.previousArgs[0]) return project.modelNames().flatMap((m) => project.nodes(m).filter((n) => n.packageName === ctx.previousArgs[0]).map((n) => at(n.name, n.kind, s)));
        // Never the model itself (a ref to itself is a cycle); the project's own nodes before packages'.
        const self = project.nodeOfFile(file)?.name;
        return [
          ...project.modelNames().filter((m) => m !== self).map((m) => {
            const node = project.resolveRef({ name: m })!;
            return at(m, node.kind, s, { later: true, sortText: `${node.packageName === project.name ? 0 : 1}${m}` });
          }),
          ...project.packageNames().slice(1).map((p) => at(p, 'source', s, { later: true })),
        ];
      }
      if (ctx.call === 'source') {
        if (ctx.index === 0) return project.sourceNames().map((n) => at(n, 'source', s, { detail: `source · schema ${project.sourceDefinitions(n)[0]?.schema ?? ''}` }));
        if (ctx.index === 1) {
          return project.sourceDefinitions(ctx.previousArgs[0] ?? '').flatMap((d) => d.tables).map((t) => at(t.name, 'table', s, { detail: `Iceberg ${t.icebergTable}`, documentation: t.description }));
        }
        return [];
      }
      if (ctx.call === 'var') {
        // the vars this file's package sees: global ones and those scoped under its name (`vars: {pkg: {x: 1}}`)
        const vars = project.varsFor(project.entry(file)?.packageName ?? project.name);
        return Object.keys(vars).map((v) => at(v, 'var', s, { detail: jsonText(vars[v]) }));
      }
      if (ctx.call === 'config' && ctx.keyword) return (CONFIG_KEYS[ctx.keyword]?.values ?? []).map((v) => at(v, 'config-value', s, { detail: ctx.keyword }));
      return [];
    }
    case 'config-key':
      return Object.entries(CONFIG_KEYS).map(([k, spec]) => at(k, 'config-key', ctx.partialStart, {
        detail: spec.values ? spec.values.join(' | ') : spec.kind, documentation: spec.description, insertText: `${k}=`,
      }));
    case 'jinja-name':
      return [
        ...JINJA_GLOBALS.map(([name, doc]) => at(name, 'function', ctx.partialStart, { detail: doc })),
        ...project.macroNames().map((m) => {
          const def = project.macro(m)!;
          return at(m, 'macro', ctx.partialStart, { detail: `macro ${m}(${def.params.join(', ')})` });
        }),
      ];
    case 'jinja-member':
      return packageMacroCompletions(project, ctx.object).map((c) => ({ ...c, replaceStart: ctx.partialStart, replaceEnd: offset }));
    case 'sql':
      return undefined;
  }
}

/**
 * A package's macros after `{{ package.`: the ones a model calls (`dbt_utils.star`), not the adapter implementations
 * dispatch picks (`default__star`, `snowflake__star`) nor generic tests (`test_…`).
 */
function packageMacroCompletions(project: DbtProject, packageName: string): Array<Omit<Completion, 'replaceStart' | 'replaceEnd'>> {
  // `dbt.`: dbt's built-in macros (a project's own `dbt` package is not a thing dbt allows)
  if (packageName === 'dbt') return [...BUILTIN_MACRO_PARAMS].map(([m, params]) => ({ label: m, kind: 'macro' as const, detail: `macro dbt.${m}(${params.join(', ')})` }));
  if (!project.packageNames().includes(packageName)) return [];
  return project.macroNames().flatMap((m) => {
    const def = /__|^test_/.test(m) ? undefined : project.macro(m, packageName);
    return def ? [{ label: m, kind: 'macro' as const, detail: `macro ${m}(${def.params.join(', ')})` }] : [];
  });
}

/** `VARCHAR · model stg_orders`; the origin alone when the type is unknown. */
function columnDetail(c: ScopedColumn): string {
  return c.type ? `${c.type} · ${c.origin}` : c.origin;
}

function sqlCompletions(project: DbtProject, file: string, offset: number, awaiting: Awaiting): CompletionAnswer {
  const a = project.entry(file)!.analysis!;
  if (a.text.length > MAX_SQL_ANALYSIS) return complete([]);
  const prefix = dottedPrefixAt(a.text, offset);
  const start = prefix.partialStart;
  if (prefix.parts.length > 0) {
    const scope = scopeAt(a.text, offset);
    const name = prefix.parts[prefix.parts.length - 1].toLowerCase();
    const rel = scope.relations.find((r) => (r.alias ?? r.name[r.name.length - 1] ?? '').toLowerCase() === name);
    if (!rel) return complete([]);
    const ctx = newKnownContext(awaiting);
    const items = knownColumnsOfRelation(project, a, rel, ctx).map((c): Completion => ({ label: c.name, kind: 'column', detail: columnDetail(c), documentation: c.description, replaceStart: start, replaceEnd: offset }));
    return { items, incomplete: ctx.waits.partial };
  }
  const { columns, relations, partial } = columnsInScope(project, a, offset, true, awaiting);
  const seen = new Set<string>();
  const out: Completion[] = [];
  for (const c of columns) {
    if (seen.has(c.name)) continue;
    seen.add(c.name);
    out.push({ label: c.name, kind: 'column', detail: columnDetail(c), documentation: c.description, replaceStart: start, replaceEnd: offset, sortText: `0${c.name}` });
  }
  for (const r of relations) if (r.alias) out.push({ label: r.alias, kind: 'cte', detail: `alias of ${r.text}`, replaceStart: start, replaceEnd: offset, sortText: `1${r.alias}` });
  for (const c of scopeAt(a.text, offset).ctes) out.push({ label: c.displayName, kind: 'cte', detail: 'CTE', replaceStart: start, replaceEnd: offset, sortText: `2${c.displayName}` });
  return { items: out, incomplete: partial };
}
