// Diagnostics of the data tests declared in one schema YAML file, at the test's line: unknown generic test
// names (core tests and `{% test %}` macros are known), relationships to an unknown model or source, and
// accepted_values without values. Pure over the project model.
import type { DbtProject, FileEntry } from '../project/project';
import { knownGenericTests, parseRelationTarget } from '../project/dataTests';
import type { GenericTestDecl } from '../project/testYaml';
import type { ProjectDiagnostic } from '../project/types';
import { didYouMean } from '../util/suggest';
import { jsonText } from '../util/json';

export function dataTestDiagnostics(project: DbtProject, entry: FileEntry): ProjectDiagnostic[] {
  const schema = entry.schema;
  if (!schema) return [];
  // dbt skips the tests of a disabled model without a word.
  const enabled = schema.models.filter((m) => !project.isDisabledRef({ name: m.name }) || project.resolveRef({ name: m.name }));
  const tests = [...enabled.flatMap((m) => m.tests), ...schema.sources.flatMap((s) => s.tables.flatMap((t) => t.tests))];
  if (tests.length === 0) return [];
  const known = knownGenericTests(project);
  const out: ProjectDiagnostic[] = [];
  const push = (t: GenericTestDecl, severity: ProjectDiagnostic['severity'], code: string, message: string) =>
    out.push({ file: entry.file, start: t.start, end: t.end, severity, code, message });
  for (const t of tests) {
    if (!known.has(t.name)) {
      push(t, 'warning', 'unknown-test', `Generic test '${t.name}' not found: dbt has not_null, unique, accepted_values and relationships; others need a {% test ${t.name.split('.').pop()}(model, column_name) %} macro.${didYouMean(t.name, known)}`);
      continue;
    }
    // dbt renders Jinja in YAML (`values: "{{ var('types') }}"`): such a value is known only then.
    if (t.name === 'accepted_values' && !(typeof t.args.values === 'string' && t.args.values.includes('{{')) && (!Array.isArray(t.args.values) || t.args.values.length === 0)) {
      push(t, 'error', 'test-missing-values', 'accepted_values needs a `values:` list (directly under the test or under `arguments:`).');
    }
    if (t.name === 'relationships') {
      const to = parseRelationTarget(t.args.to);
      if (!to) {
        push(t, 'error', 'test-relationships-to', `relationships needs \`to:\` as ref('model') or source('source', 'table')${t.args.to === undefined ? '' : `, not ${jsonText(t.args.to)}`}.`);
      } else if (to.kind === 'model' && !project.resolveRef(to)) {
        // dbt warns (and skips the test) when a test's ref is disabled or missing; it does not fail.
        push(t, 'warning', 'unknown-ref', project.isDisabledName(to.name)
          ? `relationships: model '${to.name}' is disabled (enabled: false); dbt warns and skips this test.`
          : `relationships: model '${to.name}'${to.version !== undefined ? ` version ${to.version}` : ''} not found; dbt warns and skips this test.${didYouMean(to.name, project.modelNames())}`);
      } else if (to.kind === 'source' && !project.resolveSource(to)) {
        const tables = project.sourceDefinitions(to.source).flatMap((d) => d.tables.map((x) => x.name));
        push(t, 'warning', 'unknown-source', tables.length
          ? `relationships: source '${to.source}' has no table '${to.table}'; dbt warns and skips this test.${didYouMean(to.table, tables)}`
          : `relationships: source '${to.source}' not found; dbt warns and skips this test.${didYouMean(to.source, project.sourceNames())}`);
      }
    }
  }
  return out;
}
