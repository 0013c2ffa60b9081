// Python's range() as dbt's sandboxed Jinja2 has it: a JavaScript array of its ints (every list operation reads it),
// marked with its arguments so it prints as Python prints it (`range(0, 3)`); `| list` of one is a plain list. The
// sandbox refuses a range of more than 100,000 items (nunjucks built any, a billion freezing the server).

const RANGE = Symbol('range');
const MAX_RANGE = 100_000;

/** Python's range(stop) / range(start, stop[, step]), or its TypeError, ValueError or the sandbox's OverflowError. */
export function pyRange(...args: unknown[]): number[] {
  if (args.length < 1 || args.length > 3) throw new Error(`TypeError: range expected 1 to 3 arguments, got ${args.length}`);
  const ints = args.map((a) => {
    if (typeof a === 'boolean' || typeof a === 'bigint' || (typeof a === 'number' && Number.isInteger(a))) return Number(a);
    throw new Error(`TypeError: '${a === null || a === undefined ? 'NoneType' : typeof a === 'string' ? 'str' : typeof a === 'number' || a instanceof Number ? 'float' : 'object'}' object cannot be interpreted as an integer`);
  });
  const [start, stop, step] = ints.length === 1 ? [0, ints[0], 1] : [ints[0], ints[1], ints[2] ?? 1];
  if (step === 0) throw new Error('ValueError: range() arg 3 must not be zero');
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length > MAX_RANGE) throw new Error(`OverflowError: Range too big. The sandbox blocks ranges larger than MAX_RANGE (${MAX_RANGE}).`);
  const items = Array.from({ length }, (_, i) => start + i * step);
  (items as unknown as Record<symbol, number[]>)[RANGE] = [start, stop, step];
  return items;
}

/** Python's repr of a range (`range(0, 3)`, `range(1, 10, 3)`), or undefined when `v` is no range. */
export function rangeRepr(v: unknown[]): string | undefined {
  const r = (v as unknown as Record<symbol, number[] | undefined>)[RANGE];
  return r && `range(${r[0]}, ${r[1]}${r[2] === 1 ? '' : `, ${r[2]}`})`;
}
