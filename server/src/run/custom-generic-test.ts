// Custom generic tests: a `{% test name(model, column_name, ...) %}` block in the project's (or a package's)
// macros, rendered with the tested relation and the YAML arguments into the failing-rows SQL. dbt compiles such a
// block as the macro `test_name`, and so does the project's one Jinja environment (jinja/dbtSyntax.ts).
import { CompilerError, splitKeywords, firstLine, type RenderHooks } from '../jinja/environment';
import type { DbtProject } from '../project/project';
import { relationValue } from '../jinja/dbtContext';
import { varValue, type UpstreamRelation } from '../project/compile';
import { environmentOf } from '../project/jinjaEnvironment';
import { coreTestOverride, definedGenericTests, parseRelationTarget } from '../project/dataTests';
import { testMacroCall } from '../project/dbtTestCompile';

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

/** Renders a custom generic test into its failing-rows SQL, with the relations its ref()/source() calls need. */
export function customGenericTestSql(project: DbtProject, input: CustomTestInput): CustomTestSql {
  const env = environmentOf(project);
  if (!definedGenericTests(project).has(input.name) && !coreTestOverride(project, input.name)) {
    return { error: `generic test '${input.name}' not found: Floe runs not_null, unique, accepted_values, relationships and {% test %} macros of the project and its packages` };
  }
  const dot = input.name.lastIndexOf('.');
  const callee = dot < 0 ? `test_${input.name}` : `${input.name.slice(0, dot)}.test_${input.name.slice(dot + 1)}`;
  const upstream = new Map<string, UpstreamRelation>();
  const model = relationValue(input.relation, { name: input.relation, identifier: input.relation });
  const target = project.target;
  const hooks: RenderHooks = {
    ref(args) {
      const { positional, named } = splitKeywords(args);
      const refName = String(positional[positional.length - 1] ?? '');
      const version = named.version ?? named.v;
      const node = project.resolveRef({ name: refName, packageName: positional.length > 1 ? String(positional[0]) : undefined, version: version === undefined ? undefined : String(version) });
      if (!node) throw new CompilerError(`Model '${refName}' not found (referenced by test ${input.name})`);
      const rel = input.relationName({ kind: node.kind, name: node.name });
      upstream.set(rel, { kind: node.kind, name: node.name, relation: rel, file: node.file });
      return relationValue(rel, { name: node.name, identifier: node.name });
    },
    source(args) {
      const [s, t] = splitKeywords(args).positional.map(String);
      const table = project.resolveSource({ source: s, table: t });
      if (!table) throw new CompilerError(`Source '${s}.${t}' not found (referenced by test ${input.name})`);
      const rel = input.relationName({ kind: 'source', name: `${s}.${t}`, source: s, table: t });
      upstream.set(rel, { kind: 'source', name: `${s}.${t}`, relation: rel, icebergTable: project.sourceIcebergTable(table) });
      return relationValue(rel, { name: t, identifier: t });
    },
    config: () => '',
    var: (args) => varValue(project, args, `test ${input.name}`),
    this: model,
    target: { ...target, profile_name: target.profile },
    extra: { project_name: project.name, __floe_model: model },
  };
  const keys = Object.keys(input.args).filter((k) => /^[A-Za-z_]\w*$/.test(k));
  const args: Record<string, unknown> = {};
  try {
    // dbt renders arguments: `to: ref('m')` / `source('s', 't')` are relations.
    for (const k of keys) {
      const target = parseRelationTarget(input.args[k]);
      args[k] = !target ? input.args[k] : target.kind === 'model' ? hooks.ref(target.version === undefined ? [target.name] : [target.name, { __keywords: true, version: target.version }]) : hooks.source([target.source, target.table]);
    }
  } catch (e) {
    return { error: firstLine(e) };
  }
  const call = testMacroCall(callee, input.column || undefined, args);
  try {
    const sql = env.renderString(call.template, hooks, call.locals).trim();
    if (!sql) return { error: `test macro '${callee}' rendered no SQL` };
    return { sql, upstream: [...upstream.values()] };
  } catch (e) {
    return { error: `test macro '${callee}': ${firstLine(e)}` };
  }
}
