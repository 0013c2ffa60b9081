// A result kept whole with every input it was made from (util/inputTrace.ts), replayed while those inputs read as they
// did: `floe check`'s report (cli/checkSnapshot.ts) and the editor's published diagnostics (lsp/keptDiagnostics.ts).
// One file per key (whatever else decides the result: Floe's build, Node, settings), replaced by each complete keep.
// A file that does not read back whole (cut short, edited, another shape) is ignored.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inputsUnchanged, type TracedInput } from './inputTrace';
import { removeStale } from './jsonlStore';

/** Bumped when the file's shape changes. */
const FORMAT = 1;

export class KeptReport<R extends object> {
  readonly file: string;

  /** `key`: everything besides the traced inputs the result depends on; `valid`: the result's shape. */
  constructor(key: unknown, dir: string, private readonly ext: string, private readonly valid: (body: unknown) => body is R) {
    const id = createHash('sha256').update(JSON.stringify([FORMAT, key])).digest('hex').slice(0, 24);
    this.file = path.join(dir, `${id}${ext}`);
  }

  /** The kept result, when every input it was made from reads as it did then. */
  replay(): R | undefined {
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
      const { inputs, result } = JSON.parse(rest) as { inputs?: unknown; result?: unknown };
      if (!Array.isArray(inputs) || !this.valid(result)) return undefined;
      if (!inputs.every((x) => Array.isArray(x) && x.length === 4 && x.every((part) => typeof part === 'string'))) return undefined;
      return inputsUnchanged(inputs as TracedInput[]) ? result : undefined;
    } catch {
      return undefined;
    }
  }

  /** Replaces the kept result (temp file and rename: a reader never sees half of one). */
  keep(inputs: TracedInput[], result: R): void {
    try {
      const dir = path.dirname(this.file);
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      removeStale(dir, this.file, this.ext);
      const rest = JSON.stringify({ inputs, result });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ format: FORMAT, sum: checksum(rest) })}\n${rest}`, { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      // an unwritable cache folder: the next run does the work in full
    }
  }
}

function checksum(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}
