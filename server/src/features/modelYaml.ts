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
    for (const c of columns) {
      out.push(`${inner}  - name: ${yamlScalar(c.name)}`);
      if (c.type) out.push(`${inner}    data_type: ${yamlScalar(c.type.toLowerCase())}`);
      out.push(`${inner}    description: ""`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** A plain scalar when YAML reads it back as the same string, else double-quoted. */
function yamlScalar(s: string): string {
  const plain = /^[A-Za-z_][\w ().,]*$/.test(s) && !/[ ]$/.test(s) && !/^(true|false|yes|no|on|off|null|y|n)$/i.test(s);
  return plain ? s : JSON.stringify(s);
}
