// package-lock.yml's sha1_hash computed exactly as dbt does, so a lock written by `dbt deps` is honoured: each
// declared entry becomes dbt's package dataclass dump (rendered fields, defaults, and the entry as written under
// `unrendered`), with values typed as PyYAML reads them, serialised as Python's json.dumps(sort_keys=True).
import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, Scalar } from 'yaml';
import type { PackageSpec } from './spec';
import { pyYamlBool } from '../yamlFloats';

/** A YAML float as Python holds it, printed as Python's repr does (1.0, not 1). */
export class PyFloat {
  constructor(readonly value: number) {}
}

const NULLS = /^(~|null|Null|NULL|)$/;
const INT = /^[-+]?(0|[1-9][0-9_]*)$/;
const FLOAT = /^[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+][0-9]+)?$/;

/** A node of a document parsed with the failsafe schema, typed as PyYAML (YAML 1.1) would type it. */
export function pythonValue(node: unknown): unknown {
  if (isMap(node)) {
    return Object.fromEntries(node.items.map((pair) => [String(isScalar(pair.key) ? pair.key.value : pair.key), pythonValue(pair.value)]));
  }
  if (isSeq(node)) return node.items.map(pythonValue);
  if (!isScalar(node)) return null;
  const text = String(node.value);
  if (node.type !== Scalar.PLAIN) return text;
  if (NULLS.test(text)) return null;
  const bool = pyYamlBool(text);
  if (bool !== undefined) return bool;
  if (INT.test(text)) return Number(text.replace(/_/g, ''));
  if (FLOAT.test(text) && /\d/.test(text)) return new PyFloat(Number(text.replace(/_/g, '')));
  return text;
}

/** dbt's `Package.to_dict()` for one entry: `rendered` after env_var(), `unrendered` as written. */
export function dbtPackageDict(spec: PackageSpec, rendered: Record<string, unknown>, unrendered: unknown): Record<string, unknown> {
  switch (spec.kind) {
    case 'hub': return { package: rendered.package, version: rendered.version, install_prerelease: rendered['install-prerelease'] === true, unrendered };
    case 'git': return { git: rendered.git, revision: rendered.revision ?? null, 'warn-unpinned': rendered['warn-unpinned'] ?? null, subdirectory: rendered.subdirectory ?? null, unrendered };
    case 'local': return { local: rendered.local, unrendered };
    case 'tarball': return { tarball: rendered.tarball, name: rendered.name, unrendered };
  }
}

/** Python's `json.dumps(value, sort_keys=True)`: ", " and ": " separators, ASCII escapes, floats as repr. */
export function pythonJson(value: unknown): string {
  if (value instanceof PyFloat) {
    const v = value.value;
    return Number.isFinite(v) ? (Number.isInteger(v) && Math.abs(v) < 1e16 ? `${v}.0` : String(v)) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  }
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${pythonJson(k)}: ${pythonJson((value as Record<string, unknown>)[k])}`).join(', ')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return value === undefined || value === null ? 'null' : JSON.stringify(value);
}

/** sha1 over the entries' dumps, sorted and joined by newlines (dbt's `_create_sha1_hash`). */
export function dbtSpecHash(dicts: Array<Record<string, unknown>>): string {
  return createHash('sha1').update(dicts.map(pythonJson).sort().join('\n'), 'utf8').digest('hex');
}
