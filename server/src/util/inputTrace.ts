// Records everything a piece of work reads from the file system and the environment, so its result can be reused
// later by checking only those inputs again (a `floe check` of an unchanged project). Reads go through many modules
// (the project loader, packages, schema caches, Jinja's env_var), so the trace wraps `node:fs` and `process.env` for
// the work's duration instead of trusting a list of inputs that would go stale as the code changes. A read the trace
// cannot replay later (async fs, file descriptors) marks it incomplete, and an incomplete trace is never reused.
// Worker threads have their own `node:fs`: work traced this way must read its inputs on the thread that traces.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';

/**
 * One input and what it gave: [op, path or env name, options (JSON), outcome digest]. Ops: 'read' (readFileSync),
 * 'dir' (readdirSync), 'exists', 'stat', 'lstat', 'realpath', 'env' (one variable), 'environment' (all of it), 'home' (os.homedir()),
 * 'cwd' (the folder relative paths were resolved against).
 */
export type TracedInput = [op: string, name: string, options: string, digest: string];

type AnyFn = (...args: unknown[]) => unknown;

const SYNC_OPS = { readFileSync: 'read', readdirSync: 'dir', existsSync: 'exists', statSync: 'stat', lstatSync: 'lstat', realpathSync: 'realpath' } as const;
/** Reads the trace cannot replay: they make it incomplete. */
const UNTRACEABLE = ['readFile', 'readdir', 'stat', 'lstat', 'access', 'open', 'openSync', 'accessSync', 'readSync', 'createReadStream', 'opendir', 'opendirSync'] as const;
const UNTRACEABLE_PROMISES = ['readFile', 'readdir', 'stat', 'lstat', 'access', 'open', 'opendir'] as const;

/** One-shot hashing where Node has it (20.12+): a hasher object per read cost more than the hashing on 10,000 files. */
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Buffer, encoding: 'base64url') => string }).hash;

function digest(value: unknown): string {
  const data = typeof value === 'string' ? `s${value}` : Buffer.isBuffer(value) ? Buffer.concat([Buffer.from('b'), value]) : `j${JSON.stringify(value) ?? 'undefined'}`;
  return (oneShot ? oneShot('sha1', data, 'base64url') : crypto.createHash('sha1').update(data).digest('base64url')).slice(0, 22);
}

function statShape(s: fs.Stats | fs.BigIntStats | undefined): unknown {
  if (!s) return null;
  const kind = s.isFile() ? 'file' : s.isDirectory() ? 'dir' : s.isSymbolicLink() ? 'link' : 'other';
  return [kind, String(s.size), String(s.mtimeMs), String(s.ino)];
}

/** A POSIX absolute path path.resolve leaves as it is: no `.`/`..` step, no doubled or trailing slash. */
const CLEAN_ABSOLUTE = path.sep === '/' ? /^(?:\/(?!\.\.?(?:\/|$))[^/]+)+$/ : /$^/;

/** A call that threw, by its error code. */
class Thrown {
  constructor(readonly code: string) {}
}

/** Bytes are digested at once: the caller may change the buffer it was given. */
class Digested {
  constructor(readonly digest: string) {}
}

/** What a sync fs call gave, before it is digested: its result as recorded, or the error it threw. */
function rawOutcome(op: string, run: () => unknown): unknown {
  try {
    const r = run();
    if (op === 'dir') return (r as Array<string | Buffer | fs.Dirent>).map((d) => (typeof d === 'string' || Buffer.isBuffer(d) ? String(d) : [d.name, d.isDirectory(), d.isFile(), d.isSymbolicLink()]));
    if (op === 'stat' || op === 'lstat') return statShape(r as fs.Stats | undefined);
    return Buffer.isBuffer(r) ? new Digested(digest(r)) : r;
  } catch (e) {
    return new Thrown((e as NodeJS.ErrnoException).code ?? 'unknown');
  }
}

function digestOutcome(raw: unknown): string {
  return raw instanceof Thrown ? `error:${raw.code}` : raw instanceof Digested ? raw.digest : digest(raw);
}

/** What a sync fs call gave, as a digest: its result, or the error code it threw. */
function outcome(op: string, run: () => unknown): string {
  return digestOutcome(rawOutcome(op, run));
}

/** Whether two outcomes are the same (texts compared as they are, without digesting both). */
function sameOutcome(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return digestOutcome(a) === digestOutcome(b);
}

