// Python's tuple: a JavaScript array remembered as a tuple, so it prints as Python prints one (`(1, 2)`, `(1,)`)
// while every list operation still reads it. Tuples come from `(a, b)`, `(a,)` and `()`, `dict.items()`, `|items`,
// `|dictsort`, `zip()`, `str.partition()` and `loop.cycle`'s arguments.

const tuples = new WeakSet<unknown[]>();

/** `items` as a tuple (the array itself, remembered). */
export function pyTuple<T extends unknown[]>(items: T): T {
  tuples.add(items);
  return items;
}

export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && tuples.has(v);
}
