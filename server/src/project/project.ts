// The project model: one dbt project (plus its installed packages) indexed from disk, updated file by
// file. A file that fails to parse degrades only itself: its problems are kept as data on its entry.
import { BoundLineageStore } from './boundLineage';
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { parseDbtProjectFile, type DbtProjectFile } from './dbtProjectFile';
import { missingEnvVars, parseProfiles, resolveTarget, type Profiles, type Target } from './profiles';
import { parseSchemaFile, type SchemaFile, type SourceTable, type SourceDefinition, type ModelDoc } from './schemaYaml';
import { analyzeModelFile, separateSnapshotBlocks, type ModelFileAnalysis, type RefUse, type SourceUse } from './modelFile';
import { analyzeModelLike } from './pythonModel';
import { modelEnabled, seedEnabled } from './enabled';
import { fileConfig } from './branchConfig';
import { versionDoc, versionModelName, versionsByModelName, type VersionOfFile } from './versions';
import { renderSetting } from './jinjaEnvironment';
import { withRenderedSettings } from './configRender';
import { missingPackages, type MissingPackage } from './packages/missing';
import { seedColumns } from './seeds';
import { Dag } from './dag';
import { configTreeHas, folderConfig, mergeConfigs, type ModelConfig } from './config';
import { SchemaCache } from './schemaProvider';
import { parseYamlSelectors, type YamlSelectors } from '../selection/yamlSelectors';
import { scanTemplate } from '../jinja/scanner';
import { templateBindings } from '../jinja/calls';
import type { MacroFile } from '../jinja/environment';
import type { Column, ProjectDiagnostic } from './types';
import { docBlocksOf, type DocBlock } from './docBlocks';
import { ReadAhead } from './readAhead';
import { FileWork } from './readAheadProtocol';
import type { ParsedYaml } from './yamlStrict';
import { mergeMarked } from './yamlFloats';
import { notAbove } from '../util/relativePath';
import { jsonText } from '../util/json';

export type FileKind = 'model' | 'snapshot' | 'test' | 'analysis' | 'macro' | 'yaml' | 'docs' | 'seed' | 'dbt_project' | 'profiles' | 'selectors' | 'fixture';

export interface MacroDefinition {
  name: string;
  file: string;
  packageName: string;
  params: string[];
  start: number;
  end: number;
}

export interface FileEntry {
  file: string;
  kind: FileKind;
  packageName: string;
  text: string;
  /** Folders between the model path and the file, for dbt_project.yml folder configs. */
  folders: string[];
  analysis?: ModelFileAnalysis;
  schema?: SchemaFile;
  macros?: MacroDefinition[];
  seedColumns?: Column[];
  /** The root project's selectors.yml. */
  selectors?: YamlSelectors;
  /** A Markdown file's `{% docs name %}` blocks. */
  docBlocks?: DocBlock[];
  problems: ProjectDiagnostic[];
}

export interface ModelNode {
  name: string;
  kind: 'model' | 'snapshot' | 'seed';
  file: string;
  packageName: string;
  /** For snapshots, where the name is declared. */
  nameStart: number;
  nameEnd: number;
  /**
   * A snapshot whose file alone does not give its SQL: one defined in YAML (dbt 1.9 `snapshots:` with `relation:`; its
   * file is the YAML file, its SQL `select * from <relation>`), or one of several `{% snapshot %}` blocks of a file.
   */
  definition?: ModelFileAnalysis;
}

interface PackageInfo {
  name: string;
  root: string;
  settings: DbtProjectFile;
  isRoot: boolean;
}

interface Derived {
  models: Map<string, ModelNode[]>;
  sources: Map<string, SourceDefinition[]>;
  macros: Map<string, MacroDefinition[]>;
  docs: Map<string, ModelDoc>;
  dag: Dag;
  cycles: Map<string, string[]>;
  names?: string[];
  versionFiles?: Map<string, VersionOfFile>;
  /** Every model file's name, enabled or not. */
  modelFiles: ModelFileNames;
  modelEntries?: Map<string, ModelDoc[]>;
}

/**
 * Model file names, enabled or not, and whether dbt's ref lookup finds one before schema YAML patches it: some file of
 * that name is enabled by dbt_project.yml and its config() (decided once per name, when a version asks).
 */
interface ModelFileNames {
  has(name: string): boolean;
  live(name: string): boolean;
}

const NO_DOCS = new Map<string, ModelDoc>();

function modelFileNames(project: DbtProject, files: Iterable<FileEntry>): ModelFileNames {
  const byName = new Map<string, FileEntry[]>();
  for (const e of files) {
    if (e.kind !== 'model') continue;
    const name = modelName(e.file);
    const list = byName.get(name);
    if (list) list.push(e); else byName.set(name, [e]);
  }
  const live = new Map<string, boolean>();
  return {
    has: (name) => byName.has(name),
    live: (name) => {
      let on = live.get(name);
      if (on === undefined) live.set(name, on = (byName.get(name) ?? []).some((e) => modelEnabled(project, e, name, NO_DOCS)));
      return on;
    },
  };
}

/**
 * The model name a ref means: for a versioned model (YAML `versions:`), the file of the version asked for, else of the
 * latest. `modelFiles`: every model file's name, disabled ones too, so a ref to a disabled version means that file.
 */
function refTargetName(modelFiles: ModelFileNames, docs: Map<string, ModelDoc>, ref: { name: string; version?: string }): string {
  const versions = docs.get(ref.name)?.versions;
  if (!versions) return ref.name;
  return versionModelName(ref.name, versions, ref.version ?? versions.latest, modelFiles.has, modelFiles.live) ?? ref.name;
}

const SKIP_DIRS = new Set(['node_modules', '.git', 'target', 'logs', '.floe', '.venv', '__pycache__']);

