// dbt's cross-database macros (type_string, dateadd, hash, ...) as each warehouse adapter's dbt implementation
// renders them, whitespace included: what `floe compile` writes (compileModel's naming 'dbt'), dbt-duckdb's for DuckDB.
// Floe's own renders (previews, runs, the binder: DuckDB) keep dbtBuiltins.ts's DuckDB spellings.
//
// Written for Floe after reading, as reference only:
//   dbt-labs/dbt-adapters @802d40f (2026-08): dbt-adapters/src/dbt/include/global_project/macros/utils/*.sql and
//     macros/adapters/timestamps.sql (the `default__` spellings); dbt-adapters/src/dbt/adapters/base/column.py
//     (Column.translate_type: 'string' → TEXT, numeric_type); dbt-snowflake, dbt-bigquery, dbt-postgres,
//     dbt-redshift, dbt-spark's src/dbt/include/<adapter>/macros/(utils/)*.sql and their column.py;
//   databricks/dbt-databricks @45351e1: dbt/include/databricks/macros/utils/*.sql, dbt/adapters/databricks/column.py;
//   ClickHouse/dbt-clickhouse @c5c810b (2026-08): dbt/include/clickhouse/macros/utils/*.sql, adapters/clickhouse/column.py;
//   starburstdata/dbt-trino @2f8d1aa (2026-05): dbt/include/trino/macros/utils/*.sql, adapters/trino/column.py;
//   dbt-labs/dbt-athena @ead6879: dbt-athena/src/dbt/include/athena/macros/utils/*.sql, adapters/athena/column.py;
//   microsoft/dbt-fabric @440d492: dbt/include/fabric/macros/utils/*.sql, the dbt_package_support type_timestamp and
//     date, adapters/fabric/fabric_column.py;
//   dbt-msft/dbt-sqlserver @3d731ee (1.12, no longer built on dbt-fabric): dbt/include/sqlserver/macros/utils/*.sql,
//     adapters/sqlserver/sqlserver_column.py (SQLServerColumnNative under dbt_sqlserver_use_native_string_types, on by default);
//   duckdb/dbt-duckdb @25573c2 (2026-08): dbt/include/duckdb/macros/utils/*.sql and adapters.sql (current_timestamp,
//     snapshot_get_time); DuckDBColumn has no TYPE_LABELS of its own (base Column: 'string' → TEXT);
//   microsoft/dbt-synapse @72ce1e1 (1.8.4, requires dbt-fabric < 1.9.6): macros/utils/split_part.sql, SynapseColumn
//     (FabricColumn), and dbt-fabric v1.9.5's macros/utils and fabric_column.py; dbt-adapters' macros/adapters/timestamps.sql and each adapter's
//     timestamps.sql (snapshot_get_time, current_timestamp_backcompat, current_timestamp_in_utc_backcompat).
// An adapter inherits its parent's spellings (redshift → postgres, databricks → spark, synapse → fabric, as dbt's plugins
// do), then dbt's defaults; a macro with no entry at all keeps Floe's DuckDB spelling.
import type { MacroFile } from './environment';
import { BUILTIN_PARAMS } from './dbtBuiltins';
import { pyStr } from './pythonCompat';

type TypeKind = 'string' | 'timestamp' | 'float' | 'numeric' | 'bigint' | 'int' | 'boolean';

/** The label each `default__type_<kind>` hands to api.Column.translate_type (numeric: numeric_type('numeric', 28, 6)). */
const TYPE_LABEL: Record<Exclude<TypeKind, 'numeric'>, string> = {
  string: 'string', timestamp: 'timestamp', float: 'float', bigint: 'bigint', int: 'integer', boolean: 'boolean',
};

/**
 * Each adapter's api.Column TYPE_LABELS (upper-cased label → type), read from its column.py; an adapter not listed
 * (postgres, redshift, snowflake, duckdb: their Column classes define none) has dbt-adapters' base Column's.
 */
const BASE_LABELS: Record<string, string> = { STRING: 'TEXT' };
const FABRIC_1_9_LABELS = { STRING: 'VARCHAR(8000)', TIMESTAMP: 'DATETIME2(6)', FLOAT: 'FLOAT', INTEGER: 'INT', BOOLEAN: 'BIT' };
const SQLSERVER_LABELS: Record<string, string> = {
  STRING: 'VARCHAR(8000)', VARCHAR: 'VARCHAR(8000)', CHAR: 'CHAR(1)', NCHAR: 'CHAR(1)', NVARCHAR: 'VARCHAR(8000)', TIMESTAMP: 'DATETIME2(6)',
  DATETIME2: 'DATETIME2(6)', 'DATETIME2(6)': 'DATETIME2(6)', DATE: 'DATE', TIME: 'TIME(6)', FLOAT: 'FLOAT', REAL: 'REAL', INT: 'INT',
  INTEGER: 'INT', BIGINT: 'BIGINT', SMALLINT: 'SMALLINT', TINYINT: 'SMALLINT', BIT: 'BIT', BOOLEAN: 'BIT', DECIMAL: 'DECIMAL',
  NUMERIC: 'NUMERIC', MONEY: 'DECIMAL', SMALLMONEY: 'DECIMAL', UNIQUEIDENTIFIER: 'UNIQUEIDENTIFIER', VARBINARY: 'VARBINARY(MAX)', BINARY: 'BINARY(1)',
};
const TYPE_LABELS: Record<string, Record<string, string>> = {
  bigquery: { TEXT: 'STRING', FLOAT: 'FLOAT64', INTEGER: 'INT64' },
  athena: { STRING: 'VARCHAR', TEXT: 'VARCHAR' },
  clickhouse: { STRING: 'String', TIMESTAMP: 'DateTime', FLOAT: 'Float32', INTEGER: 'Int32' },
  trino: { STRING: 'VARCHAR', FLOAT: 'DOUBLE' },
  fabric: {
    BINARY: 'BINARY(1)', BOOLEAN: 'BIT', CHAR: 'CHAR(1)', DATETIME2: 'DATETIME2(6)', INTEGER: 'INT', MONEY: 'DECIMAL', NCHAR: 'CHAR(1)', NVARCHAR: 'VARCHAR(MAX)',
    SMALLMONEY: 'DECIMAL', STRING: 'VARCHAR(MAX)', TIME: 'TIME(6)', TIMESTAMP: 'DATETIME2(6)', TINYINT: 'SMALLINT', VARBINARY: 'VARBINARY(MAX)', VARCHAR: 'VARCHAR(MAX)',
  },
  // SynapseColumn is dbt-fabric's FabricColumn, and dbt-synapse 1.8 requires dbt-fabric < 1.9.6.
  synapse: FABRIC_1_9_LABELS,
  // SQLServerColumn; SQLServerColumnNative (the default since dbt-sqlserver 1.12) is `sqlserver-native`.
  sqlserver: SQLSERVER_LABELS,
  'sqlserver-native': { ...SQLSERVER_LABELS, STRING: 'VARCHAR(MAX)', NCHAR: 'NCHAR(1)', NVARCHAR: 'NVARCHAR(4000)' },
  databricks: { LONG: 'BIGINT' },
};

