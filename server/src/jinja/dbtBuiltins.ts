// dbt's built-in macros (its `dbt` package) that models and packages call at compile time: the cross-database
// macros, rendered for DuckDB (dbtAdapterMacros.ts has other adapters' spellings for a dbt-names compile), each dispatched as dbt does so a project or package can override it
// (`duckdb__x`/`default__x`, with dbt_project.yml's `dispatch:`). Written for Floe, shaped after dbt's documented
// signatures; `execute` is false at compile time, so nothing here queries a database.
import { scanTemplate } from './scanner';
import { templateBindings } from './calls';
import type { MacroFile } from './environment';

/** Macros whose DuckDB SQL is one expression of their arguments: name → [parameters, body]. */
const EXPRESSIONS: Record<string, [string, string]> = {
  type_string: ['', 'varchar'],
  type_timestamp: ['', 'timestamp'],
  type_float: ['', 'float'],
  type_numeric: ['', 'numeric(28,6)'],
  type_bigint: ['', 'bigint'],
  type_int: ['', 'integer'],
  type_boolean: ['', 'boolean'],
  current_timestamp: ['', 'now()'],
  // dbt-duckdb's snapshot_get_time, and dbt's defaults for the backcompat pair (dbt-duckdb has none): a TIMESTAMP, the
  // session's wall clock, not now()'s TIMESTAMP WITH TIME ZONE (a table of them would get another column type)
  current_timestamp_backcompat: ['', 'current_timestamp::timestamp'],
  current_timestamp_in_utc_backcompat: ['', '{{ current_timestamp_backcompat() }}'],
  snapshot_get_time: ['', '{{ current_timestamp() }}::timestamp'],
  date_trunc: ['datepart, date', "date_trunc('{{ datepart }}', {{ date }})"],
  // As dbt-duckdb renders them, parenthesized: `{{ dbt.dateadd(...) }}::timestamp` casts the sum, not the interval.
  dateadd: ['datepart, interval, from_date_or_timestamp',
    "{% set unit = datepart | lower %}({{ from_date_or_timestamp }} + cast({{ interval }} as bigint) * " +
    "{% if unit == 'quarter' %}3 * interval 1 month{% elif unit == 'week' %}7 * interval 1 day{% else %}interval 1 {{ unit }}{% endif %})"],
  datediff: ['first_date, second_date, datepart',
    "{% if datepart == 'week' %}({{ datediff(first_date, second_date, 'day') }} // 7 + case when date_part('dow', ({{ first_date }})::timestamp) <= date_part('dow', ({{ second_date }})::timestamp) " +
    'then case when {{ first_date }} <= {{ second_date }} then 0 else -1 end else case when {{ first_date }} <= {{ second_date }} then 1 else 0 end end)' +
    "{% else %}(date_diff('{{ datepart }}', {{ first_date }}::timestamp, {{ second_date }}::timestamp)){% endif %}"],
  // dbt's default__safe_cast is a plain cast, which fails on a bad value (dbt-duckdb's, postgres', redshift's too); the
  // adapters whose own safe_cast gives NULL instead are read as DuckDB's try_cast (a preview or run then does as they do)
  safe_cast: ['field, type', "{% if target.type in ['snowflake', 'bigquery', 'spark', 'databricks', 'trino', 'athena', 'fabric', 'sqlserver', 'synapse'] %}" +
    'try_cast({{ field }} as {{ type }}){% else %}cast({{ field }} as {{ type }}){% endif %}'],
  cast: ['field, type', 'cast({{ field }} as {{ type }})'],
  concat: ['fields', "{{ fields | join(' || ') }}"],
  hash: ['field', 'md5(cast({{ field }} as varchar))'],
  split_part: ['string_text, delimiter_text, part_number', 'split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }})'],
  any_value: ['expression', 'any_value({{ expression }})'],
  bool_or: ['expression', 'bool_or({{ expression }})'],
  cast_bool_to_text: ['field', 'cast({{ field }} as varchar)'],
  escape_single_quotes: ['expression', "{{ expression | replace(\"'\", \"''\") }}"],
  except: ['', 'except'],
  intersect: ['', 'intersect'],
  last_day: ['date, datepart', "cast(date_trunc('{{ datepart }}', {{ date }}) + interval '1 {{ datepart }}' - interval '1 day' as date)"],
  length: ['expression', 'length({{ expression }})'],
  position: ['substring_text, string_text', 'position({{ substring_text }} in {{ string_text }})'],
  replace: ['field, old_chars, new_chars', 'replace({{ field }}, {{ old_chars }}, {{ new_chars }})'],
  right: ['string_text, length_expression', 'right({{ string_text }}, {{ length_expression }})'],
  string_literal: ['value', "'{{ value }}'"],
  array_construct: ['inputs=[], data_type=none', "[{{ inputs | join(', ') }}]"],
  array_append: ['array, new_element', 'list_append({{ array }}, {{ new_element }})'],
  array_concat: ['array_1, array_2', 'list_concat({{ array_1 }}, {{ array_2 }})'],
  date: ['year, month, day', 'make_date({{ year }}, {{ month }}, {{ day }})'],
  // dbt's default__equals (dbt-duckdb has no other): plain `=`, null-safe only under the project's behavior flag.
  equals: ['expr1, expr2', '{% if adapter.behavior.enable_truthy_nulls_equals_macro.no_warn %}\n    case when (({{ expr1 }} = {{ expr2 }}) or ' +
    '({{ expr1 }} is null and {{ expr2 }} is null))\n        then 0\n        else 1\n    end = 0\n{% else %}({{ expr1 }} = {{ expr2 }})\n{% endif %}'],
  listagg: ['measure, delimiter_text="\',\'", order_by_clause=none, limit_num=none',
    "{% if limit_num %}array_to_string(list_slice(list({{ measure }} {{ order_by_clause or '' }}), 1, {{ limit_num }}), {{ delimiter_text }})" +
    "{% else %}string_agg({{ measure }}, {{ delimiter_text }} {{ order_by_clause or '' }}){% endif %}"],
};

