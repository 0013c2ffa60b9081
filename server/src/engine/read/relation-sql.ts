// Builds the DuckDB SQL for an Iceberg table's rows at one snapshot: read_parquet over the live data
// files with columns resolved by Parquet field id (nested ones through nested-projection.ts), identity-partition
// values and initial defaults for columns a file lacks, and position deletes, deletion vectors and equality deletes
// applied as anti-joins.
// Pure: no I/O.
import type { DataFile, NestedField, PartitionSpec, Schema } from '../../iceberg/spec';
import { duckLiteral, duckTypeOf } from '../types';
import { quoteIdent, quoteLiteral } from '../session';
import { namesCollide } from './column-names';
import { initialDefault, layoutKey, needsNestedRebuild, nestedProjection, type ParquetNode } from './nested-projection';

/** One data file to read with the delete files that apply to it (as scan planning pairs them). */
export interface ReadTask {
  file: DataFile;
  /** The file's data sequence number (what rows without `_last_updated_sequence_number` inherit). */
  sequenceNumber?: bigint;
  positionDeletes: DataFile[];
  equalityDeletes: DataFile[];
  /** A deletion vector (v3) for the file; position delete files are then not listed. */
  deletionVector?: DataFile;
}

/** How one file reaches DuckDB: its local path, and for files written without field ids, its top-level column names. */
export interface LocalFile {
  localPath: string;
  /** Set when the file has no Parquet field ids: it is read through the table's name mapping instead. */
  columnNames?: string[];
  /** The file's top-level field ids and the column names they were written under, when its footer was probed. */
  fieldNames?: Map<number, string>;
  /**
   * The file's Parquet schema tree (top-level columns), probed when the table schema has nested fields; for a file
   * without field ids, with ids assigned through the name mapping.
   */
  fieldTree?: ParquetNode[];
}

export interface RelationInput {
  /** The schema rows are projected to (the current one, or the snapshot's when time-travelling). */
  schema: Schema;
  partitionSpecs: PartitionSpec[];
  tasks: ReadTask[];
  /** Resolves a file path as recorded in a manifest to its local copy. */
  fileFor(path: string): LocalFile;
  /** Top-level names each field id was written under, from schema.name-mapping.default. */
  mappedNames?: Map<number, string[]>;
  /** Other spellings of a data file's path that position-delete files may record (e.g. before it moved). */
  pathAliases?(path: string): string[];
  /** Add the v3 row-lineage columns `_row_id` and `_last_updated_sequence_number` after the schema's. */
  rowLineage?: boolean;
  /** The local `first,last` CSV of a deletion vector's deleted row ranges (deletion-vectors.ts). */
  deletionVectorRanges?(dv: DataFile): string;
}

/** v3 row-lineage metadata columns (spec "Reserved Field IDs"), read from files that hold them. */
export const ROW_LINEAGE_FIELDS: NestedField[] = [
  { id: 2147483540, name: '_row_id', required: false, type: 'long' },
  { id: 2147483539, name: '_last_updated_sequence_number', required: false, type: 'long' },
];

// Iceberg's reserved field ids for position-delete files (file_path, pos).
const POS_FILE_PATH_ID = 2147483546;
const POS_POS_ID = 2147483545;

const D = quoteIdent('__floe_data');
// read_parquet's file-name column, renamed so a table column called "filename" keeps its name.
const FILE_COLUMN = '__floe_filename';
const FILE = quoteIdent(FILE_COLUMN);

/** The SELECT that yields the table's rows with the schema's top-level columns, in order. */
export function relationSql(input: RelationInput): string {
  return input.rowLineage ? rowLineageSql(input) : rowsSql(input);
}

/**
 * Rows with their lineage (spec "Row Lineage"): a null or missing `_row_id` is the file's first_row_id plus the
 * row's position in the file (null when the file has no first_row_id, as in tables upgraded to v3); a null or
 * missing `_last_updated_sequence_number` is the file's data sequence number.
 */
