// floe lineage PROJECT_DIR [MODEL | --select ... --exclude ...] [--upstream N] [--downstream N] [--format text|json|dot]:
// the DAG around a model, of a dbt selection, or of the whole project, as an indented tree, the LineageResponse JSON,
// or Graphviz DOT.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError, type CliCommand } from '../command';
import { DbtProject } from '../../project/project';
import { findNodeId, lineage, lineageOfSelection, nodeIdOfFile } from '../../features/lineage';
import { selectNodes } from '../../selection/select';
import { reportSelection, selectionArgs, SELECTION_USAGE } from '../selection-args';
import { didYouMean } from '../../util/suggest';
import { columnLineageCommand } from './lineage-columns';
import type { LineageEdge, LineageNode } from '../../protocol/lineage';

const USAGE = `usage: floe lineage PROJECT_DIR [MODEL | ${SELECTION_USAGE} | --columns MODEL[.COLUMN]] [--upstream N] [--downstream N] [--format text|json|dot]`;

export const lineageCommand: CliCommand = {
  summary: 'lineage PROJECT_DIR [MODEL | --select ... | --columns MODEL[.COLUMN]] [--upstream N] [--downstream N] [--format text|json|dot]: the DAG around a model, of a selection, or of the project; a model\'s or a column\'s column lineage',
  async run(args, io) {
    let format = 'text';
    const limits: { upstream?: number; downstream?: number } = {};
    const selected: { select: string[]; exclude: string[]; selector?: string } = { select: [], exclude: [] };
    const rest: string[] = [];
    let columns: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const [flag, inline] = args[i].startsWith('--') && args[i].includes('=') ? [args[i].slice(0, args[i].indexOf('=')), args[i].slice(args[i].indexOf('=') + 1)] : [args[i], undefined];
      const value = () => inline ?? args[++i] ?? '';
      if (flag === '--format') format = value();
      else if (flag === '--upstream' || flag === '--downstream') limits[flag.slice(2) as 'upstream' | 'downstream'] = depth(flag, value());
      else if (flag === '--select' || flag === '-s' || flag === '--exclude') selected[flag === '--exclude' ? 'exclude' : 'select'].push(value());
      else if (flag === '--selector') selected.selector = value();
      else if (flag === '--columns') columns = value();
      else if (flag.startsWith('--')) throw new UsageError(`unknown option ${flag}\n${USAGE}`);
      else rest.push(args[i]);
    }
    if (format !== 'text' && format !== 'json' && format !== 'dot') throw new UsageError(`--format must be text, json or dot, not '${format}'`);
    if (rest.length < 1 || rest.length > 2) throw new UsageError(USAGE);
    if (columns !== undefined && (rest[1] !== undefined || selected.select.length || selected.exclude.length || selected.selector)) throw new UsageError(`give --columns MODEL[.COLUMN] alone, without a MODEL or a selection\n${USAGE}`);
    if (columns === '') throw new UsageError(`--columns needs a model, or a model and a column (stg_orders.amount)\n${USAGE}`);
    const bySelection = selected.select.length > 0 || selected.exclude.length > 0 || selected.selector !== undefined;
    if (bySelection && rest[1] !== undefined) throw new UsageError(`give a MODEL or --select/--exclude/--selector, not both\n${USAGE}`);
    const root = path.resolve(rest[0]);
    if (!existsSync(path.join(root, 'dbt_project.yml'))) throw new UsageError(`${root} has no dbt_project.yml`);
    const project = DbtProject.load(root);
    if (columns !== undefined) return columnLineageCommand(project, columns, format, io);
    let focus: string | undefined;
    if (rest[1] !== undefined) {
      focus = nodeIdOfFile(project, path.resolve(rest[1])) ?? findNodeId(project, rest[1].replace(/\.(sql|csv)$/i, ''));
      if (!focus) {
        const names = [...project.modelNames(), ...project.allSourceTables().map((t) => `${t.sourceName}.${t.name}`)];
        io.err(`floe lineage: '${rest[1]}' is not a model, seed, snapshot or source of ${project.name}.${didYouMean(rest[1], names)}\n`);
        return 1;
      }
    }
    let result;
    if (bySelection) {
      const { nodes, problems } = selectNodes(project, selectionArgs(project, selected, USAGE));
      reportSelection(io, 'lineage', problems);
      result = lineageOfSelection(project, nodes);
    } else result = lineage(project, focus, limits);
    if ('error' in result) {
      io.err(`floe lineage: ${result.error}\n`);
      return 1;
    }
    if (format === 'json') io.out(`${JSON.stringify(result, null, 2)}\n`);
    else if (format === 'dot') io.out(toDot(result.nodes, result.edges));
    else io.out(focus ? focusTree(focus, result.nodes, result.edges) : projectTree(result.nodes, result.edges));
    return 0;
  },
};

