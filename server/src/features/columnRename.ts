// Rename of a model's output column: the select item that names it, the models downstream where they read it (their
// own output keeps its name: a bare use becomes `new as old`; a `select *` passes the rename on to that model's output
// and on down), schema YAML (columns, tests, contracts, unit test rows), csv and sql unit test fixtures
// (fixtureColumnMentions.ts) and the docs blocks describing it (docsColumnMentions.ts). A use that cannot be attributed
// exactly refuses the whole rename with the reason, so no same-named column of another relation is ever touched.
import type { DbtProject, ModelNode } from '../project/project';
import type { Location } from '../project/types';
import { outline, tokenIndexAt } from '../sql/outline';
import { isWord } from '../sql/lexer';
import { scopeAt } from '../sql/scope';
import { cteSelectItems, selectItemsAt, type SelectItem } from '../sql/selectList';
import { columnUses, cteColumnUses, type ColumnUses } from './columnUses';
import { yamlColumnMentions } from './yamlColumnMentions';
import { docsColumnMentions } from './docsColumnMentions';
import { fixtureColumnMentions } from './fixtureColumnMentions';
import type { RenameError, RenameResult } from './navigation';
import path from 'node:path';

export interface OutputColumnAt {
  node: ModelNode;
  column: string;
  /** The output name's span (the alias, or the column itself for a bare item). */
  start: number;
  end: number;
  item: SelectItem;
  /** The item belongs to this CTE, which the final select reads with `select * from cte`. */
  cte?: string;
}

/** The model's output column whose name is under the cursor: in the final select, or in the CTE it selects * from. */
export function outputColumnAt(project: DbtProject, file: string, offset: number): OutputColumnAt | undefined {
  return outputColumns(project, file)?.find((c) => c.start <= offset && offset <= c.end);
}

/** The model's output column of this name, where its select item names it. */
export function outputColumnNamed(project: DbtProject, file: string, column: string): OutputColumnAt | undefined {
  return outputColumns(project, file)?.find((c) => c.column.toLowerCase() === column.toLowerCase());
}

/** The named items of the final select, or of the CTE a `select * from cte` final select reads. */
function outputColumns(project: DbtProject, file: string): OutputColumnAt[] | undefined {
  const a = project.entry(file)?.analysis;
  const node = a ? project.nodeOfFile(file) : undefined;
  if (!a || node?.kind !== 'model') return undefined;
  const o = outline(a.text);
  const select = o.tokens.findIndex((x, k) => o.parent[k] === -1 && isWord(x, 'select'));
  if (select < 0) return undefined;
  const named = (items: SelectItem[], cte?: string): OutputColumnAt[] => items.filter((it) => it.name).map((it) => {
    const t = o.tokens[tokenIndexAt(o, it.end - 1)];
    return { node, column: it.name!.replace(/^"|"$/g, ''), start: t.start, end: t.end, item: it, ...(cte ? { cte } : {}) };
  });
  const finalItems = selectItemsAt(o, o.tokens[select].end);
  // `select * from final`: the columns are final's
  const relations = scopeAt(o, o.tokens[select].end + 1).relations.filter((r) => r.level === 0);
  if (finalItems.length !== 1 || !finalItems[0].star || finalItems[0].star.qualifier || relations.length !== 1 || relations[0].kind !== 'cte') return named(finalItems);
  const cte = o.ctes.find((c) => c.depth === 0 && c.name === relations[0].name[0]);
  return cte ? named(cteSelectItems(o, cte), cte.name) : [];
}

type Edit = Location & { newText: string; prose?: boolean };

/** Every edit renaming the output column under the cursor to `newName`, or why it cannot be done exactly. */
export function renameColumn(project: DbtProject, at: OutputColumnAt, newName: string): RenameResult | RenameError {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `'${newName}' is not a column name Floe can rename to (letters, digits and _).` };
  const { node, column } = at;
  if (newName.toLowerCase() === column.toLowerCase()) return { edits: [] };
  const known = project.columnsOfNode(node)?.map((c) => c.name.toLowerCase()) ?? [];
  if (known.includes(newName.toLowerCase())) return { error: `${node.name} already has a column ${newName}.` };
  const a = project.entry(node.file)!.analysis!;
  const edits: Edit[] = [];
  const reasons: string[] = [];
  const where = (file: string) => path.relative(project.root, file);
  // the defining item: an alias is renamed, a bare column (`o.amount`) gets one
  const bare = at.item.start === at.start || a.text.slice(at.item.start, at.start).trimEnd().endsWith('.');
  edits.push(bare ? { file: node.file, start: at.item.end, end: at.item.end, newText: ` as ${newName}` } : { file: node.file, start: at.start, end: at.end, newText: newName });
  if (at.cte) addUses(cteColumnUses(project, a, at.cte, column, { newName }), node.file, column, newName, edits, reasons, where);
  // downstream, and on down through `select *`
  const queue: Array<{ model: ModelNode; column: string }> = [{ model: node, column }];
  const seen = new Set<string>();
  const renamed = new Map<string, string>();
  while (queue.length) {
    const { model, column: col } = queue.shift()!;
    if (seen.has(model.name)) continue;
    seen.add(model.name);
    renamed.set(model.name, col);
    for (const m of yamlColumnMentions(project, model.name, col)) edits.push({ ...m, newText: newName });
    const fixtures = fixtureColumnMentions(project, model.name, col);
    for (const m of fixtures.locations) edits.push({ ...m, newText: newName });
    reasons.push(...fixtures.reasons);
    for (const childName of project.dag.children.get(model.name) ?? []) {
      const child = project.resolveRef({ name: childName });
      if (!child) continue;
      const ca = project.entry(child.file)?.analysis;
      if (!ca || ca.language === 'python') {
        reasons.push(`${where(child.file)} reads ${model.name} in a way Floe cannot rename in (${ca ? 'a Python model' : 'no SQL'}); rename it there by hand first`);
        continue;
      }
      const uses = columnUses(project, ca, model, col, { newName });
      addUses(uses, child.file, col, newName, edits, reasons, where);
      if (uses.passesThrough && child.kind === 'model') queue.push({ model: child, column: col });
    }
  }
  if (reasons.length) return { error: `Cannot rename ${node.name}.${column} exactly: ${[...new Set(reasons)].join('; ')}.` };
  const docs = docsColumnMentions(project, renamed, column, newName);
  const notes = docs.notes.length ? ` (${docs.notes.join('; ')})` : '';
  return { edits: dedupe([...edits, ...docs.edits]), review: `Rename column ${node.name}.${column} to ${newName}${notes}` };
}

/** Edits for the uses found; ambiguous ones become reasons to refuse. A use that names an output keeps that name. */
function addUses(uses: ColumnUses, file: string, column: string, newName: string, edits: Edit[], reasons: string[], where: (f: string) => string): void {
  for (const u of uses.ambiguous) reasons.push(`${where(file)} ${u.reason}`);
  for (const u of uses.uses) edits.push({ file, start: u.start, end: u.end, newText: u.namesOutput ? `${newName} as ${column}` : newName });
}

function dedupe(edits: Edit[]): Edit[] {
  const seen = new Set<string>();
  return edits.filter((e) => {
    const k = `${e.file}:${e.start}:${e.end}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