function rowLineageSql(input: RelationInput): string {
  const fields = [...input.schema.fields, ...ROW_LINEAGE_FIELDS];
  const rows = rowsSql({ ...input, schema: { ...input.schema, fields } });
  if (input.tasks.length === 0) return rows;
  const R = quoteIdent('__floe_rows'), L = quoteIdent('__floe_lineage');
  const values = input.tasks.map((t) => `(${quoteLiteral(input.fileFor(t.file['file-path']).localPath)}, ${duckLiteral('long', t.file['first-row-id'] ?? null)}, ${duckLiteral('long', t.sequenceNumber ?? null)})`);
  const select = [
    ...input.schema.fields.map((f) => `${R}.${quoteIdent(f.name)}`),
    `COALESCE(${R}."_row_id", ${L}."first_row_id" + ${R}."file_row_number") AS "_row_id"`,
    `COALESCE(${R}."_last_updated_sequence_number", ${L}."sequence_number") AS "_last_updated_sequence_number"`,
  ];
  return `SELECT ${select.join(', ')} FROM (${rows}) AS ${R} JOIN (VALUES ${values.join(', ')}) AS ${L}("__floe_file", "first_row_id", "sequence_number") ON ${R}.${FILE} = ${L}."__floe_file"`;
}

function rowsSql(input: RelationInput): string {
  const fields = input.schema.fields;
  if (input.tasks.length === 0) {
    return `SELECT ${fields.map((f) => `${duckLiteral(f.type, null)} AS ${quoteIdent(f.name)}`).join(', ')} WHERE false`;
  }
  const identitySources = identityPartitionSources(input.partitionSpecs, fields);
  // Files that share how they are read (field ids, names, or one nested layout to rebuild by id) and which deletes
  // apply form one group.
  const groups = new Map<string, { tasks: ReadTask[]; byName: boolean; rebuild?: ParquetNode[] }>();
  for (const task of input.tasks) {
    const local = input.fileFor(task.file['file-path']);
    const byName = local.columnNames !== undefined;
    // Rebuilding reads top-level columns by physical name: never when those collide ignoring case (DuckDB would mix them up).
    const rebuild = local.fieldTree && !namesCollide(local.fieldTree.map((n) => n.name)) && needsNestedRebuild(fields, local.fieldTree) ? local.fieldTree : undefined;
    const key = JSON.stringify([byName, rebuild && layoutKey(rebuild), task.equalityDeletes.map((d) => d['file-path']).sort(), task.positionDeletes.length > 0 || task.deletionVector !== undefined]);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { tasks: [], byName, rebuild }));
    group.tasks.push(task);
  }
  const parts: string[] = [];
  for (const group of groups.values()) {
    // Identity-partition values reach files lacking the column as read_parquet defaults: one scan per distinct
    // value set while there are few; past that, one scan joined to a (file -> values) table.
    const byDefaults = new Map<string, { defaults: Map<number, string>; tasks: ReadTask[] }>();
    for (const task of group.tasks) {
      const defaults = partitionDefaults(task.file, identitySources);
      const key = JSON.stringify([...defaults]);
      let sub = byDefaults.get(key);
      if (!sub) byDefaults.set(key, (sub = { defaults, tasks: [] }));
      sub.tasks.push(task);
    }
    if (byDefaults.size <= MAX_SCANS_PER_GROUP) {
      for (const sub of byDefaults.values()) parts.push(groupSql(input, sub.tasks, sub.defaults, group));
    } else {
      parts.push(groupSql(input, group.tasks, new Map(), group, identitySources));
    }
  }
  return parts.length === 1 ? parts[0] : parts.map((p) => `(${p})`).join('\nUNION ALL\n');
}

const MAX_SCANS_PER_GROUP = 16;

/** How a group's files are read: through the name mapping, or by probed physical names rebuilding nested values. */
interface ReadKind { byName: boolean; rebuild?: ParquetNode[] }

