// profiles.yml: targets, env_var() in values, and the seed's Polaris plugin block.
import { parseDocument } from 'yaml';
import { docToJs, parseYaml, pyYamlBools, toJs } from './yamlNodes';
import type { ProjectDiagnostic } from './types';

/** The plugin block's catalog settings (profiles.yml: plugins: - module: ... config: {...}). */
export interface CatalogSettings {
  module: string;
  catalogUri?: string;
  warehouse?: string;
  s3Endpoint?: string;
  s3Region?: string;
  s3AccessKeyId?: string;
  s3SecretAccessKey?: string;
}

export interface Target {
  profile: string;
  name: string;
  type: string;
  /** The adapter named by the profile (`type:`), undefined when no profile or target was found. */
  adapter?: string;
  schema: string;
  database: string;
  path?: string;
  threads: number;
  catalog?: CatalogSettings;
}

export interface Profiles {
  problems: ProjectDiagnostic[];
  /** profile name → { default target, outputs } */
  profiles: Record<string, { target?: string; outputs: Record<string, Record<string, unknown>> }>;
}

export function parseProfiles(file: string, source: string): Profiles {
  const { doc, problems } = parseYaml(source);
  const raw = (withMergeKeys(source) ?? toJs(doc.contents) ?? {}) as Record<string, any>;
  const profiles: Profiles['profiles'] = {};
  for (const [name, value] of Object.entries(raw)) {
    if (!value || typeof value !== 'object' || name === 'config') continue;
    profiles[name] = { target: value.target ? String(value.target) : undefined, outputs: (value.outputs ?? {}) as Record<string, Record<string, unknown>> };
  }
  return { profiles, problems: problems.map((p) => ({ file, ...p, severity: 'error' as const, code: 'yaml-syntax' })) };
}

/** The whole file with YAML 1.1 merge keys (`<<: *prod`) applied, as PyYAML reads profiles; undefined if it cannot be. */
function withMergeKeys(source: string): unknown {
  if (!source.includes('<<')) return undefined;
  try {
    const doc = pyYamlBools(parseDocument(source, { merge: true, uniqueKeys: false, prettyErrors: false }));
    return doc.errors.length ? undefined : docToJs(doc, { maxAliasCount: 1000 });
  } catch {
    return undefined;
  }
}

const ENV_VAR = /\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g;

/** Resolves {{ env_var('NAME', 'default') }} inside a profile value, as dbt does before using it. */
export function resolveEnvVars(value: string, env: NodeJS.ProcessEnv = process.env): string {
  return value.replace(ENV_VAR, (_m, _q, name: string, _q2, dflt?: string) => env[name] ?? dflt ?? '');
}

/** The target's keys Floe reads (its Jinja `target`, the local lakehouse): an empty value there changes what Floe does. */
const READ_KEYS = ['type', 'schema', 'database', 'path', 'threads', 'plugins'];

/** The other names adapters take for a target's schema and database (BigQuery's dataset and project, ...). */
const ALIASES: Record<string, Record<'schema' | 'database', string[]>> = {
  bigquery: { schema: ['dataset'], database: ['project'] },
  postgres: { schema: [], database: ['dbname'] },
  redshift: { schema: [], database: ['dbname'] },
  databricks: { schema: [], database: ['catalog'] },
};

/** A target's schema or database under its own key or, where the adapter has one, an alias of it. */
function aliased(output: Record<string, unknown>, key: 'schema' | 'database'): unknown {
  if (output[key] !== undefined && output[key] !== null) return output[key];
  const alias = ALIASES[String(output.type)]?.[key].find((k) => output[k] !== undefined && output[k] !== null);
  return alias === undefined ? undefined : output[alias];
}

/**
 * Env vars that values Floe reads need, unset and without a default: dbt stops on them ("Env var required but not
 * provided") and Floe would read ''. Others (a password Floe never uses) are dbt's business when it connects.
 */
export function missingEnvVars(profiles: Profiles | undefined, target: Target, env: NodeJS.ProcessEnv = process.env): string[] {
  const outputs = profiles?.profiles[target.profile]?.outputs[target.name];
  const output = outputs && [...READ_KEYS.map((k) => outputs[k]), aliased(outputs, 'schema'), aliased(outputs, 'database')];
  const missing = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      for (const m of v.matchAll(ENV_VAR)) if (m[4] === undefined && env[m[2]] === undefined) missing.add(m[2]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(output);
  visit(profiles?.profiles[target.profile]?.target);
  return [...missing];
}

export function resolveTarget(profiles: Profiles | undefined, profileName: string | undefined, targetName?: string, env: NodeJS.ProcessEnv = process.env): Target {
  const profile = profileName ? profiles?.profiles[profileName] : undefined;
  // a profile without `target:` uses its `default` output, as dbt does (no profile at all: Floe's own 'dev')
  const name = targetName ?? (profile?.target ? resolveEnvVars(profile.target, env) : profile ? 'default' : 'dev');
  const output = profile?.outputs[name] ?? {};
  const str = (v: unknown) => (v === undefined || v === null ? undefined : resolveEnvVars(String(v), env));
  const plugins = Array.isArray(output.plugins) ? (output.plugins as Array<Record<string, any>>) : [];
  const plugin = plugins.find((p) => p?.config && (p.config.catalog_uri || p.config.warehouse)) ?? plugins[0];
  const cfg = (plugin?.config ?? {}) as Record<string, unknown>;
  return {
    profile: profileName ?? 'default',
    name,
    type: str(output.type) ?? 'duckdb',
    adapter: str(output.type),
    schema: str(aliased(output, 'schema')) ?? 'main',
    database: str(aliased(output, 'database')) ?? defaultDatabase(str(output.type), str(output.path)),
    path: str(output.path),
    threads: Number(output.threads ?? 1),
    catalog: plugin ? {
      module: String(plugin.module ?? ''),
      catalogUri: str(cfg.catalog_uri), warehouse: str(cfg.warehouse), s3Endpoint: str(cfg.s3_endpoint), s3Region: str(cfg.s3_region),
      s3AccessKeyId: str(cfg.s3_access_key_id), s3SecretAccessKey: str(cfg.s3_secret_access_key),
    } : undefined,
  };
}

/**
 * The database when the profile names none, as the adapter takes it: dbt-databricks' `hive_metastore`; dbt-duckdb's the
 * file name of `path` without its extension, else `memory` (Floe's default for the rest, whose profiles must name one).
 */
function defaultDatabase(type: string | undefined, file: string | undefined): string {
  if (type === 'databricks') return 'hive_metastore';
  if ((type ?? 'duckdb') !== 'duckdb' || !file || file === ':memory:') return 'memory';
  const base = file.replace(/^md:/, '').split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base) || 'memory';
}
