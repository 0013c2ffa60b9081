// Go to definition, find references and rename, for refs (models), sources, macros and upstream columns.
import { downstreamColumnReferences } from './columnLineage';
import path from 'node:path';
import type { DbtProject, FileEntry } from '../project/project';
import { type MacroUse, type ModelFileAnalysis, type RefUse, type SourceUse } from '../project/modelFile';
import type { Location } from '../project/types';
import { blockAt } from '../jinja/scanner';
import { nestedTemplateAt, nestedTemplates, templateAnalysis, wordAt } from './cursor';
import { dispatchedMacro } from './macroDispatch';
import { varAt, varLocation, varReferences } from './vars';
import { findColumn } from './hover';
import { genericTestLocation, yamlTargetAt } from './yamlNavigation';
import { coreTestOverride } from '../project/dataTests';
import { yamlModelMentions } from './yamlMentions';
import { docMentions, docNameAt, renameDocEdits } from './docBlocks';
import { outputColumnAt, outputColumnNamed, renameColumn, type OutputColumnAt } from './columnRename';
import { yamlColumnAt } from './yamlColumnMentions';

/** A macro call's `caller`: the package of the file it is in, whose macro an unqualified name runs first. */
type Target = { kind: 'model'; name: string } | { kind: 'source'; source: string; table: string } | { kind: 'macro'; name: string; namespace?: string; caller?: string };

/** What the cursor names: a ref, a source, a macro call, or (in a model file itself) the model. */
function targetAt(project: DbtProject, file: string, offset: number): Target | undefined {
  const entry = project.entry(file);
  const a = entry?.analysis;
  if (!a) {
    const calls = entry?.kind === 'macro' && !entry.macros?.some((m) => m.start <= offset && offset <= m.end) ? templateAnalysis(entry) : undefined;
    if (calls) return targetIn(calls, offset, entry!.packageName);
    // In YAML: a ref()/source() in a value (a hook's template, a relationships test), a model or source table name.
    const call = entry?.kind === 'yaml' || entry?.kind === 'dbt_project' ? yamlTargetAt(entry.text, offset) : undefined;
    if (call?.kind === 'model' || call?.kind === 'source') return call.kind === 'model' ? { kind: 'model', name: call.name } : { kind: 'source', source: call.source, table: call.table };
    for (const m of entry?.schema?.models ?? []) if (m.nameStart <= offset && offset <= m.nameEnd) return { kind: 'model', name: m.name };
    for (const s of entry?.schema?.sources ?? []) for (const t of s.tables) if (t.nameStart <= offset && offset <= t.nameEnd) return { kind: 'source', source: s.name, table: t.name };
    for (const m of entry?.macros ?? []) if (m.start <= offset && offset <= m.end) return { kind: 'macro', name: m.name, namespace: entry!.packageName };
    return undefined;
  }
  return targetIn(a, offset, entry!.packageName);
}

/** The ref, source or macro call under `offset` in a model-like file's analysis, or in a hook string's template there. */
function targetIn(a: ModelFileAnalysis, offset: number, caller: string): Target | undefined {
  const ref = a.refs.find((r) => r.callStart <= offset && offset <= r.callEnd);
  if (ref) return { kind: 'model', name: ref.name };
  const src = a.sources.find((s) => s.callStart <= offset && offset <= s.callEnd);
  if (src) return { kind: 'source', source: src.source, table: src.table };
  const m = a.macroCalls.find((x) => x.start <= offset && offset <= x.end);
  if (m) return { kind: 'macro', name: m.name, namespace: m.namespace, caller };
  const nested = nestedTemplateAt(a, offset);
  return nested && targetIn(nested.analysis, offset - nested.base, caller);
}