function groupSql(input: RelationInput, tasks: ReadTask[], defaults: Map<number, string>, kind: ReadKind, joinPartitions?: IdentitySource[]): string {
  const fields = input.schema.fields;
  const positionDeletes = unique(tasks.flatMap((t) => t.positionDeletes));
  const deletes = positionDeletes.length > 0 || tasks.some((t) => t.deletionVector);
  // Row lineage needs each row's file and position too.
  const withRowIds = deletes || input.rowLineage === true;
  const withFilename = withRowIds || joinPartitions !== undefined;
  const localPaths = tasks.map((t) => input.fileFor(t.file['file-path']).localPath);
  const idNames = kind.byName || kind.rebuild ? undefined : sharedFieldNames(tasks.map((t) => input.fileFor(t.file['file-path'])), fields);
  let base = kind.rebuild
    ? nestedRebuildRead(fields, localPaths, kind.rebuild, defaults, withFilename, withRowIds)
    : kind.byName
      ? nameMappedRead(input, tasks, defaults, withFilename, withRowIds)
      : idNames
        ? probedFieldIdRead(fields, localPaths, idNames, defaults, withFilename, withRowIds)
        : fieldIdRead(fields, localPaths, defaults, withFilename, withRowIds);
  if (joinPartitions) base = partitionJoin(input, tasks, base, joinPartitions, withRowIds);
  const columns = [...fields.map((f) => `${D}.${quoteIdent(f.name)}`), ...(input.rowLineage ? [`${D}.${FILE}`, `${D}."file_row_number"`] : [])].join(', ');
  let sql = `SELECT ${columns} FROM ${base} AS ${D}`;
  if (deletes) sql += `\n${positionDeleteJoin(input, tasks, positionDeletes)}`;
  const equalityDeletes = unique(tasks[0].equalityDeletes);
  if (equalityDeletes.length > 0) sql += `\nWHERE ${equalityDeleteFilters(input, equalityDeletes).join('\n  AND ')}`;
  return sql;
}

/** Fills identity-partition columns from a per-file VALUES table; a file holding the column has the same value in every row. */
function partitionJoin(input: RelationInput, tasks: ReadTask[], base: string, sources: IdentitySource[], withRowIds: boolean): string {
  const ids = [...new Set(sources.map((s) => s.field.id))];
  const byId = new Map(input.schema.fields.map((f) => [f.id, f]));
  const P = quoteIdent('__floe_part');
  const rows = tasks.map((t) => {
    const values = partitionDefaults(t.file, sources);
    const literals = ids.map((id) => values.get(id) ?? duckLiteral(byId.get(id)!.type, null));
    return `(${[quoteLiteral(input.fileFor(t.file['file-path']).localPath), ...literals].join(', ')})`;
  });
  const names = ['__floe_file', ...ids.map((id) => `__floe_p${id}`)].map(quoteIdent).join(', ');
  const select = input.schema.fields.map((f) => (ids.includes(f.id)
    ? `COALESCE(${D}.${quoteIdent(f.name)}, ${P}.${quoteIdent(`__floe_p${f.id}`)}) AS ${quoteIdent(f.name)}`
    : `${D}.${quoteIdent(f.name)}`));
  select.push(`${D}.${FILE}`);
  if (withRowIds) select.push(`${D}."file_row_number"`);
  return `(SELECT ${select.join(', ')} FROM ${base} AS ${D} JOIN (VALUES ${rows.join(', ')}) AS ${P}(${names}) ON ${D}.${FILE} = ${P}."__floe_file")`;
}

/** read_parquet mapping columns by field id: renames, drops, promotions, defaults for absent columns. */
function fieldIdRead(fields: NestedField[], localPaths: string[], defaults: Map<number, string>, withFilename: boolean, withRowIds: boolean): string {
  const entries = fields.map((f) => {
    const fallback = defaults.get(f.id) ?? initialDefault(f);
    // A MAP's values share one type, so every default travels as VARCHAR; read_parquet casts it to the column type.
    return `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(duckTypeOf(f.type))}, default_value: CAST(${fallback} AS VARCHAR)}`;
  });
  const rowIds = `${withFilename ? `, filename = ${quoteLiteral(FILE_COLUMN)}` : ''}${withRowIds ? ', file_row_number = true' : ''}`;
  return `read_parquet(${pathList(localPaths)}, schema = MAP {${entries.join(', ')}}${rowIds})`;
}

/**
 * The field-id → name map all files share, when their footers were probed. Reading by those names is the same as
 * reading by field id, and lets DuckDB split one file's row groups across threads, which it does not do under
 * `schema =` (measured: a one-file table scanned at half speed on 2 cores, docs/benchmarks.md). Nested columns
 * qualify when every nested field id has the schema's name in every file: the CAST to the schema's type then matches
 * struct children by those names, drops ones the schema dropped, and promotes types.
 */