/** dbt-sqlserver's behavior flag choosing SQLServerColumnNative for api.Column (on unless the project turns it off). */
export const SQLSERVER_NATIVE_STRINGS = 'dbt_sqlserver_use_native_string_types';
/** Adapters' behavior flags that are on unless a project's `flags:` turns them off. */
export const BEHAVIOR_FLAGS_ON = new Set([SQLSERVER_NATIVE_STRINGS]);

/** Which Column class api.Column is for `adapter`, given the project's flags. */
function columnClass(adapter: string, flags: Record<string, unknown>): string {
  return adapter === 'sqlserver' && flags[SQLSERVER_NATIVE_STRINGS] !== false ? 'sqlserver-native' : adapter;
}

/**
 * api.Column.translate_type(label) as the adapter's Column class answers it: SparkColumn returns the label as given,
 * DatabricksColumn its label (or the label) lower-cased, every other one its TYPE_LABELS' entry or the label.
 */
export function translateType(adapter: string | undefined, label: string, flags: Record<string, unknown> = {}): string {
  const a = columnClass(adapter ?? 'duckdb', flags);
  if (a === 'spark') return label;
  const translated = (TYPE_LABELS[a] ?? BASE_LABELS)[label.toUpperCase()] ?? label;
  return a === 'databricks' ? translated.toLowerCase() : translated;
}

/** api.Column.numeric_type(dtype, precision, scale) as the adapter's Column class writes it. */
export function numericType(adapter: string | undefined, dtype: string, precision: unknown, scale: unknown): string {
  const whole = precision === undefined || precision === null || scale === undefined || scale === null;
  const [p, s] = [pyStr(precision ?? null), pyStr(scale ?? null)];
  switch (adapter) {
    case 'bigquery': return dtype;
    case 'clickhouse': return `Decimal(${p}, ${s})`;
    case 'spark': case 'databricks': return whole ? 'decimal' : `decimal(${p},${s})`;
    default: return whole ? dtype : `${dtype}(${p},${s})`;
  }
}

/** `default__type_<kind>()` for `adapter`: a Jinja body (sqlserver's string type follows its behavior flag). */
function typeOf(adapter: string, kind: TypeKind): string {
  if (kind === 'numeric') return numericType(adapter, 'numeric', 28, 6);
  const label = TYPE_LABEL[kind];
  const type = translateType(adapter, label);
  if (adapter !== 'sqlserver' || type === translateType(adapter, label, { [SQLSERVER_NATIVE_STRINGS]: false })) return type;
  return `{{ '${type}' if adapter.behavior.${SQLSERVER_NATIVE_STRINGS}.setting else '${translateType(adapter, label, { [SQLSERVER_NATIVE_STRINGS]: false })}' }}`;
}

/** An adapter's own `<adapter>__type_<kind>` macros, where they differ from its Column.translate_type. */
const TYPE_MACRO_OVERRIDES: Record<string, Partial<Record<TypeKind, string>>> = {
  trino: { string: 'varchar', float: 'double', numeric: 'decimal(28, 6)', int: 'integer' },
  athena: { string: 'VARCHAR', float: 'DOUBLE', numeric: 'DECIMAL(38,6)', int: 'INTEGER' },
  fabric: { timestamp: 'datetime2(6)' },
};

/** dbt's adapter inheritance (a plugin's `dependencies`). */
export const PARENT_ADAPTERS: Record<string, string[]> = { redshift: ['postgres'], databricks: ['spark'], synapse: ['fabric'] };

const I8 = '\n        ';
/** default__date / spark__date: the date as an ISO literal read by to_date in the adapter's format. */
const toDate = (format: string) => `{% set d = modules.datetime.date(year, month, day) %}to_date('{{ d.strftime('%Y-%m-%d') }}', '${format}')`;

/** default__listagg without a limit (redshift__listagg's too). */
const LISTAGG_NO_LIMIT = `\n    listagg(${I8}{{ measure }},${I8}{{ delimiter_text }}${I8})${I8}{% if order_by_clause %}within group ({{ order_by_clause }}){% endif %}`;

/** dbt-adapters' `default__` spellings: macro → Jinja body over the macro's parameters (dbtBuiltins' signatures). */
const DEFAULTS: Record<string, string> = {
  any_value: 'any_value({{ expression }})',
  bool_or: 'bool_or({{ expression }})',
  array_append: 'array_append({{ array }}, {{ new_element }})',
  array_concat: 'array_cat({{ array_1 }}, {{ array_2 }})',
  array_construct: "\n    {% if inputs | length %}array[ {{ inputs | join(' , ') }} ]{% else %}array[]::{{ data_type or '%int%' }}[]{% endif %}\n    ",
  cast: '\n    cast({{ field }} as {{ type }})\n',
  date: toDate('YYYY-MM-DD'),
  // The dispatching macro prints the result between its own lines (it has no return()).
  cast_bool_to_text: '\n  \n    cast({{ field }} as %string%)\n\n',
  concat: "{{ fields | join(' || ') }}",
  date_trunc: "date_trunc('{{ datepart }}', {{ date }})",
  dateadd: `\n\n    dateadd(${I8}{{ datepart }},${I8}{{ interval }},${I8}{{ from_date_or_timestamp }}${I8})\n\n`,
  datediff: `datediff(${I8}{{ datepart }},${I8}{{ first_date }},${I8}{{ second_date }}${I8})`,
  escape_single_quotes: "{{ expression | replace(\"'\", \"''\") }}",
  except: '\n\n    except\n\n',
  intersect: '\n\n    intersect\n\n',
  hash: 'md5(cast({{ field }} as %string%))',
  last_day: `cast(${I8}{{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }}${I8}as date)`,
  length: '\n\n    length(\n        {{ expression }}\n    )',
  listagg: `{% if limit_num %}array_to_string(${I8}array_slice(\n            array_agg(\n                {{ measure }}\n            ){% if order_by_clause %}` +
    `within group ({{ order_by_clause }}){% endif %}\n            ,0\n            ,{{ limit_num }}${I8}),${I8}{{ delimiter_text }}${I8})` +
    `{% else %}${LISTAGG_NO_LIMIT}{% endif %}`,
  position: '\n\n    position(\n        {{ substring_text }} in {{ string_text }}\n    )',
  replace: `\n\n    replace(${I8}{{ field }},${I8}{{ old_chars }},${I8}{{ new_chars }}\n    )\n\n\n`,
  right: `\n\n    right(${I8}{{ string_text }},${I8}{{ length_expression }}\n    )`,
  safe_cast: '\n    \n    cast({{ field }} as {{ type }})\n',
  split_part: `\n\n    split_part(${I8}{{ string_text }},${I8}{{ delimiter_text }},${I8}{{ part_number }}${I8})\n\n`,
  string_literal: "'{{ value }}'",
  // macros/adapters/timestamps.sql: the snapshot time is the adapter's current_timestamp(); the backcompat pair.
  snapshot_get_time: '\n    {{ current_timestamp() }}\n',
  current_timestamp_backcompat: '\n    current_timestamp::timestamp\n',
  current_timestamp_in_utc_backcompat: '{{ current_timestamp_backcompat() }}',
};

