// Renders kept on disk, so a reopened project (or a second `floe check`) does not render every model again: nunjucks
// parsing and compiling each template was most of a warm check. A render is a pure function of the model's text, of
// what the project lets Jinja see (macros, YAML, settings, the target, vars, which nodes exist and are enabled), of the
// env vars it read and of Floe's build. The key hashes the first two; the env vars read are kept with the render and
// compared on use.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Literal } from '../jinja/calls';
import type { MappedSegment } from '../jinja/sourceMap';
import type { RenderProblem } from '../jinja/render';
import { cacheDir, FLOE_BUILD, JsonlStore } from '../util/jsonlStore';
import { integralFloatPlaces } from './yamlFloats';
import { dictOrderPlaces, pythonKeyPlaces } from '../jinja/pyDictKeys';
import type { DbtProject, FileEntry } from './project';
import { jsonText } from '../util/json';

/** Bumped when what a kept render means changes shape (the build id covers changes of the renderer's code). */
const FORMAT = 1;
const MAX_ENTRIES = 200_000;

/** An upstream relation as kept: enough to find the node or source again (columns are read live). */
export interface KeptUpstream {
  kind: 'model' | 'seed' | 'snapshot' | 'source';
  name: string;
  relation: string;
  file?: string;
  icebergTable?: string;
  /** For sources: the names as called. */
  source?: [string, string];
}

export interface KeptRender {
  sql: string;
  /** The source map's segments flattened (outStart, srcStart, srcEnd, 1 for an expression), a third of the JSON. */
  segments: number[];
  outputLength: number;
  problem?: RenderProblem;
  config: Record<string, Literal>;
  upstream: KeptUpstream[];
  parseTime?: boolean;
  /** Env vars the render read: a hash of each value as it was (null: unset); values may be secrets, never kept. */
  env: Record<string, string | null>;
}

function isKeptRender(value: unknown): value is KeptRender {
  const r = value as KeptRender | null;
  return !!r && typeof r.sql === 'string' && Array.isArray(r.segments) && Array.isArray(r.upstream) && !!r.env && typeof r.env === 'object' && !!r.config;
}

/** Whether a value survives JSON unchanged (config() may be given Jinja objects that do not). */
export function isPlainJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isPlainJson);
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.values(value as object).every(isPlainJson);
}

