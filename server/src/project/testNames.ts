// A generic data test's name and unique id as dbt's parser makes them (dbt-core's synthesize_generic_test_names and
// its test node's hash): the test's [namespace_][source_]name, its target, and its arguments flattened and cleaned,
// e.g. `accepted_values_orders_status__placed__shipped`; a `name:` given in YAML replaces it. `dbt ls` prints it as
// the last part of the fqn, and the unique id is `test.<package>.<name>.<10 hex>` with dbt's hash of the test's
// metadata, so ids match dbt's manifest.
import { createHash } from 'node:crypto';
import { pyRepr, pyStr } from '../jinja/pythonCompat';
import type { DataTest } from './dataTests';

/** The node name dbt gives a generic test (its fqn's last part and its unique id's third). */
export function genericTestName(t: DataTest): string {
  if (t.customName !== undefined) return t.customName;
  const kwargs = testKwargs(t);
  const str = strOf(t);
  const flat: string[] = [];
  for (const key of Object.keys(kwargs).sort()) {
    if (key === 'model') continue;
    const value = kwargs[key];
    if (Array.isArray(value) || isDict(value)) for (const [k, part] of Object.entries(value)) flat.push(str(part, `${key}.${k}`));
    else flat.push(str(value, key));
  }
  const unique = flat.map((arg) => arg.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  return `${testIdentifier(t)}_${unique}`;
}

/**
 * The name of a generic test's compiled file (without `.sql`; its manifest `path` and `alias`): dbt's name, or for a
 * name of 64 characters or more the first 30 characters of `<test>_<target>` and the md5 of the whole name
 * (`accepted_values_stg_price_and__733906a3be80c97f9b558b6bdb885f41`). A `name:` from YAML is used as written.
 */
export function genericTestFileName(t: DataTest): string {
  const name = genericTestName(t);
  if (t.customName !== undefined || name.length < 64) return name;
  return `${testIdentifier(t).slice(0, 30)}_${createHash('md5').update(name).digest('hex')}`;
}

/** dbt's unique id of a generic test declared in `packageName`: the name and a hash of its namespace, name and kwargs. */
export function genericTestUniqueId(t: DataTest, packageName: string): string {
  const name = genericTestName(t);
  const { namespace, name: bare } = splitKind(t.kind);
  const str = strOf(t);
  // (keys in sorted order, as get_hashable_md sorts them)
  const metadata = { kwargs: hashable(testKwargs(t), str, ''), name: bare, namespace: pyStr(namespace ?? null) };
  const hash = createHash('md5').update(name + pyRepr(metadata)).digest('hex').slice(-10);
  return `test.${packageName}.${name}.${hash}`;
}

/** `<namespace_><source_><test>_<target>`, the part of the name before the arguments. */
function testIdentifier(t: DataTest): string {
  const { namespace, name } = splitKind(t.kind);
  return `${namespace ? `${namespace}_` : ''}${t.target?.kind === 'source' ? 'source_' : ''}${name}_${targetName(t)}`;
}

function splitKind(kind: string): { namespace?: string; name: string } {
  const dot = kind.indexOf('.');
  return dot < 0 ? { name: kind } : { namespace: kind.slice(0, dot), name: kind.slice(dot + 1) };
}

function targetName(t: DataTest): string {
  const target = t.target;
  if (target?.kind === 'source') return `${target.source}_${target.table}`;
  // a version's test names its version (dbt's `<model>_v<n>`)
  if (target?.version !== undefined) return `${target.name}_v${target.version}`;
  return target?.name ?? t.subject;
}

/** The keyword arguments dbt passes the test macro: the YAML's, `column_name` and `model`. */
function testKwargs(t: DataTest): Record<string, unknown> {
  const column = t.column ?? t.columnExpression;
  const target = t.target;
  const relation = target?.kind === 'source' ? `source('${target.source}', '${target.table}')`
    : target?.version !== undefined ? `ref('${target.name}', version='${target.version}')` : `ref('${target?.name ?? t.subject}')`;
  return { ...t.args, ...(column !== undefined ? { column_name: column } : {}), model: `{{ get_where_subquery(${relation}) }}` };
}

/** dbt's get_hashable_md: dicts with sorted keys, lists kept, every other value as Python's str() of it. */
function hashable(value: unknown, str: (v: unknown, path: string) => string, path: string): unknown {
  const at = (k: string | number) => (path ? `${path}.${k}` : String(k));
  if (Array.isArray(value)) return value.map((v, i) => hashable(v, str, at(i)));
  if (isDict(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, hashable(value[k], str, at(k))]));
  return str(value, path);
}

/** Python's str() of an argument at `path`: a YAML float with an integral value (`1.0`) prints as Python's float. */
function strOf(t: DataTest): (value: unknown, path: string) => string {
  const floats = t.floatArgs && new Set(t.floatArgs);
  return (value, path) => (floats?.has(path) && typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : pyStr(value));
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
