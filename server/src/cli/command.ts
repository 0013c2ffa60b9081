// The shape of one floe CLI command. Commands write results to stdout and diagnostics to stderr.

export interface CliIO {
  out(text: string): void;
  err(text: string): void;
}

export interface CliCommand {
  /** One line shown by `floe help`. */
  summary: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

/** Thrown for bad command-line usage; printed without a stack trace, exit code 2. */
export class UsageError extends Error {}