export class DbtProject {
  readonly files = new Map<string, FileEntry>();
  readonly packages: PackageInfo[] = [];
  /** packageOf's answers while the packages are the same: the selectable graph asks for every node's file on every rebuild. */
  private readonly packageOfFile = new Map<string, PackageInfo | undefined>();
  profiles: Profiles | undefined;
  profilesFile: string | undefined;
  target!: Target;
  readonly schemaCache: SchemaCache;
  /** Columns learned by binding compiled SQL (model name → columns); filled by the background binder. */
  readonly boundColumns = new Map<string, Column[]>();
  /** Column lineage learned with the same binds (model name → its columns' upstream columns); see features/columnLineage.ts. */
  readonly boundLineage = new BoundLineageStore();
  /** Bumped on every change; caches key on it. */
  version = 0;
  /** Bumped when macros may have changed (the renderer's environment keys on it). */
  macroVersion = 0;
  /** Bumped by every change but an edit of a model's text that keeps its structure (refs, config): what renders read besides their own text. */
  structureVersion = 0;
  private derived: Derived | undefined;
  /** Vars by package, valid while the settings files are unchanged (bumped by reload). */
  private readonly varsCache = new Map<string, { version: number; vars: Record<string, unknown> }>();
  private readonly usesCache = new WeakMap<FileEntry, { version: number; refs: RefUse[]; sources: SourceUse[] }>();
  /** dbt_project.yml folder configs by a file's `folders` array, valid while the settings are unchanged. */
  private readonly folderConfigs = new WeakMap<string[], { version: number; configs: Map<string, Readonly<ModelConfig>> }>();
  private settingsVersion = 0;
  /** Schema YAML configs with their Jinja rendered (configRender.ts), by the entry's written config. */
  private readonly renderedYamlConfigs = new WeakMap<object, { settings: number; macros: number; config: ModelDoc['config'] }>();
  private readonly renderedIcebergTables = new WeakMap<SourceTable, { version: number; name: string }>();
  private missing: { version: number; list: MissingPackage[] } | undefined;
  /** Model and snapshot files turned off by `enabled: false` (computed with the derived index). */
  private readonly disabledFiles = new Set<string>();
  private readonly disabledNames = new Set<string>();
  /** Unsaved editor text of dbt_project.yml / profiles.yml, read instead of the disk on reload. */
  private readonly unsaved = new Map<string, string>();
  /** `--vars` given on the command line. */
  private commandLineVars: Record<string, unknown> = {};
  /** `--profile` given on the command line, in place of dbt_project.yml's `profile:`. */
  private commandLineProfile: string | undefined;

  constructor(readonly root: string, private readonly env: NodeJS.ProcessEnv = process.env, private readonly fs: FileSource = diskFiles) {
    this.schemaCache = new SchemaCache(root, fs === diskFiles);
  }

  get settings(): DbtProjectFile {
    return this.packages[0].settings;
  }

  get name(): string {
    return this.settings.name;
  }

  /** Reads the whole project from disk. */
  static load(root: string, env: NodeJS.ProcessEnv = process.env): DbtProject {
    const project = new DbtProject(path.resolve(root), env);
    project.reload();
    return project;
  }

  /** A project from in-memory files (relative path → text), for tests and tools; nothing touches the disk. */
  static fromTexts(root: string, texts: Record<string, string>, env: NodeJS.ProcessEnv = {}): DbtProject {
    const abs = path.resolve(root);
    const files = new Map(Object.entries(texts).map(([rel, text]) => [path.join(abs, rel), text]));
    const project = new DbtProject(abs, { HOME: '/nonexistent', ...env }, memoryFiles(files));
    project.reload();
    return project;
  }

  reload(): void {
    this.settingsVersion++;
    this.structureVersion++;
    this.files.clear();
    this.packages.length = 0;
    this.packageOfFile.clear();
    this.derived = undefined;
    this.version++;
    this.macroVersion++;
    const settings = this.readPackage(this.root, true);
    const selectorsFile = path.join(this.root, 'selectors.yml');
    const selectorsText = this.unsaved.get(selectorsFile) ?? this.fs.read(selectorsFile);
    if (selectorsText !== undefined) this.files.set(selectorsFile, makeEntry(selectorsFile, 'selectors', this.name, selectorsText, []));
    this.loadProfiles();
    const packagesDir = path.join(this.root, settings.packagesPath);
    for (const dir of this.fs.readdir(packagesDir)) {
      const pkgRoot = path.join(packagesDir, dir);
      if (this.fs.read(path.join(pkgRoot, 'dbt_project.yml')) !== undefined) this.readPackage(pkgRoot, false);
    }
  }

  private readPackage(root: string, isRoot: boolean): DbtProjectFile {
    const projectFile = path.join(root, 'dbt_project.yml');
    const text = this.unsaved.get(projectFile) ?? this.fs.read(projectFile) ?? '';
    const settings = parseDbtProjectFile(projectFile, text, path.basename(root), this.env);
    const pkg: PackageInfo = { name: settings.name, root, settings, isRoot };
    this.packages.push(pkg);
    this.packageOfFile.clear();
    this.files.set(projectFile, { file: projectFile, kind: 'dbt_project', packageName: pkg.name, text, folders: [], problems: settings.problems });
    // Every file to read first, then read and indexed in that order (a worker reads ahead on large projects).
    const found: Array<{ file: string; kind: FileKind; folders: string[] }> = [];
    const walkKind = (dirs: string[], dirKind: FileKind) => {
      for (const d of dirs) {
        this.fs.walk(path.join(root, d), (file, folders) => {
          const kind = classify(file, dirKind, folders);
          // A package's analyses are not the user's; its singular tests run with the project's, as in dbt.
          if (kind && (isRoot || kind !== 'analysis')) found.push({ file, kind, folders });
        });
      }
    };
    walkKind(settings.modelPaths, 'model');
    walkKind(settings.snapshotPaths, 'snapshot');
    walkKind(settings.macroPaths, 'macro');
    walkKind(settings.seedPaths, 'seed');
    // A package's generic tests (tests/generic/) are macros.
    walkKind(settings.testPaths, 'test');
    if (isRoot) walkKind(settings.analysisPaths, 'analysis');
    const work = (i: number) => (found[i].kind === 'yaml' ? FileWork.ParseYaml : found[i].kind === 'model' || found[i].kind === 'snapshot' || found[i].kind === 'test' || found[i].kind === 'analysis' ? FileWork.Analyze : FileWork.Read);
    const ahead = this.fs === diskFiles ? ReadAhead.start(found.map((f) => f.file), work) : undefined;
    try {
      for (let i = 0; i < found.length; i++) {
        const { file, kind, folders } = found[i];
        const taken = ahead?.take(i);
        const text = taken?.text ?? this.fs.read(file);
        if (text !== undefined) this.files.set(file, makeEntry(file, kind, pkg.name, text, folders, undefined, taken?.yaml, taken?.analysis));
      }
    } finally {
      ahead?.close();
    }
    return settings;
  }

