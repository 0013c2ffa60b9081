// Entry point of the floe CLI: dispatches to one command; errors are printed as messages, not stacks.
import { UsageError, type CliCommand, type CliIO } from './command';
import { redact } from '../catalog/redact';
import { userErrorText } from '../run/run-error';

const io: CliIO = {
  out: (text) => process.stdout.write(text),
  // Errors and logs may quote a catalog URI or a request: secrets in them never reach the terminal.
  err: (text) => process.stderr.write(redact(text)),
};

// `floe check … | head -1` closes the pipe early: that is the reader's choice, not an error to print.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

// Ctrl+C or a kill: a short message and the shell's code for the signal, with the exit handlers run (the binding workers
// close DuckDB first: BindPool). A command that handles the signal itself (catalog serve, table, demo --editor) keeps it.
for (const [signal, code, said] of [['SIGINT', 130, 'interrupted'], ['SIGTERM', 143, 'terminated']] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) > 1) return;
    process.stderr.write(`floe: ${said}\n`);
    process.exit(code);
  });
}

function help(commands: Record<string, CliCommand>): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`);
  return `usage: floe <command> [args]\n\ncommands:\n${rows.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  // `floe check DIR` loads only its own code first: an unchanged project is answered from its kept report before the
  // project model, Jinja, DuckDB and the other commands' libraries load (commands are imported when run).
  if (argv[0] === 'check') return run('check', { summary: '', run: (await import('./commands/check-replay.js')).runCheck }, argv.slice(1));
  const { commandAndArgs } = await import('./dbt-args.js');
  const { commands } = await import('./commands/index.js');
  const { name, args: rest } = commandAndArgs(argv);
  if (!name && argv.length > 0 && !['help', '--help', '-h'].includes(argv[0])) {
    io.err(`floe: expected a command after ${argv.join(' ')}\n\n${help(commands)}`);
    return 2;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(help(commands));
    return 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`floe: unknown command '${name}'\n\n${help(commands)}`);
    return 2;
  }
  return run(name, command, rest);
}

async function run(name: string, command: CliCommand, args: string[]): Promise<number> {
  try {
    return await command.run(args, io);
  } catch (e) {
    // node:util parseArgs' errors (an unknown option, a missing value) are usage errors too, in Node's words
    if (e instanceof UsageError || String((e as { code?: unknown })?.code).startsWith('ERR_PARSE_ARGS_')) {
      io.err(`floe ${name}: ${(e as Error).message}\n`);
      return 2;
    }
    io.err(`floe ${name}: ${userErrorText(e, `run floe ${name}`, { withLocation: true })}\n`);
    if (process.env.FLOE_DEBUG) io.err(`${(e as Error)?.stack ?? ''}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(redact(`floe: ${String(e)}\n`)); process.exitCode = 1; },
);
