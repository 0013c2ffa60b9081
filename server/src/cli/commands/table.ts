// floe table cleanup: finds and removes a table's orphan files (under its location, referenced by no live metadata),
// older than a grace period; --dry-run only reports them. Works on local and S3 tables.
import { parseArgs } from 'node:util';
import type { CliCommand, CliIO } from '../command';
import { UsageError } from '../command';
import { connectRestCatalog } from '../../catalog/rest-client';
import { CatalogError } from '../../catalog/catalog';
import { defaultStorageFactory } from '../../engine/write/write-table';
import { DEFAULT_ORPHAN_GRACE_MS, findOrphanFiles, removeOrphanFiles } from '../../engine/maintenance/orphan-files';
import { MaintenanceError } from '../../engine/maintenance/maintenance-error';
import { StorageError } from '../../storage/storage';
import { parseCredential } from '../../catalog/oauth';
import { parseTableName } from '../../catalog/names';
import { catalogCredential } from '../credential';

const USAGE = 'usage: floe table cleanup --catalog URI --warehouse NAME [--credential ID:SECRET] [--older-than DURATION] [--dry-run] NAMESPACE.TABLE\n'
  + '  DURATION: 0, or a number with s, m, h or d (default 3d); only unreferenced files older than this are removed'
  + '\n  FLOE_CATALOG_CREDENTIAL=ID:SECRET in the environment stands for --credential (and keeps the secret out of the process list)';

export interface CleanupArgs {
  catalog: string;
  warehouse: string;
  credential?: { clientId: string; clientSecret: string };
  olderThanMs: number;
  dryRun: boolean;
  table: { namespace: string[]; name: string };
}

/** Parses `table cleanup` arguments; throws UsageError with the usage line on mistakes. */
export function parseCleanupArgs(args: string[]): CleanupArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: {
        catalog: { type: 'string' }, warehouse: { type: 'string' }, credential: { type: 'string' },
        'older-than': { type: 'string' }, 'dry-run': { type: 'boolean' },
      },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${USAGE}`);
  }
  const v = parsed.values;
  if (!v.catalog) throw new UsageError(`--catalog is required\n${USAGE}`);
  if (!v.warehouse) throw new UsageError(`--warehouse is required\n${USAGE}`);
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one NAMESPACE.TABLE\n${USAGE}`);
  const table = parseTableName(parsed.positionals[0]);
  if (!table) throw new UsageError(`'${parsed.positionals[0]}' is not NAMESPACE.TABLE\n${USAGE}`);
  const credential = v.credential === undefined ? undefined : parseCredential(v.credential);
  if (v.credential !== undefined && !credential) throw new UsageError(`--credential must be ID:SECRET\n${USAGE}`);
  return {
    catalog: v.catalog, warehouse: v.warehouse, credential, dryRun: v['dry-run'] === true,
    olderThanMs: v['older-than'] === undefined ? DEFAULT_ORPHAN_GRACE_MS : parseDuration(v['older-than']),
    table,
  };
}

/** '0', '90s', '30m', '24h', '3d' → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(text.trim());
  if (!m || (m[2] === '' && Number(m[1]) !== 0)) throw new UsageError(`--older-than must be 0 or a number with s, m, h or d, got '${text}'\n${USAGE}`);
  const unit = { '': 0, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

async function cleanup(args: string[], io: CliIO): Promise<number> {
  const a = parseCleanupArgs(args);
  const name = [...a.table.namespace, a.table.name].join('.');
  try {
    const catalog = await connectRestCatalog({ uri: a.catalog, warehouse: a.warehouse, credential: catalogCredential(a.credential) });
    const first = await catalog.loadTable(a.table);
    const storage = defaultStorageFactory(first.metadata.location, first.config, first.credentialRefresher);
    const report = await findOrphanFiles({ table: name, storage, olderThanMs: a.olderThanMs, load: () => catalog.loadTable(a.table) });
    for (const f of report.orphans) io.out(`${a.dryRun ? 'would remove' : 'remove'} ${f.uri} (${f.size} bytes)\n`);
    const bytes = report.orphans.reduce((n, f) => n + f.size, 0);
    const kept = report.recent.length ? `; ${report.recent.length} unreferenced file(s) newer than --older-than kept` : '';
    if (a.dryRun) {
      io.out(`${name}: ${report.orphans.length} orphan file(s), ${bytes} bytes, would be removed; ${report.referenced} file(s) referenced by live metadata${kept}\n`);
      return 0;
    }
    const { removed, failed } = await removeOrphanFiles(storage, report.orphans);
    for (const f of failed) io.err(`floe table cleanup: could not remove ${f.uri}: ${f.reason}\n`);
    io.out(`${name}: removed ${removed.length} orphan file(s), ${bytes} bytes; ${report.referenced} file(s) referenced by live metadata${kept}\n`);
    return failed.length ? 1 : 0;
  } catch (e) {
    if (e instanceof MaintenanceError || e instanceof CatalogError || e instanceof StorageError) {
      io.err(`floe table cleanup: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

export const tableCommand: CliCommand = {
  summary: 'table maintenance: table cleanup NAMESPACE.TABLE removes orphan files (--dry-run lists them)',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'cleanup') return cleanup(rest, io);
    throw new UsageError(sub ? `unknown subcommand '${sub}'\n${USAGE}` : USAGE);
  },
};
