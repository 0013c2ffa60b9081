// adapter.dispatch's search, as dbt makes it: the packages in order (`dispatch:` of dbt_project.yml for a namespace)
// and, in each, the macro names tried. One rule for rendering (environment.ts) and Go to Definition.
import { PARENT_ADAPTERS } from './dbtAdapterMacros';

/** `dispatch:` entries of dbt_project.yml: for a macro namespace, the packages to search in order. */
export type DispatchOrder = Record<string, string[]>;

export interface DispatchSearch {
  /** dbt's search order; a missing package is skipped. */
  order: string[];
  /** The order, then any package (undefined): beyond dbt's order, a missing override must not fail a model dbt compiles. */
  packages: Array<string | undefined>;
  /** The names tried in each package, in order: `<adapter>__name` (and its parent adapter's), `default__name`, `name`. */
  candidates: string[];
  adapters: string[];
  /** The names tried in `pkg`: the candidates, but `name` itself not in the root project searched ahead of a namespace. */
  namesIn(pkg: string | undefined): string[];
}

/**
 * `local`: the package of the node being rendered; `root` the root project's; `adapter` the profile's type (none, or
 * duckdb: `duckdb__name`, as Floe renders for DuckDB).
 */
export function dispatchSearch(name: string, namespace: string | undefined, context: { local?: string; root: string; dispatchOrder: DispatchOrder; adapter?: string }): DispatchSearch {
  const { local, root, dispatchOrder, adapter } = context;
  // dbt-core's _get_search_packages: a namespace with no `dispatch:` entry is searched after the root project, so a
  // project's `<adapter>__name` overrides a package's or dbt's own (`duckdb__test_unique` over `default__test_unique`)
  const rootAhead = namespace !== undefined && namespace !== root && !dispatchOrder[namespace];
  const order = namespace ? dispatchOrder[namespace] ?? (rootAhead ? [root, namespace] : [namespace]) : [...(local && local !== root ? [local] : []), root, 'dbt'];
  const adapters = adapter && adapter !== 'duckdb' ? [adapter, ...(PARENT_ADAPTERS[adapter] ?? [])] : ['duckdb'];
  const candidates = [...adapters.map((a) => `${a}__${name}`), `default__${name}`, name];
  // dbt tries only the prefixed names; `name` itself is Floe's leniency, never the root's own macro of that name
  // (a project macro `star` calling `dbt_utils.star` would recurse)
  const prefixed = candidates.slice(0, -1);
  return {
    order,
    packages: [...order, ...(namespace === 'dbt' && !order.includes(root) ? [root] : []), undefined],
    candidates,
    adapters,
    namesIn: (pkg) => (rootAhead && pkg === root ? prefixed : candidates),
  };
}

/** Whether a macro's text is the dispatcher of `name` itself (then it is no candidate: it would recurse). */
export function dispatchesItself(text: string, name: string): boolean {
  return new RegExp(`dispatch\\(\\s*['"]${name}['"]`).test(text);
}
