// Document symbols: the config() call, the CTEs of a model, and macros of a macro file.
import type { DbtProject } from '../project/project';
import { cteSymbols } from '../sql/scope';
import { MAX_SQL_ANALYSIS } from './columns';

export interface DocumentSymbolInfo {
  name: string;
  kind: 'config' | 'cte' | 'macro' | 'model';
  detail?: string;
  start: number;
  end: number;
  selectionStart: number;
  selectionEnd: number;
}

export function documentSymbols(project: DbtProject, file: string): DocumentSymbolInfo[] {
  const entry = project.entry(file);
  if (!entry) return [];
  if (entry.macros) return entry.macros.map((m) => ({ name: m.name, kind: 'macro', detail: `(${m.params.join(', ')})`, start: m.start, end: m.end, selectionStart: m.start, selectionEnd: m.end }));
  if (entry.schema) return entry.schema.models.map((m) => ({ name: m.name, kind: 'model', start: m.nameStart, end: m.nameEnd, selectionStart: m.nameStart, selectionEnd: m.nameEnd }));
  const a = entry.analysis;
  if (!a) return [];
  const out: DocumentSymbolInfo[] = [];
  for (const c of a.configs) {
    out.push({ name: 'config', kind: 'config', detail: c.args.map((x) => x.key).join(', '), start: c.blockStart, end: c.blockEnd, selectionStart: c.callStart, selectionEnd: c.callStart + 6 });
  }
  if (a.text.length > MAX_SQL_ANALYSIS) return out;
  for (const c of cteSymbols(a.text)) out.push({ name: c.name, kind: 'cte', start: c.start, end: c.end, selectionStart: c.nameStart, selectionEnd: c.nameEnd });
  return out;
}
