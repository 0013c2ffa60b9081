// A private copy of the demo project (without its .floe state) for tests that write to its lakehouse.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

/** Copies demo/ into a fresh temp folder, applying file overrides (relative path → text). */
export function copyDemo(overrides: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'floe-demo-'));
  fs.cpSync(path.join(REPO_ROOT, 'demo'), dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}.floe`) });
  for (const [rel, text] of Object.entries(overrides)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

/** A fresh temp folder holding the given files (relative path → text): a small project written for one test file. */
export function writeTempProject(prefix: string, files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}