  private loadProfiles(): void {
    const candidates = [this.env.DBT_PROFILES_DIR, this.root, path.join(os.homedir(), '.dbt')].filter((d): d is string => !!d);
    for (const dir of candidates) {
      const file = path.join(dir, 'profiles.yml');
      const text = this.unsaved.get(file) ?? this.fs.read(file);
      if (text === undefined) continue;
      this.profilesFile = file;
      this.profiles = parseProfiles(file, text);
      this.files.set(file, { file, kind: 'profiles', packageName: this.name, text, folders: [], problems: this.profiles.problems });
      break;
    }
    this.target = resolveTarget(this.profiles, this.profileName, this.env.DBT_TARGET, this.env);
    const profilesEntry = this.profilesFile ? this.files.get(this.profilesFile) : undefined;
    if (profilesEntry) profilesEntry.problems = [...profilesEntry.problems, ...missingEnvVars(this.profiles, this.target, this.env).map((name) => missingEnvProblem(profilesEntry, name, this.target))];
  }

  /** Whether a file (by absolute path) belongs to this project's tree. */
  contains(file: string): boolean {
    const rel = path.relative(this.root, file);
    return !rel.startsWith('..') && !path.isAbsolute(rel);
  }

  /**
   * Updates one file from new text (or removes it when text is undefined). Returns true when the change
   * can affect other files' diagnostics (names, refs, sources, macros, configs changed).
   */
  updateFile(file: string, text: string | undefined): boolean {
    const abs = path.resolve(file);
    const before = this.files.get(abs);
    if (text === undefined) {
      if (this.unsaved.delete(abs)) {
        this.reload();
        return true;
      }
      if (!before) return false;
      this.files.delete(abs);
      if (before.kind === 'macro') this.macroVersion++;
      this.touch();
      return true;
    }
    if (before && before.text === text) return false;
    if (path.basename(abs) === 'dbt_project.yml' || abs === this.profilesFile || path.basename(abs) === 'profiles.yml') {
      // Settings files re-read the whole project; their unsaved text wins over the disk.
      this.unsaved.set(abs, text);
      this.reload();
      return true;
    }
    const placed = before ? { kind: before.kind, pkg: before.packageName, folders: before.folders } : this.place(abs);
    if (!placed) return false;
    const entry = makeEntry(abs, placed.kind, placed.pkg, text, placed.folders, before);
    this.files.set(abs, entry);
    if (entry.kind === 'macro') this.macroVersion++;
    const structural = !before || entry.kind !== 'model' || structureKey(before) !== structureKey(entry);
    this.version++;
    if (structural) {
      this.structureVersion++;
      // A model whose refs changed updates the DAG in place (keeps edits fast on 10k-model projects).
      if (before?.kind === 'model' && entry.kind === 'model' && this.derived) this.derived.cycles = this.relink(modelName(abs), entry, this.derived);
      else this.derived = undefined;
    }
    return structural;
  }

  private relink(name: string, after: FileEntry, d: Derived): Map<string, string[]> {
    const dag = d.dag;
    if (!dag.parents.has(name)) return d.cycles;
    dag.setParents(name, this.refsOf(after).map((r) => r.name));
    const parents = dag.parents.get(name)!;
    const cycles = d.cycles;
    // Fast path: no cycle before, and every parent sits upstream in the known topological order.
    const order = dag.order;
    const at = order?.get(name);
    if (order && at !== undefined && !cycles.has(name) && [...parents].every((p) => (order.get(p) ?? Infinity) < at)) return cycles;
    dag.order = undefined;
    const affected = new Set([name, ...(cycles.get(name) ?? [])]);
    for (const x of affected) cycles.delete(x);
    for (const x of affected) {
      if (cycles.has(x)) continue;
      const scc = dag.componentOf(x);
      if (scc.length > 1 || dag.parents.get(x)!.has(x)) for (const m of scc) cycles.set(m, scc);
    }
    return cycles;
  }

  private touch(): void {
    this.version++;
    this.structureVersion++;
    this.derived = undefined;
  }

  /** The root of the innermost package holding `file` (the project's own root for its files and any other). */
  packageRootOf(file: string): string {
    return this.packageOf(file)?.root ?? this.root;
  }

  /** The innermost package whose folder holds `file`. */
  private packageOf(file: string): PackageInfo | undefined {
    if (this.packageOfFile.has(file)) return this.packageOfFile.get(file);
    let found: PackageInfo | undefined;
    for (let i = this.packages.length - 1; i >= 0 && !found; i--) if (notAbove(this.packages[i].root, file)) found = this.packages[i];
    this.packageOfFile.set(file, found);
    return found;
  }

  /** Which kind of file a new path is, from the package's configured paths. */
  private place(file: string): { kind: FileKind; pkg: string; folders: string[] } | undefined {
    if (file === path.join(this.root, 'selectors.yml')) return { kind: 'selectors', pkg: this.name, folders: [] };
    const pkg = this.packageOf(file);
    if (!pkg) return undefined;
    const s = pkg.settings;
    const groups: Array<[string[], FileKind]> = [[s.modelPaths, 'model'], [s.snapshotPaths, 'snapshot'], [s.macroPaths, 'macro'], [s.seedPaths, 'seed'], [s.testPaths, 'test'], [s.analysisPaths, 'analysis']];
    for (const [dirs, dirKind] of groups) {
      for (const d of dirs) {
        const rel = path.relative(path.join(pkg.root, d), file);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const folders = path.dirname(rel).split(path.sep).filter((x) => x && x !== '.');
        const kind = classify(file, dirKind, folders);
        if (!kind) return undefined;
        return { kind, pkg: pkg.name, folders };
      }
    }
    return undefined;
  }

