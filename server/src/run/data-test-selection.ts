// Which data tests (and dbt unit tests) a dbt selection runs: tests selected themselves (by name, path, test_type, ...)
// and, as dbt's eager indirect selection, the tests of every selected model, seed, snapshot or source.
import type { DbtProject } from '../project/project';
import type { DataTest } from '../project/dataTests';
import { selectResources, selectionRequest, type SelectionProblem, type SelectionRequest } from '../selection/select';

export function selectDataTests(project: DbtProject, tests: DataTest[], selection: SelectionRequest | string | undefined): { tests: DataTest[]; problems: SelectionProblem[] } {
  const request = typeof selection === 'object' ? selection : selectionRequest(selection);
  if (!request.select?.length && !request.exclude?.length) return { tests, problems: [] };
  const { nodes, problems } = selectResources(project, request, ['test', 'unit_test']);
  const chosen = new Set(nodes.map((n) => n.test!.id));
  return { tests: tests.filter((t) => chosen.has(t.id)), problems };
}