/** dbt's _split_part_negative: the part counted from the end of the string (postgres, redshift and trino call it). */
const SPLIT_PART_NEGATIVE = `\n\n    split_part(${I8}{{ string_text }},${I8}{{ delimiter_text }},` +
  "\n          length({{ string_text }})\n          - length(\n              replace({{ string_text }},  {{ delimiter_text }}, '')\n          ) + 2 + {{ part_number }}" +
  `${I8})\n\n`;
/** `<adapter>__split_part` that prints dbt's default__split_part for a part ≥ 0, else _split_part_negative, between `open`/`close`. */
const splitPartBySign = (open: string, close: string) =>
  `${open}{% if part_number >= 0 %}${DEFAULTS.split_part}{% else %}${SPLIT_PART_NEGATIVE}{% endif %}${close}`;
/** postgres__split_part / redshift__split_part. */
const PG_SPLIT_PART = splitPartBySign('\n\n  \n    ', '\n  \n\n');

/** postgres__datediff: each datepart's expression (the smaller parts built on datediff of the next larger). */
const PG_DATEDIFF = "\n        {% set a = first_date %}{% set b = second_date %}{% set dp = datepart %}" +
  "{% if dp == 'year' %}(date_part('year', ({{ b }})::date) - date_part('year', ({{ a }})::date))" +
  "{% elif dp == 'quarter' %}({{ datediff(a, b, 'year') }} * 4 + date_part('quarter', ({{ b }})::date) - date_part('quarter', ({{ a }})::date))" +
  "{% elif dp == 'month' %}({{ datediff(a, b, 'year') }} * 12 + date_part('month', ({{ b }})::date) - date_part('month', ({{ a }})::date))" +
  "{% elif dp == 'day' %}(({{ b }})::date - ({{ a }})::date)" +
  "{% elif dp == 'week' %}({{ datediff(a, b, 'day') }} / 7 + case\n            when date_part('dow', ({{ a }})::timestamp) <= date_part('dow', ({{ b }})::timestamp) then\n" +
  '                case when {{ a }} <= {{ b }} then 0 else -1 end\n            else\n                case when {{ a }} <= {{ b }} then 1 else 0 end\n        end)' +
  "{% elif dp == 'hour' %}({{ datediff(a, b, 'day') }} * 24 + date_part('hour', ({{ b }})::timestamp) - date_part('hour', ({{ a }})::timestamp))" +
  "{% elif dp == 'minute' %}({{ datediff(a, b, 'hour') }} * 60 + date_part('minute', ({{ b }})::timestamp) - date_part('minute', ({{ a }})::timestamp))" +
  "{% elif dp == 'second' %}({{ datediff(a, b, 'minute') }} * 60 + floor(date_part('second', ({{ b }})::timestamp)) - floor(date_part('second', ({{ a }})::timestamp)))" +
  "{% elif dp in ['millisecond', 'microsecond'] %}({{ datediff(a, b, 'minute') }} * {{ '60000' if dp == 'millisecond' else '60000000' }} + " +
  "floor(date_part('{{ dp }}', ({{ b }})::timestamp)) - floor(date_part('{{ dp }}', ({{ a }})::timestamp)))" +
  "{% else %}{{ exceptions.raise_compiler_error('Unsupported datepart for macro datediff in postgres: \\'' ~ dp ~ '\\'') }}{% endif %}\n    ";

/**
 * spark__split_part and databricks__split_part: split on the delimiter (escaped when it starts with a regex
 * metacharacter), then index the array (`[(n)]`) or get() it (databricks); a negative part counts from the end.
 */
const sparkSplitPart = (split: string, open: string, close: string) => `\n\n        ${split}(\n            {{ string_text }},\n            ` +
  "\n\n        -- escape if starts with a special character\n        case when regexp_extract({{ delimiter_text }}, '([^A-Za-z0-9])(.*)', 1) != '_'\n" +
  "            then concat('\\\\', {{ delimiter_text }})\n            else {{ delimiter_text }} end\n\n    \n" +
  `            )${open}{% if part_number >= 0 %}{{ part_number - 1 if part_number > 0 else part_number }}${close}` +
  "{% else %}\n                length({{ string_text }})\n                - length(\n                    replace({{ string_text }},  {{ delimiter_text }}, '')\n" +
  `                ) + 1 + {{ part_number }}\n            ${close}{% endif %}\n\n        `;

/** dbt-spark's assert_not_null(fn, arg): fn's value, or an error where it is null (arg: Jinja text, by default the dateadd's). */
const sparkNotNull = (fn: string, arg = '{{ from_date_or_timestamp }}') => `\n\n    coalesce(${fn}(${arg}), nvl2(${fn}(${arg}), ` +
  `assert_true(${fn}(${arg}) is not null), null))\n\n`;
/** spark__dateadd: days and weeks by date_add, months by add_months (each keeping the time of day), smaller parts in seconds. */
const SPARK_DATEADD = `{% set clock %}${I8}to_unix_timestamp(${sparkNotNull('to_timestamp')})${I8}- to_unix_timestamp(${sparkNotNull('date')}){% endset %}` +
  "{% set dp = datepart %}{% if dp in ['day', 'week', 'month', 'quarter', 'year'] %}" +
  "{% set byDays = dp in ['day', 'week'] %}{% set m = {'day': 1, 'week': 7, 'month': 1, 'quarter': 3, 'year': 12}[dp] %}" +
  `to_timestamp(\n            to_unix_timestamp(\n                {{ 'date_add' if byDays else 'add_months' }}(\n                    ${sparkNotNull('date')},` +
  '\n                    cast({{ interval }} * {{ m }} as int)\n                )\n            ) + {{ clock }}\n        )' +
  "{% elif dp in ['hour', 'minute', 'second', 'millisecond', 'microsecond'] %}" +
  "{% set m = {'hour': '3600', 'minute': '60', 'second': '1', 'millisecond': '(1/1000000)', 'microsecond': '(1/1000000)'}[dp] %}" +
  `to_timestamp(\n            ${sparkNotNull('to_unix_timestamp')}\n            + cast({{ interval }} * {{ m }} as int)\n        )` +
  "{% else %}{{ exceptions.raise_compiler_error('macro dateadd not implemented for datepart ~ \\'' ~ datepart ~ '\\' ~ on Spark') }}{% endif %}";

/** postgres__equals, snowflake__equals and bigquery__equals: `is not distinct from` under the behavior flag. */
const NOT_DISTINCT_EQUALS = '{% if adapter.behavior.enable_truthy_nulls_equals_macro.no_warn %}\n    ({{ expr1 }} IS NOT DISTINCT FROM {{ expr2 }})' +
  '{% else %}({{ expr1 }} = {{ expr2 }}){% endif %}';

/**
 * spark__datediff: whole days by datediff, weeks/months/quarters from them (or months_between) plus a boundary-crossing
 * correction; day-or-larger parts read both dates through assert_not_null('date', ...), smaller parts the unix
 * timestamps' difference over the part's seconds.
 */
