// dbt's core generic tests as DuckDB SQL returning the failing rows, the way dbt defines them: unique and
// not_null ignore nothing / NULLs as dbt does, accepted_values lets NULL pass, relationships checks non-null
// child keys. `where` filters the tested relation first. Pure: relations arrive already quoted.
import { quoteIdent, quoteLiteral } from '../sql/quote';

export interface GenericTestSqlInput {
  kind: string;
  column?: string;
  args: Record<string, unknown>;
  where?: string;
  /** The tested relation, as SQL (quoted). */
  relation: string;
  /** For relationships: the parent relation `to:` names, as SQL (quoted). */
  parentRelation?: string;
}

export type GenericTestSql = { sql: string } | { error: string };

/** The failing-rows query of a core generic test, or why it cannot be compiled. */
export function genericTestSql(input: GenericTestSqlInput): GenericTestSql {
  const fromAs = (alias: string) => (input.where ? `(select * from ${input.relation} where ${input.where}) as ${alias}` : `${input.relation} as ${alias}`);
  const from = fromAs('dbt_subquery');
  const needColumn = () => (input.column ? undefined : { error: `${input.kind} needs a column: declare it under a column's tests` });
  switch (input.kind) {
    case 'not_null': {
      const missing = needColumn();
      if (missing) return missing;
      return { sql: `select * from ${from} where ${quoteIdent(input.column!)} is null` };
    }
    case 'unique': {
      const missing = needColumn();
      if (missing) return missing;
      const col = quoteIdent(input.column!);
      return { sql: `select ${col} as unique_field, count(*) as n_records from ${from} where ${col} is not null group by ${col} having count(*) > 1` };
    }
    case 'accepted_values': {
      const missing = needColumn();
      if (missing) return missing;
      const values = input.args.values;
      if (!Array.isArray(values) || values.length === 0) return { error: 'accepted_values needs a non-empty `values:` list' };
      const quote = input.args.quote !== false;
      const bad = values.find((v) => !quote && !(typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint'));
      if (bad !== undefined) return { error: `accepted_values with quote: false takes numbers or booleans, not ${JSON.stringify(bad)}` };
      const list = values.map((v) => (quote ? quoteLiteral(String(v)) : String(v))).join(', ');
      const col = quoteIdent(input.column!);
      return { sql: `select ${col} as value_field, count(*) as n_records from ${from} where ${col} not in (${list}) group by ${col}` };
    }
    case 'relationships': {
      const missing = needColumn();
      if (missing) return missing;
      const field = input.args.field;
      if (typeof field !== 'string' || !field) return { error: 'relationships needs `field:` (the parent column)' };
      if (!input.parentRelation) return { error: 'relationships needs `to:` as ref(\'model\') or source(\'source\', \'table\')' };
      const col = quoteIdent(input.column!);
      const parent = quoteIdent(field);
      return {
        sql: `select child.${col} as from_field from ${fromAs('child')} left join ${input.parentRelation} as parent on child.${col} = parent.${parent} where child.${col} is not null and parent.${parent} is null`,
      };
    }
    default:
      return { error: `generic test '${input.kind}' is not run by Floe (it runs not_null, unique, accepted_values and relationships)` };
  }
}
