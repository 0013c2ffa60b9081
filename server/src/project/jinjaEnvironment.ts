// The project's one Jinja environment (its macros, its packages', dbt's built-ins and `dispatch:` order), rebuilt
// when macros change, and the evaluation of a single Jinja expression (e.g. `enabled=var('x', false)`).
import { DbtJinjaEnvironment, CompilerError, firstLine, splitKeywords, type RenderHooks } from '../jinja/environment';
import { explainRenderError } from '../jinja/renderMessages';
import type { DbtProject } from './project';
import { pyFloatAt } from './yamlFloats';

const environments = new WeakMap<DbtProject, { version: number; env: DbtJinjaEnvironment }>();

export function environmentOf(project: DbtProject): DbtJinjaEnvironment {
  const cached = environments.get(project);
  if (cached && cached.version === project.macroVersion && cached.env.adapter === project.target.adapter) return cached.env;
  const { files, names } = project.macroFiles();
  const env = new DbtJinjaEnvironment(files, names, project.settings.dispatch, project.target.adapter, project.settings.flags);
  environments.set(project, { version: project.macroVersion, env });
  return env;
}

/** dbt's var('key', default) for a model of `packageName`: its vars, else the default, else an error naming who asked. */
export function varValue(project: DbtProject, args: unknown[], usedBy: string, packageName = project.name): unknown {
  const { positional, named } = splitKeywords(args);
  const key = String(positional[0]);
  const vars = project.varsFor(packageName);
  // dbt renders a string var's Jinja when var() reads it, in the reader's context (tuva: '{{ run_started_at.strftime("%Y") }}').
  if (key in vars) return typeof vars[key] === 'string' && /\{[{%]/.test(vars[key] as string) ? environmentOf(project).renderNested(vars[key] as string) : pyFloatAt(vars, key);
  if (positional.length > 1) return positional[1];
  if ('default' in named) return named.default;
  throw new CompilerError(`Required var '${key}' not found in dbt_project.yml vars (used by ${usedBy}). Add it under vars: in dbt_project.yml or pass a default: var('${key}', ...)`);
}

/** Settings and conditions that read only vars and literals give the same answer for every model of a package. */
const settingCache = new WeakMap<DbtProject, { version: number; answers: Map<string, unknown> }>();

function cachedSetting<T>(project: DbtProject, packageName: string, text: string, compute: () => T): T {
  if (/\b(this|model)\b/.test(text)) return compute();
  let cache = settingCache.get(project);
  if (!cache || cache.version !== project.macroVersion) settingCache.set(project, (cache = { version: project.macroVersion, answers: new Map() }));
  const key = `${packageName}\u0000${text}`;
  if (cache.answers.has(key)) return cache.answers.get(key) as T;
  const answer = compute();
  cache.answers.set(key, answer);
  return answer;
}

/** Whether a Jinja condition is true for a model, or undefined when it cannot be evaluated at compile time. */
export function evaluateCondition(project: DbtProject, packageName: string, usedBy: string, expression: string): boolean | undefined {
  return cachedSetting(project, packageName, `{% if (${expression}) %}1{% else %}0{% endif %}`, () => evaluateOnce(project, packageName, usedBy, expression));
}

/**
 * The context dbt renders project and YAML settings in: vars, target and project_name (dbt's ConfiguredContext: the
 * root project's name, in a package too), no model.
 */
export function settingsHooks(project: DbtProject, packageName: string, usedBy: string): RenderHooks {
  const target = project.target;
  return {
    packageName,
    ref: () => '', source: () => '', config: () => '',
    var: (args) => varValue(project, args, usedBy, packageName),
    this: usedBy,
    target: { ...target, profile_name: target.profile },
    extra: { project_name: project.name },
  };
}

function evaluateOnce(project: DbtProject, packageName: string, usedBy: string, expression: string): boolean | undefined {
  try {
    // dbt's parse-time ref() and source() give a relation (the model's own), never an empty string: a var holding
    // "{{ ref('x') }}" is true in `enabled=var(...)` (gitlab's snowplow:context:performance_timing)
    const hooks = { ...settingsHooks(project, packageName, usedBy), ref: () => usedBy, source: () => usedBy };
    return environmentOf(project).renderString(`{% if (${expression}) %}1{% else %}0{% endif %}`, hooks) === '1';
  } catch {
    return undefined;
  }
}

/** A YAML or dbt_project.yml setting with Jinja in it, rendered as dbt does when it reads the file; undefined if it cannot be. */
export function renderSetting(project: DbtProject, packageName: string, usedBy: string, text: string): string | undefined {
  if (!/\{[{%]/.test(text)) return text;
  return cachedSetting(project, packageName, text, () => {
    try {
      return environmentOf(project).renderString(text, settingsHooks(project, packageName, usedBy));
    } catch {
      return undefined;
    }
  });
}

/** Why renderSetting gives undefined for `text`, in the user's words; undefined when it renders. */
export function settingRenderProblem(project: DbtProject, packageName: string, usedBy: string, text: string): string | undefined {
  if (renderSetting(project, packageName, usedBy, text) !== undefined) return undefined;
  try {
    environmentOf(project).renderString(text, settingsHooks(project, packageName, usedBy));
    return undefined;
  } catch (e) {
    return explainRenderError(firstLine(e));
  }
}

/**
 * The config() calls of a model's text as dbt's parse renders it (vars, target; `execute` false; a var it does not
 * define is None, not an error): each call's keyword arguments and dict argument merged in the order they run, a
 * branch not taken setting nothing (`{% if target.name == 'prod' %}{{ config(materialized='table') }}{% else %}...`).
 * Undefined when the text does not render.
 */
export function renderedConfig(project: DbtProject, packageName: string, usedBy: string, text: string): Record<string, unknown> | undefined {
  const found: Record<string, unknown> = {};
  const hooks: RenderHooks = {
    ...settingsHooks(project, packageName, usedBy),
    // dbt's parser gives None for a var that is not defined (ParseVar.get_missing_var); compiling the model would fail.
    var: (args) => {
      const { positional, named } = splitKeywords(args);
      if (positional.length < 2 && !('default' in named) && !(String(positional[0]) in project.varsFor(packageName))) return null;
      return varValue(project, args, usedBy, packageName);
    },
    config: (args) => {
      const { positional, named } = splitKeywords(args);
      const dict = positional[0];
      if (dict !== null && typeof dict === 'object' && !Array.isArray(dict)) Object.assign(found, dict);
      Object.assign(found, named);
      return '';
    },
  };
  try {
    environmentOf(project).renderString(text, hooks);
  } catch {
    return undefined;
  }
  return found;
}