export function definition(project: DbtProject, file: string, offset: number): Location[] {
  const entry = project.entry(file);
  const doc = docNameAt(project, file, offset);
  if (doc) return docMentions(project, doc.name).filter((m) => project.entry(m.file)?.docBlocks?.some((b) => b.start === m.start));
  // In schema YAML: a model's name, ref()/source() in a relationships test, or a custom test's name.
  const inYaml = entry?.kind === 'yaml' ? yamlTargetAt(entry.text, offset) : undefined;
  if (inYaml?.kind === 'test') {
    // a core test the project overrides: the macro dbt runs for it (its `<adapter>__test_unique`, say)
    const override = coreTestOverride(project, inYaml.name);
    if (override) return [{ file: override.file, start: override.start, end: override.end }];
    const loc = genericTestLocation(project, inYaml.name);
    return loc ? [loc] : [];
  }
  // in a model, or in a macro file's body (`{% macro m() %}{{ var('x') }}`)
  const analysis = templateAnalysis(entry);
  const v = analysis && varAt(analysis, offset);
  if (v) {
    const set = varLocation(project, entry!.packageName, v.name);
    return set ? [set] : [];
  }
  const t = inYaml ?? targetAt(project, file, offset);
  if (t?.kind === 'model') {
    const node = project.resolveRef({ name: t.name });
    // a ref to a turned-off model (from another turned-off one, say): its file, as the editor knows no node
    if (node) return [{ file: node.file, start: node.nameStart, end: node.nameEnd }];
    const off = project.disabledFilesNamed(t.name);
    // the root project's copy when a package has one too, as a ref resolves
    const own = off.filter((f) => project.entry(f)?.packageName === project.name);
    return (own.length ? own : off).map((f) => ({ file: f, start: 0, end: 0 }));
  }
  if (t?.kind === 'source') {
    const table = project.resolveSource(t);
    return table ? [{ file: table.file, start: table.nameStart, end: table.nameEnd }] : [];
  }
  if (t?.kind === 'macro') {
    const def = project.macroCalled(t.name, t.namespace, t.caller ?? project.name);
    if (!def) return [];
    // a dispatching macro: also the implementation dbt runs for this adapter (a project's override included)
    const impl = dispatchedMacro(project, def, entry?.packageName ?? project.name);
    return [def, ...(impl ? [impl] : [])].map((d) => ({ file: d.file, start: d.start, end: d.end }));
  }
  const a = project.entry(file)?.analysis;
  if (!a || blockAt(a.scan, offset)) return [];
  const w = wordAt(a.text, offset);
  const col = w ? findColumn(project, file, w.word, w.qualifier, offset) : undefined;
  if (!col?.location) return [];
  // Point at the column's last mention in the upstream file (its final select), else the relation itself.
  const upstream = project.entry(col.location.file);
  if (upstream?.analysis) {
    const re = new RegExp(`\\b${col.name.replace(/[^\w]/g, '')}\\b`, 'gi');
    let last: RegExpExecArray | null = null;
    for (let m = re.exec(upstream.text); m; m = re.exec(upstream.text)) last = m;
    if (last) return [{ file: col.location.file, start: last.index, end: last.index + last[0].length }];
  }
  if (upstream?.schema) {
    const idx = upstream.text.indexOf(`name: ${col.name}`, col.location.start);
    if (idx !== -1) return [{ file: col.location.file, start: idx + 6, end: idx + 6 + col.name.length }];
  }
  return [col.location];
}

export function references(project: DbtProject, file: string, offset: number, includeDeclaration = true): Location[] {
  const doc = docNameAt(project, file, offset);
  if (doc) return docMentions(project, doc.name, includeDeclaration);
  const entry = project.entry(file);
  const analysis = templateAnalysis(entry);
  const v = analysis && varAt(analysis, offset);
  if (v) return varReferences(project, entry!.packageName, v.name, includeDeclaration);
  let t = targetAt(project, file, offset);
  if (!t) {
    const columns = columnReferences(project, file, offset, includeDeclaration);
    // a model's own column: where downstream models read it (column lineage), with its upstream's mentions
    const downstream = downstreamColumnReferences(project, file, offset, includeDeclaration).filter((d) => !columns.some((c) => c.file === d.file && c.start === d.start));
    if (columns.length || downstream.length) return [...columns, ...downstream];
  }
  if (!t && entry?.analysis) {
    const node = project.nodeOfFile(file);
    if (node) t = { kind: 'model', name: node.name };
  }
  if (!t) return [];
  const out: Location[] = [];
  const target = t;
  // a macro call is a use of this macro when it resolves to it (`dbt_utils.star` is not the project's `star`)
  const macro = target.kind === 'macro' ? project.macroCalled(target.name, target.namespace, target.caller ?? project.name) : undefined;
  for (const e of project.files.values()) {
    if (target.kind === 'model') for (const m of e.schema?.models ?? []) if (m.name === target.name) out.push({ file: e.file, start: m.nameStart, end: m.nameEnd });
    const a = usesIn(e, target.kind === 'source' ? target.table : target.name);
    if (!a) continue;
    if (target.kind === 'model') for (const r of a.refs) if (r.name === target.name) out.push({ file: e.file, start: r.start + 1, end: r.end - 1 });
    if (target.kind === 'source') for (const s of a.sources) if (s.source === target.source && s.table === target.table) out.push({ file: e.file, start: s.callStart, end: s.callEnd });
    if (target.kind === 'macro') {
      for (const m of a.macroCalls) if (m.name === target.name && (!macro || project.macroCalled(m.name, m.namespace, e.packageName) === macro)) out.push({ file: e.file, start: m.start, end: m.end });
    }
  }
  if (target.kind === 'model') out.push(...yamlModelMentions(project, target.name));
  if (includeDeclaration) out.unshift(...definition(project, file, offset).filter((d) => !out.some((o) => o.file === d.file && o.start === d.start)));
  return out;
}

