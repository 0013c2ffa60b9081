// Python's json.dumps as dbt's `tojson` calls it: `, ` and `: ` separators, non-ASCII escaped (ensure_ascii), floats as
// Python prints them (`1.0`, `NaN`, `Infinity`), keys in insertion order unless sorted.
import { isFloat, floatRepr } from './pyFloat';

/** json.dumps(value, sort_keys=sortKeys). */
export function pyJsonDumps(value: unknown, sortKeys = false): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || value instanceof Number) {
    const n = Number(value);
    if (Number.isNaN(n)) return 'NaN';
    if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
    return isFloat(value) ? floatRepr(n) : String(n);
  }
  if (typeof value === 'string') return asciiString(value);
  if (Array.isArray(value)) return `[${value.map((v) => pyJsonDumps(v, sortKeys)).join(', ')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([k, v]) => k !== '__keywords' && typeof v !== 'function');
    if (sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${asciiString(k)}: ${pyJsonDumps(v, sortKeys)}`).join(', ')}}`;
  }
  return asciiString(String(value));
}

function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
