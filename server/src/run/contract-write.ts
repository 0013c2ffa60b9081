// An enforced contract at materialize: the model's result must have exactly the contract's columns and types, no NULL
// in a not_null column, and no model-level constraint naming a column the contract lacks, or nothing is written. The
// write then takes the contract's column order, its exact types (decimal precision, timestamptz), required fields for
// not_null and the column descriptions as field docs.
import type { DuckSession } from '../engine/session';
import type { ModelContract } from '../project/contract';
import { contractMismatches, unknownConstraintColumns } from '../project/contract';
import { duckTypeSql } from '../engine/write/duckdb-to-iceberg';
import { quoteIdent } from '../sql/quote';
import { ModelRunError } from './run-error';

export interface ContractedWrite {
  /** The query to write: the contract's columns, in its order, cast to its types. */
  sql: string;
  fieldSpecs: Record<string, { required?: boolean; doc?: string }>;
}

/** Checks `relation` (the model's registered result) against its contract; throws a ModelRunError naming each column. */
export async function enforceContract(session: DuckSession, contract: ModelContract, relation: string): Promise<ContractedWrite> {
  const described = await session.query(`DESCRIBE SELECT * FROM ${relation}`);
  const produced = described.rows.map((r) => ({ name: String(r[0]), type: String(r[1]) }));
  const problems = [
    ...unknownConstraintColumns(contract).map((k) => `the model's ${k.type} constraint names column ${k.column}, which the contract does not have`),
    ...contractMismatches(contract, produced).map((m) => m.message),
  ];
  if (problems.length) throw refused(contract, problems);
  const byName = new Map(produced.map((c) => [c.name.toLowerCase(), c.name]));
  const notNull = contract.columns.filter((c) => c.notNull);
  if (notNull.length) {
    const counts = await session.query(`SELECT ${notNull.map((c, i) => `count(*) FILTER (WHERE ${quoteIdent(byName.get(c.name.toLowerCase())!)} IS NULL) AS "n${i}"`).join(', ')} FROM ${relation}`);
    const nulls = notNull.map((c, i) => ({ c, n: BigInt(String(counts.rows[0][i])) })).filter((x) => x.n > 0n);
    if (nulls.length) throw refused(contract, nulls.map(({ c, n }) => `column ${c.name} is not_null but ${n === 1n ? '1 row has' : `${n} rows have`} NULL in it`));
  }
  const select = contract.columns.map((c) => `CAST(${quoteIdent(byName.get(c.name.toLowerCase())!)} AS ${duckTypeSql(c.type!)}) AS ${quoteIdent(c.name)}`);
  const fieldSpecs: ContractedWrite['fieldSpecs'] = {};
  for (const c of contract.columns) fieldSpecs[c.name] = { required: c.notNull, ...(c.description ? { doc: c.description } : {}) };
  return { sql: `SELECT ${select.join(', ')} FROM ${relation}`, fieldSpecs };
}

function refused(contract: ModelContract, problems: string[]): ModelRunError {
  return new ModelRunError(`${contract.model} does not meet its enforced contract, so nothing was written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}