/** Macros dbt calls to name relations; their default logic, returning values (and the `_for_env` variant dbt ships for projects to call). */
const NAMING = `
{% macro generate_schema_name(custom_schema_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_schema_name', 'dbt')(custom_schema_name, node)) }}
{%- endmacro %}
{% macro default__generate_schema_name(custom_schema_name, node) -%}
  {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ target.schema }}_{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
{% macro generate_schema_name_for_env(custom_schema_name, node) -%}
  {%- if target.name == 'prod' and custom_schema_name is not none -%}{{ custom_schema_name | trim }}{%- else -%}{{ target.schema }}{%- endif -%}
{%- endmacro %}
{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_alias_name', 'dbt')(custom_alias_name, node)) }}
{%- endmacro %}
{% macro default__generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name -%}{{ custom_alias_name | trim }}
  {%- elif node and node.version -%}{{ return(node.name ~ "_v" ~ (node.version | replace(".", "_"))) }}
  {%- elif node -%}{{ node.name }}{%- endif -%}
{%- endmacro %}
{% macro generate_database_name(custom_database_name=none, node=none) -%}
  {{ return(adapter.dispatch('generate_database_name', 'dbt')(custom_database_name, node)) }}
{%- endmacro %}
{% macro default__generate_database_name(custom_database_name=none, node=none) -%}
  {%- if custom_database_name is none -%}{{ target.database }}{%- else -%}{{ custom_database_name | trim }}{%- endif -%}
{%- endmacro %}
`;

/** Macros that ask the warehouse for a query's columns: at compile time (`execute` false) dbt's answer is empty. */
const INTROSPECTION = `
{% macro get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {{ return(adapter.dispatch('get_empty_subquery_sql', 'dbt')(select_sql, select_sql_header)) }}
{%- endmacro %}
{% macro default__get_empty_subquery_sql(select_sql, select_sql_header=none) -%}
  {%- if select_sql_header is not none -%}{{ select_sql_header }}{%- endif -%}select * from ({{ select_sql }}) as __dbt_sbq where false limit 0
{%- endmacro %}
{% macro get_column_schema_from_query(select_sql, select_sql_header=none) -%}
  {{ return(adapter.get_column_schema_from_query(get_empty_subquery_sql(select_sql, select_sql_header))) }}
{%- endmacro %}
{% macro get_columns_in_query(select_sql) -%}
  {{ return(adapter.dispatch('get_columns_in_query', 'dbt')(select_sql)) }}
{%- endmacro %}
{% macro default__get_columns_in_query(select_sql) -%}
  {{ return([]) }}
{%- endmacro %}
`;

/** Each cross-database macro's parameters (dbt's signature), for the adapters' spellings (dbtAdapterMacros.ts). */
export const BUILTIN_PARAMS: Record<string, string> = Object.fromEntries(Object.entries(EXPRESSIONS).map(([name, [params]]) => [name, params]));

