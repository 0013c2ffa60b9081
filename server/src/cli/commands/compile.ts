// floe compile PROJECT_DIR MODEL: prints the model's compiled SQL (MODEL is a name or a path to its file).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { UsageError, type CliCommand } from '../command';
import { DbtProject } from '../../project/project';
import { compileModel } from '../../project/compile';
import { LineIndex } from '../../project/lineIndex';
import { didYouMean } from '../../util/suggest';

export const compileCommand: CliCommand = {
  summary: 'compile PROJECT_DIR MODEL: print the compiled SQL of a model',
  async run(args, io) {
    if (args.length !== 2) throw new UsageError('usage: floe compile PROJECT_DIR MODEL');
    const root = path.resolve(args[0]);
    if (!existsSync(path.join(root, 'dbt_project.yml'))) throw new UsageError(`${root} has no dbt_project.yml`);
    const project = DbtProject.load(root);
    const asPath = path.resolve(args[1]);
    const file = project.entry(asPath)?.analysis ? asPath : project.resolveRef({ name: args[1].replace(/\.sql$/, '') })?.file;
    if (!file || !project.entry(file)?.analysis) {
      io.err(`floe compile: model '${args[1]}' not found in ${root}.${didYouMean(args[1], project.modelNames())}\n`);
      return 1;
    }
    const compiled = compileModel(project, file);
    if (compiled.problem) {
      const pos = new LineIndex(project.entry(file)!.text).positionAt(compiled.problem.start);
      io.err(`${path.relative(root, file)}:${pos.line + 1}:${pos.character + 1}: error: ${compiled.problem.message}\n`);
      return 1;
    }
    io.out(compiled.sql.endsWith('\n') ? compiled.sql : `${compiled.sql}\n`);
    return 0;
  },
};
