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
}

/**
 * `local`: the package of the node being rendered; `root` the root project's; `adapter` the profile's type (none, or
 * duckdb: `duckdb__name`, as Floe renders for DuckDB).
 */
export function dispatchSearch(name: string, namespace: string | undefined, context: { local?: string; root: string; dispatchOrder: DispatchOrder; adapter?: string }): DispatchSearch {
  const { local, root, dispatchOrder, adapter } = context;
  const order = namespace ? dispatchOrder[namespace] ?? [namespace] : [...(local && local !== root ? [local] : []), root, 'dbt'];
  const adapters = adapter && adapter !== 'duckdb' ? [adapter, ...(PARENT_ADAPTERS[adapter] ?? [])] : ['duckdb'];
  return {
    order,
    packages: [...order, ...(namespace === 'dbt' ? [root] : []), undefined],
    candidates: [...adapters.map((a) => `${a}__${name}`), `default__${name}`, name],
    adapters,
  };
}

/** Whether a macro's text is the dispatcher of `name` itself (then it is no candidate: it would recurse). */
export function dispatchesItself(text: string, name: string): boolean {
  return new RegExp(`dispatch\\(\\s*['"]${name}['"]`).test(text);
}
