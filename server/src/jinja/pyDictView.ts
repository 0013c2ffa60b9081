// Python's dict views: `d.items()`, `d.keys()` and `d.values()` are JavaScript arrays (every list operation reads them)
// marked with their kind, so they print as Python prints them (`dict_items([('a', 1)])`, `dict_keys(['a'])`) and an
// index into one is Python's TypeError. `| list` of one is a plain list.

export type DictViewKind = 'dict_items' | 'dict_keys' | 'dict_values';

const VIEW = Symbol('dictView');

/** `items` as a dict view of `kind` (the array itself, marked). */
export function pyDictView<T extends unknown[]>(items: T, kind: DictViewKind): T {
  (items as unknown as Record<symbol, DictViewKind>)[VIEW] = kind;
  return items;
}

/** The view kind of `v`, or undefined when it is no dict view. */
export function dictViewKind(v: unknown): DictViewKind | undefined {
  return Array.isArray(v) ? (v as unknown as Record<symbol, DictViewKind | undefined>)[VIEW] : undefined;
}