function sharedFieldNames(files: LocalFile[], fields: NestedField[]): Map<number, string> | undefined {
  if (fields.some((f) => typeof f.type !== 'string') && !files.every((f) => f.fieldTree && !needsNestedRebuild(fields, f.fieldTree))) return undefined;
  const first = files[0]?.fieldNames;
  // Physical names equal ignoring case cannot be told apart by name in DuckDB: such files are read by field id.
  if (!first || namesCollide(first.values())) return undefined;
  const key = JSON.stringify([...first]);
  return files.every((f) => f.fieldNames && JSON.stringify([...f.fieldNames]) === key) ? first : undefined;
}

/** Columns by field id through names probed from the footers: renames, promotions (CAST) and defaults as fieldIdRead. */
function probedFieldIdRead(fields: NestedField[], localPaths: string[], idNames: Map<number, string>, defaults: Map<number, string>, withFilename: boolean, withRowIds: boolean): string {
  const select = fields.map((f) => {
    const name = idNames.get(f.id);
    const source = name === undefined ? defaults.get(f.id) ?? initialDefault(f) : quoteIdent(name);
    return `CAST(${source} AS ${duckTypeOf(f.type)}) AS ${quoteIdent(f.name)}`;
  });
  if (withFilename) select.push(FILE);
  if (withRowIds) select.push('file_row_number');
  const rowIds = `${withFilename ? `, filename = ${quoteLiteral(FILE_COLUMN)}` : ''}${withRowIds ? ', file_row_number = true' : ''}`;
  return `(SELECT ${select.join(', ')} FROM read_parquet(${pathList(localPaths)}${rowIds}))`;
}

/** Files of one Parquet layout whose nested names differ from the schema's: read by physical names, nested values rebuilt by field id. */
function nestedRebuildRead(fields: NestedField[], localPaths: string[], tree: ParquetNode[], defaults: Map<number, string>, withFilename: boolean, withRowIds: boolean): string {
  const select = nestedProjection(fields, tree, (f) => defaults.get(f.id) ?? initialDefault(f));
  if (withFilename) select.push(FILE);
  if (withRowIds) select.push('file_row_number');
  const rowIds = `${withFilename ? `, filename = ${quoteLiteral(FILE_COLUMN)}` : ''}${withRowIds ? ', file_row_number = true' : ''}`;
  return `(SELECT ${select.join(', ')} FROM read_parquet(${pathList(localPaths)}${rowIds}))`;
}

/** Files written without field ids: columns found by the names the name mapping lists for each field id. */
function nameMappedRead(input: RelationInput, tasks: ReadTask[], defaults: Map<number, string>, withFilename: boolean, withRowIds: boolean): string {
  const files = tasks.map((t) => input.fileFor(t.file['file-path']));
  const present = new Set(files.flatMap((f) => f.columnNames ?? []));
  const select = input.schema.fields.map((f) => {
    const names = (input.mappedNames?.get(f.id) ?? []).filter((n) => present.has(n));
    const fallback = defaults.get(f.id) ?? initialDefault(f);
    const source = names.length === 0 ? fallback : `COALESCE(${[...names.map(quoteIdent), ...(defaults.has(f.id) ? [fallback] : [])].join(', ')})`;
    return `CAST(${source} AS ${duckTypeOf(f.type)}) AS ${quoteIdent(f.name)}`;
  });
  if (withFilename) select.push(FILE);
  if (withRowIds) select.push('file_row_number');
  const rowIds = `${withFilename ? `, filename = ${quoteLiteral(FILE_COLUMN)}` : ''}${withRowIds ? ', file_row_number = true' : ''}`;
  return `(SELECT ${select.join(', ')} FROM read_parquet(${pathList(files.map((f) => f.localPath))}, union_by_name = true${rowIds}))`;
}

/**
 * Anti-join on (file, row position) with the position-delete files, whose file_path records the data file's URI, and
 * with the deletion vectors' ranges files, each for one data file.
 */
