// A generic data test's compiled SQL as dbt's compile writes it (target/compiled/<package>/<YAML path>/<test>.sql and
// the test node's compiled_code): the test macro `test_<name>` (dbt's core four from jinja/dbtBuiltins.ts, a
// `{% test %}` block of the project or a package, or a project's override of either) called with the YAML arguments
// as dbt renders them and `model` = get_where_subquery(<the tested relation>), every relation named as dbt names it
// (an ephemeral model as its `__dbt__cte__` CTE, injected as dbt injects it).
import path from 'node:path';
import { CompilerError, firstLine, splitKeywords, type RenderHooks } from '../jinja/environment';
import { relationValue } from '../jinja/dbtContext';
import { environmentOf, varValue } from './jinjaEnvironment';
import { dbtNodeRelation, dbtSourceRelation, ephemeralCteName, renderDbtRelation } from './dbtRelations';
import { withEphemeralCtes } from './dbtCompile';
import { CORE_GENERIC_TESTS, definedGenericTests, parseRelationTarget, type DataTest } from './dataTests';
import { argsWithPyFloats } from './yamlFloats';
import type { DbtProject, ModelNode } from './project';

export type DbtTestCompiled = { sql: string } | { error: string };

/** dbt's add_rendered_test_kwargs: an argument that looks like one of these calls is rendered as an expression. */
const LOOKS_LIKE_CALL = /^\s*(env_var|ref|var|source|doc)\s*\(.+\)\s*$/;

/** The compiled SQL of a generic test (not a singular one), or why it does not compile. */
export function dbtGenericTestSql(project: DbtProject, test: DataTest): DbtTestCompiled {
  if (!test.target) return { error: 'the test has no model or source' };
  const env = environmentOf(project);
  const packageName = test.packageName ?? project.name;
  const usedBy = `test ${test.kind}`;
  const target = project.target;
  const ephemerals: ModelNode[] = [];
  const relation = (t: NonNullable<DataTest['target']>) => {
    if (t.kind === 'source') {
      const table = project.resolveSource({ source: t.source, table: t.table });
      if (!table) throw new CompilerError(`Source '${t.source}.${t.table}' not found (referenced by ${usedBy})`);
      const r = dbtSourceRelation(project, table);
      return relationValue(renderDbtRelation(project, r), { database: r.database, schema: r.schema, identifier: r.identifier, name: r.identifier });
    }
    const node = project.resolveRef({ name: t.name, packageName: t.packageName, version: t.version });
    if (!node) throw new CompilerError(`Model '${t.name}' not found (referenced by ${usedBy})`);
    const r = dbtNodeRelation(project, node, hooks);
    if (project.configValueOf(node, 'materialized') === 'ephemeral') {
      // dbt reads an ephemeral model as the CTE it injects
      if (!ephemerals.includes(node)) ephemerals.push(node);
      const cte = ephemeralCteName(r);
      return relationValue(cte, { identifier: cte, name: cte });
    }
    return relationValue(renderDbtRelation(project, r), { database: r.database, schema: r.schema, identifier: r.identifier, name: r.identifier });
  };
  const config: Record<string, unknown> = { severity: test.severity, ...(test.where ? { where: test.where } : {}) };
  const hooks: RenderHooks = {
    packageName,
    adapterSpellings: true,
    ref(args) {
      const { positional, named } = splitKeywords(args);
      const version = named.version ?? named.v;
      return relation({ kind: 'model', name: String(positional[positional.length - 1] ?? ''), packageName: positional.length > 1 ? String(positional[0]) : undefined, version: version === undefined ? undefined : String(version) });
    },
    source(args) {
      const [source, table] = splitKeywords(args).positional.map(String);
      return relation({ kind: 'source', source, table });
    },
    config: () => '',
    configValue: (key) => config[key],
    var: (args) => varValue(project, args, usedBy, packageName),
    this: undefined,
    target: { ...target, profile_name: target.profile },
    extra: { project_name: project.name },
  };
  if (!CORE_GENERIC_TESTS.has(test.kind) && !definedGenericTests(project).has(test.kind)) {
    const missing = project.missingPackages().map((p) => p.name);
    return { error: `generic test '${test.kind}' not found: no {% test ${test.kind.slice(test.kind.lastIndexOf('.') + 1)} %} in the project or its installed packages` +
      (missing.length ? ` (not installed: ${missing.join(', ')}; run floe deps)` : '') };
  }
  const dot = test.kind.lastIndexOf('.');
  const callee = dot < 0 ? `test_${test.kind}` : `${test.kind.slice(0, dot)}.test_${test.kind.slice(dot + 1)}`;
  try {
    const args = renderedArgs(project, argsWithPyFloats(test.args, test.floatArgs), hooks);
    const column = test.column ?? test.columnExpression;
    const call = testMacroCall(callee, column, args);
    // `model` is get_where_subquery's answer: the relation itself, or with a `where` config a subquery of it
    const sql = env.renderString(`{% set __floe_model = get_where_subquery(__floe_relation) %}${call.template}`, hooks, { ...call.locals, __floe_relation: relation(test.target) });
    const withCtes = withEphemeralCtes(project, sql, ephemerals);
    if ('problem' in withCtes) return { error: `${path.relative(project.root, withCtes.file)}: ${withCtes.problem.message}` };
    return withCtes;
  } catch (e) {
    return { error: `test macro '${callee}': ${firstLine(e)}` };
  }
}

