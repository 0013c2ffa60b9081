// floe compile: dbt compile — the selected models' compiled SQL written under <target-path>/compiled/<package>/<path>
// (a generic data test's or a YAML snapshot's under <path of its YAML file>/<its dbt path>, as dbt's
// get_target_write_path puts them) and in <target-path>/manifest.json;
// one selected model is also printed (dbt prints it too). Floe's first form `floe compile PROJECT_DIR MODEL` prints a
// model's compiled SQL (MODEL is a name or a path to its file). Exit 1 when a model does not compile. A model that
// renders no SQL (Floe compiles as dbt parses: no database, `execute` false) is a warning; Python models are skipped
// with a note naming them.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError, type CliCommand, type CliIO } from '../command';
import type { DbtProject, ModelNode } from '../../project/project';
import { dbtCompiledSql } from '../../project/dbtCompile';
import { dbtGenericTestSql } from '../../project/dbtTestCompile';
import { compileModel, SKIPPED_TEST } from '../../project/compile';
import { LineIndex } from '../../project/lineIndex';
import { isMissingValueMessage } from '../../jinja/renderMessages';
import { selectNodes } from '../../selection/select';
import type { SelectableNode } from '../../selection/graph';
import { didYouMean } from '../../util/suggest';
import { loadProject } from '../project-args';
import { reportSelection, reportUnresolvedTests, selectionArgs, SELECTION_OPTIONS, SELECTION_USAGE } from '../selection-args';
import { DBT_OPTIONS, DBT_USAGE, dbtProject, expandMultiValueFlags, logFormatOf, targetPathOf } from '../dbt-args';
import { JsonLog } from '../json-log';
import { newInvocation } from '../../artifacts/metadata';
import { buildManifest, targetWritePath } from '../../artifacts/manifest';
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
    const selected = selectNodes(project, selectionArgs(project, parsed.values, USAGE));
    const { problems } = selected;
    const nodes = selected.nodes.filter((n) => sourceFileOf(project, n) !== undefined);
    reportSelection(io, 'compile', problems);
    reportUnresolvedTests(io, 'compile', project);
    const compiledDir = path.join(targetPathOf(project, parsed.values), 'compiled');
    let failed = 0;
    const compiledById = new Map<string, string>();
    const python: string[] = [];
    const report: Report = {
      error: (message) => (json ? json.error(message) : io.err(`${message}\n`)),
      warning: (message) => (json ? json.warning(message) : io.err(`${message}\n`)),
    };
    for (const node of nodes) {
      const file = sourceFileOf(project, node)!;
      if (file.endsWith('.py')) { python.push(node.name); continue; }
      const sql = compiledSql(project, file, report, node.modelNode);
      if (sql === null) continue; // a singular test dbt skips (it warns): not written, not a failure
      if (sql === undefined) { failed++; continue; }
      const out = path.join(compiledDir, node.packageName, targetWritePath(project, node));
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
    for (const node of selected.nodes) {
      const test = node.test;
      if (node.resourceType !== 'test' || !test || test.kind === 'singular') continue;
      const compiled = dbtGenericTestSql(project, test);
      if ('error' in compiled) {
        const at = new LineIndex(project.entry(test.file)?.text ?? '').positionAt(test.start);
        report.error(`${path.relative(project.root, test.file)}:${at.line + 1}:${at.character + 1}: error: ${node.name}: ${compiled.error}`);
        failed++;
        continue;
      }
      const out = path.join(compiledDir, node.packageName, targetWritePath(project, node));
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, compiled.sql);
      compiledById.set(node.id, compiled.sql);
      const written = `compiled ${node.name} → ${path.relative(process.cwd(), out) || out}`;
      if (json) json.note(written);
      else if (nodes.length !== 1) io.out(`${written}\n`); // (one model's SQL printed is stdout's whole text)
    }
    if (python.length) {
      const note = pythonNote(python);
      if (json) json.note(note);
      else io.err(`floe compile: note: ${note}\n`);
    }
    writeArtifact(targetPathOf(project, parsed.values), 'manifest.json', buildManifest(project, invocation, compiledById));
    return failed ? 1 : 0;
  },
};

