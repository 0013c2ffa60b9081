// Code lenses above each model: "Preview" and "Materialize", invoking the client's commands with the model's URI.

export interface ModelLens {
  offset: number;
  title: string;
  command: 'floe.preview' | 'floe.materialize';
}

import type { DbtProject } from '../project/project';

export function modelLenses(project: DbtProject, file: string): ModelLens[] {
  const entry = project.entry(file);
  if (!entry?.analysis) return [];
  if (entry.kind === 'model') return [{ offset: 0, title: '▶ Preview', command: 'floe.preview' }, { offset: 0, title: 'Materialize', command: 'floe.materialize' }];
  if (entry.kind === 'analysis') return [{ offset: 0, title: '▶ Preview', command: 'floe.preview' }];
  return [];
}
