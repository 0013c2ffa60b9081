// dbt's core generic tests as DuckDB SQL returning the failing rows, the way dbt defines them: unique and
// not_null ignore nothing / NULLs as dbt does, accepted_values lets NULL pass, relationships checks non-null
// child keys. `where` filters the tested relation first. Pure: relations arrive already quoted.
import { quoteIdent, quoteLiteral } from '../sql/quote';
import { plain } from '../jinja/pyFloat';
import { jsonText } from '../util/json';

export interface GenericTestSqlInput {
  kind: string;
  column?: string;
  /** A model-level test's `column_name:` (raw SQL), used when there is no column. */
  columnExpression?: string;
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
  const from = input.where ? `(select * from ${input.relation} where ${input.where}) as dbt_subquery` : `${input.relation} as dbt_subquery`;
  // A column is quoted; a model-level `column_name:` is SQL, as dbt passes it.
  const column = input.column ? quoteIdent(input.column) : input.columnExpression;
  const needColumn = () => (column ? undefined : { error: `${input.kind} needs a column: declare it under a column's tests, or give the model-level test a column_name:` });
  switch (input.kind) {
    case 'not_null': {
      const missing = needColumn();
      if (missing) return missing;
      return { sql: `select * from ${from} where ${column} is null` };
    }
    case 'unique': {
      const missing = needColumn();
      if (missing) return missing;
      const col = column!;
      return { sql: `select ${col} as unique_field, count(*) as n_records from ${from} where ${col} is not null group by ${col} having count(*) > 1` };
    }
    case 'accepted_values': {
      const missing = needColumn();
      if (missing) return missing;
      const values = input.args.values;
      if (!Array.isArray(values) || values.length === 0) return { error: 'accepted_values needs a non-empty `values:` list' };
      const quote = input.args.quote !== false;
      const bad = values.find((v) => !quote && !(typeof plain(v) === 'number' || typeof v === 'boolean' || typeof v === 'bigint'));
      if (bad !== undefined) return { error: `accepted_values with quote: false takes numbers or booleans, not ${jsonText(bad)}` };
      const list = values.map((v) => (quote ? quoteLiteral(String(v)) : String(v))).join(', ');
      const col = column!;
      return { sql: `select ${col} as value_field, count(*) as n_records from ${from} where ${col} not in (${list}) group by ${col}` };
    }
    case 'relationships': {
      const missing = needColumn();
      if (missing) return missing;
      const field = input.args.field;
      if (typeof field !== 'string' || !field) return { error: 'relationships needs `field:` (the parent column)' };
      if (!input.parentRelation) return { error: 'relationships needs `to:` as ref(\'model\') or source(\'source\', \'table\')' };
      const parent = quoteIdent(field);
      return {
        sql: `select child.from_field from (select ${column} as from_field from ${from}) as child left join ${input.parentRelation} as parent on child.from_field = parent.${parent} where child.from_field is not null and parent.${parent} is null`,
      };
    }
    default:
      return { error: `generic test '${input.kind}' is not run by Floe (it runs not_null, unique, accepted_values and relationships)` };
  }
}
