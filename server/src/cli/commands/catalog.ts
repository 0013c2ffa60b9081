// floe catalog: `serve` runs the local Polaris-compatible Iceberg REST catalog over a warehouse folder until SIGINT/SIGTERM
// (first stdout line: the catalog URI; access log with --verbose to stderr); `namespaces` and `tables` are in catalog-objects.ts.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliCommand, CliIO } from '../command';
import { UsageError } from '../command';
import { startLocalCatalog, type LocalCatalog, type LocalCatalogOptions } from '../../catalog/local/server';
import { catalogCredential, CREDENTIAL_ENV } from '../credential';
import { catalogObjects, OBJECTS_USAGE } from './catalog-objects';

const USAGE = 'usage: floe catalog serve --warehouse DIR [--name NAME] [--host 127.0.0.1] [--port N] [--client-id ID --client-secret-file FILE]\n'
  + '                           [--base-location URI] [--config KEY=VALUE]... [--verbose]\n'
  + `  credentials: ${CREDENTIAL_ENV}=ID:SECRET in the environment, or --client-id with --client-secret-file (first line);\n`
  + '  --client-secret S still works but shows the secret to every local user in the process list';
const DEFAULT_PORT = 8181;

export interface ServeArgs {
  options: LocalCatalogOptions;
  /** True when --port was given: then a taken port is an error, not a reason to pick another. */
  portGiven: boolean;
  verbose: boolean;
  /** Set when the secret came on the command line: serve warns that it is visible in the process list. */
  secretOnArgv: boolean;
}

/** Parses `catalog serve` arguments; throws UsageError with the usage line on mistakes. */
export function parseServeArgs(args: string[], env: NodeJS.ProcessEnv = process.env): ServeArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: false, strict: true,
      options: {
        warehouse: { type: 'string' }, name: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
        'client-id': { type: 'string' }, 'client-secret': { type: 'string' }, 'client-secret-file': { type: 'string' }, 'base-location': { type: 'string' },
        config: { type: 'string', multiple: true }, verbose: { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const v = parsed.values;
  if (!v.warehouse) throw new UsageError(`--warehouse is required\n${USAGE}`);
  if (v['client-secret'] !== undefined && v['client-secret-file'] !== undefined) throw new UsageError(`give --client-secret or --client-secret-file, not both\n${USAGE}`);
  const secret = v['client-secret-file'] !== undefined ? readSecretFile(v['client-secret-file']) : v['client-secret'];
  if (!!v['client-id'] !== !!secret) throw new UsageError(`--client-id and --client-secret-file (or --client-secret) go together\n${USAGE}`);
  const credential = v['client-id'] ? { clientId: v['client-id'], clientSecret: secret! } : catalogCredential(undefined, env);
  let port = DEFAULT_PORT;
  if (v.port !== undefined) {
    port = Number(v.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got '${v.port}'\n${USAGE}`);
  }
  const tableConfig: Record<string, string> = {};
  for (const pair of v.config ?? []) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--config must be KEY=VALUE, got '${pair}'\n${USAGE}`);
    tableConfig[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return {
    options: {
      warehouse: v.warehouse, name: v.name, host: v.host ?? '127.0.0.1', port,
      clientId: credential?.clientId, clientSecret: credential?.clientSecret, baseLocation: v['base-location'],
      tableConfig: Object.keys(tableConfig).length ? tableConfig : undefined,
    },
    portGiven: v.port !== undefined,
    verbose: v.verbose === true,
    secretOnArgv: v['client-secret'] !== undefined,
  };
}

/** The first line of a secret file (a trailing newline is not part of the secret). */
function readSecretFile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read --client-secret-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n${USAGE}`);
  }
  const secret = text.split(/\r?\n/)[0];
  if (!secret) throw new UsageError(`--client-secret-file ${file} is empty\n${USAGE}`);
  return secret;
}

async function serve(args: string[], io: CliIO): Promise<number> {
  const { options, portGiven, verbose, secretOnArgv } = parseServeArgs(args);
  if (verbose) options.log = (line) => io.err(`${line}\n`);
  if (secretOnArgv) io.err(`floe catalog: --client-secret is visible to every local user in the process list; use ${CREDENTIAL_ENV} or --client-secret-file\n`);
  let catalog: LocalCatalog;
  try {
    catalog = await startLocalCatalog(options);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' && !portGiven) {
      catalog = await startLocalCatalog({ ...options, port: 0 });
    } else if (code === 'EADDRINUSE') {
      throw new Error(`port ${options.port} on ${options.host} is already in use`);
    } else {
      throw e;
    }
  }
  io.out(`${catalog.uri}\n`);
  io.err(`floe catalog: serving '${catalog.name}' from ${options.warehouse}${options.clientId ? ' (credentials required)' : ''}; Ctrl+C to stop\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await catalog.close();
  return 0;
}

export const catalogCommand: CliCommand = {
  summary: 'serve the local Iceberg REST catalog; list, create and drop namespaces and tables; show snapshots and schemas',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'serve') return serve(rest, io);
    if (sub === 'namespaces' || sub === 'tables') return catalogObjects(sub, rest, io);
    const usage = `${USAGE}\n${OBJECTS_USAGE}`;
    throw new UsageError(sub ? `unknown subcommand '${sub}'\n${usage}` : usage);
  },
};
