// dbt's `enabled` config for a model, snapshot or singular test: folder configs (the package's own and the root project's),
// schema YAML and config() in the file, where config() may compute it (`enabled=var('x', false)`) and a YAML value may be
// Jinja (`enabled: "{{ target.type == 'bigquery' | as_bool() }}"`), which dbt renders when it loads the file.
import type { DbtProject, FileEntry } from './project';
import type { ModelDoc } from './schemaYaml';
import type { VersionOfFile } from './versions';
import type { YamlResource } from './yamlResources';
import { folderConfig } from './config';
import type { ConfigArgument, ModelFileAnalysis } from './modelFile';
import { evaluateCondition } from './jinjaEnvironment';
import { branchEnabled } from './branchConfig';

/**
 * Whether a model, snapshot or singular test file is enabled. `version`: the versioned model and version the file
 * implements, whose YAML config (the model's, the version's over it) and dbt_project.yml path (`<model>: v<v>:`) apply.
 */
export function modelEnabled(project: DbtProject, entry: FileEntry, name: string, docs: Map<string, ModelDoc>, version?: VersionOfFile): boolean {
  const a = entry.analysis;
  if (!a) return true;
  const folders = entry.kind === 'test' ? project.folderConfigOf(entry.packageName, entry.folders, 'test')
    : version ? project.folderConfigOf(entry.packageName, [...entry.folders, version.model], 'model', `v${version.v}`)
      : project.folderConfigOf(entry.packageName, entry.folders, entry.kind === 'snapshot' ? 'snapshot' : 'model', name);
  const doc = entry.kind === 'model' ? docs.get(version?.model ?? name) : undefined;
  const yaml = version ? { ...doc?.config, ...doc?.versions?.entries?.[version.v]?.config } : doc?.config;
  // `enabled` as mergeConfigs would give it (the last layer that sets it), without merging every key of every model.
  let enabled: unknown;
  const branch = branchEnabled(project, entry.file, entry.packageName, name, a);
  if (branch !== undefined) return branch;
  for (const layer of [folders, yaml, a.config]) {
    if (layer && Object.prototype.hasOwnProperty.call(layer, 'enabled')) enabled = layer.enabled;
  }
  let computed: ConfigArgument | undefined;
  for (const c of a.configs) for (const x of c.args) if (x.key === 'enabled' && !x.isLiteral) computed = x;
  if (computed) {
    const value = evaluateCondition(project, entry.packageName, name, a.text.slice(computed.valueStart, computed.valueEnd));
    if (value !== undefined) return value;
  }
  // config({'enabled': var('x'), ...}): a dict argument that is not a literal.
  const dictArg = a.configs.length && /enabled/.test(a.text) ? a.calls.filter((c) => c.name === 'config').flatMap((c) => c.args).find((x) => !x.keyword && !x.isLiteral && a.text[x.valueStart] === '{') : undefined;
  if (dictArg) {
    const value = evaluateCondition(project, entry.packageName, name, `(${a.text.slice(dictArg.valueStart, dictArg.end)}).get('enabled', true)`);
    if (value !== undefined) return value;
  }
  if (typeof enabled === 'string') return yamlEnabled(project, entry.packageName, name, enabled);
  return enabled !== false;
}

/**
 * Whether a seed is enabled: dbt_project.yml's `seeds:` tree along its folders and its schema YAML `config:`, where a
 * string value is Jinja dbt renders (`+enabled: "{{ var('load_source_data', false) }}"`, jaffle-shop's).
 */
export function seedEnabled(project: DbtProject, entry: FileEntry, name: string, docs: Map<string, ModelDoc>): boolean {
  let enabled: unknown;
  for (const layer of [project.folderConfigOf(entry.packageName, entry.folders, 'seed', name), docs.get(name)?.config]) {
    if (layer && Object.prototype.hasOwnProperty.call(layer, 'enabled')) enabled = layer.enabled;
  }
  if (typeof enabled === 'string') return yamlEnabled(project, entry.packageName, name, enabled);
  return enabled !== false;
}

/** A string `enabled:` from YAML: `{{ expression }}` evaluated as dbt renders it, else Python's literal False/false. */
function yamlEnabled(project: DbtProject, packageName: string, name: string, value: string): boolean {
  const jinja = /^\s*\{\{([\s\S]*)\}\}\s*$/.exec(value);
  if (jinja) return evaluateCondition(project, packageName, name, jinja[1]) ?? true;
  return !/^\s*false\s*$/i.test(value);
}

/**
 * Whether an exposure, metric, semantic model or saved query is enabled: its YAML `config:`, and dbt_project.yml's
 * `exposures:` / `metrics:` / `semantic-models:` / `saved-queries:` along its fqn (its package's tree, then the root's).
 * Off when either says so (a YAML `enabled: true` over a project's false is not told apart: never a false error).
 */
export function yamlResourceEnabled(project: DbtProject, entry: FileEntry, r: YamlResource): boolean {
  if (!r.enabled) return false;
  const own = project.packages.find((p) => p.name === entry.packageName)?.settings;
  const trees = [own?.yamlResourcesConfig?.[r.kind], project.settings.yamlResourcesConfig?.[r.kind]].filter((t) => t !== undefined);
  let enabled: unknown;
  for (const tree of trees) {
    const c = folderConfig(tree, entry.packageName, [...entry.folders, r.name]);
    if (Object.prototype.hasOwnProperty.call(c, 'enabled')) enabled = c.enabled;
  }
  return enabled !== false && !(typeof enabled === 'string' && /^\s*false\s*$/i.test(enabled));
}
