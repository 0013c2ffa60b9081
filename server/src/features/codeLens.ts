// Code lenses above each model: "Preview", "Materialize" (for models written to the catalog) and, when the model has data tests, "Test (N)"; "Preview <cte>"
// above each CTE of its WITH clause; above each
// selector of selectors.yml, "Materialize" with what it selects. They invoke the client's commands with the file's
// URI (and the selector's name).
import type { DbtProject } from '../project/project';
import { projectDataTests } from '../project/dataTests';
import { projectUnitTests } from '../project/unitTests';
import { selectResources } from '../selection/select';
import { goldTargetOf } from '../run/gold-target';
import { cteSymbols } from '../sql/scope';
import { MAX_SQL_ANALYSIS } from './columns';

export interface ModelLens {
  offset: number;
  title: string;
  command: 'floe.preview' | 'floe.previewCte' | 'floe.materialize' | 'floe.testModel' | 'floe.materializeSelector';
  /** Arguments after the file's URI. */
  args?: string[];
}

export function modelLenses(project: DbtProject, file: string): ModelLens[] {
  const entry = project.entry(file);
  if (entry?.selectors) return selectorLenses(project, entry.selectors);
  if (!entry?.analysis) return [];
  if (entry.kind === 'model') {
    const node = project.nodeOfFile(file);
    const name = node?.name;
    const lenses: ModelLens[] = [{ offset: 0, title: '▶ Preview', command: 'floe.preview' }];
    // Only models Floe writes to the catalog get Materialize (views and ephemeral models have nothing to write).
    if (node && goldTargetOf(node.name, project.configOf(node), {})) lenses.push({ offset: 0, title: 'Materialize', command: 'floe.materialize' });
    // Test Model runs the model's data tests and its unit tests.
    const tests = name === undefined ? 0 : projectDataTests(project).filter((t) => t.subject === name).length + projectUnitTests(project).filter((t) => t.model === name).length;
    if (tests > 0) lenses.push({ offset: 0, title: `Test (${tests})`, command: 'floe.testModel' });
    return [...lenses, ...cteLenses(entry.analysis.text)];
  }
  if (entry.kind === 'analysis') return [{ offset: 0, title: '▶ Preview', command: 'floe.preview' }, ...cteLenses(entry.analysis.text)];
  return [];
}

/** "Preview CTE" above each CTE of the model's own WITH clause: its rows, with the CTEs before it. */
function cteLenses(text: string): ModelLens[] {
  if (text.length > MAX_SQL_ANALYSIS) return [];
  return cteSymbols(text).filter((c) => c.depth === 0).map((c) => ({ offset: c.nameStart, title: `▶ Preview ${c.name}`, command: 'floe.previewCte', args: [String(c.nameStart)] }));
}

function selectorLenses(project: DbtProject, selectors: NonNullable<ReturnType<DbtProject['yamlSelectors']>>): ModelLens[] {
  const lenses: ModelLens[] = [];
  for (const s of selectors.selectors.values()) {
    const models = selectResources(project, { definition: s.definition }, ['model']).nodes
      .filter((n) => n.modelNode && goldTargetOf(n.name, project.configOf(n.modelNode), {})).length;
    if (!models) continue;
    lenses.push({ offset: s.range?.[0] ?? 0, title: `Materialize (${models} model${models === 1 ? '' : 's'})`, command: 'floe.materializeSelector', args: [s.name] });
  }
  return lenses;
}
