// Config values written in Jinja in dbt_project.yml and schema YAML, rendered as dbt renders them when it reads those
// files (vars, target, env_var), to native values (`"{{ target.name == 'prod' }}"` is True, `"{{ 'warn' if ... }}"`
// is warn), so every reader of a node's config sees dbt's value: selection (`config.materialized:table`, `tag:`),
// runs, tests' severity, `floe ls` and the manifest. Hooks are not rendered here: dbt renders them when they run.
// `enabled` keeps its own reading (enabled.ts), which the index needs before the project's nodes exist.
import { pythonLiteral, type Literal } from '../jinja/calls';
import type { ModelConfig } from './config';
import { renderSetting } from './jinjaEnvironment';
import type { DbtProject } from './project';
import { carryMark, mergeMarked, setIntegralFloatMark } from './yamlFloats';

const RENDERED_LATER = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook', 'enabled']);
const JINJA = /\{[{%]/;

/** `config` with its Jinja values rendered (a copy), or `config` itself when none has Jinja. */
export function withRenderedSettings(project: DbtProject, packageName: string, usedBy: string, config: ModelConfig): ModelConfig {
  let out: ModelConfig | undefined;
  for (const [key, value] of Object.entries(config)) {
    if (RENDERED_LATER.has(key) || !hasJinja(value)) continue;
    out ??= mergeMarked(config) as ModelConfig;
    renderInto(project, packageName, usedBy, out, key, value);
  }
  return out ?? config;
}

function hasJinja(value: unknown): boolean {
  if (typeof value === 'string') return JINJA.test(value);
  if (Array.isArray(value)) return value.some(hasJinja);
  return typeof value === 'object' && value !== null && Object.values(value).some(hasJinja);
}

/** Sets `container[key]` to `value` rendered: each string with Jinja in it, as dbt renders a YAML value leaf by leaf. */
function renderInto(project: DbtProject, packageName: string, usedBy: string, container: Record<string, Literal> | Literal[], key: string, value: Literal): void {
  const set = (v: Literal) => { (container as Record<string, Literal>)[key] = v; };
  if (typeof value === 'string') {
    if (!JINJA.test(value)) return set(value);
    // a value that does not render stays as written (the checker reports it where it matters)
    const text = renderSetting(project, packageName, usedBy, value);
    if (text === undefined) return set(value);
    const native = pythonLiteral(text);
    set(native);
    setIntegralFloatMark(container, key, typeof native === 'number' && Number.isInteger(native) && /[.eE]/.test(text) && !/^\s*-?0[xX]/.test(text));
    return;
  }
  if (!hasJinja(value) || value === null || typeof value !== 'object') return set(value);
  const copy = (Array.isArray(value) ? copyList(value) : mergeMarked(value as Record<string, unknown>)) as Record<string, Literal> | Literal[];
  for (const [k, v] of Object.entries(value)) renderInto(project, packageName, usedBy, copy, k, v);
  set(copy as Literal);
}

function copyList(list: Literal[]): Literal[] {
  const copy = [...list];
  for (let i = 0; i < list.length; i++) carryMark(list, String(i), copy);
  return copy;
}