function depth(flag: string, text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`${flag} needs a whole number of levels, not '${text}'`);
  return Number(text);
}

/** One line's description: `stg_orders (model, view, silver, 3 tests, demo.silver.stg_orders)`. */
function describe(n: LineageNode): string {
  const facts = [n.kind, n.materialized, n.layer, n.tests ? `${n.tests} test${n.tests === 1 ? '' : 's'}` : undefined, n.icebergTable].filter(Boolean);
  return `${n.label} (${facts.join(', ')})`;
}

/** The focus, then its ancestors and descendants as trees; a node met again is marked instead of repeated. */
function focusTree(focus: string, nodes: LineageNode[], edges: LineageEdge[]): string {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const lines = [describe(byId.get(focus)!)];
  const up = neighbours(edges, 'to', 'from');
  const down = neighbours(edges, 'from', 'to');
  if (up.get(focus)?.length) lines.push('upstream:', ...tree(up.get(focus)!, up, byId, new Set([focus]), 1));
  if (down.get(focus)?.length) lines.push('downstream:', ...tree(down.get(focus)!, down, byId, new Set([focus]), 1));
  return `${lines.join('\n')}\n`;
}

/** Every root (no parents) with its descendants; nodes only reachable through a cycle start trees of their own. */
function projectTree(nodes: LineageNode[], edges: LineageEdge[]): string {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const down = neighbours(edges, 'from', 'to');
  const hasParent = new Set(edges.map((e) => e.to));
  const shown = new Set<string>();
  const lines: string[] = [];
  for (const n of [...nodes.filter((x) => !hasParent.has(x.id)), ...nodes]) {
    if (!shown.has(n.id)) lines.push(...tree([n.id], down, byId, shown, 0));
  }
  return lines.length ? `${lines.join('\n')}\n` : '(no models)\n';
}

function tree(ids: string[], next: Map<string, string[]>, byId: Map<string, LineageNode>, shown: Set<string>, level: number): string[] {
  const out: string[] = [];
  for (const id of [...ids].sort()) {
    const node = byId.get(id)!;
    const indent = '  '.repeat(level);
    if (shown.has(id)) {
      out.push(`${indent}${node.label} (see above)`);
      continue;
    }
    shown.add(id);
    out.push(`${indent}${describe(node)}`);
    out.push(...tree(next.get(id) ?? [], next, byId, shown, level + 1));
  }
  return out;
}

function neighbours(edges: LineageEdge[], key: 'from' | 'to', value: 'from' | 'to'): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const e of edges) map.set(e[key], [...(map.get(e[key]) ?? []), e[value]]);
  return map;
}

const SHAPES: Record<LineageNode['kind'], string> = { source: 'cylinder', model: 'box', seed: 'note', snapshot: 'component' };

/** Graphviz DOT, left to right; the focus drawn bold. */
function toDot(nodes: LineageNode[], edges: LineageEdge[]): string {
  const lines = ['digraph lineage {', '  rankdir=LR;'];
  for (const n of nodes) {
    const label = [n.label, n.materialized ?? n.kind, n.layer].filter((x): x is string => !!x).map(escape).join('\\n');
    lines.push(`  ${quote(n.id)} [label="${label}", shape=${SHAPES[n.kind]}${n.focus ? ', style=bold' : ''}];`);
  }
  for (const e of edges) lines.push(`  ${quote(e.from)} -> ${quote(e.to)};`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** A DOT string literal. */
function quote(text: string): string {
  return `"${escape(text)}"`;
}

function escape(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
