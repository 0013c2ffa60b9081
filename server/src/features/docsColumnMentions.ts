// Where Markdown docs name one column, for column rename. A docs block belongs to a column when every `doc('…')` use
// of it is the description of a column being renamed (the column and the models a `select *` passes it on to); a
// block also used elsewhere (another model's column, a model's description) is shared and left as it is, with a note.
// In a block that belongs to the column: its mentions in backticks, and bare whole-word mentions when the name looks
// like an identifier (has `_` or a digit), so an English word such as "amount" in prose is never touched; and the
// block's name when it follows the column's (`<col>` or `<anything>__<col>`), with its doc() uses.
import path from 'node:path';
import { parseDocument, isMap, isSeq, isScalar } from 'yaml';
import type { DbtProject } from '../project/project';
import type { Location } from '../project/types';
import { docUsesIn, type DocBlock } from '../project/docBlocks';
import { docMentions } from './docBlocks';

export type DocsEdit = Location & { newText: string; prose?: boolean };

export interface DocsColumnMentions {
  edits: DocsEdit[];
  /** Why a docs block that describes the column was left unchanged. */
  notes: string[];
}

const key = (model: string, column: string) => `${model}.${column.toLowerCase()}`;

/**
 * Edits renaming `column` to `newName` in the docs blocks of the columns being renamed (`renamed`: model → column,
 * the column under its name in each model of the `select *` chain).
 */
export function docsColumnMentions(project: DbtProject, renamed: Map<string, string>, column: string, newName: string): DocsColumnMentions {
  const wanted = new Set([...renamed].map(([m, c]) => key(m, c)));
  const owners = docOwners(project);
  const blocks = new Map<string, Array<DocBlock & { file: string }>>();
  // the project's own blocks: an installed package's docs are not the user's to edit
  for (const e of project.files.values()) if (e.packageName === project.name) for (const b of e.docBlocks ?? []) blocks.set(b.name, [...(blocks.get(b.name) ?? []), { ...b, file: e.file }]);
  const edits: DocsEdit[] = [];
  const notes: string[] = [];
  for (const [name, uses] of owners) {
    if (![...uses].some((o) => wanted.has(o)) || !blocks.has(name)) continue;
    const others = [...uses].filter((o) => !wanted.has(o));
    if (others.length) {
      notes.push(`docs block '${name}' left unchanged: it also describes ${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}`);
      continue;
    }
    const defs = blocks.get(name)!;
    for (const b of defs) edits.push(...proseEdits(project.entry(b.file)!.text, b, column, newName));
    const follows = name.toLowerCase() === column.toLowerCase() || name.toLowerCase().endsWith(`__${column.toLowerCase()}`);
    if (!follows) continue;
    const newBlock = name.slice(0, name.length - column.length) + newName;
    if (blocks.has(newBlock)) {
      notes.push(`docs block '${name}' keeps its name: a block '${newBlock}' already exists`);
      continue;
    }
    for (const b of defs) edits.push({ file: b.file, start: b.start, end: b.end, newText: newBlock });
    for (const u of docMentions(project, name, false)) edits.push({ ...u, newText: newBlock });
  }
  return { edits, notes };
}

/** Mentions of the column in a block's text: in backticks always, bare only when the name cannot be an English word. */
function proseEdits(text: string, b: DocBlock & { file: string }, column: string, newName: string): DocsEdit[] {
  if (!b.body) return [];
  const body = text.slice(b.body.start, b.body.end);
  const escaped = column.replace(/[^\w]/g, '');
  const identifierLike = /[_\d]/.test(column);
  const out: DocsEdit[] = [];
  for (const m of body.matchAll(new RegExp(`(?<![\\w.])${escaped}(?!\\w)`, 'g'))) {
    const at = m.index!;
    const ticked = body[at - 1] === '`' && body[at + column.length] === '`';
    // inside a doc('…') or a Jinja tag the name is code, not prose: leave it
    const line = body.slice(body.lastIndexOf('\n', at) + 1, at);
    if (!(ticked || identifierLike) || /\{[{%][^}]*$/.test(line)) continue;
    out.push({ file: b.file, start: b.body.start + at, end: b.body.start + at + column.length, newText: newName, prose: true });
  }
  return out;
}

/** For each docs block name: the `model.column` keys whose YAML descriptions use it, and a label for each other use. */
function docOwners(project: DbtProject): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (name: string, owner: string) => out.set(name, (out.get(name) ?? new Set()).add(owner));
  for (const e of project.files.values()) {
    if (e.kind === 'docs') {
      for (const u of docUsesIn(e.text)) add(u.name, `a doc() in ${path.relative(project.root, e.file)}`);
      continue;
    }
    if (e.kind !== 'yaml' || !e.text.includes('doc(')) continue;
    const doc = parseDocument(e.text, { uniqueKeys: false });
    const columnUses = new Set<number>();
    if (isMap(doc.contents)) {
      const models = doc.contents.get('models', true);
      for (const m of isSeq(models) ? models.items : []) {
        if (!isMap(m) || typeof m.get('name') !== 'string') continue;
        const cols = m.get('columns', true);
        for (const c of isSeq(cols) ? cols.items : []) {
          const d = isMap(c) ? c.get('description', true) : undefined;
          if (!isMap(c) || typeof c.get('name') !== 'string' || !isScalar(d) || !d.range) continue;
          for (const u of docUsesIn(e.text.slice(d.range[0], d.range[1]))) {
            add(u.name, key(m.get('name') as string, c.get('name') as string));
            columnUses.add(d.range[0] + u.start);
          }
        }
      }
    }
    for (const u of docUsesIn(e.text)) if (!columnUses.has(u.start)) add(u.name, `a doc() in ${path.relative(project.root, e.file)}`);
  }
  return out;
}