/** Options as recorded: plain JSON only (anything else, e.g. Node's internal realpath cache, is left out). */
function optionsOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return '';
  return JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => ['string', 'boolean', 'number'].includes(typeof v))));
}

function wholeEnvironment(env: NodeJS.ProcessEnv): string[][] {
  return Object.keys(env).sort().map((name) => [name, env[name] ?? '']);
}

function replay(op: string, name: string, options: string): string {
  const opts = options ? JSON.parse(options) : undefined;
  switch (op) {
    case 'read': return outcome(op, () => fs.readFileSync(name, opts));
    case 'dir': return outcome(op, () => fs.readdirSync(name, opts));
    case 'exists': return digest(fs.existsSync(name));
    case 'stat': return outcome(op, () => fs.statSync(name, opts));
    case 'lstat': return outcome(op, () => fs.lstatSync(name, opts));
    case 'realpath': return outcome(op, () => fs.realpathSync(name));
    case 'env': return digest(process.env[name] ?? null);
    case 'environment': return digest(wholeEnvironment(process.env));
    case 'home': return digest(os.homedir());
    case 'cwd': return digest(process.cwd());
    default: return 'unknown-op';
  }
}

/** Whether every input still gives what it gave when traced (stops at the first that does not). */
export function inputsUnchanged(inputs: TracedInput[]): boolean {
  for (const [op, name, options, was] of inputs) if (replay(op, name, options) !== was) return false;
  return true;
}

/** Native libraries are loaded, not read: the stat of each loaded file (DuckDB's) stands for its version among the inputs. */
export function noteNativeLibraries(): void {
  if (typeof require === 'undefined') return;
  for (const file of Object.keys(require.cache)) if (file.endsWith('.node')) fs.statSync(file);
}

/** The traces running now (a read made elsewhere, e.g. on a worker thread, is noted in each; see noteRead). */
const active = new Set<InputTrace>();

/**
 * A readFileSync(file, options) made off this thread (project/readAhead.ts reads on a worker): noted in every running
 * trace as that call would have been, with what it gave.
 */
export function noteRead(file: string, options: BufferEncoding, text: string): void {
  for (const trace of active) trace.noteRead(file, options, text);
}

export class InputTrace {
  /** Outcomes are digested when the trace stops, not while the work waits on each read. */
  /** Inputs in the order first read, four slots each (op, name, options, outcome): no object per input. */
  private readonly inputs: unknown[] = [];
  /** Where each input sits in `inputs`, by op and options, then by name (no key string built per read). */
  private readonly slots = new Map<string, Map<string, number>>();
  private readonly restore: Array<() => void> = [];
  private incompleteReason: string | undefined;
  private relativePaths = false;
  /** Inside a traced call: Node's own fs calls under it (readFileSync opens and reads a descriptor) are part of it. */
  private depth = 0;
  /** Descriptors opened on ignored paths: reading them is no input either. */
  private readonly ignoredFds = new Set<number>();

  /** Starts tracing; paths under `ignore` (Floe's own caches) are not inputs. */
  constructor(private readonly ignore: string[]) {
    this.ignoredPrefixes = ignore.map((dir) => dir + path.sep);
    this.note('home', '', '', os.homedir());
    for (const [fn, op] of Object.entries(SYNC_OPS)) this.wrap(fs as unknown as Record<string, AnyFn>, fn, (original) => (...args: unknown[]) => this.traced(op, original, args));
    for (const fn of UNTRACEABLE) this.wrap(fs as unknown as Record<string, AnyFn>, fn, (original) => (...args: unknown[]) => this.untraceable(fn, original, args));
    this.wrap(fs as unknown as Record<string, AnyFn>, 'closeSync', (original) => (...args: unknown[]) => {
      this.ignoredFds.delete(args[0] as number);
      return original.apply(fs, args);
    });
    for (const fn of UNTRACEABLE_PROMISES) this.wrap(fs.promises as unknown as Record<string, AnyFn>, fn, (original) => (...args: unknown[]) => this.untraceable(`promises.${fn}`, original, args));
    const env = process.env;
    process.env = new Proxy(env, {
      get: (target, name) => {
        if (typeof name === 'string') this.note('env', name, '', target[name] ?? null);
        return Reflect.get(target, name);
      },
      has: (target, name) => {
        if (typeof name === 'string') this.note('env', name, '', target[name] ?? null);
        return Reflect.has(target, name);
      },
      // the whole environment read (copied for a child or a worker): all of it is an input
      ownKeys: (target) => {
        this.note('environment', '', '', wholeEnvironment(target));
        return Reflect.ownKeys(target);
      },
    });
    this.restore.push(() => {
      process.env = env;
    });
    syncBuiltinESMExports(); // ES modules' named imports of node:fs see the wrappers too
    active.add(this);
  }