const sparkCrossing = (whole: string, boundary: string, crossed: (op: string) => string) =>
  `case when {{ a }} < {{ b }}\n            then floor(${whole})\n            else ceil(${whole})\n            end\n\n        -- did we cross a ${boundary} boundary${boundary === 'week' ? ' (Sunday)' : ''}?\n` +
  `        + case\n            when {{ a }} < {{ b }} and ${crossed('<')} then 1\n            when {{ a }} > {{ b }} and ${crossed('>')} then -1\n            else 0 end`;
const dayOf = (fn: string) => (op: string) => `${fn}({{ b }}) ${op} ${fn}({{ a }})`;
const quarterDay = (d: string) => `(dayofyear({{ ${d} }}) - (quarter({{ ${d} }}) * 365/4))`;
const quarterCrossed = (op: string) => `(\n                ${quarterDay('b')}\n                ${op} ${quarterDay('a')}\n            )`;
const unixTime = (d: string) => sparkNotNull('to_unix_timestamp', sparkNotNull('to_timestamp', `{{ ${d} }}`));
const SPARK_DATEDIFF = "{% set a = first_date %}{% set b = second_date %}{% set dp = datepart %}" +
  `{% if dp in ['day', 'week', 'month', 'quarter', 'year'] %}{% set a %}${sparkNotNull('date', '{{ first_date }}')}{% endset %}` +
  `{% set b %}${sparkNotNull('date', '{{ second_date }}')}{% endset %}\n        \n        {% endif %}` +
  "{% if dp == 'day' %}datediff({{ b }}, {{ a }})" +
  `{% elif dp == 'week' %}${sparkCrossing('datediff({{ b }}, {{ a }})/7', 'week', dayOf('dayofweek'))}` +
  `{% elif dp == 'month' %}${sparkCrossing('months_between(date({{ b }}), date({{ a }}))', 'month', dayOf('dayofmonth'))}` +
  `{% elif dp == 'quarter' %}${sparkCrossing('months_between(date({{ b }}), date({{ a }}))/3', 'quarter', quarterCrossed)}` +
  "{% elif dp == 'year' %}year({{ b }}) - year({{ a }})" +
  "{% elif dp in ['hour', 'minute', 'second', 'millisecond', 'microsecond'] %}" +
  "{% set div = {'hour': '3600', 'minute': '60', 'second': '1', 'millisecond': '(1/1000)', 'microsecond': '(1/1000000)'}[dp] %}" +
  `{% set tb %}${unixTime('b')}{% endset %}{% set ta %}${unixTime('a')}{% endset %}` +
  `case when {{ a }} < {{ b }}\n            then ceil((\n                \n                {{ tb }}\n                - {{ ta }}\n            ) / {{ div }})` +
  `\n            else floor((\n                {{ tb }}\n                - {{ ta }}\n            ) / {{ div }})\n            end\n\n            ` +
  "{% if dp == 'millisecond' %}\n                + cast(date_format({{ b }}, 'SSS') as int)\n                - cast(date_format({{ a }}, 'SSS') as int)\n            {% endif %}" +
  "\n\n            {% if dp == 'microsecond' %}{% set rx = '[0-9]{4}-[0-9]{2}-[0-9]{2}.[0-9]{2}:[0-9]{2}:[0-9]{2}.([0-9]{6})' %}\n                \n" +
  "                -- Spark doesn't really support microseconds, so this is a massive hack!\n                -- It will only work if the timestamp-string is of the format\n" +
  "                -- 'yyyy-MM-dd-HH mm.ss.SSSSSS'\n                + cast(regexp_extract({{ b }}, '{{ rx }}', 1) as int)\n" +
  "                - cast(regexp_extract({{ a }}, '{{ rx }}', 1) as int)\n            {% endif %}" +
  "{% else %}{{ exceptions.raise_compiler_error('macro datediff not implemented for datepart ~ \\'' ~ datepart ~ '\\' ~ on Spark') }}{% endif %}";

/**
 * bigquery__safe_cast: a list of values cast to an array one element at a time (struct and geography elements from
 * their strings unquoted, one per line), a mapping cast to json from its JSON text, a struct or geography from a quoted
 * string unquoted; anything else safe_cast as given.
 */
const unquoted = (v: string) => `{{ ${v}.strip('"').strip("'") }}`;
const BIGQUERY_SAFE_CAST = "{% set t = type | lower %}{% set fromString = t.startswith('struct') or t == 'geography' %}" +
  "{% if t.startswith('array') and field is iterable and field is not string and field is not mapping and field | length > 0 %}" +
  "{% set nested = t[6:(t | length) - 1] %}{% if nested.startswith('struct') or nested == 'geography' %}" +
  `\n        (select array_agg(safe_cast(i as {{ nested }})) from unnest([{% for f in field %}\n                ${unquoted('f')}{{ ',' if not loop.last }}{% endfor %}\n        ]) i)` +
  '{% else %}(select array_agg(safe_cast(i as {{ nested }})) from unnest({{ field }}) i){% endif %}' +
  "{% elif t == 'json' and field is mapping %}safe_cast(json {{ dbt.string_literal(tojson(field)) }} as json)" +
  `{% elif fromString and field is string %}safe_cast(${unquoted('field')} as {{ type }}){% else %}safe_cast({{ field }} as {{ type }}){% endif %}`;

/**
 * trino__datediff and athena__datediff (the same text but for the error's adapter name): each part from the one above
 * it, through timestamps; days from the dates' difference in milliseconds.
 */
const prestoDatediff = (adapterName: string) => {
  const ts = (d: string) => `CAST({{ ${d} }} AS TIMESTAMP)`;
  const diff = (fn: string, from: string, times: string) => `({{ datediff(a, b, '${from}') }} * ${times} + ${fn}(${ts('b')}) - ${fn}(${ts('a')}))`;
  return "{% set a = first_date %}{% set b = second_date %}{% set dp = datepart %}" +
    `{% if dp == 'year' %}(year(${ts('b')}) - year(${ts('a')}))` +
    `{% elif dp in ['quarter', 'month'] %}({{ datediff(a, b, 'year') }} * {{ 4 if dp == 'quarter' else 12 }}) + {{ dp }}(${ts('b')}) - {{ dp }}(${ts('a')})` +
    `{% elif dp == 'day' %}((to_milliseconds((CAST(${ts('b')} AS DATE) - CAST(${ts('a')} AS DATE)))) / 86400000)` +
    "{% elif dp == 'week' %}({{ datediff(a, b, 'day') }} / 7 + case\n            when dow(CAST({{ a }} AS TIMESTAMP)) <= dow(CAST({{ b }} AS TIMESTAMP)) then\n" +
    '                case when {{ a }} <= {{ b }} then 0 else -1 end\n            else\n                case when {{ a }} <= {{ b }} then 1 else 0 end\n        end)' +
    `{% elif dp == 'hour' %}${diff('hour', 'day', '24')}{% elif dp == 'minute' %}${diff('minute', 'hour', '60')}{% elif dp == 'second' %}${diff('second', 'minute', '60')}` +
    `{% elif dp == 'millisecond' %}(to_milliseconds((${ts('b')} - ${ts('a')})))` +
    `{% else %}{{ exceptions.raise_compiler_error('Unsupported datepart for macro datediff in ${adapterName}: \\'' ~ dp ~ '\\'') }}{% endif %}`;
};

