// A `floe check` kept whole: its report and every input it read (files, folders, env vars; see util/inputTrace.ts).
// A check of an unchanged project replays the report after reading only those inputs again: no project load, no
// render, no DuckDB. One file per project, Floe build, Node and binding on/off, replaced by each check that traced
// completely. A file that does not read back whole (cut short, edited, another shape) is ignored.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inputsUnchanged, type TracedInput } from '../util/inputTrace';
import { cacheDir, FLOE_BUILD, removeStale } from '../util/jsonlStore';

/** Bumped when the file's shape changes. */
const FORMAT = 1;
const EXT = '.check';

export interface CheckReport<D> {
  models: number;
  diagnostics: D[];
}

interface Body<D> extends CheckReport<D> {
  inputs: TracedInput[];
}

export class CheckSnapshot {
  readonly file: string;

  constructor(root: string, bind: boolean, dir = cacheDir('check')) {
    const id = createHash('sha256').update(JSON.stringify([FORMAT, path.resolve(root), FLOE_BUILD, process.version, bind])).digest('hex').slice(0, 24);
    this.file = path.join(dir, `${id}${EXT}`);
  }

  /** The kept report, when every input it was made from reads as it did then. */
  replay<D>(): CheckReport<D> | undefined {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      // first line: the format and a checksum of the rest, so a file cut short or altered is never half believed
      const newline = text.indexOf('\n');
      const header = JSON.parse(text.slice(0, newline)) as { format?: unknown; sum?: unknown };
      const rest = text.slice(newline + 1);
      if (newline < 0 || header.format !== FORMAT || header.sum !== checksum(rest)) return undefined;
      const body = JSON.parse(rest) as Body<D>;
      if (!Array.isArray(body.inputs) || !Array.isArray(body.diagnostics) || typeof body.models !== 'number') return undefined;
      if (!body.inputs.every((x) => Array.isArray(x) && x.length === 4 && x.every((part) => typeof part === 'string'))) return undefined;
      return inputsUnchanged(body.inputs) ? { models: body.models, diagnostics: body.diagnostics } : undefined;
    } catch {
      return undefined;
    }
  }

  /** Replaces the kept report (temp file and rename: a reader never sees half of one). */
  keep<D>(inputs: TracedInput[], report: CheckReport<D>): void {
    try {
      const dir = path.dirname(this.file);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      removeStale(dir, this.file, EXT);
      const rest = JSON.stringify({ inputs, models: report.models, diagnostics: report.diagnostics } satisfies Body<D>);
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, sum: checksum(rest) })}\n${rest}`, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // an unwritable cache folder: the next check runs in full
    }
  }
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