  /** See the module's noteRead: the same record the wrapped readFileSync makes. */
  noteRead(file: string, options: BufferEncoding, text: string): void {
    const name = this.pathOf(file);
    if (name === undefined || this.ignored(name)) return;
    this.note('read', name, optionsOf(options), text);
  }

  /** Why the trace cannot be replayed, if it cannot. */
  get incompleteBecause(): string | undefined {
    return this.incompleteReason;
  }

  incomplete(reason: string): void {
    this.incompleteReason ??= reason;
  }

  /** Stops tracing; the inputs in the order first read, or undefined when some read could not be traced. */
  stop(): TracedInput[] | undefined {
    active.delete(this);
    for (const undo of this.restore.splice(0).reverse()) undo();
    syncBuiltinESMExports();
    if (this.incompleteReason) return undefined;
    const out: TracedInput[] = [];
    const x = this.inputs;
    for (let i = 0; i < x.length; i += 4) out.push([x[i] as string, x[i + 1] as string, x[i + 2] as string, digestOutcome(x[i + 3])]);
    if (this.relativePaths) out.unshift(['cwd', '', '', digest(process.cwd())]);
    return out;
  }

  private wrap(target: Record<string, AnyFn>, fn: string, make: (original: AnyFn) => AnyFn): void {
    const original = target[fn];
    if (typeof original !== 'function') return;
    target[fn] = make(original);
    this.restore.push(() => {
      target[fn] = original;
    });
  }

  private pathOf(arg: unknown): string | undefined {
    if (typeof arg === 'string') {
      // an absolute path with nothing to normalize is its own key (10k reads at cold index: no resolve, no copy)
      if (CLEAN_ABSOLUTE.test(arg)) return arg;
      if (!path.isAbsolute(arg)) this.relativePaths = true;
      return path.resolve(arg);
    }
    if (Buffer.isBuffer(arg)) return path.resolve(arg.toString());
    if (arg instanceof URL && arg.protocol === 'file:') return path.resolve(decodeURIComponent(arg.pathname));
    return undefined;
  }

  /** The ignored folders with a separator after each, made once (asked on every read). */
  private readonly ignoredPrefixes: string[];

  private ignored(file: string): boolean {
    for (let i = 0; i < this.ignore.length; i++) if (file === this.ignore[i] || file.startsWith(this.ignoredPrefixes[i])) return true;
    return false;
  }

  private traced(op: string, original: AnyFn, args: unknown[]): unknown {
    const file = this.pathOf(args[0]);
    if (file === undefined) this.incomplete(`${op} of a file descriptor`);
    this.depth++;
    try {
      if (file === undefined || this.ignored(file)) return original.apply(fs, args);
      let result: unknown;
      const was = rawOutcome(op, () => (result = original.apply(fs, args)));
      this.note(op, file, op === 'realpath' ? '' : optionsOf(args[1]), was);
      if (was instanceof Thrown) return original.apply(fs, args); // throws as it did
      return result;
    } finally {
      this.depth--;
    }
  }

  private untraceable(fn: string, original: AnyFn, args: unknown[]): unknown {
    if (this.depth > 0 || (typeof args[0] === 'number' && this.ignoredFds.has(args[0]))) return original.apply(fs, args);
    const file = this.pathOf(args[0]);
    const ignored = file !== undefined && this.ignored(file);
    if (!ignored) this.incomplete(`fs.${fn} ${file ?? `descriptor ${String(args[0])}`}`);
    const result = original.apply(fs, args);
    if (ignored && fn === 'openSync' && typeof result === 'number') this.ignoredFds.add(result);
    return result;
  }

  /** Keeps the first outcome of each input; a second read that differs (changed mid-run) makes the trace unusable. */
  private note(op: string, name: string, options: string, was: unknown): void {
    const kind = options ? `${op}\u0000${options}` : op;
    let byName = this.slots.get(kind);
    if (!byName) this.slots.set(kind, byName = new Map());
    const at = byName.get(name);
    if (at === undefined) {
      byName.set(name, this.inputs.length);
      this.inputs.push(op, name, options, was);
    } else if (!sameOutcome(this.inputs[at + 3], was)) this.incomplete(`${name} changed while it was read`);
  }
}
