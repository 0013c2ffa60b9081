// The editor's published diagnostics kept across restarts: every file's Problems as the first full pass (all models
// bound) gave them, with every input that pass read (util/inputTrace.ts: files, folder listings, env vars, DuckDB's
// library by its file). A reopen whose inputs all read the same (contents hashed) publishes them before indexing; the
// normal index and bind run behind and their results replace the kept ones. Any change meanwhile (an edit, a file on
// disk, settings) drops the kept ones at once: they are never shown for a project that is not the one they came from.
import path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver';
import { InputTrace, noteNativeLibraries } from '../util/inputTrace';
import { cacheDir, FLOE_BUILD } from '../util/jsonlStore';
import { KeptReport } from '../util/keptReport';

/** Files with their diagnostics, in the order the workspace report gave them. */
export interface PublishedDiagnostics {
  models: number;
  files: Array<[uri: string, diagnostics: Diagnostic[]]>;
}

function isPublished(value: unknown): value is PublishedDiagnostics {
  const r = value as PublishedDiagnostics | null;
  return !!r && typeof r.models === 'number' && Array.isArray(r.files) && r.files.every((f) => Array.isArray(f) && typeof f[0] === 'string' && Array.isArray(f[1]));
}

export class KeptDiagnostics {
  private readonly report: KeptReport<PublishedDiagnostics>;
  private trace: InputTrace | undefined;
  /** What is published from the kept file until the real results are in, by URI. */
  private served: Map<string, Diagnostic[]> | undefined;

  /**
   * `folders`: the workspace; `settings`: what else decides the diagnostics and is not read from a file or the
   * environment (the client's floe.* settings, binding off).
   */
  constructor(folders: string[], settings: unknown, dir = cacheDir('editor')) {
    const key = ['editor', [...folders].map((f) => path.resolve(f)).sort(), FLOE_BUILD, process.version, settings];
    this.report = new KeptReport(key, dir, '.diagnostics', isPublished);
  }

  /** Reads the kept diagnostics; when every input is unchanged they are served from now on. The number of models, or undefined. */
  load(): number | undefined {
    const kept = this.report.replay();
    if (!kept) return undefined;
    this.served = new Map(kept.files);
    return kept.models;
  }

  /** The kept diagnostics being published, until `drop`. */
  get serving(): ReadonlyMap<string, Diagnostic[]> | undefined {
    return this.served;
  }

  /** Stops publishing the kept diagnostics (the real ones are in, or something changed). */
  drop(): void {
    this.served = undefined;
  }

  /**
   * Starts recording what the first full pass reads. Floe's caches are no input, nor is Node's own binary, which
   * DuckDB's library opens when it loads to tell the C library (Node's version is in the key).
   */
  startTrace(): void {
    this.trace ??= new InputTrace([path.resolve(cacheDir('')), '/proc/self/exe']);
  }

  get tracing(): boolean {
    return !!this.trace;
  }

  /** What was read may not be what the results come from (an edit, a catalog, an error): nothing is kept this session. */
  abandon(reason: string): void {
    this.trace?.incomplete(reason);
    this.trace?.stop();
    this.trace = undefined;
  }

  /** The first full pass is done: keeps its diagnostics with its inputs, if it read them all in a way that replays. */
  keep(published: PublishedDiagnostics, log: (message: string) => void): void {
    const trace = this.trace;
    if (!trace) return;
    noteNativeLibraries();
    this.trace = undefined;
    const inputs = trace.stop();
    if (inputs) this.report.keep(inputs, published);
    else log(`floe: diagnostics not kept for the next start: ${trace.incompleteBecause}`);
  }
}