/** trino__right and athena__right. */
const SUBSTR_RIGHT = "\n    case when {{ length_expression }} = 0\n        then ''\n    else\n        substr({{ string_text }}, -1 * ({{ length_expression }}))\n    end";

/**
 * clickhouse__listagg: arrayStringConcat of array_agg, sorted by the one `order by` field through arrayZip (Reverse for
 * desc), sliced for a limit; the blank lines are those its set tags leave.
 */
const CLICKHOUSE_LISTAGG = "{% set t = order_by_clause.split() if order_by_clause else [] %}" +
  "{% if t | length >= 2 and (t[0] ~ ' ' ~ t[1]) | lower == 'order by' %}" +
  "{% if ',' in t %}{{ exceptions.raise_compiler_error('ClickHouse does not support multiple order by fields.') }}{% endif %}" +
  "{% set reverse = 'desc' in (t[3:] | join('')) | lower %}" +
  "{% set arr = 'arrayMap(x -> x.1, array' ~ ('Reverse' if reverse else '') ~ 'Sort(x -> x.2, arrayZip(array_agg(' ~ measure ~ '), array_agg(' ~ t[2] ~ '))))' %}" +
  `${'\n      '.repeat(4)}{% if reverse %}\n        \n      {% endif %}\n      \n\n      \n    ` +
  "{% else %}{% set arr = 'array_agg(' ~ measure ~ ')' %}{% endif %}\n\n    " +
  '{% if limit_num %}arrayStringConcat(arraySlice({{ arr }}, 1, {{ limit_num }}), {{ delimiter_text }})\n    {% else %}arrayStringConcat({{ arr }}, {{ delimiter_text }}){% endif %}';

/** fabric__array_concat: JSON array texts joined, an empty side (no first element) giving the other. */
const fabricEmpty = (a: string) => `COALESCE(JSON_VALUE({{ ${a} }}, '$[0]'), JSON_QUERY({{ ${a} }}, '$[0]')) IS NULL`;
const FABRIC_ARRAY_CONCAT = `CASE\n        WHEN ${fabricEmpty('array_1')} THEN\n            CASE\n                WHEN ${fabricEmpty('array_2')} THEN '[]'\n` +
  `                ELSE {{ array_2 }}\n            END\n        WHEN ${fabricEmpty('array_2')} THEN {{ array_1 }}\n        ELSE CONCAT(\n` +
  "            LEFT({{ array_1 }}, LEN({{ array_1 }}) - 1),\n            ',',\n            STUFF({{ array_2 }}, 1, 1, '')\n        )\n    END";

/** dbt-fabric's and dbt-sqlserver's dateadd (over datetime2(6)), len() and CHARINDEX. */
const MSSQL_DATEADD = `\n\n    dateadd(${I8}{{ datepart }},${I8}{{ interval }},${I8}cast({{ from_date_or_timestamp }} as datetime2(6))${I8})\n\n`;
const MSSQL_LEN = '\n\n    len( {{ expression }} )';
const MSSQL_CHARINDEX = '\n\n    CHARINDEX(\n        {{ substring_text }},\n        {{ string_text }}\n    )';

/** XML-splitting a string in SQL Server (sqlserver__split_part) and reading the part at `at`. */
const sqlserverPart = (at: string) => "LTRIM(CAST(('<X>'+REPLACE({{ string_text }},{{ delimiter_text }} ,'</X><X>')+'</X>') AS XML)" +
  `.value('(/X)[${at}]', 'VARCHAR(128)'))`;

/** Each adapter's overrides of the defaults (dbt-<adapter>'s `<adapter>__` macros). */
/**
 * sqlserver__last_day (and dbt-fabric 1.9's, which synapse has): quarter, month and year in T-SQL; other dateparts go to
 * dbt_utils.default_last_day, which dbt_utils 1.x no longer has: dbt fails there too.
 */
const lastDayByMonths = (adapter: string) => "{% if datepart == 'quarter' %}CAST(DATEADD(QUARTER, DATEDIFF(QUARTER, 0, {{ date }}) + 1, -1) AS DATE)" +
  "{% elif datepart == 'month' %}EOMONTH ( {{ date }}){% elif datepart == 'year' %}CAST(DATEADD(YEAR, DATEDIFF(year, 0, {{ date }}) + 1, -1) AS DATE)" +
  `{% else %}{{ exceptions.raise_compiler_error('last_day on ${adapter} takes quarter, month or year (dbt-${adapter} calls dbt_utils.default_last_day for \\'' ~ datepart ~ '\\')') }}{% endif %}`;

