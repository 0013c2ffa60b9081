// The manifest's resources beyond nodes and sources, as dbt parses them: macros (each `{% macro %}` block of the
// project's and its packages' macro files, with the project macros it calls), docs blocks (`{% docs %}` in .md files
// under the resource folders) and exposures (schema YAML `exposures:`, their depends_on refs and sources resolved to
// unique ids). dbt's own built-in macros are not listed (Floe does not ship dbt's macro files).
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { DbtProject, FileEntry } from '../project/project';
import { scanTemplate } from '../jinja/scanner';
import { findCalls, templateBindings } from '../jinja/calls';
import type { SelectableGraph, SelectableNode } from '../selection/graph';

type Json = Record<string, unknown>;

const relative = (project: DbtProject, file: string) => path.relative(project.root, file).split(path.sep).join('/');
const now = () => Date.now() / 1000;

/** Unique ids of the project macros called in text[from, to) (a package-qualified call names its package). */
export function macroDependencies(project: DbtProject, text: string, from = 0, to = text.length, packageName?: string): string[] {
  const ids = new Set<string>();
  for (const call of findCalls(text, scanTemplate(text))) {
    if (call.nameStart < from || call.nameStart >= to) continue;
    const name = call.namespace ? call.name.slice(call.namespace.length + 1) : call.name;
    // The caller's own package first, then the root project, then any package (dbt's macro resolution order, simplified).
    const chosen = call.namespace ? project.macro(name, call.namespace) : (packageName ? project.macro(name, packageName) : undefined) ?? project.macro(name);
    if (chosen) ids.add(`macro.${chosen.packageName}.${name}`);
  }
  return [...ids].sort();
}

export function macrosJson(project: DbtProject): Json {
  const out: Json = {};
  for (const { file, text, packageName } of project.macroFiles().files) {
    const scan = scanTemplate(text);
    for (const m of templateBindings(text, scan).macros) {
      const end = endOfBlock(scan.blocks, m.block.start, m.block.tag === 'test' ? 'test' : 'macro');
      const macroSql = text.slice(m.block.start, end);
      const id = `macro.${packageName}.${m.name}`;
      if (out[id]) continue;
      out[id] = {
        name: m.name, resource_type: 'macro', package_name: packageName, path: relative(project, file), original_file_path: relative(project, file),
        unique_id: id, macro_sql: macroSql,
        depends_on: { macros: macroDependencies(project, text, m.block.end, end, packageName).filter((d) => d !== id) },
        description: '', meta: {}, docs: { show: true, node_color: null }, patch_path: null, arguments: [], created_at: now(), supported_languages: null,
      };
    }
  }
  return out;
}

/** Just past the `{% end<tag> %}` closing the block opened at `start` (nested blocks of the same tag counted). */
function endOfBlock(blocks: ReturnType<typeof scanTemplate>['blocks'], start: number, tag: string): number {
  let depth = 0;
  for (const b of blocks) {
    if (b.start < start || b.kind !== 'statement') continue;
    if (b.tag === tag) depth++;
    else if (b.tag === `end${tag}` && --depth === 0) return b.end;
  }
  return blocks[blocks.length - 1]?.end ?? start;
}

const DOCS_BLOCK = /\{%-?\s*docs\s+([A-Za-z_][\w]*)\s*-?%\}([\s\S]*?)\{%-?\s*enddocs\s*-?%\}/g;

/** `{% docs name %}` blocks in .md files under the root project's resource folders, as dbt's docs-paths default. */
export function docsJson(project: DbtProject): Json {
  const s = project.settings;
  const folders = [...new Set([...s.modelPaths, ...s.seedPaths, ...s.snapshotPaths, ...s.macroPaths, ...s.analysisPaths, ...s.testPaths])];
  const out: Json = {};
  for (const file of folders.flatMap((f) => markdownFiles(path.join(project.root, f)))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(DOCS_BLOCK)) {
      const id = `doc.${project.name}.${m[1]}`;
      out[id] = {
        name: m[1], resource_type: 'doc', package_name: project.name, path: relative(project, file), original_file_path: relative(project, file),
        unique_id: id, block_contents: m[2].trim(),
      };
    }
  }
  return out;
}

function markdownFiles(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : markdownFiles(full);
    return e.isFile() && e.name.endsWith('.md') ? [full] : [];
  });
}

const REF = /^\s*ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)\s*$/;

