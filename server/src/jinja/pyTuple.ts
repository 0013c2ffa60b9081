// Python's tuple: a JavaScript array remembered as a tuple, so it prints as Python prints one (`(1, 2)`, `(1,)`)
// while every list operation still reads it. Tuples come from `(a, b)`, `(a,)` and `()`, `dict.items()`, `|items`,
// `|dictsort`, `zip()`, `str.partition()` and `loop.cycle`'s arguments.

// A symbol-keyed mark on the array: a WeakSet of every tuple (each dict item is one) cost the garbage collector more.
const TUPLE = Symbol('tuple');

/** `items` as a tuple (the array itself, marked). */
export function pyTuple<T extends unknown[]>(items: T): T {
  (items as unknown as Record<symbol, boolean>)[TUPLE] = true;
  return items;
}

export function isTuple(v: unknown): boolean {
  return Array.isArray(v) && (v as unknown as Record<symbol, boolean>)[TUPLE] === true;
}
