// Creates a namespace and its missing parents, as dbt creates a schema before it writes into it.
import { CatalogError, type Catalog } from './catalog';

/** Creates each missing level of `namespace`, outermost first; returns the namespaces this call created. */
export async function ensureNamespace(catalog: Catalog, namespace: string[]): Promise<string[][]> {
  const created: string[][] = [];
  for (let i = 1; i <= namespace.length; i++) {
    const ns = namespace.slice(0, i);
    try {
      await catalog.loadNamespace(ns);
      continue;
    } catch (e) {
      if (!(e instanceof CatalogError && e.kind === 'not-found')) throw e;
    }
    try {
      await catalog.createNamespace(ns);
      created.push(ns);
    } catch (e) {
      // Another writer may have created it in between.
      if (!(e instanceof CatalogError && e.kind === 'already-exists')) throw e;
    }
  }
  return created;
}
