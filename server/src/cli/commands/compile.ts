// floe compile: dbt compile — the selected models' compiled SQL written under <target-path>/compiled/<package>/<path>
// and in <target-path>/manifest.json;
// one selected model is also printed (dbt prints it too). Floe's first form `floe compile PROJECT_DIR MODEL` prints a
// model's compiled SQL (MODEL is a name or a path to its file). Exit 1 when a model does not compile.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand, type CliIO } from '../command';
import type { DbtProject } from '../../project/project';
import { dbtCompiledSql } from '../../project/dbtCompile';
import { LineIndex } from '../../project/lineIndex';
import { selectResources } from '../../selection/select';
import { didYouMean } from '../../util/suggest';
import { loadProject } from '../project-args';
import { reportSelection, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, logFormatOf, targetPathOf } from '../dbt-args';
import { JsonLog } from '../json-log';
import { newInvocation } from '../../artifacts/metadata';
import { buildManifest } from '../../artifacts/manifest';
import { writeArtifact } from '../../artifacts/write';

const USAGE = `usage: floe compile ${SELECTION_USAGE} ${DBT_USAGE}\n       floe compile PROJECT_DIR MODEL`;

export const compileCommand: CliCommand = {
  summary: 'dbt compile: write the selected models\' compiled SQL to target/compiled (compile PROJECT_DIR MODEL prints one)',
  async run(args, io) {
    if (args.length === 2 && !args[0].startsWith('-') && !args[1].startsWith('-')) return compileOne(args[0], args[1], io);
    let parsed;
    try {
      parsed = parseArgs({ args: expandMultiValueFlags(args), allowPositionals: false, strict: true, options: { ...SELECTION_OPTIONS, ...DBT_OPTIONS } });
    } catch (e) {
      throw new UsageError(`${(e as Error).message}\n${USAGE}`);
    }
    const logFormat = logFormatOf(parsed.values, USAGE);
    const project = dbtProject(parsed.values, USAGE);
    const invocation = newInvocation({ which: 'compile', ...parsed.values });
    const json = logFormat === 'json' ? new JsonLog(invocation.invocationId, (line) => io.out(line)) : undefined;
    const { nodes, problems } = selectResources(project, selectionArgs(project, parsed.values, USAGE), ['model']);
    reportSelection(io, 'compile', problems);
    const compiledDir = path.join(targetPathOf(project, parsed.values), 'compiled');
    let failed = 0;
    const compiledById = new Map<string, string>();
    for (const node of nodes) {
      const file = node.modelNode!.file;
      if (file.endsWith('.py')) continue;
      const sql = compiledSql(project, file, (message) => (json ? json.error(message) : io.err(`${message}\n`)));
      if (sql === undefined) { failed++; continue; }
      const out = path.join(compiledDir, node.packageName, node.path);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, sql);
      compiledById.set(node.id, sql);
      const written = `compiled ${node.name} → ${path.relative(process.cwd(), out) || out}`;
      if (json) {
        if (nodes.length === 1) json.compiledNode(node.name, node.id, sql);
        else json.note(written);
      } else {
        io.out(nodes.length === 1 ? withNewline(sql) : `${written}\n`);
      }
    }
    writeArtifact(targetPathOf(project, parsed.values), 'manifest.json', buildManifest(project, invocation, compiledById));
    return failed ? 1 : 0;
  },
};

/** `floe compile PROJECT_DIR MODEL`: prints the compiled SQL of one model. */
function compileOne(dir: string, model: string, io: CliIO): number {
  const project = loadProject(dir, USAGE);
  const asPath = path.resolve(model);
  const file = project.entry(asPath)?.analysis ? asPath : project.resolveRef({ name: model.replace(/\.sql$/, '') })?.file;
  if (!file || !project.entry(file)?.analysis) {
    io.err(`floe compile: model '${model}' not found in ${project.root}.${didYouMean(model, project.modelNames())}\n`);
    return 1;
  }
  const sql = compiledSql(project, file, (message) => io.err(`${message}\n`));
  if (sql === undefined) return 1;
  io.out(withNewline(sql));
  return 0;
}

const withNewline = (sql: string) => (sql.endsWith('\n') ? sql : `${sql}\n`);

/** The compiled SQL as dbt writes it (dbtCompiledSql), or undefined after reporting the template error at its line. */
function compiledSql(project: DbtProject, file: string, report: (message: string) => void): string | undefined {
  const compiled = dbtCompiledSql(project, file);
  if ('problem' in compiled) {
    const pos = new LineIndex(project.entry(compiled.file)?.text ?? '').positionAt(compiled.problem.start);
    report(`${path.relative(project.root, compiled.file)}:${pos.line + 1}:${pos.character + 1}: error: ${compiled.problem.message}`);
    return undefined;
  }
  return compiled.sql;
}
