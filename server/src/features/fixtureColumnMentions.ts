// Where unit tests' text fixtures name one column of one model, for column rename: the header cell of `format: csv`
// rows and the aliases (`… as col`) of `format: sql` rows, inline or in a `tests/fixtures` file, in the `expect` of the
// model's own unit tests and in `given` inputs that are `ref('model')`. Dict rows are yamlColumnMentions.ts's job.
// Anything else naming the column in a sql fixture (a bare column, a Jinja expression, a `t(a, b)` alias list) is a
// reason to refuse, with the file and line, as is a fixture file that also holds another relation's rows.
import path from 'node:path';
import type { DbtProject } from '../project/project';
import type { Location } from '../project/types';
import { fixtureFile, parseInput, unitTestDecls, type FixtureDecl } from '../project/unitTests';
import { outline, tokenIndexAt } from '../sql/outline';
import { identifierOf, isSignificant } from '../sql/lexer';
import { selectItemsAt } from '../sql/selectList';

export interface FixtureColumnMentions {
  locations: Location[];
  /** Why a fixture cannot be renamed exactly, with its file and line. */
  reasons: string[];
}

interface TextFixture { format: 'csv' | 'sql'; file: string; text: string; /** Source offset of each text offset, or undefined where unknown. */ at: (offset: number) => number | undefined }

/** The csv headers' and sql aliases' spans naming `column` of `model`, or why one cannot be renamed exactly. */
export function fixtureColumnMentions(project: DbtProject, model: string, column: string): FixtureColumnMentions {
  const out: FixtureColumnMentions = { locations: [], reasons: [] };
  const fixtures: TextFixture[] = [];
  // which models' rows each fixture file holds: a file shared with another relation cannot follow this one's rename
  const fileRowsOf = new Map<string, Set<string>>();
  for (const e of project.files.values()) {
    if (e.kind !== 'yaml' || e.packageName !== project.name || !e.text.includes('unit_tests')) continue;
    for (const decl of unitTestDecls(e)) {
      const owned: Array<[FixtureDecl, string]> = decl.given.map((g) => {
        const t = parseInput(g.input);
        return [g, t?.kind === 'ref' ? t.name : t?.kind === 'this' ? decl.model ?? '' : g.input] as [FixtureDecl, string];
      });
      if (decl.expect && decl.model) owned.push([decl.expect, decl.model]);
      for (const [f, relation] of owned) {
        if (f.format === 'dict') continue;
        const file = f.fixture !== undefined && f.rows === undefined ? fixtureFile(project, f.fixture, f.format) : undefined;
        if (file) fileRowsOf.set(file, (fileRowsOf.get(file) ?? new Set()).add(relation));
        if (relation !== model) continue;
        const fixture = file ? { format: f.format, file, text: project.entry(file)?.text ?? '', at: (n: number) => n }
          : typeof f.rows === 'string' && f.rowsSpan ? inline(f.format, e.file, e.text, f.rows, f.rowsSpan.start) : undefined;
        // a fixture file several tests name is read once
        if (fixture && !(file && fixtures.some((x) => x.file === file))) fixtures.push(fixture);
      }
    }
  }
  for (const f of fixtures) {
    const others = [...fileRowsOf.get(f.file) ?? []].filter((r) => r !== model);
    if (project.entry(f.file)?.kind === 'fixture' && others.length) {
      if (f.text.toLowerCase().includes(column.toLowerCase())) out.reasons.push(`${path.relative(project.root, f.file)} also holds the rows of ${others.join(', ')}: rename its column by hand`);
      continue;
    }
    (f.format === 'csv' ? csvHeader : sqlAliases)(project, f, column, out);
  }
  return out;
}

/** An inline block of rows: its text as YAML parsed it, mapped line by line onto the YAML source (indented). */
function inline(format: 'csv' | 'sql', file: string, source: string, text: string, from: number): TextFixture {
  const starts: Array<number | undefined> = [];
  let cursor = from;
  for (const line of text.split('\n')) {
    const found = line.trim() ? source.indexOf(line, cursor) : cursor;
    starts.push(found < 0 ? undefined : found);
    if (found >= 0) cursor = found + line.length;
  }
  return {
    format, file, text,
    at: (offset) => {
      const before = text.slice(0, offset);
      const line = before.split('\n').length - 1;
      const s = starts[line];
      return s === undefined ? undefined : s + offset - (before.lastIndexOf('\n') + 1);
    },
  };
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

function where(project: DbtProject, f: TextFixture, offset: number): string {
  const source = project.entry(f.file)?.text ?? f.text;
  const at = f.at(offset);
  return `${path.relative(project.root, f.file)}${at === undefined ? '' : ` line ${lineOf(source, at)}`}`;
}

function push(project: DbtProject, f: TextFixture, start: number, length: number, out: FixtureColumnMentions): void {
  const at = f.at(start);
  if (at === undefined) out.reasons.push(`${where(project, f, start)}: cannot place the column in the YAML text; rename it by hand`);
  else out.locations.push({ file: f.file, start: at, end: at + length });
}

/** The header cell (the first line; a quoted cell counts without its quotes) naming the column. */
function csvHeader(project: DbtProject, f: TextFixture, column: string, out: FixtureColumnMentions): void {
  const headerStart = f.text.search(/\S/);
  if (headerStart < 0) return;
  const lineEnd = f.text.indexOf('\n', headerStart);
  const header = f.text.slice(headerStart, lineEnd < 0 ? f.text.length : lineEnd);
  for (const m of header.matchAll(/\s*("([^"]*)"|[^,]*)\s*(,|$)/g)) {
    const name = m[2] ?? m[1].trim();
    if (name.toLowerCase() !== column.toLowerCase() || m[0] === '') continue;
    const inCell = m[0].indexOf(m[2] !== undefined ? `"${name}"` : name) + (m[2] !== undefined ? 1 : 0);
    push(project, f, headerStart + m.index! + inCell, name.length, out);
  }
}

/** The select items' aliases naming the column; any other mention of it refuses, naming the line. */
function sqlAliases(project: DbtProject, f: TextFixture, column: string, out: FixtureColumnMentions): void {
  const o = outline(f.text);
  const wanted = column.toLowerCase();
  for (const t of o.all) {
    if (t.kind === 'jinja' && isSignificant(t) && new RegExp(`\\b${wanted.replace(/\W/g, '')}\\b`, 'i').test(t.text)) {
      out.reasons.push(`${where(project, f, t.start)}: names ${column} in Jinja; rename it by hand`);
    }
  }
  o.tokens.forEach((t, k) => {
    if ((t.kind !== 'word' && t.kind !== 'quoted') || identifierOf(t).toLowerCase() !== wanted) return;
    const item = selectItemsAt(o, t.start).find((it) => it.name && tokenIndexAt(o, it.end - 1) === k);
    const aliased = item && item.start !== t.start && !f.text.slice(item.start, t.start).trimEnd().endsWith('.');
    if (!aliased) {
      out.reasons.push(`${where(project, f, t.start)}: ${column} is not an alias of a select item there (e.g. a column read from elsewhere); rename it by hand`);
      return;
    }
    const quoted = t.kind === 'quoted' ? 1 : 0;
    push(project, f, t.start + quoted, column.length, out);
  });
}
