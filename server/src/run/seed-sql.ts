// A seed as DuckDB reads it, as dbt-duckdb loads it: the CSV with the seed's `delimiter`, its `column_types` (which
// win), and whole-number columns as INTEGER or BIGINT as dbt's type inference gives them (DuckDB alone says BIGINT).
import type { ModelConfig } from '../project/config';
import type { Column } from '../project/types';
import type { DbtProject, ModelNode } from '../project/project';
import { quoteLiteral } from '../sql/quote';

/** The seed's SQL with its config: column_types as dbt reads them (rendered, trimmed), inference with its delimiter. */
export function seedSqlOf(project: DbtProject, seed: ModelNode): string {
  return seedRelationSql(seed.file, { ...project.configOf(seed), column_types: project.seedColumnTypes(seed) ?? {} }, project.seedCsvColumns(seed));
}

/** `inferred`: the CSV's columns split by the same delimiter. */
export function seedRelationSql(file: string, config: ModelConfig, inferred: Column[] | undefined): string {
  const types = new Map<string, string>();
  const delimiter = typeof config.delimiter === 'string' && config.delimiter.length > 0 ? config.delimiter : ',';
  for (const c of inferred ?? []) if (c.type === 'INTEGER' || c.type === 'BIGINT') types.set(c.name, c.type);
  const declared = config.column_types;
  if (declared && typeof declared === 'object' && !Array.isArray(declared)) {
    for (const [name, type] of Object.entries(declared)) types.set(name, String(type));
  }
  const options = ['header = true', 'auto_detect = true'];
  if (delimiter !== ',') options.push(`delim = ${quoteLiteral(delimiter)}`);
  if (types.size) options.push(`types = {${[...types].map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(', ')}}`);
  return `SELECT * FROM read_csv(${quoteLiteral(file)}, ${options.join(', ')})`;
}
