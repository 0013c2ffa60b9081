// A project's declared packages: `packages:` of packages.yml or dependencies.yml (never both, as in dbt), with the
// line of each entry and env_var() rendered in its strings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isSeq, parseDocument, type Node } from 'yaml';
import { field, toJs } from '../yamlNodes';
import { LineIndex } from '../lineIndex';
import { parseSpec, type PackageSpec } from './spec';
import { dbtPackageDict, PyFloat, pythonValue } from './dbtHash';

export interface DeclaredPackage {
  spec: PackageSpec;
  /** The entry as dbt dumps it (see dbtHash.ts): hashed into package-lock.yml's sha1_hash. */
  dbtDict: Record<string, unknown>;
  file: string;
  /** 0-based line of the entry. */
  line: number;
}

export interface PackagesFile {
  /** The file that declares packages, when one does. */
  file?: string;
  packages: DeclaredPackage[];
  /** `file:line: message` for each entry that can't be read. */
  problems: string[];
}

export const PACKAGE_FILES = ['packages.yml', 'dependencies.yml'] as const;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads the packages a project (or an installed package) declares. Never throws: problems come back as data. */
export function readPackagesFile(dir: string, env: NodeJS.ProcessEnv = process.env): PackagesFile {
  const declaring: PackagesFile[] = [];
  for (const name of PACKAGE_FILES) {
    const file = path.join(dir, name);
    const text = readText(file);
    if (text === undefined) continue;
    const parsed = parsePackagesText(file, text, env);
    if (parsed.file) declaring.push(parsed);
    else if (parsed.problems.length) return parsed;
  }
  if (declaring.length > 1) {
    return { packages: [], problems: [`${declaring[1].file}: packages are declared in both packages.yml and dependencies.yml; dbt reads only one, keep them in one file`] };
  }
  return declaring[0] ?? { packages: [], problems: [] };
}

export function parsePackagesText(file: string, text: string, env: NodeJS.ProcessEnv = process.env): PackagesFile {
  const lines = new LineIndex(text);
  const at = (offset: number) => `${file}:${lines.positionAt(offset).line + 1}`;
  // Every scalar as the text written: `revision: 1.0` is the tag "1.0", not the number 1.
  const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) return { packages: [], problems: doc.errors.map((e) => `${at(e.pos[0])}: ${e.message.split('\n')[0]}`) };
  const list = field(doc.contents, 'packages');
  if (list === undefined || list === null || (isSeq(list) && list.items.length === 0)) return { packages: [], problems: [] };
  if (!isSeq(list)) return { packages: [], problems: [`${at(rangeStart(list))}: packages: must be a list`] };
  const out: PackagesFile = { file, packages: [], problems: [] };
  for (const item of list.items as Node[]) {
    const start = rangeStart(item);
    const rendered = renderEnvVars(toJs(item, { failsafe: true }), env);
    if ('error' in rendered) {
      out.problems.push(`${at(start)}: ${rendered.error}`);
      continue;
    }
    const spec = parseSpec(rendered.value);
    if ('error' in spec) {
      out.problems.push(`${at(start)}: ${spec.error}`);
      continue;
    }
    const unrendered = pythonValue(item);
    const typed = renderEnvVars(unrendered, env) as { value: Record<string, unknown> };
    out.packages.push({ spec, dbtDict: dbtPackageDict(spec, typed.value, unrendered), file, line: lines.positionAt(start).line });
  }
  return out;
}

function rangeStart(node: unknown): number {
  return (node && typeof node === 'object' && 'range' in node ? (node as { range?: [number, number, number] }).range?.[0] : 0) ?? 0;
}

const ENV_VAR = /\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"])([^'"]*)\3\s*)?\)\s*\}\}/g;

/**
 * Renders `{{ env_var('NAME') }}` / `{{ env_var('NAME', 'default') }}` in every string, the Jinja dbt allows in
 * packages.yml (for git credentials).
 */
function renderEnvVars(value: unknown, env: NodeJS.ProcessEnv): { value: unknown } | { error: string } {
  let failure: string | undefined;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const rendered = v.replace(ENV_VAR, (_m, _q, name: string, _q2, fallback: string | undefined) => {
        const found = env[name] ?? fallback;
        if (found === undefined) failure ??= `env_var('${name}') is not set and has no default`;
        return found ?? '';
      });
      if (rendered.includes('{{') || rendered.includes('{%')) failure ??= `only {{ env_var('NAME') }} is rendered in package entries, not '${v}'`;
      return rendered;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object' && !(v instanceof PyFloat)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  const out = walk(value);
  return failure ? { error: failure } : { value: out };
}
