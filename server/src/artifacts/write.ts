// Writes artifacts into the target folder, each file replaced whole (written beside it, then renamed), so a reader
// such as an orchestrator polling target/ never sees half a file.
import fs from 'node:fs';
import path from 'node:path';

export function writeArtifact(targetPath: string, name: string, artifact: unknown): string {
  fs.mkdirSync(targetPath, { recursive: true });
  const file = path.join(targetPath, name);
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, `${JSON.stringify(artifact, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`);
  fs.renameSync(partial, file);
  return file;
}
