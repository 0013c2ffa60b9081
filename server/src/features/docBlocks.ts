// Find All References and rename for dbt docs blocks (`{% docs name %}` in .md files), from the block's name or any
// `doc('name')` use in schema YAML or Markdown.
import type { DbtProject, FileEntry } from '../project/project';
import type { Location } from '../project/types';
import { docUsesIn, type DocBlock } from '../project/docBlocks';

/** Where a doc is used or defined, in files that can hold either. */
function spansIn(e: FileEntry): DocBlock[] {
  if (e.kind === 'docs') return [...(e.docBlocks ?? []), ...docUsesIn(e.text)];
  if (e.kind === 'yaml' && e.text.includes('doc(')) return docUsesIn(e.text);
  return [];
}

/** The docs block named at `offset`: on a block's name in Markdown, or on a `doc('…')` in YAML or Markdown. */
export function docNameAt(project: DbtProject, file: string, offset: number): DocBlock | undefined {
  const entry = project.entry(file);
  return entry ? spansIn(entry).find((s) => s.start <= offset && offset <= s.end) : undefined;
}

/** Whether the project defines the docs block `name`. */
function defined(project: DbtProject, name: string): boolean {
  for (const e of project.files.values()) if (e.docBlocks?.some((b) => b.name === name)) return true;
  return false;
}

/** Hover text of a docs block: its text as the description it becomes (shortened), or that no block has the name. */
export function docHoverMarkdown(project: DbtProject, name: string): string {
  for (const e of project.files.values()) {
    const block = e.docBlocks?.find((b) => b.name === name && b.body);
    if (!block?.body) continue;
    const text = e.text.slice(block.body.start, block.body.end).trim();
    return `**doc ${name}**\n\n${text.length > 1500 ? `${text.slice(0, 1500)}…` : text}`;
  }
  return `**doc ${name}** · no \`{% docs ${name} %}\` block in the project or its packages: dbt fails to parse this`;
}

/** Every definition and use of the docs block `name` in the project, definitions first. */
export function docMentions(project: DbtProject, name: string, includeDefinitions = true): Location[] {
  const definitions: Location[] = [];
  const uses: Location[] = [];
  for (const e of project.files.values()) {
    for (const b of e.docBlocks ?? []) if (b.name === name) definitions.push({ file: e.file, start: b.start, end: b.end });
    if (e.kind !== 'docs' && !(e.kind === 'yaml' && e.text.includes('doc('))) continue;
    for (const u of docUsesIn(e.text)) if (u.name === name) uses.push({ file: e.file, start: u.start, end: u.end });
  }
  return includeDefinitions ? [...definitions, ...uses] : uses;
}

/** The edits that rename docs block `name` to `newName`: its definition and every use; an error when it cannot. */
export function renameDocEdits(project: DbtProject, name: string, newName: string): Array<Location & { newText: string }> | { error: string } {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `'${newName}' is not a valid docs block name (letters, digits and _).` };
  if (!defined(project, name)) return { error: `No {% docs ${name} %} block in the project's .md files: there is nothing to rename.` };
  if (defined(project, newName)) return { error: `A docs block named '${newName}' already exists.` };
  return docMentions(project, name).map((m) => ({ ...m, newText: newName }));
}