const ENV_VAR_NAME = /env_var\(\s*['"]([^'"]+)['"]/g;
const fingerprints = new WeakMap<DbtProject, { version: number; value: string }>();

/**
 * What every render of the project may see besides its own model's text: every file that is not a model or a seed
 * whole (macros, YAML, settings, snapshots, tests), models and seeds by path (their names and folders), which nodes
 * are turned off, the target, vars, and the env vars named in those files (settings are rendered outside any one
 * model's render). Recomputed once per project version.
 */
export function renderInputs(project: DbtProject): string {
  const kept = fingerprints.get(project);
  if (kept?.version === project.version) return kept.value;
  const hash = createHash('sha256');
  // With where the vars' integral floats and non-string keys are: `--vars '{x: 1.0}'` renders 1.0 where `{x: 1}` renders
  // 1, and `{x: {1.0: a}}` renders {1.0: 'a'} where `{x: {1: a}}` renders {1: 'a'}, one JSON apart; and the written order
  // of a mapping's integer-like keys, which JSON lists in ascending order (`{m: {'2': a, '1': b}}` loops 2 first).
  const vars = project.vars();
  hash.update(jsonText([FORMAT, FLOE_BUILD, project.root, project.name, project.profileName ?? null, project.target, vars, integralFloatPlaces(vars), pythonKeyPlaces(vars), dictOrderPlaces(vars)]) ?? '');
  const envNames = new Set<string>();
  const entries: FileEntry[] = [...project.files.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  for (const e of entries) {
    if (e.kind === 'model' || e.kind === 'seed') {
      hash.update(`\u0000${e.kind}\u0000${e.packageName}\u0000${e.file}`);
      continue;
    }
    hash.update(`\u0000${e.kind}\u0000${e.packageName}\u0000${e.file}\u0000${e.text.length}\u0000`);
    hash.update(e.text);
    for (const m of e.text.matchAll(ENV_VAR_NAME)) envNames.add(m[1]);
  }
  const disabled = entries.filter((e) => project.isDisabled(e.file)).map((e) => e.file);
  hash.update(JSON.stringify(disabled));
  hash.update(JSON.stringify([...envNames].sort().map((n) => [n, process.env[n] ?? null])));
  const value = hash.digest('base64url');
  fingerprints.set(project, { version: project.version, value });
  return value;
}

/** An env var's value as a kept render records it: hashed, since env vars hold secrets. */
export function envValueHash(value: string | null | undefined): string | null {
  return value === undefined || value === null ? null : createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

export function flattenSegments(segments: MappedSegment[]): number[] {
  return segments.flatMap((x) => [x.outStart, x.srcStart, x.srcEnd, x.kind === 'expression' ? 1 : 0]);
}

export function unflattenSegments(flat: number[]): MappedSegment[] {
  const out: MappedSegment[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) out.push({ outStart: flat[i], srcStart: flat[i + 1], srcEnd: flat[i + 2], kind: flat[i + 3] === 1 ? 'expression' : 'text' });
  return out;
}

export function renderKey(inputs: string, file: string, text: string): string {
  return createHash('sha256').update(inputs).update('\u0000').update(file).update('\u0000').update(text).digest('base64url').slice(0, 32);
}

/** One JSON-lines file per project and Floe build under $FLOE_CACHE_DIR/render (or ~/.cache/floe/render). */
/** One store per project and Floe build. */
function storeFile(projectRoot: string, dir: string): string {
  const id = createHash('sha256').update(JSON.stringify([path.resolve(projectRoot), FLOE_BUILD])).digest('hex').slice(0, 24);
  return path.join(dir, `${id}.jsonl`);
}

export class DiskRenderCache {
  private readonly store: JsonlStore<KeptRender>;

  private constructor(store: JsonlStore<KeptRender>) {
    this.store = store;
  }

  /** The project's kept renders, read now (the CLI). */
  static read(projectRoot: string, dir = cacheDir('render')): DiskRenderCache {
    return new DiskRenderCache(new JsonlStore(storeFile(projectRoot, dir), isKeptRender, MAX_ENTRIES));
  }

  /** The project's kept renders, their file read off the main thread (the editor, where requests wait on it). */
  static async open(projectRoot: string, dir = cacheDir('render')): Promise<DiskRenderCache> {
    return new DiskRenderCache(await JsonlStore.open(storeFile(projectRoot, dir), isKeptRender, MAX_ENTRIES));
  }

  /** The kept render of this text, when the env vars it read are unchanged. */
  get(project: DbtProject, file: string, text: string): KeptRender | undefined {
    const kept = this.store.get(renderKey(renderInputs(project), file, text));
    if (!kept) return undefined;
    for (const [name, value] of Object.entries(kept.env)) if (envValueHash(process.env[name]) !== value) return undefined;
    return kept;
  }

  set(project: DbtProject, file: string, text: string, render: KeptRender): void {
    if (!isPlainJson(render.config)) return;
    this.store.set(renderKey(renderInputs(project), file, text), render);
  }

  flush(): void {
    this.store.flush();
  }
}

const cacheOfProject = new WeakMap<DbtProject, DiskRenderCache>();

/** Keeps the project's renders on disk (the CLI's check and the language server opt in; tests and tools do not). */
export function keepRendersOnDisk(project: DbtProject, cache: DiskRenderCache): void {
  cacheOfProject.set(project, cache);
}

export function renderCacheOf(project: DbtProject): DiskRenderCache | undefined {
  return cacheOfProject.get(project);
}
