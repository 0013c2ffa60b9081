// The status bar's problem counts: every file's static diagnostics. The cold index counts them before "ready"; a
// recount after an edit or a bind runs in slices of the event loop, so on a large project (10,000 models: ~0.1 s a
// count) no request waits behind it for more than a slice.
import type { DbtProject } from '../project/project';
import { fileDiagnostics } from '../features/diagnostics';

export interface ProblemCounts {
  models: number;
  errors: number;
  warnings: number;
}

/**
 * How long one slice of a recount may hold the thread; a small project is counted within the first.
 * FLOE_COUNT_SLICE_MS=0 makes every slice 64 files (tests of the sliced path).
 */
const SLICE_MS = Number(process.env.FLOE_COUNT_SLICE_MS ?? 10);

export class ProblemCounter {
  private counted: ({ key: string } & ProblemCounts) | undefined;
  private running: string | undefined;

  /**
   * `onCounted` runs when a count that did not finish in its first slice has finished (the status is sent again);
   * `onError` hears of a file whose diagnostics failed (it counts for nothing; the count goes on).
   */
  constructor(
    private readonly projects: () => readonly DbtProject[],
    private readonly onCounted: () => void,
    private readonly onError: (file: string, error: unknown) => void,
  ) {}

  /**
   * The counts of the projects as they are now, or undefined while they are being counted. A count starts when none
   * is under way for them; its first slice runs now (`whole`: the whole count), so small projects are counted at once.
   */
  current(whole = false): ProblemCounts | undefined {
    const key = this.key();
    if (this.counted?.key !== key && (this.running !== key || whole)) this.start(key, whole ? Infinity : SLICE_MS, true);
    return this.counted?.key === key ? this.counted : undefined;
  }

  private key(): string {
    return this.projects().map((p) => `${p.root}@${p.version}`).join('|');
  }

  /** `inline`: the caller reads the result if the first slice finishes the count (no `onCounted` then). */
  private start(key: string, firstSliceMs: number, inline: boolean): void {
    this.running = key;
    const projects = [...this.projects()];
    const tally: ProblemCounts = { models: 0, errors: 0, warnings: 0 };
    const files = (function* () {
      for (const p of projects) {
        tally.models += p.modelNames().length;
        for (const file of p.files.keys()) yield [p, file] as const;
      }
    })();
    const slice = (sliceMs: number, first: boolean): void => {
      // another count has taken over
      if (this.running !== key) return;
      // the projects changed since this count started: count them as they are now
      if (this.key() !== key) {
        this.start(this.key(), SLICE_MS, false);
        return;
      }
      const until = performance.now() + sliceMs;
      for (let step = 0; ; step++) {
        // the clock is read every 64 files, not every file
        if ((step & 63) === 63 && performance.now() >= until) {
          setImmediate(() => slice(SLICE_MS, false));
          return;
        }
        let next;
        try {
          next = files.next();
        } catch (e) {
          this.onError('(the model names)', e);
          break;
        }
        if (next.done) break;
        const [p, file] = next.value;
        try {
          for (const d of fileDiagnostics(p, file, true)) {
            if (d.severity === 'error') tally.errors++;
            else if (d.severity === 'warning') tally.warnings++;
          }
        } catch (e) {
          this.onError(file, e);
        }
      }
      this.running = undefined;
      this.counted = { key, ...tally };
      if (!(first && inline)) this.onCounted();
    };
    slice(firstSliceMs, true);
  }
}
