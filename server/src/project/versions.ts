// Model versions as dbt finds them (dbt-core parser/schemas.py, versioned model patches): which model file
// implements each version a YAML `versions:` list declares, and the other way round.
import type { ModelDoc, ModelVersions } from './schemaYaml';
import type { Column } from './types';

/** A model file that implements one version of a versioned model. */
export interface VersionOfFile {
  model: string;
  v: string;
  latest: string;
}

/**
 * The model (by file name) implementing version `v` of versioned model `name`: the version's `defined_in:` file, else
 * `<name>_v<v>`; the latest version may also live in `<name>.sql`. Undefined for a version the YAML does not declare.
 * `live`: whether dbt's ref lookup finds a model file before YAML patches it (its dbt_project.yml and config() leave it
 * enabled). dbt looks for a live `<name>_v<v>`, then for the latest a live `<name>`, then a disabled `<name>_v<v>`
 * (dbt-core parser/schemas.py, ModelPatchParser.parse_patch), so a disabled draft `<name>_v1.sql` does not shadow
 * `<name>.sql`.
 */
export function versionModelName(name: string, versions: ModelVersions, v: string, hasModel: (name: string) => boolean, live: (name: string) => boolean = () => true): string | undefined {
  if (!versions.all.includes(v)) return undefined;
  const file = versions.definedIn?.[v] ?? `${name}_v${v}`;
  const latest = v === versions.latest;
  if (hasModel(file) && live(file)) return file;
  if (latest && hasModel(name) && live(name)) return name;
  if (hasModel(file)) return file;
  return latest && hasModel(name) ? name : undefined;
}

/** Every model file that implements a version, by its name: the inverse of versionModelName over all versioned models. */
export function versionsByModelName(docs: Iterable<ModelDoc>, hasModel: (name: string) => boolean, live?: (name: string) => boolean): Map<string, VersionOfFile> {
  const out = new Map<string, VersionOfFile>();
  for (const doc of docs) {
    if (!doc.versions) continue;
    for (const v of doc.versions.all) {
      const file = versionModelName(doc.name, doc.versions, v, hasModel, live);
      if (file && !out.has(file)) out.set(file, { model: doc.name, v, latest: doc.versions.latest });
    }
  }
  return out;
}

/** Whether version `v` of a model keeps the model's column `name`: its `include`/`exclude` (every column without them). */
export function versionKeeps(doc: ModelDoc, v: string, name: string): boolean {
  const spec = doc.versions?.entries?.[v]?.columns;
  return !spec || ((spec.include === 'all' || spec.include.includes(name)) && !spec.exclude.includes(name));
}

/**
 * What a version in its own file is documented as: the versioned model's YAML with the version's config over the model's,
 * and the model's columns its `include`/`exclude` keep, its own columns replacing those of the same name (dbt's
 * get_columns_for_version). Its tests are made per version (dataTests.ts), not kept here.
 */
export function versionDoc(doc: ModelDoc, v: string, name: string): ModelDoc {
  const { versions, ...rest } = doc;
  const entry = versions?.entries?.[v];
  const spec = entry?.columns;
  const own = new Set((spec?.own ?? []).map((c) => c.name.toLowerCase()));
  const columns = [...doc.columns.filter((c) => versionKeeps(doc, v, c.name) && !own.has(c.name.toLowerCase())), ...(spec?.own ?? [])];
  return { ...rest, name, config: { ...doc.config, ...entry?.config }, configEntries: [], tests: [], columns };
}