const OVERRIDES: Record<string, Record<string, string>> = {
  snowflake: {
    array_construct: "array_construct( {{ inputs | join(' , ') }} )",
    bool_or: 'boolor_agg({{ expression }})',
    cast: "\n    {% set t = type | upper %}{% if t == 'GEOGRAPHY' %}to_geography({{ field }}){% elif t == 'GEOMETRY' %}to_geometry({{ field }}){% else %}cast({{ field }} as {{ type }}){% endif %}\n    ",
    safe_cast: "\n    {% set t = type | upper %}{% if t == 'GEOMETRY' %}try_to_geometry({{ field }})\n    {% elif t == 'GEOGRAPHY' %}try_to_geography({{ field }})\n    " +
      "{% elif t != 'VARIANT' %}\n        try_cast({{ dbt.string_literal(field) if field is number else field }} as {{ type }})\n    " +
      "{% else %}{{ adapter.dispatch('cast', 'dbt')(field, type) }}\n    {% endif %}",
    escape_single_quotes: "{{ expression | replace(\"'\", \"\\\\'\") }}",
    right: `\n\n    case when {{ length_expression }} = 0${I8}then ''\n    else${I8}right(\n            {{ string_text }},\n            {{ length_expression }}${I8})\n    end`,
    current_timestamp: "convert_timezone('UTC', current_timestamp())",
    snapshot_get_time: 'to_timestamp_ntz({{ current_timestamp() }})',
    current_timestamp_backcompat: '\n  current_timestamp::{{ type_timestamp() }}\n',
    current_timestamp_in_utc_backcompat: "\n  convert_timezone('UTC', \n  current_timestamp::{{ type_timestamp() }}\n)::{{ type_timestamp() }}\n",
    equals: NOT_DISTINCT_EQUALS,
  },
  bigquery: {
    array_append: '{{ array_concat(array, array_construct([new_element])) }}',
    array_concat: 'array_concat({{ array_1 }}, {{ array_2 }})',
    array_construct: "\n    {% if inputs | length %}[ {{ inputs | join(' , ') }} ]{% else %}ARRAY<{{ data_type or '%int%' }}>[]{% endif %}\n    ",
    bool_or: 'logical_or({{ expression }})',
    date: 'date({{ year }}, {{ month }}, {{ day }})',
    date_trunc: `timestamp_trunc(${I8}cast({{ date }} as timestamp),${I8}{{ datepart }}\n    )`,
    dateadd: `\n\n        datetime_add(\n            cast( {{ from_date_or_timestamp }} as datetime),${I8}interval {{ interval }} {{ datepart }}${I8})\n\n`,
    // dbt_version is a string, so bigquery__datediff's version test is false and it writes datetime_diff.
    datediff: `\n\n    datetime_diff(${I8}cast({{ second_date }} as datetime),${I8}cast({{ first_date }} as datetime),${I8}{{ datepart }}\n    )\n\n  `,
    escape_single_quotes: "{{ expression | replace(\"'\", \"\\\\'\") }}",
    except: '\n\n    except distinct\n\n',
    intersect: '\n\n    intersect distinct\n\n',
    hash: 'to_hex(md5(cast({{ field }} as %string%)))',
    listagg: `string_agg(${I8}{{ measure }},${I8}{{ delimiter_text }}${I8}{{ order_by_clause or '' }}${I8}{% if limit_num %}limit {{ limit_num }}{% endif %}${I8})`,
    position: `\n\n    strpos(${I8}{{ string_text }},${I8}{{ substring_text }}\n\n    )`,
    right: `\n\n    case when {{ length_expression }} = 0${I8}then ''\n    else${I8}substr(\n            {{ string_text }},\n            -1 * ({{ length_expression }})${I8})\n    end`,
    safe_cast: BIGQUERY_SAFE_CAST,
    split_part: "\n\n  \n    split(\n        {{ string_text }},\n        {{ delimiter_text }}\n        )[safe_offset({% if part_number >= 0 %}{{ part_number - 1 }}" +
      "{% else %}\n          length({{ string_text }})\n          - length(\n              replace({{ string_text }},  {{ delimiter_text }}, '')\n          ) + 1 + {{ part_number }}\n        {% endif %})]\n  \n\n",
    string_literal: "'''{{ value }}'''",
    current_timestamp: 'current_timestamp()',
    current_timestamp_backcompat: 'current_timestamp',
    equals: NOT_DISTINCT_EQUALS,
  },
  postgres: {
    any_value: 'min({{ expression }})',
    dateadd: "\n\n    {{ from_date_or_timestamp }} + ((interval '1 {{ datepart }}') * ({{ interval }}))\n\n",
    datediff: PG_DATEDIFF,
    last_day: "{% if datepart == 'quarter' %}-- postgres dateadd does not support quarter interval.\n    cast(" +
      `${I8}{{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }}${I8}as date){% else %}${DEFAULTS.last_day}{% endif %}`,
    listagg: `{% if limit_num %}array_to_string(\n        (array_agg(\n            {{ measure }}\n            {{ order_by_clause or '' }}${I8}))[1:{{ limit_num }}],${I8}{{ delimiter_text }}${I8})` +
      `{% else %}\n    string_agg(${I8}{{ measure }},${I8}{{ delimiter_text }}${I8}{{ order_by_clause or '' }}${I8}){% endif %}`,
    split_part: PG_SPLIT_PART,
    current_timestamp: 'now()',
    snapshot_get_time: '{{ current_timestamp() }}::timestamp without time zone',
    current_timestamp_backcompat: '\n    current_timestamp::{{ type_timestamp() }}\n',
    current_timestamp_in_utc_backcompat: "\n    (current_timestamp at time zone 'utc')::{{ type_timestamp() }}\n",
    equals: NOT_DISTINCT_EQUALS,
  },
  redshift: {
    array_append: '{{ array_concat(array, array_construct([new_element])) }}',
    array_concat: 'array_concat({{ array_1 }}, {{ array_2 }})',
    array_construct: "array( {{ inputs | join(' , ') }} )",
    cast_bool_to_text: "\n  \n    case\n        when {{ field }} is true then 'true'\n        when {{ field }} is false then 'false'\n    end::text\n\n",
    dateadd: DEFAULTS.dateadd,
    datediff: DEFAULTS.datediff,
    last_day: `\n    cast(${I8}{{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }}${I8}as date)\n`,
    length: '\n\n    len(\n        {{ expression }}\n    )',
    // With a limit: the first limit_num items by a regexp over the whole list (the delimiter's regex metacharacters
    // escaped with two backslashes, as redshift__listagg writes them); without one, dbt's default.
    listagg: "{% if limit_num %}{% set d %}{% for c in delimiter_text.strip(\"'\") %}{{ '\\\\\\\\' if c in '\\\\^$.|?*+()[]{}' }}{{ c }}{% endfor %}{% endset %}" +
      `\n    \n    \n${'        \n'.repeat(14)}    regexp_substr(\n        listagg(\n            {{ measure }},\n            {{ delimiter_text }}\n            )\n            ` +
      "{% if order_by_clause %}within group ({{ order_by_clause }}){% endif %}\n        ,'([^{{ d }}]+{{ d }}){1,{{ limit_num - 1 }}}[^{{ d }}]+'\n        )" +
      `{% else %}${LISTAGG_NO_LIMIT}{% endif %}`,
    current_timestamp: 'getdate()',
    snapshot_get_time: '{{ current_timestamp() }}::timestamp',
    current_timestamp_backcompat: 'getdate()',
    current_timestamp_in_utc_backcompat: 'getdate()',
  },
  spark: {
    any_value: 'first({{ expression }})',
    array_append: '{{ array_concat(array, array_construct([new_element])) }}',
    array_concat: 'concat({{ array_1 }}, {{ array_2 }})',
    array_construct: "array( {{ inputs | join(' , ') }} )",
    bool_or: 'max({{ expression }})',
    concat: "concat({{ fields | join(', ') }})",
    date: toDate('yyyy-MM-dd'),
    escape_single_quotes: "{{ expression | replace(\"'\", \"\\\\'\") }}",
    safe_cast: "cast({{ field.strip('\"').strip(\"'\") if field is string and ((type | lower).startswith('struct') or (type | lower).startswith('array') or (type | lower).startswith('map')) else field }} as {{ type }})\n",
    current_timestamp: 'current_timestamp()',
    // No order (dbt warns that Spark has none); a limit slices the collected list.
    listagg: " array_join({% if limit_num %} slice( collect_list({{ measure }}) , 1, {{ limit_num }}) {% else %} collect_list({{ measure }}) {% endif %}, {{ delimiter_text }}) ",
    split_part: sparkSplitPart('split', '[(', ')]'),
    dateadd: SPARK_DATEADD,
    datediff: SPARK_DATEDIFF,
  },
  databricks: {
    // With the timestampdiff capability (every supported Databricks runtime); spark__dateadd's form otherwise.
    dateadd: 'timestampadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }})',
    datediff: 'timestampdiff({{ datepart }}, {{ date_trunc(datepart, first_date) }}, {{ date_trunc(datepart, second_date) }})',
    split_part: sparkSplitPart('get(split', ', ', ')'),
  },
  clickhouse: {
    any_value: 'any({{ expression }})',
    bool_or: 'max({{ expression }}) > 0',
    cast_bool_to_text: "\n  \n    multiIf({{ field }} > 0, 'true', {{ field }} = 0, 'false', NULL)\n\n",
    hash: 'lower(hex(MD5(toString({{ field }} ))))',
    last_day: "{{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }}",
    split_part: '\n    splitByString({{ delimiter_text }}, {{ string_text }})[{{ part_number }}]\n',
    replace: "\n   replaceAll({{ field }},'{{ old_chars }}','{{ new_chars }}')\n",
    listagg: CLICKHOUSE_LISTAGG,
    array_construct: "\n    {% if inputs | length > 0 %}[ {{ inputs | join(' , ') }} ]{% else %}emptyArray{{ data_type or '%int%' }}(){% endif %}\n    ",
    array_append: 'arrayPushBack({{ array }}, {{ new_element }})\n',
    array_concat: 'arrayConcat({{ array_1 }}, {{ array_2 }})\n',
    // The literal 'null' casts the type's default value (what dbt-clickhouse's unit-test fixtures pass).
    safe_cast: "{% if field == 'null' %}CAST(defaultValueOfTypeName('{{ type | replace(\"'\", \"\\\\'\") }}') AS {{ type }}){% else %}CAST({{ field }} AS {{ type }}){% endif %}",
    current_timestamp: 'now()',
  },
  trino: {
    any_value: 'min({{ expression }})',
    array_append: '{{ array_concat(array, array_construct([new_element])) }}',
    array_concat: 'concat({{ array_1 }}, {{ array_2 }})',
    array_construct: "{% if not inputs %}null{% else %}array[ {{ inputs | join(' , ') }} ]{% endif %}",
    dateadd: "date_add('{{ datepart }}', {{ interval }}, {{ from_date_or_timestamp }})",
    datediff: prestoDatediff('Trino'),
    hash: 'lower(to_hex(md5(to_utf8(cast({{ field }} as varchar)))))',
    listagg: "{% set list %} array_agg({{ measure }} {{ order_by_clause or '' }}) {% endset %} array_join(" +
      '{% if limit_num %} slice({{ list }}, 1, {{ limit_num }}) {% else %}{{ list }}{% endif %}, {{ delimiter_text }}) ',
    right: SUBSTR_RIGHT,
    safe_cast: 'try_cast({{ field }} as {{ type }})',
    split_part: splitPartBySign('\n  \n    ', '\n  \n'),
    current_timestamp: 'current_timestamp',
  },
  athena: {
    any_value: 'arbitrary({{ expression }})',
    array_append: '{{ array }} || {{ new_element }}',
    array_concat: '{{ array_1 }} || {{ array_2 }}',
    array_construct: "\n    {% if inputs | length > 0 %}array[ {{ inputs | join(' , ') }} ]{% else %}{{ safe_cast('array[]', 'array(' ~ (data_type or '%int%') ~ ')') }}{% endif %}\n    ",
    dateadd: "date_add('{{ datepart }}', {{ interval }}, {{ from_date_or_timestamp }})",
    datediff: prestoDatediff('Athena'),
    hash: 'lower(to_hex(md5(to_utf8(cast({{ field }} as varchar)))))',
    listagg: 'array_join({% if limit_num %}\n          slice({% endif %}\n          array_agg(\n              {{ measure }}{% if order_by_clause %}\n                {{ order_by_clause }}{% endif %}' +
      '\n          ){% if limit_num %}\n            , 1, {{ limit_num }}\n          ){% endif %}\n        , {{ delimiter_text }}\n    )',
    right: SUBSTR_RIGHT,
    safe_cast: 'try_cast({{ field }} as {{ type }})',
    // cast_timestamp('now()'): timestamp(6) in an Iceberg table, timestamp otherwise (a view or a Hive table).
    current_timestamp: "{% if config.get('table_type', 'hive') == 'iceberg' and (config.get('materialized') or 'view') not in ['view', 'ephemeral'] %}" +
      'cast(now() as timestamp(6)){% else %}cast(now() as timestamp){% endif %}',
  },
  fabric: {
    any_value: 'min({{ expression }})',
    array_append: "JSON_MODIFY({{ array }}, 'append $', {{ new_element }})",
    array_concat: FABRIC_ARRAY_CONCAT,
    array_construct: "\n    JSON_ARRAY({{ inputs | join(', ') if inputs | length > 0 else 'NULL' }}{{ ' RETURNING JSON' if (data_type or '') | lower == 'json' }})",
    bool_or: 'MAX(\n        CASE\n            WHEN {{ expression }} THEN 1\n            ELSE 0\n        END\n    )',
    cast_bool_to_text: "\n  \n    case {{ field }}\n        when 1 then 'true'\n        when 0 then 'false'\n        else null\n    end\n\n",
    concat: "{% if fields | length < 2 %}{{ fields[0] }}{% else %}concat({{ fields | join(', ') }}){% endif %}",
    // dbt-fabric's dbt_date support overrides dbt's own date(): the Python date, printed.
    date: '{{ modules.datetime.date(year, month, day) }}',
    date_trunc: '\n    CAST(DATEADD({{ datepart }}, DATEDIFF({{ datepart }}, 0, {{ date }}), 0) AS DATE)\n',
    dateadd: MSSQL_DATEADD,
    hash: "\n    lower(convert(varchar(50), hashbytes('md5', coalesce(convert(varchar(max), {{ field }}), '')), 2))\n",
    last_day: "{% if datepart == 'quarter' %}CAST(DATEADD(QUARTER, DATEDIFF(QUARTER, 0, {{ date }}) + 1, -1) AS DATE)" +
      "{% elif datepart == 'month' %}EOMONTH ( {{ date }}){% elif datepart == 'year' %}CAST(DATEADD(YEAR, DATEDIFF(year, 0, {{ date }}) + 1, -1) AS DATE)" +
      `{% else %}${DEFAULTS.last_day}{% endif %}`,
    length: MSSQL_LEN,
    listagg: 'string_agg({{ measure }}, {{ delimiter_text }}){% if order_by_clause != none %}\n            within group ({{ order_by_clause }}){% endif %}',
    position: MSSQL_CHARINDEX,
    safe_cast: '\n    try_cast({{ field }} as {{ type }})\n',
    // STRING_SPLIT takes one character: the delimiter becomes char(1) first; a negative part counts from the end.
    split_part: '\n    (\n        select value\n        from\n            (select\n                value,\n                row_number() over (order by ordinal asc) as forward_index,\n' +
      '                row_number() over (order by ordinal desc) as backward_index\n            from string_split(\n' +
      '                replace({{ string_text }}, {{ delimiter_text }}, char(1)),\n                char(1), 1\n            )) as SplitData\n' +
      "        where {{ 'forward' if part_number > 0 else 'backward' }}_index = {{ part_number | abs }}\n    )\n",
    current_timestamp: 'CAST(SYSDATETIME() AS DATETIME2(6))',
  },
  sqlserver: {
    any_value: 'min({{ expression }})',
    array_construct: "JSON_ARRAY({{ inputs | join(' , ') }})",
    cast_bool_to_text: "\n  \n    case {{ field }}\n        when 1 then 'true'\n        when 0 then 'false'\n        else null\n    end\n\n",
    concat: "{% if fields | length < 2 %}{{ fields[0] }}{% else %}concat({{ fields | join(', ') }}){% endif %}",
    date_trunc: '\n    CAST(DATEADD({{ datepart }}, DATEDIFF({{ datepart }}, 0, {{ date }}), 0) AS DATE)\n',
    dateadd: MSSQL_DATEADD,
    hash: "\n    lower(convert(varchar(50), hashbytes('md5', coalesce(convert(varchar(8000), {{ field }}), '')), 2))\n",
    last_day: lastDayByMonths('sqlserver'),
    length: MSSQL_LEN,
    listagg: 'string_agg({{ measure }}, {{ delimiter_text }}){% if order_by_clause != none %}\n            within group ({{ order_by_clause }}){% endif %}',
    position: MSSQL_CHARINDEX,
    safe_cast: '\n    try_cast({{ field }} as {{ type }})\n',
    split_part: `\n    {% if part_number >= 0 %}\n        ${sqlserverPart('{{ part_number }}')}\n    {% else %}\n        ${sqlserverPart('position() = last(){{ part_number }}+1][1')}\n    {% endif %}\n`,
    current_timestamp: 'CAST(SYSDATETIME() AS DATETIME2(6))',
  },
  // dbt-duckdb's own (dbt/include/duckdb/macros/utils/*.sql, adapters.sql); the rest are dbt's defaults.
  duckdb: {
    any_value: 'arbitrary({{ expression }})',
    date: 'make_date({{ year }}, {{ month }}, {{ day }})',
    dateadd: "\n\n    {% set unit = datepart | lower %}{% if unit == 'quarter' %}({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 3) * interval 1 month)" +
      "{% elif unit == 'week' %}({{ from_date_or_timestamp }} + (cast({{ interval }} as bigint) * 7) * interval 1 day)" +
      '{% else %}({{ from_date_or_timestamp }} + cast({{ interval }} as bigint) * interval 1 {{ unit }}){% endif %}',
    datediff: "{% if datepart == 'week' %}\n            ({{ datediff(first_date, second_date, 'day') }} // 7 + case\n" +
      "            when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) then\n" +
      '                case when {{ first_date }} <= {{ second_date }} then 0 else -1 end\n            else\n' +
      '                case when {{ first_date }} <= {{ second_date }} then 1 else 0 end\n        end)\n    ' +
      "{% else %}\n        (date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp ))\n    {% endif %}",
    last_day: "{% if datepart == 'quarter' %}-- duckdb dateadd does not support quarter interval.\n    cast(" +
      `${I8}{{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', dbt.date_trunc(datepart, date))) }}${I8}as date){% else %}${DEFAULTS.last_day}{% endif %}`,
    listagg: "{% if limit_num %}list_aggr(\n        (array_agg(\n            {{ measure }}\n            {% if order_by_clause %}{{ order_by_clause }}{% endif %}" +
      "\n        ))[1:{{ limit_num }}],\n        'string_agg',\n        {{ delimiter_text }}\n        )" +
      `{% else %}\n    string_agg(${I8}{{ measure }},${I8}{{ delimiter_text }}${I8}{% if order_by_clause %}{{ order_by_clause }}{% endif %}${I8}){% endif %}`,
    split_part: '\n    string_split({{ string_text }}, {{ delimiter_text }})[ {{ part_number }} ]\n',
    current_timestamp: 'now()',
    snapshot_get_time: '{{ current_timestamp() }}::timestamp',
  },
};
// dbt-synapse over dbt-fabric 1.9 (it requires dbt-fabric < 1.9.6): fabric's spellings as they were then (no array_append,
// array_concat, bool_or or date of its own; sqlserver's array_construct, hash and last_day), and synapse__split_part.
OVERRIDES.synapse = {
  array_append: DEFAULTS.array_append,
  array_concat: DEFAULTS.array_concat,
  bool_or: DEFAULTS.bool_or,
  date: DEFAULTS.date,
  array_construct: OVERRIDES.sqlserver.array_construct,
  hash: OVERRIDES.sqlserver.hash,
  last_day: lastDayByMonths('synapse'),
  split_part: '\n\n    {% if part_number >= 0 %}\n\n        (select value from string_split({{ string_text }}, {{ delimiter_text }}, 1) where ordinal = {{ part_number }})' +
    "\n\n    {% else %}\n\n        (select value from string_split({{ string_text }}, {{ delimiter_text }}, 1)\n        where ordinal = len(replace({{ string_text }}, {{ delimiter_text }}, '')) + 1 + {{ part_number }})" +
    '\n\n    {% endif %}\n\n',
};

