// Runs a bundled CommonJS file through V8's code cache, so a start skips parsing and compiling what an earlier start
// compiled (the language server's 2.7 MB bundle: ~0.1 s of every cold start; VS Code does the same for its own code).
// Node ≥ 22.1 has this built in (module.enableCompileCache). Older Node (20, an Electron's) gets it from vm.Script's
// cachedData, kept in a file named by the build, V8's version and the bundle's size and time, and checked against a hash
// of its own bytes before V8 sees them: a stale, torn or foreign file is ignored (then written anew), never run.
// The directory must be the user's own (Floe's cache folder, made 0700): V8 trusts what it accepts.
import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

/**
 * How a run used the cache: 'builtin' (Node's own compile cache), 'used' (cachedData accepted), 'missing' (none yet),
 * 'rejected' (V8 refused it: another build of V8 or its flags), 'corrupt' (bytes not as written; never given to V8).
 */
export type CodeCacheState = 'builtin' | 'used' | 'missing' | 'rejected' | 'corrupt';

export interface CodeCacheRun {
  state: CodeCacheState;
  /** Writes the cache (with every function compiled so far) unless it was used; safe to call more than once. */
  save(): void;
}

const MAGIC = 'floe-code-cache-1';
const HASH_BYTES = 32;

/**
 * Runs `file` (a CommonJS bundle, as require would) with its code cache in `dir`. `build` names the build (a new one
 * never reads an older one's file). `builtin: false` skips Node's own cache (tests of the cachedData path). The bundle
 * must not call import(): Node 20 loses a cached script's import() callback (server/tools/build.mjs makes them require).
 */
export function runWithCodeCache(file: string, dir: string, build: string, options: { builtin?: boolean } = {}): CodeCacheRun {
  const builtin = (Module as { enableCompileCache?: (dir: string) => unknown }).enableCompileCache;
  if (builtin && options.builtin !== false) {
    builtin(dir);
    require(file);
    return { state: 'builtin', save: () => undefined };
  }
  // The bundle's size and time name its cache (V8 itself checks only the source's length): hashing 2.7 MB costs more.
  // Taken before reading it: a bundle rebuilt in between then files its new code under the old name, never read again
  // (the other order would file the old code under the new name, which the next start would run).
  const { size, mtimeMs } = statSync(file);
  const bytes = readFileSync(file);
  const cacheFile = path.join(dir, `${path.basename(file, '.js')}-${safe(build)}-${safe(process.versions.v8)}-${process.arch}-${size}-${Math.round(mtimeMs)}.v8cache`);
  const { cachedData, state } = readCache(cacheFile);
  const script = new vm.Script(Module.wrap(bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8')), {
    filename: file,
    cachedData,
  });
  const run: CodeCacheRun = { state: state === 'used' && script.cachedDataRejected ? 'rejected' : state, save: () => undefined };
  if (run.state !== 'used') {
    let saved = false;
    run.save = () => {
      if (saved) return;
      saved = true;
      let payload: Buffer;
      try {
        payload = script.createCachedData();
      } catch {
        return; // V8 could not serialize it: the next start compiles as without a cache
      }
      writeCache(cacheFile, payload);
      // earlier builds' caches are never read again
      try {
        const prefix = `${path.basename(file, '.js')}-`;
        for (const f of readdirSync(dir)) if (f.startsWith(prefix) && f.endsWith('.v8cache') && path.join(dir, f) !== cacheFile) unlinkSync(path.join(dir, f));
      } catch { /* another start may be cleaning too */ }
    };
  }
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  const req = createRequire(file);
  const mod = { exports: {}, filename: file, id: file, loaded: false, require: req };
  wrapper.call(mod.exports, mod.exports, req, mod, file, path.dirname(file));
  mod.loaded = true;
  return run;
}

function safe(s: string): string {
  return s.replace(/[^\w.-]/g, '_');
}

function readCache(cacheFile: string): { cachedData?: Buffer; state: CodeCacheState } {
  let data: Buffer;
  try {
    data = readFileSync(cacheFile);
  } catch {
    return { state: 'missing' };
  }
  const header = Buffer.from(`${MAGIC}\n`);
  const payload = data.subarray(header.length + HASH_BYTES);
  const intact = data.length > header.length + HASH_BYTES && data.subarray(0, header.length).equals(header)
    && createHash('sha256').update(payload).digest().equals(data.subarray(header.length, header.length + HASH_BYTES));
  return intact ? { cachedData: payload, state: 'used' } : { state: 'corrupt' };
}

/** Written whole or not at all (a temporary file renamed), so a reader never sees half of one. */
function writeCache(cacheFile: string, payload: Buffer): void {
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    mkdirSync(path.dirname(cacheFile), { recursive: true, mode: 0o700 });
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${MAGIC}\n`), createHash('sha256').update(payload).digest(), payload]), { mode: 0o600 });
    renameSync(tmp, cacheFile);
  } catch {
    // a cache is an optimization: a read-only or full disk only costs the next start its compile time
    try { unlinkSync(tmp); } catch { /* not written */ }
  }
}
