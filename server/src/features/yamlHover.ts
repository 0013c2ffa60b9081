// Hover in schema YAML: a model's `name:` (materialization, gold Iceberg table, columns, data tests count), a
// generic test's name (what it checks), and `ref('x')` / `source('s', 't')` in a value (as the SQL hover).
import path from 'node:path';
import type { DbtProject } from '../project/project';
import { coreTestOverride, projectDataTests } from '../project/dataTests';
import { goldTargetOf } from '../run/gold-target';
import { describeModel, type HoverInfo } from './hover';
import { testDescription } from './yamlCompletion';
import { genericTestLocation, yamlTargetAt } from './yamlNavigation';

export function yamlHover(project: DbtProject, file: string, offset: number): HoverInfo | undefined {
  const text = project.entry(file)?.text;
  const t = text === undefined ? undefined : yamlTargetAt(text, offset);
  if (!t) return undefined;
  if (t.kind === 'model') {
    const node = project.resolveRef({ name: t.name });
    if (!node) return { markdown: `**${t.name}**: no model of this name in the project.`, start: t.start, end: t.end };
    const lines = [describeModel(project, node)];
    if (node.kind === 'model') {
      const gold = goldTargetOf(node.name, project.configOf(node), {});
      if (gold) lines.push(`Materializes Iceberg table \`${[...gold.table.namespace, gold.table.name].join('.')}\`${gold.incremental ? ' (incremental)' : ''}`);
    }
    const tests = projectDataTests(project).filter((d) => d.target?.kind === 'model' && d.target.name === node.name).length;
    lines.push(`${tests} data test${tests === 1 ? '' : 's'}`);
    return { markdown: lines.join('\n\n'), start: t.start, end: t.end };
  }
  if (t.kind === 'test') {
    const override = coreTestOverride(project, t.name);
    const core = override ? `dbt runs \`${override.name}\` from \`${path.relative(project.root, override.file)}\` for it (dbt's dispatch, adapter ${project.target.adapter ?? 'none'}).` : testDescription(t.name);
    const loc = core ? undefined : genericTestLocation(project, t.name);
    const what = core ?? (loc ? `Custom generic test from \`${path.relative(project.root, loc.file)}\`: fails on the rows its query returns.` : 'Unknown generic test: no `{% test %}` block of this name in the project or its packages.');
    return { markdown: `**test ${t.name}** — ${what}`, start: t.start, end: t.end };
  }
  return sourceHover(project, t.source, t.table, t.start, t.end);
}

function sourceHover(project: DbtProject, source: string, table: string, start: number, end: number): HoverInfo | undefined {
  const def = project.resolveSource({ source, table });
  if (!def) return undefined;
  const cols = project.columnsOfSource(def);
  const lines = [`**source ${source}.${table}** · Iceberg \`${project.sourceIcebergTable(def)}\``];
  if (def.description) lines.push(def.description);
  if (cols?.length) lines.push(cols.map((c) => `\`${c.name}\` ${c.type ?? ''}`.trim()).join(', '));
  return { markdown: lines.join('\n\n'), start, end };
}