function expressionMacros(): string {
  return Object.entries(EXPRESSIONS).map(([name, [params, body]]) => {
    const args = [...params.replace(/"[^"]*"|'[^']*'/g, "''").matchAll(/(?:^|,)\s*([A-Za-z_]\w*)/g)].map((m) => m[1]).join(', ');
    return `{% macro ${name}(${params}) %}{{ return(adapter.dispatch('${name}', 'dbt')(${args})) }}{% endmacro %}\n` +
      `{% macro default__${name}(${params}) %}${body}{% endmacro %}\n`;
  }).join('');
}

/**
 * dbt's config helpers called in model files: `{% call set_sql_header(config) %}...{% endcall %}` sets the `sql_header`
 * config to the block's text (dbt puts it before the materialization's DDL, not in the compiled SQL), so it renders nothing.
 */
const CONFIG_HELPERS = `
{% macro set_sql_header(config) -%}
  {{ config.set('sql_header', caller()) }}
{%- endmacro %}
`;

/**
 * dbt's four core generic tests as dbt compiles them (`floe compile`'s target/compiled for generic tests): each
 * `test_<name>` dispatches to `default__test_<name>` (a project or package may override either, or dispatch), over
 * `model`, which is `get_where_subquery(<relation>)`: the relation, or a subquery when the test has a `where` config.
 * Their whitespace is dbt's, as dbt's compiled files have it. (Floe's own test runs use run/data-test-sql.ts.)
 */
const GENERIC_TESTS = `
{% macro test_unique(model, column_name) %}
    {% set macro = adapter.dispatch('test_unique', 'dbt') %}
    {{ macro(model, column_name) }}
{% endmacro %}
{% macro test_not_null(model, column_name) %}
    {% set macro = adapter.dispatch('test_not_null', 'dbt') %}
    {{ macro(model, column_name) }}
{% endmacro %}
{% macro test_accepted_values(model, column_name, values, quote=True) %}
    {% set macro = adapter.dispatch('test_accepted_values', 'dbt') %}
    {{ macro(model, column_name, values, quote) }}
{% endmacro %}
{% macro test_relationships(model, column_name, to, field) %}
    {% set macro = adapter.dispatch('test_relationships', 'dbt') %}
    {{ macro(model, column_name, to, field) }}
{% endmacro %}
{% macro default__test_unique(model, column_name) %}

select
    {{ column_name }} as unique_field,
    count(*) as n_records

from {{ model }}
where {{ column_name }} is not null
group by {{ column_name }}
having count(*) > 1

{% endmacro %}
{% macro default__test_not_null(model, column_name) %}

{% set column_list = '*' if should_store_failures() else column_name %}

select {{ column_list }}
from {{ model }}
where {{ column_name }} is null

{% endmacro %}
{% macro default__test_accepted_values(model, column_name, values, quote=True) %}

with all_values as (

    select
        {{ column_name }} as value_field,
        count(*) as n_records

    from {{ model }}
    group by {{ column_name }}

)

select *
from all_values
where value_field not in (
    {% for value in values -%}
        {% if quote -%}
        '{{ value }}'
        {%- else -%}
        {{ value }}
        {%- endif -%}
        {%- if not loop.last -%},{%- endif %}
    {%- endfor %}
)

{% endmacro %}
{% macro default__test_relationships(model, column_name, to, field) %}

with child as (
    select {{ column_name }} as from_field
    from {{ model }}
    where {{ column_name }} is not null
),

parent as (
    select {{ field }} as to_field
    from {{ to }}
)

select
    from_field

from child
left join parent
    on child.from_field = parent.to_field

where parent.to_field is null

{% endmacro %}
{% macro get_where_subquery(relation) -%}
  {% do return(adapter.dispatch('get_where_subquery', 'dbt')(relation)) %}
{%- endmacro %}
{% macro default__get_where_subquery(relation) -%}
  {%- set where = config.get('where', '') -%}
  {%- if where -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') dbt_subquery') -%}
  {%- else -%}
    {%- do return(relation) -%}
  {%- endif -%}
{%- endmacro %}
{% macro should_store_failures() -%}
  {%- set store = config.get('store_failures') -%}
  {%- if store is none -%}{%- set store = flags.STORE_FAILURES -%}{%- endif -%}
  {%- do return(store) -%}
{%- endmacro %}
`;

const TEXT = expressionMacros() + NAMING + INTROSPECTION + CONFIG_HELPERS + GENERIC_TESTS;
const scan = scanTemplate(TEXT);

/** The built-in `dbt` package as one macro file. */
const BINDINGS = templateBindings(TEXT, scan).macros;
export const BUILTIN_MACRO_FILE: { file: MacroFile; names: string[] } = {
  file: { file: '<dbt built-in macros>', text: TEXT, packageName: 'dbt', root: false },
  names: BINDINGS.map((m) => m.name),
};

/** The built-in macros a project calls (`dbt.type_string()`), by name, with their parameters: not the `default__` implementations. */
export const BUILTIN_MACRO_PARAMS: ReadonlyMap<string, string[]> = new Map(BINDINGS.filter((m) => !m.name.includes('__')).map((m) => [m.name, m.params]));

export const BUILTIN_MACRO_NAMES = new Set(BUILTIN_MACRO_FILE.names);
