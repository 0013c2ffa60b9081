// What a cursor in schema YAML names, for go to definition (features/navigation.ts) and hover: a model's `name:`, `ref('x')`
// / `source('s', 't')` in a value (a relationships `to:`), or a custom generic test's name (→ its `{% test %}` block).
import type { DbtProject } from '../project/project';
import type { Location } from '../project/types';
import { parseRelationTarget } from '../project/dataTests';
import { yamlCursorAt, pathText, type YamlCursor } from './yamlCursor';

/** What a YAML cursor names: a model, a source table, or a generic test. */
export type YamlTarget =
  | { kind: 'model'; name: string; start: number; end: number }
  | { kind: 'source'; source: string; table: string; start: number; end: number }
  | { kind: 'test'; name: string; start: number; end: number };

const TESTS_KEYS = new Set(['tests', 'data_tests']);

export function yamlTargetAt(text: string, offset: number): YamlTarget | undefined {
  const c = yamlCursorAt(text, offset);
  if (!c || !c.word && c.on !== 'value') return undefined;
  if (c.on === 'value') {
    const call = callAround(text, offset);
    if (call) return call;
    if (c.key === 'name' && pathText(c.path) === 'models.-' && c.word) return { kind: 'model', name: c.word, start: c.wordStart, end: c.wordEnd };
    return undefined;
  }
  return isTestName(c) ? { kind: 'test', name: c.word, start: c.wordStart, end: c.wordEnd } : undefined;
}

/** A list item (or its key) directly under `tests:` / `data_tests:`. */
function isTestName(c: YamlCursor): boolean {
  const owner = c.path[c.path.length - 2];
  return c.dash && !!c.word && owner?.kind === 'key' && TESTS_KEYS.has(owner.key);
}

/** The `ref(...)` or `source(...)` call on the cursor's line that spans the cursor. */
function callAround(text: string, offset: number): YamlTarget | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  let lineEnd = text.indexOf('\n', offset);
  if (lineEnd === -1) lineEnd = text.length;
  const line = text.slice(lineStart, lineEnd);
  for (const m of line.matchAll(/\b(?:ref|source)\([^)]*\)/g)) {
    const start = lineStart + m.index!;
    const end = start + m[0].length;
    if (offset < start || offset > end) continue;
    const t = parseRelationTarget(m[0]);
    if (t?.kind === 'model') return { kind: 'model', name: t.name, start, end };
    if (t?.kind === 'source') return { kind: 'source', source: t.source, table: t.table, start, end };
  }
  return undefined;
}

/** Where a custom generic test is defined: its `{% test name(...) %}` (or `{% macro test_name(...) %}`) block. */
export function genericTestLocation(project: DbtProject, name: string): Location | undefined {
  const bare = name.slice(name.lastIndexOf('.') + 1);
  const pkg = name.includes('.') ? name.slice(0, name.lastIndexOf('.')) : undefined;
  const re = new RegExp(`\\{%-?\\s*(?:test\\s+${bare}|macro\\s+test_${bare})\\s*\\(`);
  for (const e of project.files.values()) {
    if (e.kind !== 'macro' || (pkg && e.packageName !== pkg)) continue;
    const m = re.exec(e.text);
    if (m) return { file: e.file, start: m.index, end: m.index + m[0].length };
  }
  return undefined;
}
