// A model file's config() calls inside an if/for, or with a computed argument (`schema=var('silver_schema')`): dbt
// takes their values from rendering the file at parse time (`{% if target.name == 'prod' %}{{ config(materialized='table') }}
// {% else %}{{ config(materialized='view') }}{% endif %}` is a view on a dev target), not from the last call written.
// Rendered once per file and kept; files whose config() calls are all literal and outside a branch never come here.
import type { Literal } from '../jinja/calls';
import type { DbtProject } from './project';
import type { ModelFileAnalysis } from './modelFile';
import { renderedConfig } from './jinjaEnvironment';
import { mergeMarked, setIntegralFloatMark } from './yamlFloats';
import { PyFloat } from '../jinja/pyFloat';

interface Kept {
  text: string;
  /** What rendering set; undefined when the file does not render. */
  rendered: Record<string, unknown> | undefined;
  /** The file's config: the static one with the keys branches set taken from the render (made when first asked). */
  config?: Record<string, Literal>;
}

/** Each file's render, while its text and the project's macros and settings (vars, target) are unchanged. */
/**
 * A config() call only a render answers: inside an if/for, or with an argument that is not a literal (but `enabled`,
 * which enabled.ts evaluates: `enabled=var('x__using_y', True)` alone, as fivetran's packages write it, needs no render).
 */
function rendered(c: ModelFileAnalysis['configs'][number]): boolean {
  return !!c.conditional || c.args.some((arg) => !arg.isLiteral && arg.key !== 'enabled');
}

const renders = new WeakMap<DbtProject, { version: number; byFile: Map<string, Kept> }>();

function kept(project: DbtProject, file: string, packageName: string, name: string, a: ModelFileAnalysis): Kept {
  const text = a.text;
  let all = renders.get(project);
  if (!all || all.version !== project.macroVersion) renders.set(project, (all = { version: project.macroVersion, byFile: new Map() }));
  const key = `${file}\u0000${name}`;
  const hit = all.byFile.get(key);
  if (hit && hit.text === text) return hit;
  const deciding = decidingPrefix(a);
  const prefix = deciding.length < text.length ? renderedConfig(project, packageName, name, deciding) : undefined;
  const entry: Kept = { text, rendered: prefix ?? renderedConfig(project, packageName, name, text) };
  all.byFile.set(key, entry);
  return entry;
}

/** What rendering the file as dbt parses it sets with config(); undefined when it does not render. */
export function renderedFileConfig(project: DbtProject, file: string, packageName: string, name: string, a: ModelFileAnalysis): Record<string, unknown> | undefined {
  return kept(project, file, packageName, name, a).rendered;
}

/**
 * `enabled` as config(enabled=...) inside an if/for sets it: what rendering the file gives, as dbt parses it (a file
 * that does not render, the last literal value written); undefined when no call in a branch names it, or none sets it.
 */
export function branchEnabled(project: DbtProject, file: string, packageName: string, name: string, a: ModelFileAnalysis): boolean | undefined {
  if (!a.configs.some((c) => c.conditional && /\benabled\b/.test(a.text.slice(c.callStart, c.callEnd)))) return undefined;
  const rendered = renderedFileConfig(project, file, packageName, name, a);
  const value = rendered?.enabled;
  if (value !== undefined) return !(value === false || value === null || value === 0 || value === '');
  // A file that does not render: the last literal value written (a.config leaves branches' `enabled` out).
  const written = rendered ? undefined : a.configs.flatMap((c) => c.args).filter((x) => x.key === 'enabled' && x.isLiteral).pop();
  return written ? written.value !== false : undefined;
}

/**
 * The config a model file's config() calls give (below folder and YAML configs). Without a call in a branch or with a
 * computed argument, the literal values read statically; with one, what the render sets (a computed value too) over
 * them, and a key that only a branch not taken sets left unset; a file that does not render keeps the last values written. `enabled` is
 * enabled.ts's.
 */
export function fileConfig(project: DbtProject, file: string, packageName: string, name: string, a: ModelFileAnalysis): Record<string, Literal> {
  if (!a.configs.some(rendered)) return a.config;
  const k = kept(project, file, packageName, name, a);
  if (k.config) return k.config;
  const config = mergeMarked(a.config) as Record<string, Literal>;
  if (k.rendered) {
    // what the render set (a computed value too), and what a branch not taken would have set, unset
    for (const key of new Set([...branchKeys(a), ...Object.keys(k.rendered)])) {
      if (key === 'enabled') continue;
      if (!Object.prototype.hasOwnProperty.call(k.rendered, key)) delete config[key];
      else setLiteral(config, key, k.rendered[key]);
    }
  }
  return (k.config = config);
}

/** The keys config() calls that a render answers write, as keyword arguments or in a literal dict. */
function branchKeys(a: ModelFileAnalysis): string[] {
  return a.configs.flatMap((c) => rendered(c) ? [...c.args.map((arg) => arg.key), ...c.dictKeys ?? []] : []);
}

/**
 * Sets `out[key]` to a rendered value as a config literal, an integral float (`x=1.0`) as a number marked so it prints
 * `1.0` (yamlFloats.ts); false, leaving `out` as it was, for what a config cannot hold (a macro, a relation).
 */
function setLiteral(out: Record<string, Literal> | Literal[], key: string, v: unknown): boolean {
  const into = out as Record<string, Literal>;
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') into[key] = v;
  else if (v instanceof Number) into[key] = Number(v);
  // an int past 2**53 (pyInt.ts) as its digits: a number would change them (the manifest writes a bigint so too)
  else if (typeof v === 'bigint') into[key] = v.toString();
  else if (Array.isArray(v) || (typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null))) {
    const made: Record<string, Literal> | Literal[] = Array.isArray(v) ? [] : {};
    for (const [k, x] of Object.entries(v as object)) if (!setLiteral(made, k, x)) return false;
    into[key] = made;
  } else return false;
  // what the file wrote statically may have been a float where the render gives an int
  setIntegralFloatMark(out, key, v instanceof PyFloat);
  return true;
}

const OPENERS = new Set(['if', 'for', 'macro', 'call', 'filter', 'with', 'block', 'raw']);

/**
 * The file up to the end of the top-level block holding its last config() call: later text runs after every call, so
 * it cannot change the answer (a Daton-style model is a long query after a short if/else).
 */
function decidingPrefix(a: ModelFileAnalysis): string {
  const last = a.configs[a.configs.length - 1];
  if (!last) return a.text;
  let depth = 0;
  for (const b of a.scan.blocks) {
    if (b.kind === 'statement' && b.tag) {
      const body = a.text.slice(b.contentStart, b.contentEnd);
      if (OPENERS.has(b.tag) || (b.tag === 'set' && !body.includes('='))) depth++;
      else if (b.tag.startsWith('end')) depth = Math.max(0, depth - 1);
    }
    if (b.end >= last.blockEnd && depth === 0) return a.text.slice(0, b.end);
  }
  return a.text;
}
