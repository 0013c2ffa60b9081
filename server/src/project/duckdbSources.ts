// dbt-duckdb's external sources: a source table whose meta or config names an `external_location` is rendered, in dbt's
// compiled SQL, as that location (`read_parquet('...')`, or a quoted path) instead of database.schema.identifier.
// As dbt-duckdb's DuckDBRelation.create_from_source and utils.SourceConfig: the source's meta under the table's, then
// the config keys dbt itself does not know (config.extra, the source's under the table's); a `plugin` wins (the plugin
// loads the source into the relation dbt names); the location is formatted with `formatter` (newstyle by default, as
// str.format_map; oldstyle, as `%`; template, as string.Template) over name, identifier, schema, database, tags and
// those keys; it is quoted unless it is a call or already quoted.

/** What a table's external location is formatted with (dbt-duckdb's SourceConfig.as_dict). */
export interface DuckdbSourceFields {
  name: string;
  identifier: string;
  schema: string;
  database?: string;
  tags: string[];
  /** The merged meta and config.extra keys. */
  config: Record<string, unknown>;
}

/** The table's location as dbt-duckdb renders the relation, or undefined when it has none (or a plugin loads it). */
export function duckdbExternalLocation(f: DuckdbSourceFields): string | undefined {
  if ('plugin' in f.config || !('external_location' in f.config)) return undefined;
  const template = String(f.config.external_location);
  const values: Record<string, unknown> = { name: f.name, identifier: f.identifier, schema: f.schema, database: f.database ?? null, tags: f.tags, ...f.config };
  const formatter = f.config.formatter === undefined ? 'newstyle' : String(f.config.formatter);
  let location: string;
  if (formatter === 'newstyle') location = formatNewstyle(template, values);
  else if (formatter === 'oldstyle') location = formatOldstyle(template, values);
  else if (formatter === 'template') location = formatTemplate(template, values);
  else throw new Error(`Formatter ${formatter} not recognized. Must be one of 'newstyle', 'oldstyle', or 'template'.`);
  return location.includes('(') || location.startsWith("'") ? location : `'${location}'`;
}

/** A value as Python's str() writes it (the common kinds a YAML meta holds). */
function pyStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? `'${x}'` : pyStr(x))).join(', ')}]`;
  return String(v);
}

function lookup(values: Record<string, unknown>, key: string, template: string): unknown {
  if (!(key in values)) throw new Error(`external_location '${template}' names '${key}', which the source has no value for (KeyError: '${key}')`);
  return values[key];
}

/** str.format_map with plain field names; `{{` and `}}` are literal braces. Conversions and format specs are refused. */
function formatNewstyle(template: string, values: Record<string, unknown>): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (m, field: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    if (!/^\w+$/.test(field!)) throw new Error(`external_location '${template}' has the field '{${field}}', which Floe does not format (only {name} fields)`);
    return pyStr(lookup(values, field!, template));
  });
}

/** The `%` operator with a mapping: `%(name)s`; `%%` is a literal percent sign. */
function formatOldstyle(template: string, values: Record<string, unknown>): string {
  return template.replace(/%%|%\((\w+)\)s/g, (m, key: string | undefined) => (m === '%%' ? '%' : pyStr(lookup(values, key!, template))));
}

/** string.Template.substitute: `$name` or `${name}`; `$$` is a literal dollar sign. */
function formatTemplate(template: string, values: Record<string, unknown>): string {
  return template.replace(/\$\$|\$(\w+)|\$\{(\w+)\}/g, (m, a: string | undefined, b: string | undefined) => (m === '$$' ? '$' : pyStr(lookup(values, (a ?? b)!, template))));
}
