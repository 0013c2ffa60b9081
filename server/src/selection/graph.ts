// What dbt's selectors see of a project: every enabled model, seed, snapshot, analysis, source table and data test,
// with its fqn, path, package, tags, config and parents (refs, sources; a test's parents are what it tests).
// Pure over the project model; cached per project version.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DbtProject, FileEntry, ModelNode } from '../project/project';
import { modelName } from '../project/project';
import { parseRelationTarget, allDataTests, type DataTest } from '../project/dataTests';
import { DBT_TEST_SCHEMA } from '../project/dbtRelations';
import { genericTestName, genericTestUniqueId } from '../project/testNames';
import { projectUnitTests, unitTestAsDataTest } from '../project/unitTests';
import type { ModelConfig } from '../project/config';
import type { RefUse, SourceUse } from '../project/modelFile';
import type { MetricUse, YamlResource, YamlResourceKind } from '../project/yamlResources';
import { yamlResourceEnabled } from '../project/enabled';
import { branchEnabled, fileConfig } from '../project/branchConfig';
import { mergeMarked } from '../project/yamlFloats';
import { relativePath } from '../util/relativePath';

export type ResourceType = 'model' | 'seed' | 'snapshot' | 'analysis' | 'source' | 'test' | 'unit_test' | YamlResourceKind;

/** The resource types that are schema YAML entries only: graph members dbt selects and lists, nothing it builds. */
export const YAML_RESOURCE_TYPES: ReadonlySet<ResourceType> = new Set<ResourceType>(['exposure', 'metric', 'semantic_model', 'saved_query']);

export interface SelectableNode {
  /**
   * dbt's unique id: `model.shop.stg_orders`, `source.shop.bronze.orders`, `test.shop.not_null_stg_orders_id.<hash of the data
   * test id>`, `unit_test.shop.stg_orders.test_name`.
   */
  id: string;
  resourceType: ResourceType;
  /** The name a user types: the model name, `source.table`, a test's dbt name. */
  name: string;
  packageName: string;
  /** [package, ...folders, name]; sources end in [source, table]. */
  fqn: string[];
  /** The defining file relative to the project root, `/`-separated (the YAML file for sources and generic tests). */
  path: string;
  /** The YAML file that documents a model, relative like `path`. */
  patchPath?: string;
  tags: string[];
  config: ModelConfig;
  /** Unique ids of the nodes this one depends on. */
  parents: string[];
  source?: { source: string; table: string };
  /** A versioned model (`versions:` in YAML, file `<model>_v<v>.sql`): its model name, this version and the latest. */
  version?: { model: string; v: string; latest: string };
  test?: DataTest;
  /** A model, seed or snapshot of the project model. */
  modelNode?: ModelNode;
}

export interface SelectableGraph {
  nodes: Map<string, SelectableNode>;
  children: Map<string, string[]>;
  rootPackage: string;
  /** Whether a file or folder (relative to the project's root, `/`-separated) is in its tree, as dbt's `path:` globs it. */
  rootHas(rel: string): boolean;
}

const cache = new WeakMap<DbtProject, { version: number; graph: SelectableGraph }>();

export function selectableGraph(project: DbtProject): SelectableGraph {
  const hit = cache.get(project);
  if (hit?.version === project.version) return hit.graph;
  const graph = build(project);
  cache.set(project, { version: project.version, graph });
  return graph;
}

