// Every object and array under a value, once each, with the keys that lead to it: for facts kept beside values by
// object identity (integral floats, Python dict keys) written down as places, to travel or be fingerprinted.

/** Calls `visit` on each container under `root` (itself included), once, with the keys from the root to it. */
export function eachContainer(root: unknown, visit: (container: object, path: string[]) => void): void {
  const visited = new Set<object>();
  const walk = (value: unknown, path: string[]) => {
    if (typeof value !== 'object' || value === null || visited.has(value)) return;
    visited.add(value);
    visit(value, path);
    for (const [key, item] of Object.entries(value)) walk(item, [...path, key]);
  };
  walk(root, []);
}