  private get d(): Derived {
    if (this.derived) return this.derived;
    const models = new Map<string, ModelNode[]>();
    const sources = new Map<string, SourceDefinition[]>();
    const macros = new Map<string, MacroDefinition[]>();
    const docs = new Map<string, ModelDoc>();
    const add = <T>(map: Map<string, T[]>, key: string, value: T) => {
      const list = map.get(key);
      if (list) list.push(value); else map.set(key, [value]);
    };
    for (const e of this.files.values()) {
      if (e.kind === 'yaml' && e.schema) for (const m of e.schema.models) if (!docs.has(m.name)) docs.set(m.name, m);
    }
    this.disabledFiles.clear();
    this.disabledNames.clear();
    // Which file implements each declared version, enabled or not: a version's YAML config (`enabled: false` too) reaches its file.
    const modelFiles = modelFileNames(this, this.files.values());
    const versionOfFile = versionsByModelName(docs.values(), modelFiles.has, modelFiles.live);
    for (const e of this.files.values()) {
      const canBeDisabled = e.kind === 'model' || e.kind === 'snapshot' || e.kind === 'test';
      const name = canBeDisabled || e.kind === 'seed' ? modelName(e.file) : '';
      if (canBeDisabled ? !modelEnabled(this, e, name, docs, e.kind === 'model' ? versionOfFile.get(name) : undefined) : e.kind === 'seed' && !seedEnabled(this, e, name, docs)) {
        this.disabledFiles.add(e.file);
        this.disabledNames.add(name);
        continue;
      }
      if (e.kind === 'model') add(models, name, { name, kind: 'model', file: e.file, packageName: e.packageName, nameStart: 0, nameEnd: 0 });
      else if (e.kind === 'seed') add(models, name, { name, kind: 'seed', file: e.file, packageName: e.packageName, nameStart: 0, nameEnd: 0 });
      else if (e.kind === 'snapshot') {
        const names = e.analysis?.snapshotNames ?? [];
        // Several snapshots in one file: each its own block (its SQL, refs and config).
        const own = names.length > 1 ? separateSnapshotBlocks(e.analysis!) : [];
        for (const [i, s] of names.entries()) add(models, s.name, { name: s.name, kind: 'snapshot', file: e.file, packageName: e.packageName, nameStart: s.start, nameEnd: s.end, ...(own[i] ? { definition: own[i] } : {}) });
      }
      else if (e.kind === 'macro') for (const m of e.macros ?? []) add(macros, m.name, m);
      else if (e.kind === 'yaml' && e.schema) {
        for (const s of e.schema.sources) add(sources, s.name, s);
        for (const m of e.schema.models) {
          if (m.relation === undefined) continue;
          const definition = analyzeModelFile(yamlSnapshotSql(m.relation));
          add(models, m.name, { name: m.name, kind: 'snapshot', file: e.file, packageName: e.packageName, nameStart: m.nameStart, nameEnd: m.nameEnd, definition });
        }
      }
    }
    // A version in a file of its own is documented by its versioned model's YAML (config and columns inherited).
    for (const doc of [...docs.values()]) {
      for (const v of doc.versions?.all ?? []) {
        const file = versionModelName(doc.name, doc.versions!, v, (n) => models.has(n));
        if (file && file !== doc.name && !docs.has(file)) docs.set(file, versionDoc(doc, v, file));
      }
    }
    const dag = new Dag([], models.keys());
    for (const [name, nodes] of models) {
      const node = nodes[0];
      const entry = this.files.get(node.file);
      for (const r of node.definition ? node.definition.refs : entry ? this.refsOf(entry) : []) dag.link(name, refTargetName(modelFiles, docs, r));
    }
    this.derived = { models, sources, macros, docs, dag, cycles: dag.cycles(), modelFiles };
    return this.derived;
  }

  // ---- queries ----

  entry(file: string): FileEntry | undefined {
    // Callers mostly pass the absolute keys themselves; resolve only when that misses.
    return this.files.get(file) ?? this.files.get(path.resolve(file));
  }

  /** Model names; the same array until the set of names changes (callers must not mutate it). */
  modelNames(): string[] {
    const d = this.d;
    d.names ??= [...d.models.keys()];
    return d.names;
  }

  /** Nodes with this name (more than one is a duplicate-name problem). */
  nodes(name: string): ModelNode[] {
    return this.d.models.get(name) ?? [];
  }

  resolveRef(ref: Pick<RefUse, 'name' | 'packageName'> & { version?: string }): ModelNode | undefined {
    const nodes = this.d.models.get(refTargetName(this.d.modelFiles, this.d.docs, ref));
    if (!nodes) return undefined;
    if (ref.packageName) return nodes.find((n) => n.packageName === ref.packageName);
    return nodes.find((n) => n.packageName === this.name) ?? nodes[0];
  }

  sourceNames(): string[] {
    return [...this.d.sources.keys()];
  }

  sourceDefinitions(name: string): SourceDefinition[] {
    return this.d.sources.get(name) ?? [];
  }