function build(project: DbtProject): SelectableGraph {
  const nodes = new Map<string, SelectableNode>();
  // dbt's original_file_path: relative to the package that holds the file (`models/x.sql` in an installed package too)
  const rel = (file: string) => relativePath(project.packageRootOf(file), file).split(path.sep).join('/');
  const pending: Array<{ node: SelectableNode; refs: RefUse[]; sources: SourceUse[] }> = [];
  const modelIds = new Map<ModelNode, string>();
  const sourceIds = new Map<string, string>();

  const addModelLike = (e: FileEntry, node: ModelNode, resourceType: ResourceType, defaults: ModelConfig) => {
    // merged keeping which values are integral floats, which printed configs (ls, manifest) write `1.0`
    const config = mergeMarked(defaults, project.configOf(node)) as ModelConfig;
    if (resourceType === 'seed' || resourceType === 'snapshot') config.materialized = resourceType;
    if (config.enabled === false) return;
    // a listed node is enabled, however its config said so (`"{{ target.name == 'prod' }}"`, read by enabled.ts)
    config.enabled = true;
    const version = resourceType === 'model' ? project.versionOf(node.name) : undefined;
    const doc = project.doc(version?.model ?? node.name);
    // dbt reads access and group as configs or as top-level properties; a model's access defaults to protected.
    if (config.group === undefined && doc?.group) config.group = doc.group;
    if (resourceType === 'model' && config.access === undefined) config.access = doc?.access ?? 'protected';
    // dbt's fqn: a versioned model ends in its name and version; a snapshot of a .sql file has the file's name before its own.
    const leaf = version ? [version.model, `v${version.v}`] : resourceType === 'snapshot' && e.file.endsWith('.sql') ? [modelName(e.file), node.name] : [node.name];
    const n: SelectableNode = {
      // a version's id is its model's name and version, as in dbt's manifest (`model.shop.dim_customers.v2`)
      id: version ? `${resourceType}.${e.packageName}.${version.model}.v${version.v}` : `${resourceType}.${e.packageName}.${node.name}`, resourceType, name: node.name, packageName: e.packageName,
      fqn: [e.packageName, ...e.folders, ...leaf], path: rel(e.file), patchPath: doc ? rel(doc.file) : undefined,
      tags: tagList(config.tags), config, parents: [], modelNode: node, ...(version ? { version } : {}),
    };
    nodes.set(n.id, n);
    modelIds.set(node, n.id);
    const definition = node.definition;
    pending.push({ node: n, refs: definition ? definition.refs : project.refsOf(e), sources: definition ? definition.sources : project.sourcesOf(e) });
  };

  for (const e of project.files.values()) {
    switch (e.kind) {
      case 'model': case 'seed': {
        const node = project.nodes(modelName(e.file)).find((n) => n.file === e.file);
        if (node) addModelLike(e, node, e.kind, { materialized: 'view' });
        break;
      }
      case 'snapshot':
        for (const s of e.analysis?.snapshotNames ?? []) {
          const node = project.nodes(s.name).find((n) => n.file === e.file);
          if (node) addModelLike(e, node, 'snapshot', {});
        }
        break;
      case 'analysis': {
        const name = modelName(e.file);
        const a = e.analysis;
        // config() calls in an if/for as dbt's parse renders them, as for models
        const config = a ? mergeMarked(fileConfig(project, e.file, e.packageName, name, a)) as ModelConfig : {};
        const enabled = (a && branchEnabled(project, e.file, e.packageName, name, a)) ?? config.enabled !== false;
        if (!enabled) break;
        const n: SelectableNode = {
          id: `analysis.${e.packageName}.${name}`, resourceType: 'analysis', name, packageName: e.packageName,
          fqn: [e.packageName, 'analysis', ...e.folders, name], path: rel(e.file), tags: tagList(config.tags), config, parents: [],
        };
        nodes.set(n.id, n);
        pending.push({ node: n, refs: project.refsOf(e), sources: project.sourcesOf(e) });
        break;
      }
      case 'yaml':
        // dbt 1.9 snapshots defined in YAML (`relation:`).
        for (const m of e.schema?.models ?? []) {
          const node = m.relation === undefined ? undefined : project.nodes(m.name).find((n) => n.file === e.file);
          if (node) addModelLike(e, node, 'snapshot', {});
        }
        for (const s of e.schema?.sources ?? []) {
          for (const t of s.tables) {
            if (t.enabled === false) continue;
            const n: SelectableNode = {
              id: `source.${e.packageName}.${s.name}.${t.name}`, resourceType: 'source', name: `${s.name}.${t.name}`, packageName: e.packageName,
              fqn: [e.packageName, ...e.folders, s.name, t.name], path: rel(e.file), tags: t.tags ?? [], config: { tags: t.tags ?? [] }, parents: [],
              source: { source: s.name, table: t.name },
            };
            nodes.set(n.id, n);
            // The first definition wins, as in resolveSource.
            if (!sourceIds.has(`${s.name}.${t.name}`)) sourceIds.set(`${s.name}.${t.name}`, n.id);
          }
        }
        break;
    }
  }

  const refId = (r: Pick<RefUse, 'name' | 'packageName'> & { version?: string }) => {
    const target = project.resolveRef(r);
    return target && modelIds.get(target);
  };
  const sourceId = (s: { source: string; table: string }) => sourceIds.get(`${s.source}.${s.table}`);
  const link = (n: SelectableNode, ids: Array<string | undefined>) => {
    n.parents = [...new Set(ids.filter((id): id is string => !!id && id !== n.id))];
  };
  for (const p of pending) link(p.node, [...p.refs.map(refId), ...p.sources.map(sourceId)]);
  addYamlResources(project, nodes, rel, link, refId, sourceId);

  // dbt's unique ids; two tests alike but for their config would share one (dbt stops on that): each keeps its node
  const testId = (t: DataTest) => {
    const pkg = t.packageName ?? project.name;
    const id = t.kind === 'singular' ? `test.${pkg}.${t.label}` : genericTestUniqueId(t, pkg);
    return nodes.has(id) ? `${id}.${createHash('md5').update(t.id).digest('hex').slice(0, 10)}` : id;
  };
  // the root project's tests and its packages', as dbt selects them (`package:x` picks a package's)
  for (const t of allDataTests(project)) {
    const entry = project.entry(t.file);
    const n: SelectableNode = {
      id: testId(t), resourceType: 'test', name: testName(t), packageName: t.packageName ?? project.name,
      fqn: [t.packageName ?? project.name, ...(entry?.folders ?? []), testName(t)], path: rel(t.file), tags: t.tags ?? [],
      config: { materialized: 'test', severity: t.severity, tags: t.tags ?? [], schema: testSchemaOf(project, t, entry?.folders ?? []), ...(t.where ? { where: t.where } : {}) }, parents: [], test: t,
    };
    const targetId = (target: DataTest['target']) => target?.kind === 'model' ? refId({ name: target.name, version: target.version, packageName: target.packageName }) : target?.kind === 'source' ? sourceId(target) : undefined;
    if (t.kind === 'singular') link(n, entry ? [...project.refsOf(entry).map(refId), ...project.sourcesOf(entry).map(sourceId)] : []);
    else link(n, [targetId(t.target), t.kind === 'relationships' ? targetId(parseRelationTarget(t.args.to)) : undefined]);
    nodes.set(n.id, n);
  }

  // dbt unit tests: children of the model they test (selecting the model selects them); `test` carries them as kind `unit`.
  for (const u of projectUnitTests(project)) {
    const entry = project.entry(u.file);
    const target = project.resolveRef({ name: u.model, version: u.version });
    const modelId = target && modelIds.get(target);
    const n: SelectableNode = {
      id: `unit_test.${project.name}.${u.model}.${u.name}`, resourceType: 'unit_test', name: u.name, packageName: project.name,
      fqn: [project.name, ...(entry?.folders ?? []), u.model, u.name], path: rel(u.file), tags: u.tags,
      config: { materialized: 'unit', tags: u.tags }, parents: modelId ? [modelId] : [], test: unitTestAsDataTest(u),
    };
    nodes.set(n.id, n);
  }

  const children = new Map<string, string[]>();
  for (const n of nodes.values()) {
    for (const p of n.parents) {
      const list = children.get(p);
      if (list) list.push(n.id); else children.set(p, [n.id]);
    }
  }
  let inRoot: Set<string> | undefined;
  const rootHas = (relPath: string) => {
    if (!inRoot) {
      inRoot = new Set();
      for (const file of project.files.keys()) {
        const r = path.relative(project.root, file);
        if (r.startsWith('..') || path.isAbsolute(r)) continue;
        for (let p = r.split(path.sep).join('/'); p !== '.' && !inRoot.has(p); p = path.posix.dirname(p)) inRoot.add(p);
      }
    }
    return inRoot.has(relPath);
  };
  return { nodes, children, rootPackage: project.name, rootHas };
}

