// dbt's `enabled` config for a model or snapshot: folder configs (the package's own and the root project's),
// schema YAML and config() in the file, where config() may compute it (`enabled=var('x', false)`).
import type { DbtProject, FileEntry } from './project';
import type { ModelDoc } from './schemaYaml';
import { folderConfig, mergeConfigs } from './config';
import { evaluateCondition } from './jinjaEnvironment';

export function modelEnabled(project: DbtProject, entry: FileEntry, docs: Map<string, ModelDoc>): boolean {
  const a = entry.analysis;
  if (!a) return true;
  const name = entry.file.replace(/^.*[\\/]/, '').replace(/\.(sql|py)$/i, '');
  const config = entry.kind === 'model'
    ? mergeConfigs(project.folderConfigOf(entry.packageName, entry.folders), docs.get(name)?.config, a.config)
    : a.config;
  const computed = a.configs.flatMap((c) => c.args).filter((x) => x.key === 'enabled' && !x.isLiteral).pop();
  if (computed) {
    const value = evaluateCondition(project, entry.packageName, name, a.text.slice(computed.valueStart, computed.valueEnd));
    if (value !== undefined) return value;
  }
  return config.enabled !== false;
}
