// `floe demo` with no folder runs in a working copy of the example project, never in the checkout's own demo/: the
// copy lives in the user's cache folder ($XDG_CACHE_HOME/floe/demo, else ~/.cache/floe/demo) and is made afresh from
// demo/ on each run, so every run starts from the project as shipped.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Generated state a copy leaves behind: the local lakehouse, dbt's target/, installed packages, logs. */
const GENERATED = /^(\.floe|target|dbt_packages|logs)$/;

/** A file of the checkout (or package) this CLI runs from: dist/cli.js, or server/src/cli under tsx. */
export function besideCli(relative: string, from: string = __dirname): string | undefined {
  for (let dir = from, i = 0; i < 5; i++, dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, relative))) return path.join(dir, relative);
  }
  return undefined;
}

/** The example project shipped beside this CLI, if any. */
export function shippedDemo(): string | undefined {
  const manifest = besideCli(path.join('demo', 'dbt_project.yml'));
  return manifest && path.dirname(manifest);
}

/** Where the working copy goes. */
export function demoWorkingCopyDir(env: NodeJS.ProcessEnv = process.env): string {
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cache, 'floe', 'demo');
}

/** Replaces `target` with a copy of the project at `source`, without its generated state. */
export function refreshDemoWorkingCopy(source: string, target: string): void {
  const relative = path.relative(source, target);
  if (relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))) {
    throw new Error(`the demo's working copy ${target} would be inside the demo project ${source}`);
  }
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, target, { recursive: true, filter: (src) => !GENERATED.test(path.basename(src)) || path.dirname(src) !== source });
}
