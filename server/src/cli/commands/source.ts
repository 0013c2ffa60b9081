// floe source freshness: dbt's `source freshness` over the lakehouse (run/source-freshness.ts): one line per source table
// with a freshness block, dbt's summary, target/sources.json (or --output FILE), and dbt's exit codes: 0 when every
// source passes or warns, 1 when one is stale past error_after or could not be checked, 2 for usage or an unreachable lakehouse.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand } from '../command';
import { selectResources } from '../../selection/select';
import { openLakehouse, stopLocalCatalogServers } from '../../run/lakehouse';
import { checkSourceFreshness, thresholdSeconds, type FreshnessResult } from '../../run/source-freshness';
import { reportSelection, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, logFormatOf, targetPathOf } from '../dbt-args';
import { JsonLog } from '../json-log';
import { newInvocation } from '../../artifacts/metadata';
import { writeArtifact } from '../../artifacts/write';
import { buildSources } from '../../artifacts/sources';

const USAGE = `usage: floe source freshness ${SELECTION_USAGE} ${DBT_USAGE} [--output FILE]`;

export const sourceCommand: CliCommand = {
  summary: 'dbt source freshness: how long ago each source table was loaded, against its warn_after/error_after (target/sources.json)',
  async run(args, io) {
    if (args[0] !== 'freshness') throw new UsageError(`expected 'freshness' after 'floe source'\n${USAGE}`);
    let parsed;
    try {
      parsed = parseArgs({
        args: expandMultiValueFlags(args.slice(1)), allowPositionals: false, strict: true,
        options: { ...SELECTION_OPTIONS, ...DBT_OPTIONS, output: { type: 'string', short: 'o' } },
      });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const values = parsed.values;
    const invocation = newInvocation({ which: 'source-freshness', ...values });
    const started = performance.now();
    const json = logFormatOf(values, USAGE) === 'json' ? new JsonLog(invocation.invocationId, (line) => io.out(line)) : undefined;
    const project = dbtProject(values, USAGE);
    const { nodes, problems } = selectResources(project, selectionArgs(project, values, USAGE), ['source']);
    reportSelection(io, 'source freshness', problems);
    try {
      let lakehouse;
      try {
        lakehouse = await openLakehouse(project);
      } catch (e) {
        io.err(`floe source freshness: the lakehouse of ${project.name} (target ${project.target.name}) is unavailable: ${e instanceof Error ? e.message : String(e)}\n`);
        return 2;
      }
      const results = await checkSourceFreshness(project, lakehouse, nodes, (r, i, n) => {
        const line = freshnessLine(r, i, n);
        if (json) json.event('LogFreshnessResult', 'Q018', line.trimEnd(), r.status === 'pass' ? 'info' : r.status === 'warn' ? 'warn' : 'error', {
          status: r.status, source_name: r.node.source!.source, table_name: r.node.source!.table, index: i + 1, total: n, execution_time: r.executionTime,
          node_info: { unique_id: r.node.id, resource_type: 'source', node_name: r.node.name, node_status: r.status, node_started_at: r.startedAt, node_finished_at: r.completedAt },
        });
        else io.out(line);
      });
      if (results.length === 0) io.err('floe source freshness: no selected source has a freshness block with warn_after or error_after\n');
      const count = (...s: FreshnessResult['status'][]) => results.filter((r) => s.includes(r.status)).length;
      const summary = `Done. PASS=${count('pass')} WARN=${count('warn')} ERROR=${count('error', 'runtime error')} SKIP=0 TOTAL=${results.length}`;
      if (json) json.event('StatsLine', 'Z023', summary, 'info', { stats: { error: count('error', 'runtime error'), pass: count('pass'), skip: 0, total: results.length, warn: count('warn') } });
      else io.out(`\n${summary}\n`);
      const output = values.output ? path.resolve(values.output) : path.join(targetPathOf(project, values), 'sources.json');
      writeArtifact(path.dirname(output), path.basename(output), buildSources(invocation, results, (performance.now() - started) / 1000));
      return results.some((r) => r.status === 'error' || r.status === 'runtime error') ? 1 : 0;
    } catch (e) {
      io.err(`floe source freshness: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    } finally {
      await stopLocalCatalogServers();
    }
  },
};

const WORD: Record<FreshnessResult['status'], string> = { pass: 'PASS', warn: 'WARN', error: 'ERROR STALE', 'runtime error': 'ERROR' };

/** `1 of 4 WARN freshness of bronze.orders: loaded 2026-12-04T10:00:00.000Z, 3h 20m ago (warn after 2 hours) [0.05s]`. */
export function freshnessLine(r: FreshnessResult, index: number, total: number): string {
  const head = `${index + 1} of ${total} ${WORD[r.status]} freshness of ${r.node.source!.source}.${r.node.source!.table}`;
  const time = `[${r.executionTime.toFixed(2)}s]`;
  if (r.status === 'runtime error') return `${head} ${time}\n  ${r.error}\n`;
  const basis = r.basis === 'snapshot' ? `last snapshot of ${r.table}` : `max(loaded_at_field) of ${r.table}`;
  const limit = r.status === 'pass' ? '' : `, past ${r.status === 'error' ? 'error_after' : 'warn_after'} ${describe(r.status === 'error' ? r.criteria.error_after : r.criteria.warn_after)}`;
  return `${head}: ${basis} ${r.maxLoadedAt}, ${ago(r.ageSeconds!)} ago${limit} ${time}\n`;
}

function describe(t: FreshnessResult['criteria']['warn_after']): string {
  return thresholdSeconds(t) === undefined ? '' : `${t!.count} ${t!.period}${t!.count === 1 ? '' : 's'}`;
}

function ago(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400), h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  return d ? `${d}d ${h}h` : h ? `${h}h ${m}m` : m ? `${m}m ${s % 60}s` : `${s}s`;
}