/** A body's `%string%`/`%int%`: the adapter's type (dbt's api.Column.translate_type, which no override changes). */
function withTypes(body: string, adapter: string): string {
  return body.replace(/%(string|int)%/g, (_m, kind: TypeKind) => typeOf(adapter, kind));
}

const TYPE_MACROS: Record<string, TypeKind> = {
  type_string: 'string', type_timestamp: 'timestamp', type_float: 'float', type_numeric: 'numeric', type_bigint: 'bigint', type_int: 'int', type_boolean: 'boolean',
};

/** The spellings of `adapter` and its parents, then dbt's defaults, as one macro file: `floe_<macro>` each. */
function adapterFile(adapter: string): { file: MacroFile; names: Set<string> } {
  const chain = [adapter, ...(PARENT_ADAPTERS[adapter] ?? [])];
  const bodies: Record<string, string> = { ...DEFAULTS };
  for (const a of [...chain].reverse()) Object.assign(bodies, OVERRIDES[a] ?? {});
  // The adapter's own type macros only, not its parent's (synapse's dbt-fabric 1.9 had no fabric__type_timestamp).
  for (const [name, kind] of Object.entries(TYPE_MACROS)) bodies[name] = TYPE_MACRO_OVERRIDES[adapter]?.[kind] ?? typeOf(adapter, kind);
  const text = Object.entries(bodies)
    .map(([name, body]) => `{% macro floe_${name}(${BUILTIN_PARAMS[name] ?? ''}) %}${withTypes(body, adapter)}{% endmacro %}\n`).join('');
  return { file: { file: `<dbt ${adapter} macros>`, text, packageName: 'dbt', root: false }, names: new Set(Object.keys(bodies)) };
}

const files = new Map<string, ReturnType<typeof adapterFile>>();

/**
 * dbt's built-in `name` as the `adapter` target's dbt writes it (dbt-duckdb's for DuckDB or no adapter): the macro file
 * and the macro's name in it, or undefined for a macro Floe does not spell per adapter.
 */
export function adapterMacro(adapter: string | undefined, name: string): { file: MacroFile; macro: string } | undefined {
  adapter ??= 'duckdb';
  let entry = files.get(adapter);
  if (!entry) files.set(adapter, (entry = adapterFile(adapter)));
  return entry.names.has(name) ? { file: entry.file, macro: `floe_${name}` } : undefined;
}
