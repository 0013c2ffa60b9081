// "Add the model to schema YAML": an undocumented model's `models:` entry with its bound columns and their types (as
// dbt-codegen's generate_model_yaml writes it), appended to the schema YAML beside the model, or a new `<model>.yml`.
import path from 'node:path';
import type { DbtProject } from '../project/project';
import type { Column } from '../project/types';

export interface ModelYamlEdit {
  title: string;
  /** The YAML file written: an existing one (insert `text` at `offset`) or, with `create`, a new one holding `text`. */
  file: string;
  create: boolean;
  offset: number;
  text: string;
}

/** The entry to add for the model in `file`, or undefined when it has one (or is no enabled project model). */
export function modelYamlEntry(project: DbtProject, file: string, columns: readonly Column[] | undefined): ModelYamlEdit | undefined {
  const node = project.nodeOfFile(file);
  const entry = project.entry(file);
  if (!node || node.kind !== 'model' || !entry || entry.packageName !== project.name || project.doc(node.name)) return undefined;
  const dir = path.dirname(file);
  const what = columns?.length ? `'${node.name}' and its ${columns.length} column${columns.length === 1 ? '' : 's'}` : `'${node.name}'`;
  for (const yaml of [...project.files.values()].filter((e) => e.kind === 'yaml' && path.dirname(e.file) === dir).sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const at = endOfModels(yaml.text);
    if (!at) continue;
    const newline = at.offset > 0 && yaml.text[at.offset - 1] !== '\n' ? '\n' : '';
    return { title: `Add ${what} to ${path.basename(yaml.file)}`, file: yaml.file, create: false, offset: at.offset, text: newline + entryText(node.name, columns, at.indent) };
  }
  const created = path.join(dir, `${node.name}.yml`);
  if (project.entry(created)) return undefined;
  return { title: `Add ${what} to a new ${path.basename(created)}`, file: created, create: true, offset: 0, text: `version: 2\n\nmodels:\n${entryText(node.name, columns, '  ')}` };
}

/**
 * Where a block-style top-level `models:` list ends (after its last line that is not blank or a comment) and the
 * indentation of its items; undefined without one (flow style, `models: []`, or none).
 */
