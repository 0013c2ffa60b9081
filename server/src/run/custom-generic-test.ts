// Custom generic tests: a `{% test name(model, column_name, ...) %}` block in the project's (or a package's)
// macros, rendered with the tested relation and the YAML arguments into the failing-rows SQL. dbt compiles such a
// block as the macro `test_name`; the macro files are rewritten that way for a separate Jinja environment.
import { DbtJinjaEnvironment, CompilerError, splitKeywords, firstLine, type RenderHooks } from '../jinja/environment';
import type { DbtProject } from '../project/project';
import { relationValue } from '../jinja/dbtContext';
import { varValue, type UpstreamRelation } from '../project/compile';
import { parseRelationTarget } from '../project/dataTests';

const TEST_OPEN = /\{%(-?)\s*test\s+([A-Za-z_]\w*)\s*\(/g;
const TEST_CLOSE = /\{%(-?)\s*endtest\s*(-?)%\}/g;

interface Relation { kind: UpstreamRelation['kind']; name: string; source?: string; table?: string }

export interface CustomTestInput {
  /** `name` or `package.name`, as written in YAML. */
  name: string;
  column?: string;
  args: Record<string, unknown>;
  /** The tested relation, as SQL. */
  relation: string;
  /** How ref()/source() inside the test are written (the run's relation names). */
  relationName: (target: Relation) => string;
}

export type CustomTestSql = { sql: string; upstream: UpstreamRelation[] } | { error: string };

const environments = new WeakMap<DbtProject, { version: number; env: DbtJinjaEnvironment; tests: Set<string> }>();

/** The project's macros with `{% test x %}` blocks as `test_x` macros, cached per macro version. */
function environmentOf(project: DbtProject): { env: DbtJinjaEnvironment; tests: Set<string> } {
  const hit = environments.get(project);
  if (hit?.version === project.macroVersion) return hit;
  const { files, names } = project.macroFiles();
  const tests = new Set<string>();
  const rewritten = files.map((f) => {
    if (f.text.search(TEST_OPEN) < 0) return f;
    for (const m of f.text.matchAll(TEST_OPEN)) names.push({ name: `test_${m[2]}`, file: f.file });
    return { ...f, text: f.text.replace(TEST_OPEN, '{%$1 macro test_$2(').replace(TEST_CLOSE, '{%$1 endmacro $2%}') };
  });
  // Both `{% test x %}` blocks and old-style `{% macro test_x %}` macros define the test `x`.
  for (const n of names) {
    const m = /^test_(\w+)$/.exec(n.name);
    if (!m) continue;
    tests.add(m[1]);
    const pkg = files.find((f) => f.file === n.file)?.packageName;
    if (pkg) tests.add(`${pkg}.${m[1]}`);
  }
  const entry = { version: project.macroVersion, env: new DbtJinjaEnvironment(rewritten, names), tests };
  environments.set(project, entry);
  return entry;
}

/** Renders a custom generic test into its failing-rows SQL, with the relations its ref()/source() calls need. */
export function customGenericTestSql(project: DbtProject, input: CustomTestInput): CustomTestSql {
  const { env, tests } = environmentOf(project);
  if (!tests.has(input.name)) {
    return { error: `generic test '${input.name}' not found: Floe runs not_null, unique, accepted_values, relationships and {% test %} macros of the project and its packages` };
  }
  const dot = input.name.lastIndexOf('.');
  const callee = dot < 0 ? `test_${input.name}` : `${input.name.slice(0, dot)}.test_${input.name.slice(dot + 1)}`;
  const upstream = new Map<string, UpstreamRelation>();
  const relationObject = relationValue;
  const model = relationObject(input.relation, { name: input.relation, identifier: input.relation });
  const target = project.target;
  const hooks: RenderHooks = {
    ref(args) {
      const { positional } = splitKeywords(args);
      const refName = String(positional[positional.length - 1] ?? '');
      const node = project.resolveRef({ name: refName, packageName: positional.length > 1 ? String(positional[0]) : undefined });
      if (!node) throw new CompilerError(`Model '${refName}' not found (referenced by test ${input.name})`);
      const rel = input.relationName({ kind: node.kind, name: node.name });
      upstream.set(rel, { kind: node.kind, name: node.name, relation: rel, file: node.file });
      return relationObject(rel, { name: node.name, identifier: node.name });
    },
    source(args) {
      const [s, t] = splitKeywords(args).positional.map(String);
      const table = project.resolveSource({ source: s, table: t });
      if (!table) throw new CompilerError(`Source '${s}.${t}' not found (referenced by test ${input.name})`);
      const rel = input.relationName({ kind: 'source', name: `${s}.${t}`, source: s, table: t });
      upstream.set(rel, { kind: 'source', name: `${s}.${t}`, relation: rel, icebergTable: table.icebergTable });
      return relationObject(rel, { name: t, identifier: t });
    },
    config: () => '',
    var: (args) => varValue(project, args, `test ${input.name}`),
    this: model,
    target: { ...target, profile_name: target.profile },
    extra: { project_name: project.name, __floe_model: model, __floe_column: input.column, __floe_args: input.args },
  };
  // Keyword arguments by name (nunjucks has no **kwargs); names that are not identifiers cannot be passed.
  const keys = Object.keys(input.args).filter((k) => /^[A-Za-z_]\w*$/.test(k));
  const args: Record<string, unknown> = {};
  try {
    // dbt renders arguments: `to: ref('m')` / `source('s', 't')` are relations.
    for (const k of keys) {
      const target = parseRelationTarget(input.args[k]);
      args[k] = !target ? input.args[k] : target.kind === 'model' ? hooks.ref([target.name]) : hooks.source([target.source, target.table]);
    }
  } catch (e) {
    return { error: firstLine(e) };
  }
  hooks.extra!.__floe_args = args;
  const kwargs = ['model=__floe_model', ...(input.column ? ['column_name=__floe_column'] : []), ...keys.map((k) => `${k}=__floe_args["${k}"]`)];
  try {
    const sql = env.renderString(`{{ ${callee}(${kwargs.join(', ')}) }}`, hooks).trim();
    if (!sql) return { error: `test macro '${callee}' rendered no SQL` };
    return { sql, upstream: [...upstream.values()] };
  } catch (e) {
    return { error: `test macro '${callee}': ${firstLine(e)}` };
  }
}