function positionDeleteJoin(input: RelationInput, tasks: ReadTask[], deletes: DataFile[]): string {
  // Only files that list position delete files are mapped to them: a file with a deletion vector ignores them.
  const sources = deletes.length > 0 ? [positionDeleteRows(input, tasks.filter((t) => t.positionDeletes.length > 0), deletes)] : [];
  const vectors = tasks.filter((t) => t.deletionVector);
  if (vectors.length > 0) sources.push(deletionVectorRows(input, vectors));
  const P = quoteIdent('__floe_pos');
  return `ANTI JOIN (${sources.join(' UNION ALL ')}) AS ${P} ON ${D}.${FILE} = ${P}."local_path" AND ${D}."file_row_number" = ${P}."pos"`;
}

/** (local_path, pos) of every range in the tasks' deletion vectors. */
function deletionVectorRows(input: RelationInput, tasks: ReadTask[]): string {
  if (!input.deletionVectorRanges) throw new Error('deletion vectors need RelationInput.deletionVectorRanges');
  const mapping = tasks.map((t) => `(${quoteLiteral(input.deletionVectorRanges!(t.deletionVector!))}, ${quoteLiteral(input.fileFor(t.file['file-path']).localPath)})`);
  const rangeFiles = [...new Set(tasks.map((t) => input.deletionVectorRanges!(t.deletionVector!)))];
  const read = `read_csv(${pathList(rangeFiles)}, header = false, auto_detect = false, delim = ',', columns = {'lo': 'BIGINT', 'hi': 'BIGINT'}, filename = true)`;
  return `SELECT "m"."local_path" AS "local_path", unnest(generate_series("r"."lo", "r"."hi")) AS "pos" FROM ${read} AS "r"`
    + ` JOIN (VALUES ${mapping.join(', ')}) AS "m"("ranges_file", "local_path") ON "r"."filename" = "m"."ranges_file"`;
}

/** (local_path, pos) of the position-delete files' rows that name the tasks' data files. */
function positionDeleteRows(input: RelationInput, tasks: ReadTask[], deletes: DataFile[]): string {
  const mapping: string[] = [];
  for (const t of tasks) {
    const local = input.fileFor(t.file['file-path']).localPath;
    const spellings = new Set([t.file['file-path'], ...(input.pathAliases?.(t.file['file-path']) ?? [])]);
    for (const s of spellings) mapping.push(`(${quoteLiteral(s)}, ${quoteLiteral(local)})`);
  }
  const deletePaths = deletes.map((d) => input.fileFor(d['file-path']).localPath);
  const schema = `schema = MAP {${POS_FILE_PATH_ID}: {name: 'file_path', type: 'VARCHAR', default_value: NULL::VARCHAR}, ${POS_POS_ID}: {name: 'pos', type: 'BIGINT', default_value: NULL::VARCHAR}}`;
  return `SELECT "m"."local_path" AS "local_path", "p"."pos" AS "pos" FROM read_parquet(${pathList(deletePaths)}, ${schema}) AS "p"`
    + ` JOIN (VALUES ${mapping.join(', ')}) AS "m"("recorded_path", "local_path") ON "p"."file_path" = "m"."recorded_path"`;
}

