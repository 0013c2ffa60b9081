// Preview: compile a model (or the selection, or the CTE under the cursor), build its upstream chain,
// and run it with a row limit that never breaks the user's SQL.
import type { CompiledModel } from '../project/compile';
import type { SourceMap } from '../jinja/sourceMap';
import type { DbtProject } from '../project/project';
import { LineIndex } from '../project/lineIndex';
import { cteUnderCursor, mapToSource, selectionQuery, wrapWithLimit, type PreviewSql } from '../sql/limit';
import type { Lakehouse } from './lakehouse';
import { findModel, ModelRun, type RunOptions } from './model-chain';
import { ModelRunError } from './run-error';
import type { Position } from '../project/types';

export interface PreviewRequest {
  /** The model file (or model name). */
  model: string;
  limit: number;
  /** Preview only the selected template text, or the CTE at a template position. */
  selection?: { start: Position; end: Position };
  cteAt?: Position;
}

export interface PreparedPreview {
  run: ModelRun;
  compiled: CompiledModel;
  /** The SQL to run, limited. */
  sql: string;
  /** The same query without the row limit (for exports). */
  unlimitedSql: string;
  title: string;
  file: string;
  /** Runs `body` mapping DuckDB errors back to the user's template. */
  guard<T>(body: () => Promise<T>): Promise<T>;
}

/** Prepares a preview; the caller runs `sql` on `run.session` inside `guard`, then closes the run. */
export async function preparePreview(project: DbtProject, lakehouse: Lakehouse, request: PreviewRequest, options: RunOptions = {}): Promise<PreparedPreview> {
  const node = findModel(project, request.model);
  const run = await ModelRun.open(project, lakehouse, options);
  try {
    const compiled = run.compile(node.file, node);
    const text = project.entry(node.file)?.text ?? '';
    const lines = new LineIndex(text);
    let piece: PreviewSql;
    let title = node.name;
    if (request.selection) {
      const start = toCompiled(compiled.map, lines.offsetAt(request.selection.start));
      const end = toCompiled(compiled.map, lines.offsetAt(request.selection.end));
      piece = selectionQuery(compiled.sql, { start, end });
      title = `${node.name} (selection)`;
    } else if (request.cteAt) {
      piece = cteUnderCursor(compiled.sql, toCompiled(compiled.map, lines.offsetAt(request.cteAt)));
      title = `${node.name} (CTE)`;
    } else {
      piece = { ok: true, sql: compiled.sql, segments: [{ outStart: 0, sourceStart: 0, length: compiled.sql.length }] };
    }
    if (!piece.ok) throw new ModelRunError(piece.message, { file: node.file, position: request.cteAt ?? request.selection?.start ?? { line: 0, character: 0 } });
    const limited = wrapWithLimit(piece.sql, request.limit);
    if (!limited.ok) throw new ModelRunError(limited.message, { file: node.file, position: { line: 0, character: 0 } });
    // Before the upstream is built, so a LIMIT or count over one source reads only what it needs.
    const answered = await run.readLess(compiled, limited.sql);
    await run.buildUpstream(compiled, [node.name]);
    const toCompiledOffset = (o: number) => {
      const inPiece = mapToSource(limited, o);
      return inPiece === undefined ? undefined : mapToSource(piece, inPiece);
    };
    return {
      run, compiled, sql: answered ?? limited.sql, unlimitedSql: answered ?? piece.sql, title, file: node.file,
      guard: (body) => run.mapErrors(node.file, limited.sql, compiled, body, toCompiledOffset),
    };
  } catch (e) {
    await run.close();
    throw e;
  }
}

/** The compiled offset produced by a template offset (the start of the nearest segment at or after it). */
export function toCompiled(map: SourceMap, templateOffset: number): number {
  let best = map.outputLength;
  for (const s of map.segments) {
    if (templateOffset >= s.srcStart && templateOffset < s.srcEnd) {
      return s.kind === 'text' ? s.outStart + (templateOffset - s.srcStart) : s.outStart;
    }
    if (s.srcStart >= templateOffset && s.outStart < best) best = s.outStart;
  }
  return best;
}
