// var('name') in a model: its value as dbt gives it to the file's package, and where dbt_project.yml sets it, for
// hover and Go to Definition.
import path from 'node:path';
import type { DbtProject } from '../project/project';
import type { Location } from '../project/types';
import type { ModelFileAnalysis, VarUse } from '../project/modelFile';
import { jsonText } from '../util/json';
import { templateAnalysis } from './cursor';

export function varAt(a: ModelFileAnalysis, offset: number): VarUse | undefined {
  return a.vars.find((v) => v.start <= offset && offset <= v.end);
}

/**
 * Where a var is set for a file of package `packageName`: the root dbt_project.yml's `vars:` (which wins), else the
 * package's own; the line of its key (global or under the package's name).
 */
export function varLocation(project: DbtProject, packageName: string, name: string): Location | undefined {
  const has = (vars: Record<string, unknown>) => name in vars || (typeof vars[packageName] === 'object' && vars[packageName] !== null && name in (vars[packageName] as Record<string, unknown>));
  const own = project.packages.find((p) => p.name === packageName);
  const where = has(project.settings.vars) ? project.packages[0] : own && has(own.settings.vars) ? own : undefined;
  if (!where) return undefined;
  const file = path.join(where.root, 'dbt_project.yml');
  const text = project.entry(file)?.text;
  const block = text ? /^vars\s*:/m.exec(text) : null;
  if (!text || !block) return undefined;
  const key = new RegExp(`^[ \\t]+(['"]?)${name.replace(/[^\w]/g, '\\$&')}\\1[ \\t]*:`, 'm').exec(text.slice(block.index));
  if (!key) return { file, start: block.index, end: block.index + 4 };
  const start = block.index + key.index + key[0].length - key[0].trimStart().length + key[1].length;
  return { file, start, end: start + name.length };
}

/** Hover text of a var: its value for this package, or that it is unset (and what then happens). */
export function varMarkdown(project: DbtProject, packageName: string, use: VarUse): string {
  const vars = project.varsFor(packageName);
  if (!(use.name in vars)) return `**var ${use.name}** · not set in dbt_project.yml${use.hasDefault ? ': the default given here applies' : ' nor given a default: dbt fails where this runs'}`;
  const value = jsonText(vars[use.name]) ?? String(vars[use.name]);
  return `**var ${use.name}** = \`${value.length > 200 ? `${value.slice(0, 200)}…` : value}\``;
}

/**
 * Every `var('name')` in the project's models and macro files (packages' too: a var is one name for them all), with
 * where dbt_project.yml sets it for `packageName` first when `includeDeclaration`.
 */
export function varReferences(project: DbtProject, packageName: string, name: string, includeDeclaration: boolean): Location[] {
  const out: Location[] = [];
  for (const e of project.files.values()) {
    if (!e.text.includes(name)) continue;
    for (const v of templateAnalysis(e)?.vars ?? []) if (v.name === name) out.push({ file: e.file, start: v.start, end: v.end });
  }
  const set = includeDeclaration ? varLocation(project, packageName, name) : undefined;
  return set ? [set, ...out] : out;
}
