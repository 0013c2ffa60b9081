// floe table: maintenance of one Iceberg table in a REST catalog. cleanup removes orphan files; optimize compacts
// small files and applies deletes; expire-snapshots drops old snapshots and the files only they referenced;
// rewrite-manifests regroups manifests. Each has --dry-run (says what would change); progress goes to stderr;
// Ctrl-C cancels before the commit and leaves the table as it was.
import { parseArgs } from 'node:util';
import type { CliCommand, CliIO } from '../command';
import { UsageError } from '../command';
import { connectRestCatalog } from '../../catalog/rest-client';
import { CatalogError, type Catalog } from '../../catalog/catalog';
import { defaultStorageFactory, WriteError } from '../../engine/write';
import { DEFAULT_ORPHAN_GRACE_MS, findOrphanFiles, removeOrphanFiles } from '../../engine/maintenance/orphan-files';
import { MaintenanceError } from '../../engine/maintenance/maintenance-error';
import type { MaintenanceOptions, MaintenanceProgress } from '../../engine/maintenance/maintained-table';
import { compactTable } from '../../engine/maintenance/compact';
import { expireSnapshots } from '../../engine/maintenance/expire-snapshots';
import { rewriteManifests } from '../../engine/maintenance/rewrite-manifests';
import { parseDuration, parseSize } from '../../util/quantities';
import { compactReport, expireReport, rewriteManifestsReport, type MaintenanceReport } from '../../engine/maintenance/report';
import { DuckSession } from '../../engine/session';
import { StorageError } from '../../storage/storage';
import { parseCredential } from '../../catalog/oauth';
import { parseTableName } from '../../catalog/names';
import type { TableIdentifier } from '../../iceberg/spec';
import { catalogCredential } from '../credential';

const CATALOG = '--catalog URI --warehouse NAME [--credential ID:SECRET]';
const USAGES: Record<string, string> = {
  cleanup: `floe table cleanup ${CATALOG} [--older-than DURATION] [--dry-run] NAMESPACE.TABLE\n    removes orphan files: unreferenced files older than DURATION (default 3d)`,
  optimize: `floe table optimize ${CATALOG} [--target-file-size SIZE] [--dry-run] NAMESPACE.TABLE\n    rewrites small files and files with deletes into files of SIZE (default: the table's write.target-file-size-bytes, else 512MiB), per partition, in one commit`,
  'expire-snapshots': `floe table expire-snapshots ${CATALOG} [--older-than DURATION] [--retain-last N] [--dry-run] NAMESPACE.TABLE\n    removes snapshots older than DURATION (default 5d) beyond the last N of each branch (default 1), keeping every ref, then the files only they referenced`,
  'rewrite-manifests': `floe table rewrite-manifests ${CATALOG} [--target-manifest-size SIZE] [--dry-run] NAMESPACE.TABLE\n    regroups data manifests by partition into manifests of SIZE (default 8MiB), in one commit`,
};
const USAGE = 'usage:\n' + Object.values(USAGES).map((u) => `  ${u}`).join('\n')
  + '\n  DURATION: 0, or a number with s, m, h or d; SIZE: bytes, or a number with KiB, MiB, GiB (or KB, MB, GB)'
  + '\n  FLOE_CATALOG_CREDENTIAL=ID:SECRET in the environment stands for --credential (and keeps the secret out of the process list)';

type Extra = Record<string, { type: 'string' | 'boolean' }>;

interface TableArgs {
  catalog: string;
  warehouse: string;
  credential?: { clientId: string; clientSecret: string };
  dryRun: boolean;
  table: TableIdentifier;
  values: Record<string, string | boolean | undefined>;
}

