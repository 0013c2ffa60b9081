// dbt creates a seed's table with the CSV header as its column names, quoted unless the seed sets
// `quote_columns: false`. Unquoted, a header that is not a plain identifier (a space, a dash, DuckDB's reserved
// words) makes `dbt seed` fail, so say so at the header.
import type { DbtProject, FileEntry } from '../project/project';
import type { ProjectDiagnostic } from '../project/types';
import { sqlDialect } from './binding';

/** `duckdb_keywords()` where keyword_category = 'reserved' (DuckDB 1.4): these need quotes as column names. */
const DUCKDB_RESERVED = new Set(('all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create default '
  + 'deferrable desc describe distinct do else end except false fetch for foreign from group having in initially intersect into lambda '
  + 'lateral leading limit not null offset on only or order pivot pivot_longer pivot_wider placing primary qualify references returning '
  + 'select show some summarize symmetric table then to trailing true union unique unpivot using variadic when where window with').split(' '));

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

export function seedDiagnostics(project: DbtProject, entry: FileEntry): ProjectDiagnostic[] {
  const node = project.nodeOfFile(entry.file);
  if (!node) return [];
  const config = project.configOf(node);
  if (config.quote_columns !== false) return [];
  const delimiter = typeof config.delimiter === 'string' && config.delimiter.length > 0 ? config.delimiter : ',';
  const duckdb = sqlDialect(project) !== 'other';
  const out: ProjectDiagnostic[] = [];
  for (const field of headerFields(entry.text, delimiter)) {
    const name = field.name.trim();
    const reason = !PLAIN_IDENTIFIER.test(name) ? 'is not a plain identifier' : duckdb && DUCKDB_RESERVED.has(name.toLowerCase()) ? 'is a reserved word in DuckDB' : undefined;
    if (!reason) continue;
    out.push({
      file: entry.file, start: field.start, end: field.end, severity: 'error', code: 'seed-column-unquoted',
      message: `Seed column '${name}' ${reason}, and quote_columns is false, so dbt cannot create the seed's table. Rename the column or set quote_columns: true.`,
    });
  }
  return out;
}

/** The header's fields with their offsets; a field may be double-quoted (`""` inside is one quote). */
function headerFields(text: string, delimiter: string): Array<{ name: string; start: number; end: number }> {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  const out: Array<{ name: string; start: number; end: number }> = [];
  let i = 0;
  while (i <= line.length) {
    const start = i;
    let name = '';
    if (line[i] === '"') {
      for (i++; i < line.length; i++) {
        if (line[i] !== '"') name += line[i];
        else if (line[i + 1] === '"') name += line[i++];
        else break;
      }
    }
    const next = line.indexOf(delimiter, i);
    const end = next < 0 ? line.length : next;
    if (line[start] !== '"') name = line.slice(start, end);
    out.push({ name, start, end });
    i = end + delimiter.length;
  }
  return out;
}
