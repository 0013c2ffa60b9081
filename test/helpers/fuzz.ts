// Deterministic fuzzing helpers shared by the language-server fuzz tests: a seeded PRNG, text mutations, and a
// per-request time bound (the "never stalls for more than one second").
import assert from 'node:assert/strict';

/** mulberry32: a small seeded PRNG, so a failure replays from its seed. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SQL_BITS = ['{{', '}}', '{%', '%}', '{#', '#}', "'", '"', '(', ')', '{% if x %}', '{% endfor %}', "{{ ref('", "{{ source('raw', '", "{{ config(materialized='", '{%- ', ' -%}', '/*', '--', ';', 'select', ' join ', '\u0000', '\ud800'];
export const YAML_BITS = [': ', '- ', '\t', '&a ', '*a', '<<: *a', '!!binary ', '{', '[', '"', "'", '\n  ', '\n---\n', '? ', '|', '>', '#', '%YAML 1.1\n', '!!python/object ', '\u0000', 'name: ', '\n    - name: ', 'columns:', 'tests:'];

/** One random damage: truncation, an inserted delimiter, binary junk, a deletion, a duplicated slice, or a rotation. */
export function mutate(text: string, bits: readonly string[], random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  switch (Math.floor(random() * 6)) {
    case 0: return text.slice(0, at);
    case 1: return text.slice(0, at) + bits[Math.floor(random() * bits.length)] + text.slice(at);
    case 2: {
      const junk = Array.from({ length: 1 + Math.floor(random() * 64) }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');
      return text.slice(0, at) + junk + text.slice(at);
    }
    case 3: return text.slice(0, at) + text.slice(Math.min(text.length, at + Math.floor(random() * 40)));
    case 4: {
      // Duplicate a slice: repeated keys, nested blocks, doubled Jinja.
      const len = Math.floor(random() * 200);
      return text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
    }
    default: return text.slice(at) + text.slice(0, at);
  }
}

/** Awaits a request, failing when it takes more than `limitMs`; reports each duration to `observe`. */
export async function withinLimit<T>(what: string, p: Promise<T>, limitMs = 1000, observe?: (ms: number, what: string) => void): Promise<T> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer within ${limitMs} ms`)), limitMs); })]);
    const ms = Date.now() - started;
    observe?.(ms, what);
    assert.ok(ms <= limitMs, `${what} took ${ms} ms`);
    return result;
  } finally {
    clearTimeout(timer);
  }
}
