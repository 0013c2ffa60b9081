// Writes artifacts into the target folder, each file replaced whole (written beside it, then renamed), so a reader
// such as an orchestrator polling target/ never sees half a file.
import fs from 'node:fs';
import path from 'node:path';
import type { DbtProject } from '../project/project';
import type { NodeResult } from '../run/build';
import type { InvocationInfo } from './metadata';
import { buildManifest } from './manifest';
import { buildRunResults } from './run-results';
import { artifactJson } from './json';

export function writeArtifact(targetPath: string, name: string, artifact: unknown): string {
  fs.mkdirSync(targetPath, { recursive: true });
  const file = path.join(targetPath, name);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${artifactJson(artifact, 2)}\n`);
  fs.renameSync(partial, file);
  return file;
}

/** What a run, build, seed or test leaves in the target folder: manifest.json and run_results.json. */
export function writeRunArtifacts(targetPath: string, project: DbtProject, invocation: InvocationInfo, results: NodeResult[], elapsedSeconds: number): void {
  const compiled = new Map(results.filter((r) => r.compiledCode !== undefined).map((r) => [r.node.id, r.compiledCode!]));
  writeArtifact(targetPath, 'manifest.json', buildManifest(project, invocation, compiled));
  writeArtifact(targetPath, 'run_results.json', buildRunResults(project, invocation, results, elapsedSeconds));
}
