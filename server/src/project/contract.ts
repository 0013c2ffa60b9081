// A model's enforced contract as dbt defines it: `contract: {enforced: true}` (config() in the model, its schema
// YAML or dbt_project.yml), and the columns of its schema YAML entry with `data_type` and `constraints` (the column's
// own, and the model-level `constraints:` that name it in `columns:`).
import { renderSetting } from './jinjaEnvironment';
import type { DbtProject, ModelNode } from './project';
import type { ModelDoc } from './schemaYaml';
import type { IcebergType } from '../iceberg/spec';
import { parseTypeName, sameType } from '../iceberg/type-names';

export interface ContractColumn {
  name: string;
  /** `data_type` as written (upper-cased by the YAML reader); absent when the entry has none. */
  dataType?: string;
  /** The Iceberg type `data_type` names; absent when it names none (`typeProblem` says why). */
  type?: IcebergType;
  typeProblem?: string;
  notNull: boolean;
  description?: string;
}

export interface ModelContract {
  model: string;
  /** The schema YAML entry holding the columns (undefined when the model has no entry: every column is missing). */
  doc?: ModelDoc;
  columns: ContractColumn[];
}

/** Whether a `contract` config value turns enforcement on (`{enforced: true}`; YAML and Jinja spell true both ways). */
export function isEnforced(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const enforced = (value as Record<string, unknown>).enforced;
  return enforced === true || (typeof enforced === 'string' && enforced.toLowerCase() === 'true');
}

const enforcedCache = new WeakMap<DbtProject, { version: number; names: Set<string> }>();

/** Names of the models with an enforced contract, computed once per project version (most projects have none). */
export function modelsWithEnforcedContracts(project: DbtProject): Set<string> {
  const known = knownModelsWithEnforcedContracts(project);
  if (known) return known;
  const names = new Set<string>();
  for (const name of project.modelNames()) {
    const node = project.resolveRef({ name });
    if (node?.kind === 'model' && isEnforced(project.configValueOf(node, 'contract'))) names.add(node.name);
  }
  enforcedCache.set(project, { version: project.version, names });
  return names;
}

/** The project-wide set of modelsWithEnforcedContracts when this project version's is computed already. */
export function knownModelsWithEnforcedContracts(project: DbtProject): Set<string> | undefined {
  const hit = enforcedCache.get(project);
  return hit?.version === project.version ? hit.names : undefined;
}

/** Whether enforcedContract gives the node a contract (its merged `contract` config is enforced; models only). */
export function hasEnforcedContract(project: DbtProject, node: ModelNode): boolean {
  return node.kind === 'model' && isEnforced(project.configOf(node).contract);
}

/** The model's contract when it is enforced; undefined otherwise (and for seeds, snapshots and Python models). */
export function enforcedContract(project: DbtProject, node: ModelNode): ModelContract | undefined {
  if (!hasEnforcedContract(project, node)) return undefined;
  const doc = project.doc(node.name);
  const adapter = project.target.adapter;
  const otherWarehouse = adapter !== undefined && adapter !== 'duckdb';
  // a model-level `not_null` constraint with `columns:` says the same as the column's own
  const modelNotNull = new Set((doc?.constraints ?? []).filter((k) => k.type.toLowerCase() === 'not_null').flatMap((k) => k.columns.map((c) => c.toLowerCase())));
  const columns = (doc?.columns ?? []).map((c): ContractColumn => {
    const notNull = (c.constraints ?? []).some((k) => k.toLowerCase() === 'not_null') || modelNotNull.has(c.name.toLowerCase());
    // dbt renders Jinja in data_type, as in any YAML setting
    const jinja = !!c.type && /\{[{%]/.test(c.type);
    const written = jinja ? renderSetting(project, node.packageName, node.name, c.type!)?.trim().toUpperCase() : c.type;
    const base = { name: c.name, notNull, description: c.description, ...(written ? { dataType: written } : {}) };
    if (jinja && !written) return { ...base, typeProblem: `data_type ${c.type} could not be rendered, so Floe can neither check nor write it` };
    if (!written) return { ...base, typeProblem: 'has no data_type (an enforced contract needs one for every column)' };
    const parsed = parseTypeName(written);
    if (parsed.ok) return { ...base, type: parsed.type };
    // another warehouse's contract is written in its own type names (BigQuery's int64, struct<...>): dbt passes them on
    return otherWarehouse ? base : { ...base, typeProblem: `data_type ${written.toLowerCase()} is not a type Floe knows: ${parsed.message}` };
  });
  return { model: node.name, doc, columns };
}

/** Columns the model-level constraints name that the contract does not have: each with its constraint's type. */
export function unknownConstraintColumns(contract: ModelContract): Array<{ type: string; column: string }> {
  const declared = new Set(contract.columns.map((c) => c.name.toLowerCase()));
  return (contract.doc?.constraints ?? []).flatMap((k) => k.columns.filter((c) => !declared.has(c.toLowerCase())).map((column) => ({ type: k.type, column })));
}

export interface ContractMismatch {
  column: string;
  kind: 'missing-in-model' | 'missing-in-contract' | 'type' | 'bad-type';
  message: string;
}

/**
 * How a model's output columns (name and DuckDB type) differ from its contract: each column missing on either
 * side, each type that differs (compared as the Iceberg types they are stored as), each data_type Floe cannot read.
 */
export function contractMismatches(contract: ModelContract, produced: { name: string; type?: string }[]): ContractMismatch[] {
  const out: ContractMismatch[] = [];
  const byName = new Map(produced.map((c) => [c.name.toLowerCase(), c]));
  const declared = new Set(contract.columns.map((c) => c.name.toLowerCase()));
  for (const c of contract.columns) {
    if (c.typeProblem) out.push({ column: c.name, kind: 'bad-type', message: `column ${c.name} ${c.typeProblem}` });
    const got = byName.get(c.name.toLowerCase());
    if (!got) {
      out.push({ column: c.name, kind: 'missing-in-model', message: `column ${c.name} is in the contract but the model's SQL does not produce it` });
      continue;
    }
    if (!c.type || !got.type) continue;
    const actual = parseTypeName(got.type);
    if (!actual.ok) out.push({ column: c.name, kind: 'type', message: `column ${c.name} is ${got.type} in the model's SQL, which Iceberg cannot store (the contract says ${c.dataType!.toLowerCase()})` });
    else if (!sameType(actual.type, c.type)) out.push({ column: c.name, kind: 'type', message: `column ${c.name} is ${got.type} in the model's SQL but ${c.dataType!.toLowerCase()} in the contract` });
  }
  for (const c of produced) {
    if (!declared.has(c.name.toLowerCase())) out.push({ column: c.name, kind: 'missing-in-contract', message: `column ${c.name} is produced by the model's SQL but not in the contract` });
  }
  return out;
}