function parseTableArgs(sub: string, args: string[], extra: Extra): TableArgs {
  const usage = `usage: ${USAGES[sub]}\n  ${USAGE.split('\n').slice(-2).join('\n  ').trim()}`;
  let parsed;
  try {
    parsed = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { catalog: { type: 'string' }, warehouse: { type: 'string' }, credential: { type: 'string' }, 'dry-run': { type: 'boolean' }, ...extra },
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\n${usage}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (!v.catalog) throw new UsageError(`--catalog is required\n${usage}`);
  if (!v.warehouse) throw new UsageError(`--warehouse is required\n${usage}`);
  if (parsed.positionals.length !== 1) throw new UsageError(`expected one NAMESPACE.TABLE\n${usage}`);
  const table = parseTableName(parsed.positionals[0]);
  if (!table) throw new UsageError(`'${parsed.positionals[0]}' is not NAMESPACE.TABLE\n${usage}`);
  const credential = v.credential === undefined ? undefined : parseCredential(String(v.credential));
  if (v.credential !== undefined && !credential) throw new UsageError(`--credential must be ID:SECRET\n${usage}`);
  return { catalog: String(v.catalog), warehouse: String(v.warehouse), credential, dryRun: v['dry-run'] === true, table, values: v };
}

/** A flag's value through a parser whose errors become usage errors. */
function flag<T>(a: TableArgs, name: string, parse: (text: string) => T): T | undefined {
  const text = a.values[name];
  if (typeof text !== 'string') return undefined;
  try {
    return parse(text);
  } catch (e) {
    throw new UsageError(`--${name} ${(e as Error).message}\n${USAGE}`);
  }
}

function retainCount(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new Error(`must be a whole number of at least 1, got '${text}'`);
  return Number(text);
}

/** Connects, runs `body` with a signal Ctrl-C aborts, and turns typed errors into one line on stderr. */
async function withTable(sub: string, a: TableArgs, io: CliIO, body: (catalog: Catalog, common: MaintenanceOptions, name: string) => Promise<number>): Promise<number> {
  const name = [...a.table.namespace, a.table.name].join('.');
  const controller = new AbortController();
  const onInterrupt = () => { io.err(`floe table ${sub}: cancelling…\n`); controller.abort(); };
  process.once('SIGINT', onInterrupt);
  try {
    const catalog = await connectRestCatalog({ uri: a.catalog, warehouse: a.warehouse, credential: catalogCredential(a.credential) });
    const onProgress = (p: MaintenanceProgress) => io.err(`floe table ${sub}: ${p.message}${p.total ? ` (${(p.done ?? 0) + 1}/${p.total})` : ''}\n`);
    return await body(catalog, { catalog, table: a.table, dryRun: a.dryRun, signal: controller.signal, onProgress }, name);
  } catch (e) {
    if (e instanceof MaintenanceError || e instanceof CatalogError || e instanceof StorageError || e instanceof WriteError) {
      io.err(`floe table ${sub}: ${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

async function cleanup(args: string[], io: CliIO): Promise<number> {
  const a = parseTableArgs('cleanup', args, { 'older-than': { type: 'string' } });
  const olderThanMs = flag(a, 'older-than', parseDuration) ?? DEFAULT_ORPHAN_GRACE_MS;
  return withTable('cleanup', a, io, async (catalog, _common, name) => {
    const first = await catalog.loadTable(a.table);
    const storage = defaultStorageFactory(first.metadata.location, first.config, first.credentialRefresher);
    const report = await findOrphanFiles({ table: name, storage, olderThanMs, load: () => catalog.loadTable(a.table) });
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
  });
}

async function optimize(args: string[], io: CliIO): Promise<number> {
  const a = parseTableArgs('optimize', args, { 'target-file-size': { type: 'string' } });
  const targetFileSizeBytes = flag(a, 'target-file-size', parseSize);
  return withTable('optimize', a, io, async (_catalog, common) => {
    const session = await DuckSession.open();
    try {
      const r = await compactTable({ ...common, session, targetFileSizeBytes });
      const report = compactReport(r);
      print(io, report);
      if (r.dryRun && report.changes) io.out('run without --dry-run to compact\n');
      return 0;
    } finally {
      session.close();
    }
  });
}

async function expire(args: string[], io: CliIO): Promise<number> {
  const a = parseTableArgs('expire-snapshots', args, { 'older-than': { type: 'string' }, 'retain-last': { type: 'string' } });
  const olderThanMs = flag(a, 'older-than', parseDuration);
  const retainLast = flag(a, 'retain-last', retainCount);
  return withTable('expire-snapshots', a, io, async (_catalog, common) => {
    const r = await expireSnapshots({ ...common, olderThanMs, retainLast });
    for (const f of r.failed) io.err(`floe table expire-snapshots: could not delete ${f.uri}: ${f.reason} (floe table cleanup removes it later)\n`);
    print(io, expireReport(r));
    return r.failed.length ? 1 : 0;
  });
}

async function rewrite(args: string[], io: CliIO): Promise<number> {
  const a = parseTableArgs('rewrite-manifests', args, { 'target-manifest-size': { type: 'string' } });
  const targetManifestSizeBytes = flag(a, 'target-manifest-size', parseSize);
  return withTable('rewrite-manifests', a, io, async (_catalog, common) => {
    print(io, rewriteManifestsReport(await rewriteManifests({ ...common, targetManifestSizeBytes })));
    return 0;
  });
}

function print(io: CliIO, report: MaintenanceReport): void {
  for (const line of report.lines) io.out(`${line}\n`);
  io.out(`${report.summary}\n`);
}

const SUBCOMMANDS: Record<string, (args: string[], io: CliIO) => Promise<number>> = {
  cleanup, optimize, 'expire-snapshots': expire, 'rewrite-manifests': rewrite,
};

export const tableCommand: CliCommand = {
  summary: 'table maintenance: table cleanup|optimize|expire-snapshots|rewrite-manifests NAMESPACE.TABLE (--dry-run says what would change)',
  async run(args, io) {
    const [sub, ...rest] = args;
    const run = sub === undefined ? undefined : SUBCOMMANDS[sub];
    if (run) return run(rest, io);
    throw new UsageError(sub ? `unknown subcommand '${sub}'\n${USAGE}` : USAGE);
  },
};
