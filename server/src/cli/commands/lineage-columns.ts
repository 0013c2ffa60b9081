// floe lineage PROJECT_DIR --columns MODEL[.COLUMN]: column-level lineage from the models' binds (the editor's binder,
// with its on-disk cache), as text, the JSON of floe/columnLineage, or Graphviz DOT.
import type { DbtProject } from '../../project/project';
import type { CliIO } from '../command';
import { findNodeId } from '../../features/lineage';
import { columnInputs, columnLineage } from '../../features/columnLineage';
import { openBinder, readSourceSchemas } from './check';
import { didYouMean } from '../../util/suggest';
import type { ColumnEdge, ColumnRef } from '../../protocol/columnLineage';

/** `stg_orders`, `stg_orders.amount`, `bronze.orders`, `bronze.orders.amount` → a node id and maybe a column. */
export function parseColumnTarget(project: DbtProject, text: string): { node: string; column?: string } | undefined {
  const whole = findNodeId(project, text);
  if (whole) return { node: whole };
  const dot = text.lastIndexOf('.');
  const node = dot > 0 ? findNodeId(project, text.slice(0, dot)) : undefined;
  return node ? { node, column: text.slice(dot + 1) } : undefined;
}

/** Binds every model (unchanged ones come from the bind cache) so each one's column lineage is known. */
async function bindAll(project: DbtProject, io: CliIO): Promise<boolean> {
  await readSourceSchemas(project, io, 'lineage');
  const opened = await openBinder(project.root, process.env.FLOE_NO_BIND_CACHE !== '1');
  if (!opened) return false;
  for (const name of project.modelNames()) {
    const node = project.nodes(name)[0];
    if (node?.kind !== 'model' || project.isDisabled(node.file) || opened.binder.current(project, node.file)) continue;
    await opened.binder.bind(project, node.file);
  }
  opened.cache?.flush();
  return true;
}

export async function columnLineageCommand(project: DbtProject, target: string, format: string, io: CliIO): Promise<number> {
  const parsed = parseColumnTarget(project, target);
  if (!parsed) {
    const names = [...project.modelNames(), ...project.allSourceTables().map((t) => `${t.sourceName}.${t.name}`)];
    io.err(`floe lineage: '${target}' names no model, seed, snapshot or source of ${project.name}.${didYouMean(target.split('.')[0], names)}\n`);
    return 1;
  }
  if (!(await bindAll(project, io))) {
    io.err('floe lineage: column lineage needs DuckDB, which could not be loaded here.\n');
    return 1;
  }
  const result = columnLineage(project, parsed.node, parsed.column);
  if ('error' in result) {
    io.err(`floe lineage: ${result.error}\n`);
    return 1;
  }
  if (result.problem) io.err(`floe lineage: the column lineage of ${label(parsed.node)} is unknown: ${result.problem}\n`);
  const perColumn = result.columns.map((c) => ({ ...c, from: columnInputs(project, parsed.node, c.name) }));
  if (parsed.column === undefined) {
    if (format === 'json') io.out(`${JSON.stringify({ node: result.node, columns: perColumn }, null, 2)}\n`);
    else if (format === 'dot') io.out(toDot(perColumn.flatMap((c) => c.from), { node: parsed.node }));
    else {
      const lines = [`${label(parsed.node)} (${parsed.node.slice(0, parsed.node.indexOf(':'))}, ${perColumn.length} columns)`];
      for (const c of perColumn) lines.push(`  ${c.name}${c.type ? ` ${c.type}` : ''}${c.from.length ? ` ← ${c.from.map((e) => `${refText(e.from)} (${e.kind})`).join(', ')}` : ''}`);
      io.out(`${lines.join('\n')}\n`);
    }
    return 0;
  }
  const column = result.columns.find((c) => c.name.toLowerCase() === parsed.column!.toLowerCase())!;
  const focus: ColumnRef = { node: parsed.node, column: column.name, ...(column.fieldId !== undefined ? { fieldId: column.fieldId } : {}) };
  const edges = result.edges ?? [];
  if (format === 'json') io.out(`${JSON.stringify({ column: focus, edges, nodeColumns: result.nodeColumns }, null, 2)}\n`);
  else if (format === 'dot') io.out(toDot(edges, focus));
  else io.out(columnTree(focus, edges));
  return 0;
}

function label(node: string): string {
  return node.slice(node.indexOf(':') + 1);
}

function refText(r: ColumnRef): string {
  return `${label(r.node)}.${[r.column, ...(r.path ?? [])].join('.')}${r.fieldId !== undefined ? ` [field ${r.fieldId}]` : ''}`;
}

const same = (a: ColumnRef, b: ColumnRef) => a.node === b.node && a.column.toLowerCase() === b.column.toLowerCase();

/** The column, then its upstream columns as a tree down to the sources, then its downstream columns as a tree. */
function columnTree(focus: ColumnRef, edges: ColumnEdge[]): string {
  const lines = [refText(focus)];
  const walk = (at: ColumnRef, dir: 'up' | 'down', level: number, seen: Set<string>) => {
    const next = edges.filter((e) => same(dir === 'up' ? e.to : e.from, at));
    for (const e of next) {
      const other = dir === 'up' ? e.from : e.to;
      const k = `${other.node}.${other.column}`.toLowerCase();
      const again = seen.has(k);
      lines.push(`${'  '.repeat(level)}${dir === 'up' ? '←' : '→'} ${refText(other)} (${e.kind})${again ? ' (see above)' : ''}`);
      if (!again) walk(other, dir, level + 1, new Set([...seen, k]));
    }
  };
  const k = `${focus.node}.${focus.column}`.toLowerCase();
  if (edges.some((e) => same(e.to, focus))) {
    lines.push('upstream:');
    walk(focus, 'up', 1, new Set([k]));
  }
  if (edges.some((e) => same(e.from, focus))) {
    lines.push('downstream:');
    walk(focus, 'down', 1, new Set([k]));
  }
  if (lines.length === 1) lines.push('(no column lineage: nothing upstream or downstream is known)');
  return `${lines.join('\n')}\n`;
}

const STYLES: Record<ColumnEdge['kind'], string> = { 'pass-through': 'solid', rename: 'dashed', transformation: 'bold' };

/** One cluster per node, a DOT node per column; edges styled by kind (solid pass-through, dashed rename, bold transformation). */
function toDot(edges: ColumnEdge[], focus: { node: string; column?: string }): string {
  const byNode = new Map<string, Set<string>>();
  const add = (r: ColumnRef) => {
    const set = byNode.get(r.node) ?? new Set<string>();
    byNode.set(r.node, set.add(r.column));
  };
  for (const e of edges) [e.from, e.to].forEach(add);
  if (focus.column) add({ node: focus.node, column: focus.column });
  const lines = ['digraph column_lineage {', '  rankdir=LR;', '  node [shape=box];'];
  let i = 0;
  for (const [node, columns] of byNode) {
    lines.push(`  subgraph ${quote(`cluster_${i++}`)} {`, `    label=${quote(label(node))};`);
    for (const c of columns) {
      const bold = node === focus.node && c.toLowerCase() === focus.column?.toLowerCase();
      lines.push(`    ${quote(`${node}.${c}`)} [label=${quote(c)}${bold ? ', style=bold' : ''}];`);
    }
    lines.push('  }');
  }
  for (const e of edges) lines.push(`  ${quote(`${e.from.node}.${e.from.column}`)} -> ${quote(`${e.to.node}.${e.to.column}`)} [label=${quote(e.kind)}, style=${STYLES[e.kind]}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