/** `floe compile PROJECT_DIR MODEL`: prints the compiled SQL of one model. */
function compileOne(dir: string, model: string, io: CliIO): number {
  const project = loadProject(dir, USAGE);
  const asPath = path.resolve(model);
  const node = project.entry(asPath)?.analysis ? undefined : project.resolveRef({ name: model.replace(/\.sql$/, '') });
  const file = node ? node.file : asPath;
  // a YAML snapshot's SQL is its node's, not its file's
  if (!node?.definition && !project.entry(file)?.analysis) {
    io.err(`floe compile: model '${model}' not found in ${project.root}.${didYouMean(model, project.modelNames())}\n`);
    return 1;
  }
  const toErr = (message: string) => io.err(`${message}\n`);
  const sql = compiledSql(project, file, { error: toErr, warning: toErr }, node);
  if (sql === undefined) return 1;
  if (sql === null) return 0;
  io.out(withNewline(sql));
  return 0;
}

const withNewline = (sql: string) => (sql.endsWith('\n') ? sql : `${sql}\n`);

interface Report { error(message: string): void; warning(message: string): void }

/**
 * The compiled SQL as dbt writes it (dbtCompiledSql), or undefined after reporting the template error at its line;
 * null, after a warning, for a singular test dbt skips (its ref or source names no node: dbt warns and compiles on).
 * SQL that renders empty from a model with text is written, with a warning: dbt, querying the database, may not.
 */
function compiledSql(project: DbtProject, file: string, report: Report, node?: ModelNode): string | undefined | null {
  const compiled = dbtCompiledSql(project, file, node);
  const relative = (f: string) => path.relative(project.root, f);
  if ('problem' in compiled) {
    // a YAML snapshot's SQL is not its file's text: its problem is placed at its name
    const ownSql = node?.definition && compiled.file === file && !file.endsWith('.sql');
    const pos = new LineIndex(project.entry(compiled.file)?.text ?? '').positionAt(ownSql ? node.nameStart : compiled.problem.start);
    const at = `${relative(compiled.file)}:${pos.line + 1}:${pos.character + 1}`;
    // a value missing where the template read `execute`: most often a query's result, which dbt compile has
    if (isMissingValueMessage(compiled.problem.message) && compileModel(project, compiled.file, { naming: 'dbt' }).parseTime) {
      report.warning(`${at}: warning: not compiled: ${compiled.problem.message} It reads \`execute\`, which Floe's compile leaves false, as it queries no database (dbt compile does).`);
      return null;
    }
    const skipped = compiled.problem.message.includes(SKIPPED_TEST);
    (skipped ? report.warning : report.error)(`${at}: ${skipped ? 'warning' : 'error'}: ${compiled.problem.message}`);
    return skipped ? null : undefined;
  }
  if (!compiled.sql.trim() && project.entry(file)?.text.trim()) {
    // an empty render is rare; asking the render (compileModel keeps it) whether it read `execute` costs nothing otherwise
    const why = compileModel(project, file, { naming: 'dbt' }).parseTime
      ? 'it reads `execute`, which Floe\'s compile leaves false, as it queries no database (dbt compile does)'
      : 'Floe\'s compile queries no database, so run_query and statement return nothing (dbt compile\'s do not)';
    report.warning(`${relative(file)}: warning: rendered no SQL, so its compiled file is empty: ${why}`);
  }
  return compiled.sql;
}

/**
 * The file dbt compiles for a selected node: a model's, a snapshot's (one of a .sql file's blocks), an analysis', a
 * singular test's; undefined for the rest (seeds, sources; generic tests are rendered from their YAML).
 */
function sourceFileOf(project: DbtProject, n: SelectableNode): string | undefined {
  if (n.resourceType === 'model') return n.modelNode?.file;
  if (n.resourceType === 'snapshot') return n.modelNode?.file; // a YAML snapshot's: its YAML file (its SQL, the node's)
  if (n.resourceType === 'analysis') return path.join(project.root, n.path); // the project's own (a package's are not read)
  if (n.resourceType === 'test' && n.test?.kind === 'singular') return n.test.file;
  return undefined;
}

const SHOWN_PYTHON_MODELS = 10;

/** `skipped 2 Python models (Floe compiles SQL models only): a, b`, the first few named. */
function pythonNote(names: string[]): string {
  const shown = names.slice(0, SHOWN_PYTHON_MODELS).join(', ');
  const more = names.length > SHOWN_PYTHON_MODELS ? ` and ${names.length - SHOWN_PYTHON_MODELS} more` : '';
  return `skipped ${names.length} Python model${names.length === 1 ? '' : 's'} (Floe compiles SQL models only; dbt compiles these): ${shown}${more}`;
}