/** A YAML `ref('name')` / `ref('package', 'name')` string: dbt's RefArgs, and the model, seed or snapshot it names. */
export function yamlRef(graph: SelectableGraph, text: string): { ref: Json; node?: SelectableNode } | undefined {
  const m = REF.exec(text);
  if (!m) return undefined;
  const [pkg, name] = m[2] ? [m[1], m[2]] : [undefined, m[1]];
  const node = [...graph.nodes.values()].find((n) => n.name === name && ['model', 'seed', 'snapshot'].includes(n.resourceType) && (!pkg || n.packageName === pkg));
  return { ref: { name, package: pkg ?? null, version: null }, node };
}
const SOURCE = /^\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*$/;
const EXPOSURE_TYPES = new Set(['dashboard', 'notebook', 'analysis', 'ml', 'application']);

/** Exposures declared in the project's schema YAML. */
/**
 * dbt's `groups` (schema YAML `groups:`: name, owner, description, config) and `group_map`: each group's name to the
 * nodes whose `group` config names it (a group with none still listed).
 */
export function groupsJson(project: DbtProject, graph: SelectableGraph): { groups: Json; group_map: Record<string, string[]> } {
  const groups: Json = {};
  const groupMap: Record<string, string[]> = {};
  for (const entry of project.files.values()) {
    if (entry.kind !== 'yaml') continue;
    for (const g of yamlList(entry, 'groups')) {
      if (typeof g.name !== 'string') continue;
      const id = `group.${entry.packageName}.${g.name}`;
      const owner = (g.owner && typeof g.owner === 'object' ? g.owner : {}) as Json;
      const config = (g.config && typeof g.config === 'object' ? g.config : {}) as Json;
      groups[id] = {
        name: g.name, resource_type: 'group', package_name: entry.packageName, path: relative(project, entry.file), original_file_path: relative(project, entry.file),
        unique_id: id, owner: { ...owner, email: owner.email ?? null, name: owner.name ?? null },
        description: typeof g.description === 'string' ? g.description : null, config: { meta: config.meta && typeof config.meta === 'object' ? config.meta : {} },
      };
      groupMap[g.name] ??= [];
    }
  }
  for (const n of graph.nodes.values()) {
    const group = n.config?.group;
    if (typeof group === 'string' && group) (groupMap[group] ??= []).push(n.id);
  }
  for (const ids of Object.values(groupMap)) ids.sort();
  return { groups, group_map: groupMap };
}

export function exposuresJson(project: DbtProject, graph: SelectableGraph): Json {
  const out: Json = {};
  for (const entry of project.files.values()) {
    if (entry.kind !== 'yaml') continue;
    for (const e of yamlList(entry, 'exposures')) {
      const name = typeof e.name === 'string' ? e.name : undefined;
      if (!name || !EXPOSURE_TYPES.has(String(e.type))) continue;
      const refs: Json[] = [];
      const sources: string[][] = [];
      const nodes: string[] = [];
      for (const dep of Array.isArray(e.depends_on) ? e.depends_on : []) {
        const ref = yamlRef(graph, String(dep));
        const source = SOURCE.exec(String(dep));
        if (ref) {
          refs.push(ref.ref);
          if (ref.node) nodes.push(ref.node.id);
        } else if (source) {
          sources.push([source[1], source[2]]);
          const id = [...graph.nodes.values()].find((n) => n.resourceType === 'source' && n.source?.source === source[1] && n.source.table === source[2])?.id;
          if (id) nodes.push(id);
        }
      }
      const owner = (e.owner && typeof e.owner === 'object' ? e.owner : {}) as Json;
      const tags = Array.isArray(e.tags) ? e.tags.map(String) : typeof e.tags === 'string' ? [e.tags] : [];
      const id = `exposure.${entry.packageName}.${name}`;
      out[id] = {
        name, resource_type: 'exposure', package_name: entry.packageName, path: relative(project, entry.file), original_file_path: relative(project, entry.file),
        unique_id: id, fqn: [entry.packageName, ...(entry.folders ?? []), name], type: e.type,
        owner: { email: owner.email ?? null, name: owner.name ?? null },
        description: typeof e.description === 'string' ? e.description : '', label: typeof e.label === 'string' ? e.label : null,
        maturity: ['low', 'medium', 'high'].includes(String(e.maturity)) ? e.maturity : null,
        meta: e.meta && typeof e.meta === 'object' ? e.meta : {}, tags, config: { enabled: true, tags, meta: {} }, unrendered_config: {},
        url: typeof e.url === 'string' ? e.url : null,
        depends_on: { macros: [], nodes: [...new Set(nodes)] }, refs, sources, metrics: [], created_at: now(),
      };
    }
  }
  return out;
}

function yamlList(entry: FileEntry, key: string): Json[] {
  if (!entry.text.includes(`${key}:`)) return [];
  try {
    const doc = YAML.parse(entry.text) as Json | null;
    const list = doc?.[key];
    return Array.isArray(list) ? list.filter((x): x is Json => !!x && typeof x === 'object') : [];
  } catch {
    return [];
  }
}