/** A file's refs, sources and macro calls, with file offsets. */
interface Uses {
  refs: readonly RefUse[];
  sources: readonly SourceUse[];
  macroCalls: readonly MacroUse[];
}

const fileUses = new WeakMap<FileEntry, { text: string; uses: Uses }>();

/**
 * What a file uses (refs, sources, macro calls): a model's, or (when its text holds `needle` at all) a macro file's read
 * the same way (`{% macro x() %}… ref('m') …`, which dbt renders as uses); with the uses in its hooks' templates
 * (`pre_hook="delete … {{ ref('m') }}"`).
 */
function usesIn(e: FileEntry, needle: string): Uses | undefined {
  if (!e.analysis && (e.kind !== 'macro' || !e.text.includes(needle))) return undefined;
  let kept = fileUses.get(e);
  if (kept?.text !== e.text) {
    const a = templateAnalysis(e)!;
    const nested = nestedTemplates(a);
    const uses: Uses = nested.length ? { refs: [...a.refs], sources: [...a.sources], macroCalls: [...a.macroCalls] } : a;
    for (const { analysis: n, base } of nested) {
      (uses.refs as RefUse[]).push(...n.refs.map((r) => ({ ...r, start: r.start + base, end: r.end + base, callStart: r.callStart + base, callEnd: r.callEnd + base })));
      (uses.sources as SourceUse[]).push(...n.sources.map((u) => ({ ...u, sourceStart: u.sourceStart + base, sourceEnd: u.sourceEnd + base, tableStart: u.tableStart + base, tableEnd: u.tableEnd + base, callStart: u.callStart + base, callEnd: u.callEnd + base })));
      (uses.macroCalls as MacroUse[]).push(...n.macroCalls.map((m) => ({ ...m, start: m.start + base, end: m.end + base })));
    }
    fileUses.set(e, kept = { text: e.text, uses });
  }
  return kept.uses;
}

export interface RenameResult {
  /** `prose`: an edit of docs text, which the user confirms apart. */
  edits: Array<Location & { newText: string; prose?: boolean }>;
  /** The model file's new path. */
  renameFile?: { from: string; to: string };
  /** Shown to the user to review the edit before it is applied (a column rename reaches into other models). */
  review?: string;
}

export interface RenameError {
  error: string;
}

/**
 * Renames a model (every ref to it in SQL and YAML, its YAML entries, unit tests' `model:`, and its file), a docs
 * block (its `{% docs %}` name and every `doc('…')` use), or a model's output column (columnRename.ts).
 */
export function renameModel(project: DbtProject, file: string, offset: number, newName: string): RenameResult | RenameError {
  const doc = docNameAt(project, file, offset);
  if (doc) {
    const edits = renameDocEdits(project, doc.name, newName);
    return 'error' in edits ? edits : { edits };
  }
  const inYaml = yamlColumnTarget(project, file, offset);
  if (inYaml) return 'error' in inYaml ? inYaml : renameColumn(project, inYaml, newName);
  let t = targetAt(project, file, offset);
  const column = t ? undefined : outputColumnAt(project, file, offset);
  if (column) return renameColumn(project, column, newName);
  if (!t && project.entry(file)?.analysis) {
    const node = project.nodeOfFile(file);
    if (node) t = { kind: 'model', name: node.name };
  }
  if (t?.kind !== 'model') return { error: 'Rename works on a model or a docs block: put the cursor on a ref(), in the model file, on a {% docs %} name or on a doc().' };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `'${newName}' is not a valid model name (letters, digits and _).` };
  if (project.nodes(newName).length) return { error: `A model named '${newName}' already exists.` };
  const node = project.resolveRef({ name: t.name });
  if (!node || node.kind !== 'model') return { error: `Model '${t.name}' not found.` };
  const edits: RenameResult['edits'] = [];
  for (const e of project.files.values()) {
    for (const r of usesIn(e, node.name)?.refs ?? []) if (r.name === node.name) edits.push({ file: e.file, start: r.start + 1, end: r.end - 1, newText: newName });
    for (const m of e.schema?.models ?? []) if (m.name === node.name) edits.push({ file: e.file, start: m.nameStart, end: m.nameEnd, newText: newName });
  }
  for (const m of yamlModelMentions(project, node.name)) edits.push({ ...m, newText: newName });
  return { edits, renameFile: { from: node.file, to: path.join(path.dirname(node.file), `${newName}.sql`) } };
}

