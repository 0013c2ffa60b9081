// dbt's selection methods: whether one node matches one `method:value` criterion.
import path from 'node:path';
import type { Criterion } from './syntax';
import { YAML_RESOURCE_TYPES, type SelectableGraph, type SelectableNode } from './graph';
import { fnmatch, globPath, hasWildcard } from './glob';

export function matchesCriterion(node: SelectableNode, c: Criterion, graph: Pick<SelectableGraph, 'rootPackage' | 'rootHas'>): boolean {
  const v = c.value;
  const rootPackage = graph.rootPackage;
  switch (c.method) {
    case 'fqn': return fqnMatches(node.fqn, v, !!node.version);
    case 'tag': return node.tags.some((t) => fnmatch(t, v));
    case 'package': return fnmatch(node.packageName, v === 'this' ? rootPackage : v);
    case 'resource_type': return node.resourceType === v;
    case 'path': return pathMatches(node, v, node.packageName === rootPackage ? undefined : graph.rootHas);
    case 'file': {
      const base = path.posix.basename(node.path);
      return fnmatch(base, v) || fnmatch(base.replace(/\.[^.]*$/, ''), v);
    }
    case 'source': {
      if (!node.source) return false;
      const want = v.split('.');
      const have = [node.packageName, node.source.source, node.source.table].slice(3 - want.length);
      // `source:src` is every table of src; `src.table` one table; `pkg.src.table` within a package.
      return want.length === 1 ? fnmatch(node.source.source, want[0]) : want.every((w, i) => fnmatch(have[i], w));
    }
    // dbt's config method looks at nodes and sources only.
    case 'config': return !YAML_RESOURCE_TYPES.has(node.resourceType) && configMatches(node.config, c.keys, v);
    case 'exposure': case 'metric': case 'semantic_model': case 'saved_query': {
      if (node.resourceType !== c.method) return false;
      const [pkg, name] = v.includes('.') ? v.split('.') : ['*', v];
      return fnmatch(node.packageName, pkg) && fnmatch(node.name, name);
    }
    case 'test_name': {
      const t = node.test;
      if (!t) return false;
      if (t.kind === 'unit') return false;
      return fnmatch(t.kind === 'singular' ? t.label : t.kind.replace(/^\w+\./, ''), v) || fnmatch(t.kind, v);
    }
    case 'group': return typeof node.config.group === 'string' && fnmatch(node.config.group, v);
    case 'access': return node.resourceType === 'model' && node.config.access === v;
    case 'version': return node.resourceType === 'model' && versionMatches(node.version, v);
    case 'test_type': {
      const t = node.test;
      if (!t) return false;
      // dbt 1.8+: `unit` is unit tests, `data` every data test (generic and singular).
      if (node.resourceType === 'unit_test') return v === 'unit';
      return v === 'data' || (t.kind === 'singular' ? v === 'singular' : v === 'generic' || v === 'schema');
    }
  }
}

/**
 * dbt's fqn match, tried with and without the package: the name itself; or a dotted prefix of the fqn
 * (`marts.finance`); wildcards match the rest of the fqn as one dotted string (`marts.*`, `*.staging.*`).
 */
function fqnMatches(fqn: string[], selector: string, versioned: boolean): boolean {
  return fqnMatchesScoped(fqn, selector, versioned) || fqnMatchesScoped(fqn.slice(1), selector, versioned);
}

function fqnMatchesScoped(fqn: string[], selector: string, versioned: boolean): boolean {
  if (fqn.length === 0) return false;
  if (versioned) {
    // A versioned model's fqn ends [model, v2]: `model` selects every version; `model.v2` and `model_v2` one.
    if (fqn.length >= 2 && fqn[fqn.length - 2] === selector) return true;
    if (fqn.slice(-2).join('_') === selector.split('.').slice(-2).join('_')) return true;
  } else if (fnmatch(fqn[fqn.length - 1], selector)) return true;
  // Dots in names act as separators, as in dbt.
  const flat = fqn.flatMap((segment) => segment.split('.'));
  const parts = selector.split('.');
  if (parts.length > flat.length) return false;
  for (let i = 0; i < parts.length; i++) {
    if (hasWildcard(parts[i])) return fnmatch(flat.slice(i).join('.'), parts.slice(i).join('.'));
    if (flat[i] !== parts[i]) return false;
  }
  return true;
}

/**
 * A file or folder (glob allowed) relative to the project root: the node's file, a folder above it, or its YAML. dbt
 * globs the selector in the project's own tree and compares a node's original_file_path, which in an installed package
 * is relative to the package: such a node matches only where the project has the same path (`path:models` selects a
 * package's models too when the project has models/; `path:dbt_packages/...` selects none), which `rootHas` says.
 */
function pathMatches(node: SelectableNode, selector: string, rootHas?: (rel: string) => boolean): boolean {
  const pattern = selector.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/+$/, '');
  const candidates = [node.path, ...(node.patchPath ? [node.patchPath] : [])];
  for (let dir = path.posix.dirname(node.path); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) candidates.push(dir);
  return candidates.some((p) => globPath(p, pattern) && (!rootHas || rootHas(p)));
}

/** `latest`, `prerelease` (newer than the latest), `old` (older), `none` (an unversioned model). */
function versionMatches(version: SelectableNode['version'], selector: string): boolean {
  if (!version) return selector === 'none';
  const order = compareVersions(version.v, version.latest);
  return selector === 'latest' ? order === 0 : selector === 'prerelease' ? order > 0 : selector === 'old' ? order < 0 : false;
}

/** Numbers compare as numbers (v10 after v9), anything else as text, as dbt's UnparsedVersion does. */
function compareVersions(a: string, b: string): number {
  const [x, y] = [Number(a), Number(b)];
  if (Number.isFinite(x) && Number.isFinite(y)) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** dbt compares config values as written; `true`/`false` in any case match booleans; lists match any member. */
function configMatches(config: Record<string, unknown>, keys: string[], selector: string): boolean {
  let value: unknown = config;
  for (const k of keys) {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    value = (value as Record<string, unknown>)[k];
  }
  if (value === undefined || value === null) return false;
  const one = (x: unknown) => typeof x === 'boolean' ? String(x) === selector.toLowerCase() : (typeof x === 'string' || typeof x === 'number') && String(x) === selector;
  return Array.isArray(value) ? value.some(one) : one(value);
}
