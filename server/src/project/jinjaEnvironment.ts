// The project's one Jinja environment (its macros, its packages', dbt's built-ins and `dispatch:` order), rebuilt
// when macros change, and the evaluation of a single Jinja expression (e.g. `enabled=var('x', false)`).
import { DbtJinjaEnvironment, CompilerError, splitKeywords, type RenderHooks } from '../jinja/environment';
import type { DbtProject } from './project';

const environments = new WeakMap<DbtProject, { version: number; env: DbtJinjaEnvironment }>();

export function environmentOf(project: DbtProject): DbtJinjaEnvironment {
  const cached = environments.get(project);
  if (cached && cached.version === project.macroVersion && cached.env.adapter === project.target.adapter) return cached.env;
  const { files, names } = project.macroFiles();
  const env = new DbtJinjaEnvironment(files, names, project.settings.dispatch, project.target.adapter);
  environments.set(project, { version: project.macroVersion, env });
  return env;
}

/** dbt's var('key', default) for a model of `packageName`: its vars, else the default, else an error naming who asked. */
export function varValue(project: DbtProject, args: unknown[], usedBy: string, packageName = project.name): unknown {
  const { positional, named } = splitKeywords(args);
  const key = String(positional[0]);
  const vars = project.varsFor(packageName);
  if (key in vars) return vars[key];
  if (positional.length > 1) return positional[1];
  if ('default' in named) return named.default;
  throw new CompilerError(`Required var '${key}' not found in dbt_project.yml vars (used by ${usedBy}). Add it under vars: in dbt_project.yml or pass a default: var('${key}', ...)`);
}

/** Conditions that read only vars and literals give the same answer for every model of a package. */
const conditionCache = new WeakMap<DbtProject, { version: number; answers: Map<string, boolean | undefined> }>();

/** Whether a Jinja condition is true for a model, or undefined when it cannot be evaluated at compile time. */
export function evaluateCondition(project: DbtProject, packageName: string, usedBy: string, expression: string): boolean | undefined {
  const modelFree = !/\b(this|model)\b/.test(expression);
  let cache = conditionCache.get(project);
  if (!cache || cache.version !== project.macroVersion) conditionCache.set(project, (cache = { version: project.macroVersion, answers: new Map() }));
  const key = `${packageName}\u0000${expression}`;
  if (modelFree && cache.answers.has(key)) return cache.answers.get(key);
  const answer = evaluateOnce(project, packageName, usedBy, expression);
  if (modelFree) cache.answers.set(key, answer);
  return answer;
}

function evaluateOnce(project: DbtProject, packageName: string, usedBy: string, expression: string): boolean | undefined {
  const target = project.target;
  const hooks: RenderHooks = {
    ref: () => '', source: () => '', config: () => '',
    var: (args) => varValue(project, args, usedBy, packageName),
    this: usedBy,
    target: { ...target, profile_name: target.profile },
  };
  try {
    return environmentOf(project).renderString(`{% if (${expression}) %}1{% else %}0{% endif %}`, hooks) === '1';
  } catch {
    return undefined;
  }
}