/**
 * `{{ callee(model=__floe_model, column_name=..., arg=...) }}` with its locals (but `__floe_model`): keyword arguments
 * by name, as nunjucks has no **kwargs, each its own local (`args["values"]` would be the dict's values method); names
 * that are not identifiers cannot be passed.
 */
export function testMacroCall(callee: string, column: string | undefined, args: Record<string, unknown>): { template: string; locals: Record<string, unknown> } {
  const keys = Object.keys(args).filter((k) => /^[A-Za-z_]\w*$/.test(k) && k !== 'model' && k !== 'column_name');
  const kwargs = ['model=__floe_model', ...(column !== undefined ? ['column_name=__floe_column'] : []), ...keys.map((k, i) => `${k}=__floe_arg${i}`)];
  return { template: `{{ ${callee}(${kwargs.join(', ')}) }}`, locals: { __floe_column: column, ...Object.fromEntries(keys.map((k, i) => [`__floe_arg${i}`, args[k]])) } };
}

/**
 * The arguments as dbt renders them for the test's macro: strings that look like ref()/source()/var() calls are
 * evaluated (a relation for ref and source), strings with Jinja rendered, and what Python's literal_eval reads as a
 * number or boolean becomes one; lists and dicts item by item.
 */
function renderedArgs(project: DbtProject, args: Record<string, unknown>, hooks: RenderHooks): Record<string, unknown> {
  const env = environmentOf(project);
  const render = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(render);
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, render(v)]));
    }
    if (typeof value !== 'string') return value;
    const relation = parseRelationTarget(value);
    if (relation) return relation.kind === 'source' ? hooks.source([relation.source, relation.table]) : hooks.ref([...(relation.packageName ? [relation.packageName] : []), relation.name, ...(relation.version !== undefined ? [{ __keywords: true, version: relation.version }] : [])]);
    const text = LOOKS_LIKE_CALL.test(value) ? `{{ ${value} }}` : value;
    return literal(/\{[{%]/.test(text) ? env.renderString(text, hooks) : text);
  };
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, render(v)]));
}

/** Python's literal_eval of a rendered argument, for the values it changes that matter in SQL: ints and booleans. */
function literal(text: string): unknown {
  if (/^\s*-?\d+\s*$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (text.trim() === 'True') return true;
  if (text.trim() === 'False') return false;
  return text;
}