/** A column entry of a model in schema YAML under the cursor, as the model's output column; an error when the SQL does not name it. */
function yamlColumnTarget(project: DbtProject, file: string, offset: number): OutputColumnAt | RenameError | undefined {
  const entry = project.entry(file);
  const at = entry?.schema ? yamlColumnAt(entry.text, offset) : undefined;
  const node = at ? project.resolveRef({ name: at.model }) : undefined;
  if (!at || !node) return undefined;
  return outputColumnNamed(project, node.file, at.column) ?? { error: `${node.name}'s SQL has no select item naming ${at.column} (it may come through a *): rename it in the model's SQL.` };
}

/** The range rename would act on at offset, for prepareRename. */
export function renameRange(project: DbtProject, file: string, offset: number): { start: number; end: number; placeholder: string } | undefined {
  const doc = docNameAt(project, file, offset);
  if (doc) return { start: doc.start, end: doc.end, placeholder: doc.name };
  const entry = project.entry(file);
  const yamlColumn = entry?.schema ? yamlColumnAt(entry.text, offset) : undefined;
  if (yamlColumn) return { start: yamlColumn.start, end: yamlColumn.end, placeholder: yamlColumn.column };
  const a = project.entry(file)?.analysis;
  const ref = a ? refIn(a, offset) : yamlRefAt(entry, offset);
  if (ref) return ref;
  const column = a && !targetAt(project, file, offset) ? outputColumnAt(project, file, offset) : undefined;
  if (column) return { start: column.start, end: column.end, placeholder: column.column };
  const node = a ? project.nodeOfFile(file) : undefined;
  if (node?.kind === 'model') {
    const w = wordAt(a!.text, offset);
    return { start: w?.start ?? offset, end: w?.end ?? offset, placeholder: node.name };
  }
  return undefined;
}

/** References of an upstream column: its mentions in every model reading the same upstream (outside Jinja). */
function columnReferences(project: DbtProject, file: string, offset: number, includeDeclaration: boolean): Location[] {
  const a = project.entry(file)?.analysis;
  if (!a || blockAt(a.scan, offset)) return [];
  const w = wordAt(a.text, offset);
  const col = w ? findColumn(project, file, w.word, w.qualifier, offset) : undefined;
  if (!col?.location) return [];
  const upstreamFile = col.location.file;
  const word = new RegExp(`\\b${col.name.replace(/[^\w]/g, '')}\\b`, 'gi');
  const out: Location[] = includeDeclaration ? definition(project, file, offset) : [];
  for (const e of project.files.values()) {
    const ea = e.analysis;
    if (!ea) continue;
    const reads = ea.refs.some((r) => project.resolveRef(r)?.file === upstreamFile)
      || ea.sources.some((s) => project.resolveSource(s)?.file === upstreamFile && project.resolveSource(s)?.nameStart === col.location!.start);
    if (!reads) continue;
    const scan = ea.scan; // scanned on each read: once per file
    for (let m = word.exec(ea.text); m; m = word.exec(ea.text)) {
      if (!blockAt(scan, m.index)) out.push({ file: e.file, start: m.index, end: m.index + m[0].length });
    }
  }
  return out;
}

/** The name of the ref() under `offset` in a model-like file's analysis, or in a hook string's template there. */
function refIn(a: ModelFileAnalysis, offset: number): { start: number; end: number; placeholder: string } | undefined {
  const ref = a.refs.find((r) => r.callStart <= offset && offset <= r.callEnd);
  if (ref) return { start: ref.start + 1, end: ref.end - 1, placeholder: ref.name };
  const nested = nestedTemplateAt(a, offset);
  const inner = nested && refIn(nested.analysis, offset - nested.base);
  return inner && { ...inner, start: inner.start + nested.base, end: inner.end + nested.base };
}

/** The name of the ref() under `offset` in YAML (a hook's template, a relationships test's `to:`). */
function yamlRefAt(entry: FileEntry | undefined, offset: number): { start: number; end: number; placeholder: string } | undefined {
  if (entry?.kind !== 'yaml' && entry?.kind !== 'dbt_project') return undefined;
  const t = yamlTargetAt(entry.text, offset);
  if (t?.kind !== 'model' || !/^ref\b/.test(entry.text.slice(t.start, t.end))) return undefined;
  // the last quoted argument: `ref('pkg', 'm')` names m
  const call = entry.text.slice(t.start, t.end);
  const at = Math.max(call.lastIndexOf(`'${t.name}'`), call.lastIndexOf(`"${t.name}"`));
  return at < 0 ? undefined : { start: t.start + at + 1, end: t.start + at + 1 + t.name.length, placeholder: t.name };
}