/**
 * Exposures, metrics, semantic models and saved queries, as dbt's graph has them: each after what it depends on (refs
 * and sources, metrics by name in its package first, a metric's measures by the semantic model that defines them).
 */
function addYamlResources(
  project: DbtProject, nodes: Map<string, SelectableNode>, rel: (file: string) => string, link: (n: SelectableNode, ids: Array<string | undefined>) => void,
  refId: (r: Pick<RefUse, 'name' | 'packageName'>) => string | undefined, sourceId: (s: { source: string; table: string }) => string | undefined,
): void {
  const added: Array<{ node: SelectableNode; r: YamlResource }> = [];
  const metrics = new Map<string, SelectableNode[]>();
  const measureOwners = new Map<string, string>();
  for (const e of project.files.values()) {
    for (const r of e.schema?.resources ?? []) {
      if (!yamlResourceEnabled(project, e, r)) continue;
      const id = `${r.kind}.${e.packageName}.${r.name}`;
      if (nodes.has(id)) continue;
      const config: ModelConfig = r.kind === 'exposure' ? { enabled: true, tags: r.tags, meta: {} } : { enabled: true, group: null, meta: {} };
      const node: SelectableNode = {
        id, resourceType: r.kind, name: r.name, packageName: e.packageName, fqn: [e.packageName, ...e.folders, r.name], path: rel(e.file),
        tags: r.tags, config, parents: [],
      };
      nodes.set(id, node);
      added.push({ node, r });
      if (r.kind === 'metric') metrics.set(r.name, [...(metrics.get(r.name) ?? []), node]);
      if (r.kind === 'semantic_model') for (const m of r.measures) if (!measureOwners.has(m)) measureOwners.set(m, id);
    }
  }
  const metricId = (from: SelectableNode, m: MetricUse) => {
    const named = metrics.get(m.name) ?? [];
    const pkg = m.packageName ?? from.packageName;
    return (named.find((n) => n.packageName === pkg) ?? (m.packageName ? undefined : named[0]))?.id;
  };
  for (const { node, r } of added) {
    link(node, [...r.refs.map(refId), ...r.sources.map(sourceId), ...r.metrics.map((m) => metricId(node, m)), ...(r.kind === 'metric' ? r.measures.map((m) => measureOwners.get(m)) : [])]);
  }
}

/** dbt's name for a test: the singular test's file name; `not_null_stg_orders_order_id`, `source_unique_bronze_orders_id`. */
function testName(t: DataTest): string {
  return t.kind === 'singular' ? t.label : genericTestName(t);
}

function tagList(tags: unknown): string[] {
  return Array.isArray(tags) ? tags.map(String) : typeof tags === 'string' ? [tags] : [];
}

/** A data test's schema config as dbt's: its `data_tests:` folder config's, else dbt's audit schema. */
function testSchemaOf(project: DbtProject, t: DataTest, folders: string[]): string {
  const schema = project.folderConfigOf(t.packageName ?? project.name, folders, 'test').schema;
  return typeof schema === 'string' && schema ? schema : DBT_TEST_SCHEMA;
}
