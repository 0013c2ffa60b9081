// Completion in schema/source YAML: model names under `models:`, a model's columns under `columns:`, generic
// tests under `tests:`/`data_tests:`, models and sources inside `ref('` / `source('`, and `config:` keys and values.
import type { DbtProject } from '../project/project';
import { CONFIG_KEYS } from '../project/config';
import { CORE_GENERIC_TESTS, knownGenericTests } from '../project/dataTests';
import type { Completion } from './completion';
import { yamlCursorAt, pathText, type YamlSegment } from './yamlCursor';

/** Snippets for dbt's core tests; their arguments go under `arguments:` (dbt 1.10+). */
const CORE_TEST_SNIPPETS: Record<string, { insert: string; doc: string }> = {
  not_null: { insert: 'not_null', doc: 'No row has a null in the column.' },
  unique: { insert: 'unique', doc: 'No value appears twice in the column.' },
  accepted_values: { insert: 'accepted_values:\n    arguments:\n      values: [$1]', doc: 'Every value is one of a given list.' },
  relationships: { insert: "relationships:\n    arguments:\n      to: ref('$1')\n      field: $2", doc: 'Every value exists in a column of another model (referential integrity).' },
};

export function testDescription(name: string): string | undefined {
  return CORE_TEST_SNIPPETS[name]?.doc;
}

const TESTS_KEYS = new Set(['tests', 'data_tests']);

export function yamlCompletions(project: DbtProject, file: string, offset: number): Completion[] {
  const text = project.entry(file)?.text;
  if (text === undefined) return [];
  const c = yamlCursorAt(text, offset);
  if (!c) return [];
  const at = (label: string, kind: Completion['kind'], extra: Partial<Completion> = {}): Completion => ({ label, kind, replaceStart: c.wordStart, replaceEnd: offset, ...extra });
  const where = pathText(c.path);

  if (c.on === 'value') {
    const call = /\b(ref|source)\(\s*(?:(['"])([\w.-]*)\2\s*,\s*)?['"]([\w.-]*)$/.exec(c.valueBefore);
    if (call) return callCompletions(project, call[1] as 'ref' | 'source', call[3], at);
    if (c.key === 'name' && where === 'models.-') return modelCompletions(project, at);
    if (c.key === 'name' && where === 'models.-.columns.-') return columnCompletions(project, modelOf(c.path), at);
    if (where === 'models.-.config') return (CONFIG_KEYS[c.key ?? '']?.values ?? []).map((v) => at(v, 'config-value', { detail: c.key }));
    return [];
  }
  const last = c.path[c.path.length - 2];
  if (c.dash && last?.kind === 'key' && TESTS_KEYS.has(last.key)) return testCompletions(project, at);
  if (!c.dash && where === 'models.-.config') {
    return Object.entries(CONFIG_KEYS).map(([k, spec]) => at(k, 'config-key', { detail: spec.values ? spec.values.join(' | ') : spec.kind, documentation: spec.description, insertText: `${k}: ` }));
  }
  return [];
}

/** The model name of the `models:` item enclosing the cursor. */
function modelOf(path: YamlSegment[]): string | undefined {
  const s = path[1];
  return s?.kind === 'item' ? s.name : undefined;
}

type At = (label: string, kind: Completion['kind'], extra?: Partial<Completion>) => Completion;

/** Models of the root package; those without a YAML entry first. */
function modelCompletions(project: DbtProject, at: At): Completion[] {
  const out: Completion[] = [];
  for (const name of project.modelNames()) {
    const node = project.nodes(name).find((n) => n.kind === 'model' && n.packageName === project.name);
    if (!node) continue;
    const documented = project.doc(name) !== undefined;
    out.push(at(name, 'model', { detail: `model · ${String(project.configOf(node).materialized ?? 'view')}${documented ? ' · in YAML' : ''}`, sortText: `${documented ? 1 : 0}${name}` }));
  }
  return out;
}

/** A model's known columns (bound by DuckDB, else declared in YAML), with their types. */
function columnCompletions(project: DbtProject, model: string | undefined, at: At): Completion[] {
  const node = model ? project.resolveRef({ name: model }) : undefined;
  if (!node) return [];
  return (project.columnsOfNode(node) ?? []).filter((col) => col.name).map((col) => at(col.name, 'column', { detail: col.type, documentation: col.description }));
}

function testCompletions(project: DbtProject, at: At): Completion[] {
  const core = Object.entries(CORE_TEST_SNIPPETS).map(([name, s]) => at(name, 'macro', {
    detail: 'dbt generic test', documentation: s.doc, insertText: s.insert, snippet: s.insert.includes('$'), sortText: `0${name}`,
  }));
  const custom = [...knownGenericTests(project)].filter((n) => !CORE_GENERIC_TESTS.has(n)).map((name) => at(name, 'macro', { detail: 'custom generic test', sortText: `1${name}` }));
  return [...core, ...custom];
}

function callCompletions(project: DbtProject, call: 'ref' | 'source', firstArg: string | undefined, at: At): Completion[] {
  if (call === 'ref') {
    return project.modelNames().map((m) => at(m, project.resolveRef({ name: m })!.kind, { later: true }));
  }
  if (firstArg === undefined) return project.sourceNames().map((n) => at(n, 'source', { detail: `source · schema ${project.sourceDefinitions(n)[0]?.schema ?? ''}` }));
  return project.sourceDefinitions(firstArg).flatMap((d) => d.tables).map((t) => at(t.name, 'table', { detail: `Iceberg ${t.icebergTable}`, documentation: t.description }));
}