  resolveSource(use: Pick<SourceUse, 'source' | 'table'>): SourceTable | undefined {
    for (const def of this.sourceDefinitions(use.source)) {
      // dbt renders a table's name (`name: "{{ env_var('DATASET') ~ '_events' }}"`) before source() looks it up.
      const rendered = (x: SourceTable) => /\{[{%]/.test(x.name) && renderSetting(this, this.files.get(def.file)?.packageName ?? this.name, def.name, x.name)?.trim();
      const t = def.tables.find((x) => x.name === use.table || rendered(x) === use.table);
      if (t) return t;
    }
    return undefined;
  }

  /**
   * The Iceberg table a source table reads, as a run names it: its `icebergTable` with the Jinja of its YAML's schema,
   * identifier (or name) or `meta.iceberg_table` rendered as dbt renders them when it reads the file (flow-models'
   * `schema: {{ "FLOW_DEV" if var(...) else "FLOW" }}`); as written when there is no Jinja or it cannot be rendered.
   */
  sourceIcebergTable(table: SourceTable): string {
    if (!/\{[{%]/.test(table.icebergTable)) return table.icebergTable;
    const hit = this.renderedIcebergTables.get(table);
    if (hit?.version === this.version) return hit.name;
    const pkg = this.files.get(table.file)?.packageName ?? this.name;
    const render = (text: string) => (/\{[{%]/.test(text) ? renderSetting(this, pkg, table.sourceName, text)?.trim() || text : text);
    const { schema, identifier } = table.relation;
    const name = table.icebergTable === `${schema}.${identifier}` ? `${render(schema)}.${render(identifier)}` : render(table.icebergTable);
    this.renderedIcebergTables.set(table, { version: this.version, name });
    return name;
  }

  allSourceTables(): SourceTable[] {
    return [...this.d.sources.values()].flatMap((defs) => defs.flatMap((d) => d.tables));
  }

  /** Names of the `{% materialization name, ... %}` blocks in the project's and packages' macro files. */
  materializationNames(): Set<string> {
    if (this.materializations?.version === this.macroVersion) return this.materializations.names;
    const names = new Set<string>();
    for (const e of this.files.values()) {
      if (e.kind === 'macro') for (const m of e.text.matchAll(/\{%-?\s*materialization\s+(\w+)/g)) names.add(m[1]);
    }
    this.materializations = { version: this.macroVersion, names };
    return names;
  }

  private materializations?: { version: number; names: Set<string> };

  macroNames(): string[] {
    return [...this.d.macros.keys()];
  }

  macro(name: string, packageName?: string): MacroDefinition | undefined {
    const defs = this.d.macros.get(name);
    if (!defs) return undefined;
    if (packageName) return defs.find((m) => m.packageName === packageName);
    return defs.find((m) => m.packageName === this.name) ?? defs[0];
  }

  /**
   * The macro a call runs, as dbt resolves it (dbt-core's MacroNamespace): `ns.x` is package ns's; an unqualified `x`
   * called from a file of package `caller` is that package's (dbt's local namespace, the rendered node's package; in
   * a package's macro file, the package's own, which its models run), else the root project's, else (where dbt would
   * find none) any package's.
   */
  macroCalled(name: string, namespace: string | undefined, caller: string): MacroDefinition | undefined {
    if (namespace) return this.macro(name, namespace);
    const defs = this.d.macros.get(name);
    return defs && (defs.find((m) => m.packageName === caller) ?? defs.find((m) => m.packageName === this.name) ?? defs[0]);
  }

  packageNames(): string[] {
    return this.packages.map((p) => p.name);
  }

  doc(name: string): ModelDoc | undefined {
    return this.d.docs.get(name);
  }

  /** Every `models:` entry of this name in the project's and its packages' schema YAML, by file path and then offset. */
  modelEntries(name: string): readonly ModelDoc[] {
    const d = this.d;
    if (!d.modelEntries) {
      d.modelEntries = new Map();
      for (const e of this.files.values()) {
        if (e.kind !== 'yaml' || !e.schema) continue;
        for (const m of e.schema.models) {
          if (m.yamlKey) continue;
          const list = d.modelEntries.get(m.name);
          if (list) list.push(m); else d.modelEntries.set(m.name, [m]);
        }
      }
      for (const list of d.modelEntries.values()) if (list.length > 1) list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.nameStart - b.nameStart));
    }
    return d.modelEntries.get(name) ?? [];
  }

  /** The versioned model and version a model file implements (`<name>_v<v>`, a `defined_in:` file, or the latest's `<name>.sql`). */
  versionOf(modelName: string): VersionOfFile | undefined {
    const d = this.d;
    d.versionFiles ??= versionsByModelName(d.docs.values(), (n) => d.models.has(n));
    return d.versionFiles.get(modelName);
  }

  get dag(): Dag {
    return this.d.dag;
  }

  /** Cycle members by model name. */
  cycles(): Map<string, string[]> {
    return this.d.cycles;
  }

  vars(): Record<string, unknown> {
    return mergeMarked(this.settings.vars, this.commandLineVars);
  }

  /** The profile in use: `--profile` from the command line, else dbt_project.yml's `profile:`. */
  get profileName(): string | undefined {
    return this.commandLineProfile ?? this.settings.profile;
  }

  /** `--profile` from the command line, as dbt takes it: the profiles.yml entry to read targets from. */
  setCommandLineProfile(name: string): void {
    this.commandLineProfile = name;
    this.target = resolveTarget(this.profiles, name, this.env.DBT_TARGET);
    this.touch();
  }

  /** `--vars` from the command line: as in dbt they win over every `vars:` of dbt_project.yml, in every package. */
  setCommandLineVars(vars: Record<string, unknown>): void {
    this.commandLineVars = mergeMarked(vars);
    this.settingsVersion++;
    this.derived = undefined;
    this.version++;
    this.macroVersion++;
  }

  /**
   * The vars a package's models see, with dbt's precedence: the package's own `vars:` < the root project's global
   * vars < the root's vars scoped to that package (`vars: {pkg: {...}}`).
   */
  /**
   * The models a file reads: its ref() calls, and those inside a var it reads whose value is Jinja (dbt renders it
   * when var() reads it: fivetran's `var('shopify_order')` is "{{ ref('stg_shopify__order') }}"). For the DAG,
   * selection, lineage and the manifest; navigation and rename work on the calls in the file.
   */
  refsOf(entry: FileEntry): RefUse[] {
    return this.usesOf(entry).refs;
  }

  /** The sources a file reads, directly or through a var (see refsOf). */
  sourcesOf(entry: FileEntry): SourceUse[] {
    return this.usesOf(entry).sources;
  }

  private usesOf(entry: FileEntry): { refs: RefUse[]; sources: SourceUse[] } {
    const a = entry.analysis;
    if (!a) return { refs: [], sources: [] };
    if (!a.varCount) return a;
    const cached = this.usesCache.get(entry);
    if (cached?.version === this.settingsVersion) return cached;
    const vars = this.varsFor(entry.packageName);
    const reading = a.vars.filter((v) => { const value = vars[v.name]; return typeof value === 'string' && /\b(ref|source)\s*\(/.test(value); });
    // Most vars hold plain values: the file's own calls are its uses, as they are and not cached (that check costs
    // no more than a cache lookup; a cache entry per model was 10k objects more for every collection at 10k models).
    if (!reading.length) return a;
    const refs = [...a.refs];
    const sources = [...a.sources];
    for (const v of reading) {
      const value = vars[v.name] as string;
      // Positions are the var() call's: these uses have no text of their own in the file.
      const at = { start: v.start, end: v.end, callStart: v.start, callEnd: v.end };
      const inner = analyzeModelFile(value);
      for (const r of inner.refs) refs.push({ ...r, ...at, conditional: r.conditional || v.conditional });
      for (const u of inner.sources) sources.push({ ...u, ...at, conditional: u.conditional || v.conditional });
    }
    const uses = { version: this.settingsVersion, refs, sources };
    this.usesCache.set(entry, uses);
    return uses;
  }

  varsFor(packageName: string): Record<string, unknown> {
    const cached = this.varsCache.get(packageName);
    if (cached?.version === this.settingsVersion) return cached.vars;
    const vars = this.computeVarsFor(packageName);
    this.varsCache.set(packageName, { version: this.settingsVersion, vars });
    return vars;
  }

  private computeVarsFor(packageName: string): Record<string, unknown> {
    const names = new Set(this.packageNames());
    const globals = (vars: Record<string, unknown>) => { const out = mergeMarked(vars); for (const name of names) delete out[name]; return out; };
    const scoped = (vars: Record<string, unknown>) => (isRecord(vars[packageName]) ? vars[packageName] as Record<string, unknown> : {});
    const own = this.packages.find((p) => p.name === packageName)?.settings.vars ?? {};
    const root = this.settings.vars;
    // Merged keeping which values were written as integral floats, which var() gives Jinja as floats.
    return mergeMarked(globals(own), scoped(own), globals(root), scoped(root), this.commandLineVars);
  }

  /** Whether a model or snapshot file is turned off by `enabled: false` (dbt leaves it out of the project). */
  isDisabled(file: string): boolean {
    void this.d;
    return this.disabledFiles.has(file);
  }

  /** Packages declared in packages.yml / dependencies.yml with no installed folder (read once per reload). */
  missingPackages(): MissingPackage[] {
    if (this.missing?.version !== this.settingsVersion) this.missing = { version: this.settingsVersion, list: this.fs === diskFiles ? missingPackages(this.root, this.env) : [] };
    return this.missing.list;
  }

  /** Whether a model or snapshot of this name exists but is turned off. */
  isDisabledName(name: string): boolean {
    void this.d;
    return this.disabledNames.has(name);
  }

  /** The files of the turned-off models, seeds or snapshots named `name` (a ref to one still goes to its file). */
  disabledFilesNamed(name: string): string[] {
    void this.d;
    return this.disabledNames.has(name) ? [...this.disabledFiles].filter((f) => modelName(f) === name) : [];
  }

  /** Whether a ref names a model that exists but is turned off (for a versioned model, the version it asks for). */
  isDisabledRef(ref: { name: string; version?: string }): boolean {
    const d = this.d;
    return this.disabledNames.has(refTargetName(d.modelFiles, d.docs, ref));
  }

  /** The model node defined by a file (models, seeds; the first snapshot of a snapshot file). */
  nodeOfFile(file: string): ModelNode | undefined {
    const e = this.entry(file);
    if (!e) return undefined;
    const name = e.kind === 'snapshot' ? e.analysis?.snapshotNames[0]?.name : modelName(e.file);
    if (!name) return undefined;
    return this.nodes(name).find((n) => n.file === e.file);
  }

  /** Effective config with dbt's precedence: dbt_project.yml folders (`models:`, `seeds:` or `snapshots:`) < schema YAML < config() in the file. */
  configOf(node: ModelNode): ModelConfig {
    const e = this.files.get(node.file);
    return mergeConfigs(this.nodeFolderConfig(node, e), this.yamlConfigOf(node), this.fileConfigOf(node, e));
  }

  /** dbt_project.yml configs along a node's fqn: a model version's ends in its model and version (`dim: v2:`), as dbt's patch recomputes it. */
  private nodeFolderConfig(node: ModelNode, e: FileEntry | undefined): Readonly<ModelConfig> {
    const version = node.kind === 'model' ? this.versionOf(node.name) : undefined;
    const folders = e?.folders ?? [];
    return version ? this.folderConfigOf(node.packageName, [...folders, version.model], 'model', `v${version.v}`) : this.folderConfigOf(node.packageName, folders, node.kind, node.name);
  }

  /** A node's config() calls: read statically, or as dbt's parse renders them when one sits in a branch (branchConfig.ts). */
  private fileConfigOf(node: ModelNode, e: FileEntry | undefined): ModelConfig | undefined {
    const a = node.definition ?? e?.analysis;
    return a && fileConfig(this, node.file, node.packageName, node.name, a);
  }

  /** A node's YAML config; the latest version of a versioned model, living in `<name>.sql`, adds its version entry's. */
  private yamlConfigOf(node: ModelNode): ModelDoc['config'] | undefined {
    const doc = this.doc(node.name);
    const own = doc?.versions ? doc.versions.entries?.[this.versionOf(node.name)?.v ?? '']?.config : undefined;
    const written = own ? own : doc?.config;
    if (!written) return undefined;
    // rendered once per YAML entry (and settings and macros), as dbt renders it when it reads the file
    const hit = this.renderedYamlConfigs.get(written);
    if (hit?.settings === this.settingsVersion && hit.macros === this.macroVersion) return hit.config;
    const merged = own ? mergeMarked(doc!.config ?? {}, own) as ModelConfig : written as ModelConfig;
    const config = withRenderedSettings(this, node.packageName, node.name, merged) as ModelDoc['config'];
    this.renderedYamlConfigs.set(written, { settings: this.settingsVersion, macros: this.macroVersion, config });
    return config;
  }

  /**
   * One key of configOf (not `tags`, which merges): the last layer that sets it wins. Without merging every key, for
   * project-wide passes over one setting (enforced contracts at the first diagnostics of 10k models).
   */
  configValueOf(node: ModelNode, key: string): ModelConfig[string] | undefined {
    const e = this.files.get(node.file);
    let value: ModelConfig[string] | undefined;
    for (const layer of [this.nodeFolderConfig(node, e), this.yamlConfigOf(node), this.fileConfigOf(node, e)]) {
      if (layer && Object.prototype.hasOwnProperty.call(layer, key)) value = layer[key];
    }
    return value;
  }

  /**
   * dbt_project.yml configs for a node: its package's own tree (`models:`, `seeds:`, `snapshots:` or `data_tests:`), then the root
   * project's, each along the node's fqn (package, folders, and `name` last: a key may name the node itself).
   */
  folderConfigOf(packageName: string, folders: string[], kind: ModelNode['kind'] | 'test' = 'model', name?: string): Readonly<ModelConfig> {
    // Files of one folder share their `folders` array (see walk), so this is computed once per folder, not per file;
    // only a node its tree names has a config of its own.
    let byFolders = this.folderConfigs.get(folders);
    if (byFolders?.version !== this.settingsVersion) this.folderConfigs.set(folders, byFolders = { version: this.settingsVersion, configs: new Map() });
    const pkg = this.packages.find((p) => p.name === packageName) ?? this.packages[0];
    const trees = pkg.isRoot ? [this.treeOf(pkg.settings, kind)] : [this.treeOf(pkg.settings, kind), this.treeOf(this.settings, kind)];
    const own = name !== undefined && trees.some((t) => configTreeHas(t, pkg.name, folders, name));
    const key = `${packageName}\u0000${kind}${own ? `\u0000${name}` : ''}`;
    let config = byFolders.configs.get(key);
    if (!config) {
      const merged = mergeConfigs(...trees.map((t) => folderConfig(t, pkg.name, own ? [...folders, name!] : folders)));
      byFolders.configs.set(key, config = Object.freeze(withRenderedSettings(this, pkg.name, own ? name! : [pkg.name, ...folders].join('.'), merged)));
    }
    return config;
  }

  private treeOf(s: DbtProjectFile, kind: ModelNode['kind'] | 'test'): unknown {
    return kind === 'seed' ? s.seedsConfig : kind === 'snapshot' ? s.snapshotsConfig : kind === 'test' ? s.testsConfig : s.modelsConfig;
  }

  /** The root project's selectors.yml, parsed; undefined when there is none. */
  yamlSelectors(): YamlSelectors | undefined {
    return this.files.get(path.join(this.root, 'selectors.yml'))?.selectors;
  }

  /**
   * A seed's `column_types` as dbt uses them: Jinja rendered (tuva picks `string` or `varchar(256)` by target.type) and
   * a block scalar's line break dropped. A type that cannot be rendered is left out (inferred instead).
   */
  seedColumnTypes(node: ModelNode): Record<string, string> | undefined {
    const declared = this.configOf(node).column_types;
    if (!isRecord(declared)) return undefined;
    const out: Record<string, string> = {};
    for (const [column, type] of Object.entries(declared)) {
      const rendered = renderSetting(this, node.packageName, node.name, String(type))?.trim();
      if (rendered) out[column] = rendered;
    }
    return out;
  }

  /** A seed's columns as its CSV gives them, split by its `delimiter` (types inferred from the first rows). */
  seedCsvColumns(node: ModelNode): Column[] | undefined {
    const e = this.files.get(node.file);
    const delimiter = this.configOf(node).delimiter;
    if (!e || typeof delimiter !== 'string' || delimiter.length !== 1 || delimiter === ',') return e?.seedColumns;
    return seedColumns(e.text, delimiter);
  }

  /** Known columns of a model, seed or snapshot: bound by DuckDB, else declared in YAML, else from the CSV. */
  columnsOfNode(node: ModelNode): Column[] | undefined {
    if (node.kind === 'seed') return withColumnTypes(this.seedCsvColumns(node), this.seedColumnTypes(node));
    const bound = this.boundColumns.get(node.name);
    const doc = this.doc(node.name)?.columns;
    if (bound && doc) return bound.map((c) => ({ ...c, description: c.description ?? doc.find((d) => d.name === c.name)?.description }));
    return bound ?? (doc?.length ? doc : undefined);
  }

  /** Known columns of a source table: the cached Iceberg schema, else YAML columns. */
  columnsOfSource(table: SourceTable): Column[] | undefined {
    const cached = this.schemaCache.get(this.sourceIcebergTable(table));
    if (cached) return cached.columns;
    return table.columns.length ? table.columns : undefined;
  }

  /** Macro files for the renderer. */
  macroFiles(): { files: MacroFile[]; names: Array<{ name: string; file: string }> } {
    const files: MacroFile[] = [];
    const names: Array<{ name: string; file: string }> = [];
    for (const e of this.files.values()) {
      if (e.kind !== 'macro') continue;
      files.push({ file: e.file, text: e.text, packageName: e.packageName, root: e.packageName === this.name });
      for (const m of e.macros ?? []) names.push({ name: m.name, file: e.file });
    }
    return { files, names };
  }

  /** Files with model-like Jinja (models, snapshots, tests, analyses). */
  modelFiles(): FileEntry[] {
    return [...this.files.values()].filter((e) => e.analysis);
  }
}

/** A seed's columns with `column_types` applied (they win over inference, as in dbt). */
function withColumnTypes(columns: Column[] | undefined, types: Record<string, string> | undefined): Column[] | undefined {
  if (!columns || !types) return columns;
  const byName = new Map(Object.entries(types).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return columns.map((c) => (byName.has(c.name.toLowerCase()) ? { ...c, type: byName.get(c.name.toLowerCase())!.toUpperCase() } : c));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A warning at the env_var() call in profiles.yml: dbt would stop there; Floe reads the value as ''. */
function missingEnvProblem(entry: FileEntry, name: string, target: Target): ProjectDiagnostic {
  const at = entry.text.search(new RegExp(`env_var\\(\\s*['"]${name.replace(/[^\w]/g, '\\$&')}['"]`));
  return {
    file: entry.file, start: Math.max(at, 0), end: Math.max(at, 0) + (at < 0 ? 0 : 'env_var'.length), severity: 'warning', code: 'profile-env-missing',
    message: `Env var '${name}' is not set and has no default, and target '${target.name}' of profile '${target.profile}' uses it: dbt stops with "Env var required but not provided"; Floe reads it as ''. Set it where the editor and floe run, or give env_var a default.`,
  };
}

/** The SQL of a snapshot defined in YAML: everything its relation has. */
export function yamlSnapshotSql(relation: string): string {
  return `select * from {{ ${relation} }}`;
}

const NODE_EXTENSIONS = new Set(['sql', 'csv', 'py']);

/** The file's name without its .sql/.csv/.py (any case). By hand, not basename and a regex: called per file and per model in every project-wide pass. */
export function modelName(file: string): string {
  const base = file.endsWith('/') || file.endsWith(path.sep) ? path.basename(file) : file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf(path.sep)) + 1);
  const dot = base.lastIndexOf('.');
  return dot >= 0 && NODE_EXTENSIONS.has(base.slice(dot + 1).toLowerCase()) ? base.slice(0, dot) : base;
}

function classify(file: string, dirKind: FileKind, folders: string[]): FileKind | undefined {
  const lower = file.toLowerCase();
  // dbt reads `tests/generic/` as generic test definitions (macro files), not singular tests.
  if (dirKind === 'test' && folders[0] === 'generic' && lower.endsWith('.sql')) return 'macro';
  // Unit test fixtures (`tests/fixtures/*.csv|.sql`) are rows for unit tests, not singular tests.
  if (dirKind === 'test' && folders[0] === 'fixtures') return lower.endsWith('.csv') || lower.endsWith('.sql') ? 'fixture' : undefined;
  if (lower.endsWith('.py')) return dirKind === 'model' ? 'model' : undefined;
  if (lower.endsWith('.yml') || lower.endsWith('.yaml')) return dirKind === 'seed' || dirKind === 'model' || dirKind === 'snapshot' || dirKind === 'macro' || dirKind === 'test' || dirKind === 'analysis' ? 'yaml' : undefined;
  if (lower.endsWith('.csv')) return dirKind === 'seed' ? 'seed' : undefined;
  // dbt's docs-paths default to every resource path: docs blocks live in .md files beside the models.
  if (lower.endsWith('.md')) return ['model', 'seed', 'snapshot', 'macro', 'test', 'analysis'].includes(dirKind) ? 'docs' : undefined;
  if (lower.endsWith('.sql')) return dirKind === 'seed' ? undefined : dirKind;
  return undefined;
}

/** `yaml`, `analysis`: the text's strict parse (schema YAML) or analysis (model-like files) made by the read-ahead worker. */
function makeEntry(file: string, kind: FileKind, packageName: string, text: string, folders: string[], before?: FileEntry, yaml?: ParsedYaml, analysis?: ModelFileAnalysis): FileEntry {
  const e: FileEntry = { file, kind, packageName, text, folders, problems: [] };
  switch (kind) {
    case 'model': case 'snapshot': case 'test': case 'analysis':
      e.analysis = analysis ?? analyzeModelLike(file, text);
      break;
    case 'macro': {
      const scan = scanTemplate(text);
      e.macros = templateBindings(text, scan).macros.map((m) => ({ name: m.name, file, packageName, params: m.params, start: m.start, end: m.end }));
      // dbt reads a macro file block by block: a stray end tag between blocks is skipped, not rendered (dbt_artifacts
      // 2.6.1-2.9.2 shipped one); a warning, as dbt 1.10's deprecation. Inside a block it fails as in Jinja.
      e.problems = scan.problems.map(({ orphanEnd, ...p }) => (orphanEnd
        ? { file, ...p, severity: 'warning' as const, message: `${p.message}: dbt skips an end tag outside every block (dbt 1.10 warns); remove it` }
        : { file, ...p, severity: 'error' as const }));
      break;
    }
    case 'yaml':
      e.schema = parseSchemaFile(file, text, before?.schema, yaml);
      e.problems = e.schema.problems;
      break;
    case 'seed':
      e.seedColumns = seedColumns(text);
      break;
    case 'docs':
      e.docBlocks = docBlocksOf(text);
      break;
    case 'selectors':
      e.selectors = parseYamlSelectors(file, text);
      e.problems = e.selectors.problems.map((p) => ({
        // dbt accepts a method Floe cannot evaluate (result:, state:): a note, and an error only where it is chosen.
        file, start: p.range?.[0] ?? 0, end: p.range?.[1] ?? 0, severity: p.unsupported ? 'info' as const : 'error' as const, code: 'selector-invalid',
        // The editor shows the file already; the CLI's message names it.
        message: p.message.replace(/^.*?selectors\.yml(:\d+:\d+)?: /, ''),
      }));
      break;
  }
  return e;
}

/** What other files can see of a model file: its refs and its config. */
function structureKey(e: FileEntry): string {
  const a = e.analysis;
  if (!a) return '';
  return jsonText([a.refs.map((r) => [r.name, r.packageName]), a.config, a.snapshotNames.map((s) => s.name)]) ?? '';
}

/** How the project reads files: the disk, or a map in memory (tests). */
export interface FileSource {
  read(file: string): string | undefined;
  readdir(dir: string): string[];
  walk(dir: string, visit: (file: string, folders: string[]) => void): void;
}

const diskFiles: FileSource = { read: readText, readdir: safeReaddir, walk: (dir, visit) => walk(dir, visit) };

function memoryFiles(files: Map<string, string>): FileSource {
  return {
    read: (file) => files.get(path.resolve(file)),
    readdir: (dir) => [...new Set([...files.keys()].map((f) => path.relative(dir, f)).filter((r) => !r.startsWith('..') && r.includes(path.sep)).map((r) => r.split(path.sep)[0]))],
    walk: (dir, visit) => {
      for (const f of [...files.keys()].sort()) {
        const rel = path.relative(dir, f);
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        const parts = rel.split(path.sep);
        if (parts.some((p) => SKIP_DIRS.has(p))) continue;
        visit(f, parts.slice(0, -1));
      }
    },
  };
}

// readFileSync, not open/read/close into a shared buffer (~25% faster on 10k files): util/inputTrace.ts replays reads
// by path, and a read through a descriptor would make every traced index unreplayable (no kept report, no kept diagnostics).
function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function walk(dir: string, visit: (file: string, folders: string[]) => void, folders: string[] = []): void {
  let list;
  try {
    list = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  // `dir` is normalized (it comes from path.join) and a name has no separator: concatenation is path.join, cheaper.
  const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
  for (const d of list) {
    if (d.isDirectory()) {
      if (!SKIP_DIRS.has(d.name)) walk(prefix + d.name, visit, [...folders, d.name]);
    } else if (d.isFile() || d.isSymbolicLink()) {
      visit(prefix + d.name, folders);
    }
  }
}

/** Folders (recursively) that hold a dbt_project.yml, outside installed packages. */
export function findProjectRoots(dir: string, depth = 6): string[] {
  const out: string[] = [];
  const visit = (d: string, level: number) => {
    if (existsSync(path.join(d, 'dbt_project.yml'))) {
      out.push(d);
      return;
    }
    if (level >= depth) return;
    for (const name of safeReaddir(d)) {
      if (SKIP_DIRS.has(name) || name === 'dbt_packages' || name.startsWith('.')) continue;
      const child = path.join(d, name);
      try {
        if (statSync(child).isDirectory()) visit(child, level + 1);
      } catch {
        // unreadable: skip
      }
    }
  };
  visit(path.resolve(dir), 0);
  return out;
}
