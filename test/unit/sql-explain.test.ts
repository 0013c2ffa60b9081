// DuckDB's errors in the model author's terms, with a did-you-mean and DuckDB's text kept under it; the SqlError's
// own message (which the binder's repairs read) is left as DuckDB's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userMessage } from '../../server/src/sql/explain';

const shown = (message: string, columns: string[] = [], sql?: string) => userMessage({ message }, { columns, sql }).split('\nDuckDB: ')[0];

test('columns: unknown, on an alias or CTE (suggested from upstream columns), in USING, not grouped', () => {
  assert.equal(shown('Referenced column "emial" not found in FROM clause!\nCandidate bindings: "email"'), "Column 'emial' is not in the relations this query reads. Did you mean 'email'?");
  assert.equal(shown('Table "c" does not have a column named "emial"\n\nCandidate bindings: : "email"'), "'c' has no column 'emial'. Did you mean 'email'?");
  assert.equal(shown('Values list "c" does not have a column named "emial"', ['customer_id', 'email']), "'c' has no column 'emial'. Did you mean 'email'?");
  assert.equal(shown('Values list "c" does not have a column named "emial"', [], 'with c as (select email from t) select c.emial from c'), "'c' has no column 'emial'. Did you mean 'email'?");
  assert.equal(shown('Column "aliquot_id" referenced that exists in the SELECT clause - but this column cannot be referenced before it is defined', ['participant_id']),
    "Column 'aliquot_id' is not in the relations this query reads (only an alias in this SELECT has that name, and an alias cannot be read where it is defined).");
  assert.equal(shown('Column "id" does not exist on left side of join!', ['ids']), "USING (id): the left side of the join has no column 'id'. Did you mean 'ids'?");
  assert.equal(shown('column "a" must appear in the GROUP BY clause or must be part of an aggregate function.'), "'a' is neither grouped nor aggregated: add it to GROUP BY (or GROUP BY ALL), or wrap it in an aggregate such as any_value(a).");
});

test('relations, functions and syntax', () => {
  assert.equal(shown('Table with name raw_orders does not exist!\nDid you mean "pg_sequences"?'), "There is no relation 'raw_orders': read models with {{ ref('...') }} and sources with {{ source('...', '...') }}.");
  assert.equal(shown("No function matches the given name and argument types 'sum(VARCHAR)'. You might need to add explicit type casts."), 'sum() does not take (VARCHAR): cast the arguments to types it takes (its forms are listed below).');
  assert.equal(shown('Scalar Function with name datediffx does not exist!\nDid you mean "datediff"?'), "DuckDB has no function 'datediffx'. Did you mean 'datediff'?");
  assert.equal(shown('syntax error at end of input'), 'The SQL ends too early: a clause is unfinished or a parenthesis is not closed.');
  assert.equal(shown('syntax error at or near "from"'), "SQL syntax error at 'from': look just before it for a missing comma, parenthesis or keyword.");
  // a quoted identifier (ninth corpus: a model that is only `{{ ref('stg_model_1') }}`); it was "at ''"
  assert.equal(shown('syntax error at or near ""stg_model_1""\n\nLINE 1: ...'), 'SQL syntax error at \'"stg_model_1"\': look just before it for a missing comma, parenthesis or keyword.');
});

test("DuckDB's text stays under the explanation; unknown messages are DuckDB's alone", () => {
  assert.equal(userMessage({ message: 'syntax error at end of input' }), 'The SQL ends too early: a clause is unfinished or a parenthesis is not closed.\nDuckDB: syntax error at end of input');
  assert.equal(userMessage({ message: 'Invalid Input Error: Unimplemented type for cast' }), 'Invalid Input Error: Unimplemented type for cast');
  // DuckDB's suggestion of its own system tables is dropped from the detail; a real suggestion stays.
  assert.equal(userMessage({ message: 'Table with name raw_orders does not exist!\nDid you mean "pg_sequences"?' }).split('\nDuckDB: ')[1], 'Table with name raw_orders does not exist!');
  assert.match(userMessage({ message: 'Scalar Function with name datediffx does not exist!\nDid you mean "datediff"?' }), /DuckDB: .*\nDid you mean "datediff"\?$/);
});

test('values that do not convert, overflows and unknown aliases, with the fix', () => {
  assert.equal(shown("Conversion Error: Could not convert string 'COMPLETED' to INT32 when casting from source column status"),
    "The value 'COMPLETED' of column 'status' cannot be converted to INTEGER: use TRY_CAST(... AS INTEGER) to get NULL for such values, or filter them out before casting.");
  assert.equal(shown("Could not convert string 'x' to DECIMAL(18,2)"), "The value 'x' cannot be converted to DECIMAL(18,2): use TRY_CAST(... AS DECIMAL(18,2)) to get NULL for such values, or filter them out before casting.");
  assert.equal(shown('Out of Range Error: Overflow in multiplication of INT32 (2147483647 * 2)!'), 'A multiplication overflowed INTEGER: cast its operands to BIGINT or DECIMAL first.');
  assert.equal(shown('Referenced table "ordrs" not found!\nCandidate tables: "orders"'), "'ordrs' is not a relation or alias in the FROM clause of this query. Did you mean 'orders'?");
});
