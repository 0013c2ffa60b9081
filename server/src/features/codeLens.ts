// Code lenses above each model: "Preview", "Materialize" and, when the model has data tests, "Test (N)", invoking
// the client's commands with the model's URI.
import type { DbtProject } from '../project/project';
import { projectDataTests } from '../project/dataTests';

export interface ModelLens {
  offset: number;
  title: string;
  command: 'floe.preview' | 'floe.materialize' | 'floe.testModel';
}

export function modelLenses(project: DbtProject, file: string): ModelLens[] {
  const entry = project.entry(file);
  if (!entry?.analysis) return [];
  if (entry.kind === 'model') {
    const lenses: ModelLens[] = [{ offset: 0, title: '▶ Preview', command: 'floe.preview' }, { offset: 0, title: 'Materialize', command: 'floe.materialize' }];
    const name = project.nodeOfFile(file)?.name;
    const tests = name === undefined ? 0 : projectDataTests(project).filter((t) => t.subject === name).length;
    if (tests > 0) lenses.push({ offset: 0, title: `Test (${tests})`, command: 'floe.testModel' });
    return lenses;
  }
  if (entry.kind === 'analysis') return [{ offset: 0, title: '▶ Preview', command: 'floe.preview' }];
  return [];
}
