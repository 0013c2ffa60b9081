// floe ls (dbt ls / list): the nodes a selection picks, as dbt prints them: `--output selector` (default: the fqn,
// sources as source:…), `name`, `path`, or `json` (one object per line, narrowed by --output-keys).
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { selectNodes, type ResourceType, type SelectableNode } from '../../selection/select';
import { YAML_RESOURCE_TYPES } from '../../selection/graph';
import { reportSelection, reportUnresolvedTests, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, logFormatOf } from '../dbt-args';
import { JsonLog } from '../json-log';
import { newInvocation } from '../../artifacts/metadata';
import { artifactJson } from '../../artifacts/json';
import { withPyFloats } from '../../project/yamlFloats';

const USAGE = `usage: floe ls ${SELECTION_USAGE} [--resource-type TYPE]... [--output selector|name|path|json] [--output-keys KEY ...] ${DBT_USAGE}`;
const OUTPUTS = ['selector', 'name', 'path', 'json'] as const;
const FLOE_TYPES: readonly ResourceType[] = ['model', 'seed', 'snapshot', 'analysis', 'source', 'test', 'unit_test', 'exposure', 'metric', 'semantic_model', 'saved_query'];
/** What `dbt ls` lists without --resource-type, or with `default`: every type but analyses (dbt's ListTask). */
const DEFAULT_TYPES = FLOE_TYPES.filter((t) => t !== 'analysis');
// dbt's other resource types: valid to ask for, and Floe has none of them.
const OTHER_DBT_TYPES = ['function'];

/** `--resource-type` values (dbt's names; `all` means every type, `default` every type but analyses) as the types Floe has. */
export function resourceTypesArg(values: readonly string[], usage: string): ResourceType[] {
  const out = new Set<ResourceType>();
  for (const v of values.flatMap((x) => x.split(/[\s,]+/)).filter(Boolean)) {
    if (v === 'all' || v === 'default') (v === 'all' ? FLOE_TYPES : DEFAULT_TYPES).forEach((t) => out.add(t));
    else if ((FLOE_TYPES as readonly string[]).includes(v)) out.add(v as ResourceType);
    else if (!OTHER_DBT_TYPES.includes(v)) throw new UsageError(`--resource-type '${v}' is not one of ${[...FLOE_TYPES, ...OTHER_DBT_TYPES, 'all', 'default'].join(', ')}\n${usage}`);
  }
  return [...out];
}

export const lsCommand: CliCommand = {
  summary: 'dbt ls: list the nodes a selection picks (--output selector|name|path|json)',
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: expandMultiValueFlags(args), allowPositionals: false, strict: true,
        options: { ...SELECTION_OPTIONS, ...DBT_OPTIONS, 'resource-type': { type: 'string', multiple: true }, output: { type: 'string', short: 'o' }, 'output-keys': { type: 'string', multiple: true } },
      });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const values = parsed.values;
    const output = (values.output ?? 'selector') as (typeof OUTPUTS)[number];
    if (!OUTPUTS.includes(output)) throw new UsageError(`--output must be one of ${OUTPUTS.join(', ')}\n${USAGE}`);
    const logFormat = logFormatOf(values, USAGE);
    const project = dbtProject(values, USAGE);
    // --log-format json: each line is dbt's ListCmdOut event (its msg the line), as dbt ls logs it.
    const json = logFormat === 'json' ? new JsonLog(newInvocation({ which: 'list', ...values }).invocationId, (line) => io.out(line)) : undefined;
    const types = values['resource-type'] ? resourceTypesArg(values['resource-type'], USAGE) : DEFAULT_TYPES;
    const { nodes, problems } = selectNodes(project, selectionArgs(project, values, USAGE));
    reportSelection(io, 'ls', problems);
    reportUnresolvedTests(io, 'ls', project);
    const keys = values['output-keys']?.flatMap((k) => k.split(/[\s,]+/)).filter(Boolean);
    // dbt lists in unique_id order.
    const listed = nodes.filter((x) => types.includes(x.resourceType)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const n of listed) {
      if (json) json.listLine(lsLine(n, output, keys));
      else io.out(`${lsLine(n, output, keys)}\n`);
    }
    return 0;
  },
};

function lsLine(n: SelectableNode, output: (typeof OUTPUTS)[number], keys: string[] | undefined): string {
  switch (output) {
    case 'name': return n.name;
    case 'path': return n.path;
    // dbt's generate_selectors: a source, a unit test and the YAML resources by their method (by package and name), the rest by fqn.
    case 'selector': return n.resourceType === 'source' ? `source:${n.fqn.join('.')}`
      : n.resourceType === 'unit_test' || YAML_RESOURCE_TYPES.has(n.resourceType) ? `${n.resourceType}:${n.packageName}.${n.name}` : n.fqn.join('.');
    case 'json': {
      const all = lsJson(n);
      return artifactJson(keys?.length ? Object.fromEntries(keys.filter((k) => k in all).map((k) => [k, all[k]])) : all);
    }
  }
}

/** The keys dbt ls prints by default for --output json (in the order of each resource's fields in dbt). */
function lsJson(n: SelectableNode): Record<string, unknown> {
  if (YAML_RESOURCE_TYPES.has(n.resourceType)) {
    const head = { name: n.name, resource_type: n.resourceType, package_name: n.packageName, original_file_path: n.path, unique_id: n.id };
    const dependsOn = { depends_on: { macros: [], nodes: n.parents } };
    // A semantic model has no tags; a saved query lists its tags last.
    const config = withPyFloats(n.config);
    if (n.resourceType === 'semantic_model') return { ...head, ...dependsOn, config };
    if (n.resourceType === 'saved_query') return { ...head, config, ...dependsOn, tags: n.tags };
    return { ...head, tags: n.tags, config, ...dependsOn };
  }
  return {
    name: n.source ? n.source.table : n.name,
    resource_type: n.resourceType,
    package_name: n.packageName,
    original_file_path: n.path,
    unique_id: n.id,
    ...(n.source ? { source_name: n.source.source } : { alias: typeof n.config.alias === 'string' ? n.config.alias : n.name }),
    config: { enabled: true, ...withPyFloats(n.config) as SelectableNode['config'], tags: n.tags },
    tags: n.tags,
    depends_on: { nodes: n.parents },
  };
}