function endOfModels(text: string): { offset: number; indent: string } | undefined {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => /^models:[ \t]*(#.*)?\r?$/.test(l));
  if (start < 0) return undefined;
  let last = start;
  let indent: string | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i].replace(/\r$/, '');
    if (/^[ \t]*(#.*)?$/.test(line)) continue;
    // the block ends at the next top-level key or document marker (an indentless list's items start at column 0)
    if (!/^[ \t]/.test(line) && !line.startsWith('- ') && line !== '-') break;
    indent ??= /^([ \t]*)-( |$)/.exec(line)?.[1];
    last = i;
  }
  if (indent === undefined) return undefined;
  const offset = lines.slice(0, last + 1).reduce((n, l) => n + l.length + 1, 0);
  return { offset: Math.min(offset, text.length), indent };
}

function entryText(name: string, columns: readonly Column[] | undefined, indent: string): string {
  const inner = `${indent}  `;
  const out = [`${indent}- name: ${yamlScalar(name)}`, `${inner}description: ""`];
  if (columns?.length) {
    out.push(`${inner}columns:`);
    for (const c of columns) out.push(...columnLines(c, `${inner}  `, `${inner}    `));
  }
  return `${out.join('\n')}\n`;
}

/** A column's list item: `- name:` at `dash`, its other keys at `keys` (the column the name starts at). */
function columnLines(c: Column, dash: string, keys: string): string[] {
  const out = [`${dash}- ${' '.repeat(keys.length - dash.length - 2)}name: ${yamlScalar(c.name)}`];
  if (c.type) out.push(`${keys}data_type: ${yamlScalar(c.type.toLowerCase())}`);
  out.push(`${keys}description: ""`);
  return out;
}

/**
 * "Add N missing columns": a documented model's bound columns its schema YAML entry does not list, appended to that
 * entry's block-style `columns:` list (or a `columns:` made at the end of the entry), in the list's own indentation;
 * undefined when none is missing, or the entry is not one a line scan can extend (flow style, a versioned model).
 */
export function missingColumnsEdit(project: DbtProject, file: string, columns: readonly Column[] | undefined): ModelYamlEdit | undefined {
  const node = project.nodeOfFile(file);
  const doc = node?.kind === 'model' ? project.doc(node.name) : undefined;
  const yaml = doc && project.entry(doc.file);
  if (!node || !doc || !yaml || yaml.packageName !== project.name || doc.yamlKey || doc.versions || !columns?.length) return undefined;
  const listed = new Set(doc.columns.map((c) => c.name.toLowerCase()));
  const missing = columns.filter((c) => !listed.has(c.name.toLowerCase()));
  if (!missing.length) return undefined;
  const at = columnsInsertion(yaml.text, doc.nameStart);
  if (!at) return undefined;
  const eol = yaml.text.includes('\r\n') ? '\r\n' : '\n';
  const lines = missing.flatMap((c) => columnLines(c, at.dash, at.keys));
  const text = `${at.newline ? eol : ''}${at.header ? `${at.header}${eol}` : ''}${lines.join(eol)}${eol}`;
  const n = missing.length;
  return { title: `Add ${n} missing column${n === 1 ? '' : 's'} to '${node.name}' in ${path.basename(doc.file)}`, file: doc.file, create: false, offset: at.offset, text };
}

/** Where the missing columns go in the entry holding `nameAt`: after its `columns:` list, or a new `columns:` ends it. */
function columnsInsertion(text: string, nameAt: number): { offset: number; newline: boolean; header?: string; dash: string; keys: string } | undefined {
  const raw = text.split('\n');
  const lines = raw.map((l) => l.replace(/\r$/, ''));
  const starts: number[] = [0];
  for (const l of raw) starts.push(starts[starts.length - 1] + l.length + 1);
  const nameLine = starts.findIndex((o, i) => nameAt >= o && nameAt < starts[i + 1]);
  const blank = (l: string) => /^[ \t]*(#.*)?$/.test(l);
  const indentOf = (l: string) => /^ */.exec(l)![0].length;
  // the entry's keys start at the column of its `name:` key (after the item's dash, or on a line of its own)
  const key = /^( *)((?:- +)?)name *:/.exec(lines[nameLine] ?? '');
  if (!key) return undefined;
  const keyCol = key[1].length + key[2].length;
  let first = nameLine;
  if (!key[2]) {
    while (first > 0 && (blank(lines[first - 1]) || indentOf(lines[first - 1]) >= keyCol)) first--;
    first--;
    if (first < 0 || /^ *- +/.exec(lines[first])?.[0].length !== keyCol) return undefined;
  }
  // the entry's lines: up to the first line (not blank or a comment) left of its keys
  let last = nameLine;
  for (let i = nameLine + 1; i < lines.length && (blank(lines[i]) || indentOf(lines[i]) >= keyCol); i++) if (!blank(lines[i])) last = i;
  const keyAt = (i: number) => (i === first ? lines[i].slice(keyCol) : indentOf(lines[i]) === keyCol ? lines[i].slice(keyCol) : undefined);
  const columnsLine = [...Array(last - first + 1).keys()].map((k) => first + k).find((i) => /^columns *:/.test(keyAt(i) ?? ''));
  // after line i's line break (a last line without one gets one)
  const after = (i: number) => ({ offset: Math.min(starts[i + 1], text.length), newline: starts[i + 1] > text.length });
  if (columnsLine === undefined) {
    const inner = ' '.repeat(keyCol);
    return { ...after(last), header: `${inner}columns:`, dash: `${inner}  `, keys: `${inner}    ` };
  }
  if (!/^columns *:[ \t]*(#.*)?$/.test(keyAt(columnsLine)!)) return undefined; // flow style or a scalar
  // the list: lines right of the key, or an indentless list's items at the key's column
  let end = columnsLine;
  let item: RegExpExecArray | null = null;
  for (let i = columnsLine + 1; i <= last; i++) {
    if (blank(lines[i])) continue;
    const indent = indentOf(lines[i]);
    if (indent < keyCol || (indent === keyCol && !/^ *- /.test(lines[i]))) break;
    item ??= /^( *)(- +)/.exec(lines[i]);
    end = i;
  }
  if (end === columnsLine) {
    const inner = ' '.repeat(keyCol);
    return { ...after(columnsLine), dash: `${inner}  `, keys: `${inner}    ` };
  }
  if (!item) return undefined;
  return { ...after(end), dash: item[1], keys: ' '.repeat(item[1].length + item[2].length) };
}

/** A plain scalar when YAML reads it back as the same string, else double-quoted. */
function yamlScalar(s: string): string {
  const plain = /^[A-Za-z_][\w ().,]*$/.test(s) && !/[ ]$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(s);
  return plain ? s : JSON.stringify(s);
}