/** One NOT EXISTS per set of equality field ids; NULL matches NULL, as the spec requires. */
function equalityDeleteFilters(input: RelationInput, deletes: DataFile[]): string[] {
  const bySet = new Map<string, DataFile[]>();
  for (const d of deletes) {
    const ids = [...(d['equality-ids'] ?? [])].sort((a, b) => a - b);
    const key = ids.join(',');
    bySet.set(key, [...(bySet.get(key) ?? []), d]);
  }
  const E = quoteIdent('__floe_eq');
  return [...bySet.entries()].map(([key, files]) => {
    const ids = key.split(',').filter(Boolean).map(Number);
    const paths = ids.map((id) => {
      const path = structPathOf(input.schema.fields, id);
      if (!path) throw new Error(`equality delete file ${files[0]['file-path']} uses field id ${id}, which is neither a column of the schema nor a field nested in its structs`);
      return path;
    });
    if (paths.every((p) => p.length === 1)) {
      const fields = paths.map((p) => p[0]);
      const entries = fields.map((f) => `${f.id}: {name: ${quoteLiteral(f.name)}, type: ${quoteLiteral(duckTypeOf(f.type))}, default_value: NULL::VARCHAR}`);
      const read = `read_parquet(${pathList(files.map((f) => input.fileFor(f['file-path']).localPath))}, schema = MAP {${entries.join(', ')}})`;
      const match = fields.map((f) => `${E}.${quoteIdent(f.name)} IS NOT DISTINCT FROM ${D}.${quoteIdent(f.name)}`).join(' AND ');
      return `NOT EXISTS (SELECT 1 FROM ${read} AS ${E} WHERE ${match})`;
    }
    // A field nested in structs (the spec allows those, not ones inside lists or maps): each delete file is read by
    // the physical path its footer gives that field id, falling back to the schema's names.
    const byLayout = new Map<string, string[]>();
    for (const f of files) {
      const local = input.fileFor(f['file-path']);
      const select = paths.map((p, i) => {
        const physical = (local.fieldTree && physicalPathOf(local.fieldTree, ids[i])) ?? p.map((x) => x.name);
        return `CAST(${pathSql(physical)} AS ${duckTypeOf(p[p.length - 1].type)}) AS ${quoteIdent(`__floe_k${i}`)}`;
      }).join(', ');
      byLayout.set(select, [...(byLayout.get(select) ?? []), local.localPath]);
    }
    const reads = [...byLayout].map(([select, localPaths]) => `SELECT ${select} FROM read_parquet(${pathList(localPaths)})`);
    const match = paths.map((p, i) => `${E}.${quoteIdent(`__floe_k${i}`)} IS NOT DISTINCT FROM ${pathSql(p.map((x) => x.name), D)}`).join(' AND ');
    return `NOT EXISTS (SELECT 1 FROM (${reads.join(' UNION ALL ')}) AS ${E} WHERE ${match})`;
  });
}

/** The chain of fields from a top-level column down to field id `id` through structs only. */
function structPathOf(fields: NestedField[], id: number): NestedField[] | undefined {
  for (const f of fields) {
    if (f.id === id) return [f];
    if (typeof f.type !== 'string' && f.type.type === 'struct') {
      const inner = structPathOf(f.type.fields, id);
      if (inner) return [f, ...inner];
    }
  }
  return undefined;
}

/** The physical names from a top-level column down to field id `id` in a file's Parquet tree. */
function physicalPathOf(tree: ParquetNode[], id: number): string[] | undefined {
  for (const n of tree) {
    if (n.id === id) return [n.name];
    const inner = physicalPathOf(n.children, id);
    if (inner) return [n.name, ...inner];
  }
  return undefined;
}

/** `"a"` or `struct_extract("a", 'b')`…, optionally qualified by a relation. */
function pathSql(names: string[], relation?: string): string {
  const [top, ...rest] = names;
  return rest.reduce((sql, name) => `struct_extract(${sql}, ${quoteLiteral(name)})`, relation ? `${relation}.${quoteIdent(top)}` : quoteIdent(top));
}

interface IdentitySource { partitionName: string; field: NestedField }

/** Top-level columns that some partition spec partitions by identity: a file may omit them, the manifest has their value. */
function identityPartitionSources(specs: PartitionSpec[], fields: NestedField[]): IdentitySource[] {
  const out: IdentitySource[] = [];
  for (const spec of specs) {
    for (const pf of spec.fields) {
      if (pf.transform !== 'identity') continue;
      const field = fields.find((f) => f.id === pf['source-id']);
      if (field && !out.some((o) => o.partitionName === pf.name && o.field.id === field.id)) out.push({ partitionName: pf.name, field });
    }
  }
  return out;
}

function partitionDefaults(file: DataFile, sources: IdentitySource[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const s of sources) {
    if (!(s.partitionName in file.partition)) continue;
    out.set(s.field.id, duckLiteral(s.field.type, file.partition[s.partitionName]));
  }
  return out;
}

function pathList(paths: string[]): string {
  return `[${paths.map(quoteLiteral).join(', ')}]`;
}

function unique(files: DataFile[]): DataFile[] {
  const seen = new Map<string, DataFile>();
  for (const f of files) seen.set(f['file-path'], f);
  return [...seen.values()];
}
