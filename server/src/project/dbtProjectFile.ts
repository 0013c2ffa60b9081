// dbt_project.yml: name, profile, the paths, vars, and the folder config tree under `models:`.
import { parseYaml, field, toJs, entries, text, items, rangeOf } from './yamlNodes';
import { checkConfigEntry } from './config';
import type { ProjectDiagnostic } from './types';
import { resolveEnvVars } from './profiles';

/** Which parts of a relation's name are quoted, where set. */
export type Quoting = Partial<Record<'database' | 'schema' | 'identifier', boolean>>;

export interface DbtProjectFile {
  name: string;
  profile?: string;
  modelPaths: string[];
  seedPaths: string[];
  macroPaths: string[];
  snapshotPaths: string[];
  testPaths: string[];
  analysisPaths: string[];
  packagesPath: string;
  /** `target-path:` when set (dbt's artifacts folder; default `target`). */
  targetPath?: string;
  vars: Record<string, unknown>;
  /** `dispatch:`: for a macro namespace, the packages adapter.dispatch searches, in order. */
  dispatch: Record<string, string[]>;
  /** `quoting:`: which parts of a relation name dbt quotes, over the adapter's default (`column` is not read). */
  quoting: Quoting;
  /** `flags:`: dbt's project flags, among them the adapters' behavior flags (`enable_truthy_nulls_equals_macro`). */
  flags: Record<string, unknown>;
  /** The raw `models:` tree, read by folderConfig(). */
  modelsConfig: unknown;
  /** The raw `seeds:` and `snapshots:` trees: the folder configs of seeds and snapshots, as `models:` is for models. */
  seedsConfig: unknown;
  snapshotsConfig: unknown;
  /** The raw `data_tests:` (or older `tests:`) tree: severity, where and enabled by folder. */
  testsConfig: unknown;
  /** `on-run-start:` hooks (one string or a list), each template with its place in the file. */
  onRunStart: HookTemplate[];
  /** The raw `exposures:`, `metrics:`, `semantic-models:` and `saved-queries:` trees, by resource type. */
  yamlResourcesConfig: Record<string, unknown>;
  problems: ProjectDiagnostic[];
}

/** A hook's Jinja template as written in dbt_project.yml, and the offsets of its YAML value. */
export interface HookTemplate {
  template: string;
  start: number;
  end: number;
}

export function parseDbtProjectFile(file: string, source: string, fallbackName: string, env: NodeJS.ProcessEnv = process.env): DbtProjectFile {
  const { doc, problems } = parseYaml(source);
  const root = doc.contents;
  // dbt renders env_var() in dbt_project.yml before reading it (`model-paths: ["{{ env_var('SYNC_NAME') }}/models"]`).
  const paths = (node: unknown, fallback: string[]): string[] => {
    const v = toJs(node);
    return (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : fallback).map((p) => resolveEnvVars(p, env));
  };
  const packagesPath = text(field(root, 'packages-install-path'));
  const out: DbtProjectFile = {
    name: text(field(root, 'name')) ?? fallbackName,
    profile: text(field(root, 'profile')),
    modelPaths: paths(field(root, 'model-paths') ?? field(root, 'source-paths'), ['models']),
    seedPaths: paths(field(root, 'seed-paths') ?? field(root, 'data-paths'), ['seeds']),
    macroPaths: paths(field(root, 'macro-paths'), ['macros']),
    snapshotPaths: paths(field(root, 'snapshot-paths'), ['snapshots']),
    testPaths: paths(field(root, 'test-paths'), ['tests']),
    analysisPaths: paths(field(root, 'analysis-paths'), ['analyses']),
    packagesPath: packagesPath === undefined ? 'dbt_packages' : resolveEnvVars(packagesPath, env),
    targetPath: text(field(root, 'target-path')),
    vars: (toJs(field(root, 'vars')) as Record<string, unknown>) ?? {},
    dispatch: dispatchOrder(toJs(field(root, 'dispatch'))),
    quoting: quotingOf(toJs(field(root, 'quoting'))),
    flags: objectOf(toJs(field(root, 'flags'))),
    modelsConfig: toJs(field(root, 'models')),
    seedsConfig: toJs(field(root, 'seeds')),
    snapshotsConfig: toJs(field(root, 'snapshots')),
    testsConfig: toJs(field(root, 'data_tests') ?? field(root, 'tests')),
    onRunStart: hookTemplates(field(root, 'on-run-start')),
    yamlResourcesConfig: { exposure: toJs(field(root, 'exposures')), metric: toJs(field(root, 'metrics')), semantic_model: toJs(field(root, 'semantic-models')), saved_query: toJs(field(root, 'saved-queries')) },
    problems: problems.map((p) => ({ file, ...p, severity: 'error' as const, code: 'yaml-syntax' })),
  };
  checkConfigTree(file, field(root, 'models'), out.problems);
  return out;
}

function hookTemplates(node: unknown): HookTemplate[] {
  const one = (n: unknown) => {
    const template = text(n);
    const at = rangeOf(n);
    return template === undefined || !at ? [] : [{ template, ...at }];
  };
  const list = items(node);
  return list.length ? list.flatMap(one) : one(node);
}

function objectOf(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/** A `quoting:` block's database/schema/identifier flags (dbt_project.yml, a source or a source table). */
export function quotingOf(value: unknown): Quoting {
  const out: Quoting = {};
  if (!value || typeof value !== 'object') return out;
  for (const part of ['database', 'schema', 'identifier'] as const) {
    const v = (value as Record<string, unknown>)[part];
    if (typeof v === 'boolean') out[part] = v;
  }
  return out;
}

function dispatchOrder(value: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!Array.isArray(value)) return out;
  for (const d of value) {
    if (d && typeof d.macro_namespace === 'string' && Array.isArray(d.search_order)) out[d.macro_namespace] = d.search_order.map(String);
  }
  return out;
}

/** Validates every `+key` in the folder config tree. */
function checkConfigTree(file: string, node: unknown, problems: ProjectDiagnostic[]): void {
  for (const e of entries(node)) {
    if (e.key.startsWith('+')) {
      const problem = checkConfigEntry(e.key.slice(1), toJs(e.value) as never, true);
      if (problem) problems.push({ file, start: e.keyStart, end: e.keyEnd, ...problem });
    } else {
      checkConfigTree(file, e.value, problems);
    }
  }
}
