// The map of floe CLI commands; one file per command.
import type { CliCommand } from '../command';
import { catalogCommand } from './catalog';
import { queryCommand } from './query';
import { writeCommand } from './write';
import { checkCommand } from './check';
import { compileCommand } from './compile';
import { previewCommand } from './preview';
import { materializeCommand } from './materialize';
import { demoCommand } from './demo';
import { tableCommand } from './table';
import { testCommand } from './test';
import { lineageCommand } from './lineage';
import { depsCommand } from './deps';
import { buildCommand, runCommand, seedCommand, snapshotCommand } from './run';
import { lsCommand } from './ls';
import { docsCommand } from './docs';
import { sourceCommand } from './source';

export const commands: Record<string, CliCommand> = {
  catalog: catalogCommand,
  query: queryCommand,
  write: writeCommand,
  check: checkCommand,
  compile: compileCommand,
  preview: previewCommand,
  materialize: materializeCommand,
  demo: demoCommand,
  table: tableCommand,
  test: testCommand,
  lineage: lineageCommand,
  deps: depsCommand,
  run: runCommand,
  build: buildCommand,
  seed: seedCommand,
  snapshot: snapshotCommand,
  ls: lsCommand,
  list: lsCommand,
  docs: docsCommand,
  source: sourceCommand,
};
