// Which data tests a model selector (as in materialize: model, +model, model+, tag:x) runs: the tests of the
// selected models, singular tests that ref one of them; source tests only when everything runs.
import type { DbtProject } from '../project/project';
import type { DataTest } from '../project/dataTests';
import { selectModels } from './selector';

export function selectDataTests(project: DbtProject, tests: DataTest[], selector: string | undefined): DataTest[] {
  if (!selector) return tests;
  const dag = project.dag;
  const chosen = new Set(selectModels({
    models: () => dag.parents.keys(),
    parents: (m) => dag.parents.get(m) ?? [],
    children: (m) => dag.children.get(m) ?? [],
    tags: (m) => tagsOf(project, m),
  }, selector));
  return tests.filter((t) => {
    if (t.kind === 'singular') return (project.entry(t.file)?.analysis?.refs ?? []).some((r) => chosen.has(r.name));
    return t.target?.kind === 'model' && chosen.has(t.target.name);
  });
}

function tagsOf(project: DbtProject, model: string): string[] {
  const node = project.resolveRef({ name: model });
  const tags = node ? project.configOf(node).tags : undefined;
  return Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? [tags] : [];
}
