// Issue #15's column lineage figures, in process on the generated project (models with up to 10 refs through CTEs and
// joins): every model's lineage (DuckDB's parse plus our resolution, then the project index and a full path query),
// and an edit's update (the edited model bound again with its lineage, the index rebuilt, its column's paths answered).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generateProject } from '../helpers/generateProject';
import { DbtProject } from '../../server/src/project/project';
import { compileModel } from '../../server/src/project/compile';
import { Binder, bindUpstream } from '../../server/src/features/binding';
import { boundLineageOf, columnEdges, columnLineage } from '../../server/src/features/columnLineage';
import { createBindConnection } from '../../server/src/sql/connection';
import { modelColumnLineage } from '../../server/src/sql/columnLineage';
import { bindModel } from '../../server/src/sql/binder';
import { percentile, summarize } from './measure';
import type { Measured } from './figures';

export async function columnLineageFigures(dir: string, models: number, runs: number, edits: number): Promise<Measured[]> {
  const root = path.join(dir, `column-lineage-project-${models}`);
  const { modelFile } = existsSync(root) ? { modelFile: (i: number) => path.join(root, 'models', i < 50 ? 'staging' : 'marts', `m${i}.sql`) } : generateProject(root, models);
  const bind = await createBindConnection();
  try {
    const project = DbtProject.load(root);
    const binder = new Binder(async () => bind.connection);
    // upstream before downstream (a generated model's refs all have lower numbers), as the background binder orders them
    const names = project.modelNames().filter((n) => project.nodes(n)[0]?.kind === 'model').sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
    // every model bound once (schemas for the stand-ins), as the background binder does after opening a project
    for (const n of names) if (!binder.current(project, project.nodes(n)[0].file)) await binder.bind(project, project.nodes(n)[0].file);
    const last = `model:${names[names.length - 1]}`;
    const full: number[] = [];
    const fullCpu: number[] = [];
    // CPU time beside wall time: on a shared machine the wall clock mostly measures the queue for a core
    const cpuMs = (since: NodeJS.CpuUsage) => {
      const u = process.cpuUsage(since);
      return (u.user + u.system) / 1000;
    };
    for (let r = 0; r < runs; r++) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      for (const n of names) {
        const node = project.nodes(n)[0];
        const compiled = compileModel(project, node.file);
        const local = await modelColumnLineage(bind.connection, compiled.sql, bindUpstream(compiled), project.boundColumns.get(n)?.map((c) => ({ name: c.name, type: c.type ?? '' })) ?? []);
        project.boundLineage.delete(n); // measured cold: the index is rebuilt below
        project.boundLineage.set(n, boundLineageOf(compiled, local, project.entry(node.file)!.text));
      }
      const edges = columnEdges(project, last, 'id', 'upstream');
      if (edges.length === 0) throw new Error(`no upstream lineage for ${last}.id`);
      full.push(performance.now() - started);
      fullCpu.push(cpuMs(cpu));
    }
    // an edit in the middle of the DAG: bound again (lineage included), then its column's paths across the project
    const middle = Math.floor(models / 2);
    const file = modelFile(middle);
    const text = project.entry(file)!.text;
    const times: number[] = [];
    const timesCpu: number[] = [];
    const binds: number[] = [];
    for (let e = 0; e < edits; e++) {
      const edited = text.replace('p0.v\n', e % 2 ? `upper(p0.v) as v -- ${e}\n` : `p0.v -- ${e}\n`);
      project.updateFile(file, edited);
      // the bind Floe does after every edit anyway (in the background, off the typing path): a detail, not the figure
      let started = performance.now();
      const compiled = compileModel(project, file);
      const upstream = bindUpstream(compiled);
      const bound = await bindModel(bind.connection, compiled.sql, upstream, { privateOnly: false });
      binds.push(performance.now() - started);
      // what lineage adds: the model's lineage, the index rebuilt, its column's paths across the project
      started = performance.now();
      const cpu = process.cpuUsage();
      const local = await modelColumnLineage(bind.connection, compiled.sql, upstream, bound.columns);
      project.boundLineage.set(`m${middle}`, boundLineageOf(compiled, local, edited));
      const r = columnLineage(project, `model:m${middle}`, 'v');
      if ('error' in r || !r.edges?.length) throw new Error(`no lineage for m${middle}.v after an edit: ${JSON.stringify(r).slice(0, 200)}`);
      times.push(performance.now() - started);
      timesCpu.push(cpuMs(cpu));
    }
    const size = models === 1000 ? undefined : `${models.toLocaleString('en')} models`;
    return [
      { name: 'column_lineage_1k_ms', summary: summarize(full), cpuMs: summarize(fullCpu), size, detail: `${names.length} models, ${[...project.boundLineage.entries()].reduce((n, [, l]) => n + l.columns.length, 0)} columns` },
      { name: 'column_lineage_edit_p95_ms', summary: summarize([percentile(times, 0.95)]), cpuMs: summarize([percentile(timesCpu, 0.95)]), size, detail: `median ${summarize(times).median.toFixed(1)} ms over ${edits} edits; the bind itself (done anyway) median ${summarize(binds).median.toFixed(1)} ms` },
    ];
  } finally {
    bind.close();
  }
}
