// Language server figures: cold index of a generated project, edit-to-diagnostics p95, and RSS after indexing.
// Drives the bundled server (dist/server.js) over stdio, as the extension does.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { IPCMessageReader, IPCMessageWriter, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import {
  createProtocolConnection, type ProtocolConnection, InitializeRequest, InitializedNotification, DidOpenTextDocumentNotification,
  DidChangeTextDocumentNotification, DocumentDiagnosticRequest, WorkspaceDiagnosticRequest, ShutdownRequest, ExitNotification, type Diagnostic,
} from 'vscode-languageserver-protocol';
import { StatusNotification, type StatusParams } from '../../server/src/protocol';
import { generateProject } from '../helpers/generateProject';
import { generateSchemaYaml } from '../helpers/generateSchemaYaml';
import { percentile, sample, summarize } from './measure';
import type { Measured } from './figures';

// FLOE_BENCH_SERVER=<path to server.js> measures another build (an A/B against a commit built elsewhere).
const SERVER = path.resolve(__dirname, '../../dist/server.js');
const READY_TIMEOUT_MS = 120_000;

export class Server {
  private version = 1;
  private readyWaiters: Array<(s: StatusParams) => void> = [];
  /** Every floe/status message after ready, for figures that wait on later states. */
  private statusListeners: Array<(s: StatusParams) => void> = [];
  private readonly statusLog: StatusParams[] = [];
  /** When each floe/status message came (performance.now()), by the message. */
  readonly statusTimes = new Map<StatusParams, number>();
  /** When floe/status first said ready (performance.now()). */
  readyAt = 0;
  /** The indexing time the server reports in its ready message ("Indexed 1 project(s) in N ms"), if it does. */
  indexedMs: number | undefined;
  /** The server's log lines (window/logMessage). */
  readonly log: string[] = [];
  private constructor(readonly connection: ProtocolConnection, readonly child: ChildProcess) {}

  /**
   * Spawns the bundled server and resolves once it reports the project indexed (floe/status ready), or with
   * `untilReady` false once it is initialized (for figures that end before the index does).
   */
  static async start(folder: string, env: NodeJS.ProcessEnv = process.env, untilReady = true): Promise<Server> {
    // FLOE_BENCH_PROFILE=<dir> writes a V8 CPU profile of every server run there (open it in Chrome DevTools).
    const profile = process.env.FLOE_BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.FLOE_BENCH_PROFILE}`] : [];
    const nodeArgs = process.env.FLOE_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    // FLOE_BENCH_SERVER_STDOUT=<file> speaks LSP over Node IPC instead, leaving the server's stdout to V8's tracing
    // (e.g. FLOE_BENCH_NODE_ARGS=--trace-gc), written to that file.
    const stdoutFile = process.env.FLOE_BENCH_SERVER_STDOUT;
    const server_ = process.env.FLOE_BENCH_SERVER ?? SERVER;
    const child = stdoutFile
      ? spawn(process.execPath, [...nodeArgs, ...profile, server_, '--node-ipc'], { stdio: ['ignore', openSync(stdoutFile, 'a'), 'inherit', 'ipc'], env })
      : spawn(process.execPath, [...nodeArgs, ...profile, server_, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env });
    const connection = stdoutFile
      ? createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child))
      : createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const server = new Server(connection, child);
    const ready = new Promise<StatusParams>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`dist/server.js did not report ready within ${READY_TIMEOUT_MS / 1000} s`)), READY_TIMEOUT_MS);
      server.readyWaiters.push((s) => { clearTimeout(timer); resolve(s); });
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`dist/server.js exited with ${code} before it was ready`)); });
    });
    connection.onNotification(StatusNotification.type, (s) => {
      if (s.state === 'ready' || s.state === 'error') for (const w of server.readyWaiters.splice(0)) w(s);
      server.statusLog.push(s);
      server.statusTimes.set(s, performance.now());
      for (const l of server.statusListeners) l(s);
    });
    connection.onNotification('window/logMessage', (m: { message: string }) => { server.log.push(m.message); });
    connection.onRequest('workspace/configuration', () => []);
    connection.onRequest('workspace/diagnostic/refresh', () => null);
    connection.onRequest('client/registerCapability', () => null);
    connection.listen();
    const uri = pathToFileURL(folder).toString();
    await connection.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: uri, workspaceFolders: [{ uri, name: 'bench' }],
      capabilities: { workspace: { diagnostics: { refreshSupport: true } } },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    if (!untilReady) {
      ready.catch(() => undefined);
      return server;
    }
    const status = await ready.catch((e: unknown) => { child.kill(); throw e; });
    server.readyAt = performance.now();
    const reported = /in (\d+) ms/.exec(status.message ?? '');
    server.indexedMs = reported ? Number(reported[1]) : undefined;
    if (status.state !== 'ready') throw new Error(`the server failed to index ${folder}: ${status.message ?? ''}`);
    return server;
  }

  /** Resolves on the first floe/status message `matches` accepts (since the server started), or fails after `timeoutMs`. */
  status(matches: (s: StatusParams) => boolean, timeoutMs: number): Promise<StatusParams> {
    const seen = this.statusLog.find(matches);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching floe/status within ${timeoutMs / 1000} s`)), timeoutMs);
      const listener = (s: StatusParams) => {
        if (!matches(s)) return;
        clearTimeout(timer);
        this.statusListeners = this.statusListeners.filter((l) => l !== listener);
        resolve(s);
      };
      this.statusListeners.push(listener);
    });
  }

  async open(file: string): Promise<string> {
    const uri = pathToFileURL(file).toString();
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'floe-sql', version: 1, text: readFileSync(file, 'utf8') } });
    return uri;
  }

  async change(uri: string, text: string): Promise<void> {
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: ++this.version }, contentChanges: [{ text }] });
  }

  async diagnostics(uri: string): Promise<Diagnostic[]> {
    const r = await this.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
    return r.kind === 'full' ? r.items : [];
  }

  /** Every file's diagnostics as the Problems panel pulls them (workspace pull): file count and diagnostics. */
  async workspaceDiagnostics(): Promise<{ files: number; diagnostics: number }> {
    const r = await this.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const full = r.items.filter((i) => i.kind === 'full');
    return { files: full.length, diagnostics: full.reduce((n, i) => n + (i.kind === 'full' ? i.items.length : 0), 0) };
  }

  /** Resident set size of the server process, from /proc. */
  rssMb(): number {
    const status = readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return kb / 1024;
  }

  /** CPU time (user + system) the server process has used, from /proc (clock ticks of 10 ms). */
  cpuMs(): number {
    return ticksMs(`/proc/${this.child.pid}/stat`);
  }

  /** CPU time of the server's main thread alone (its JavaScript and GC pauses: the cold start's critical path). */
  mainThreadCpuMs(): number {
    return ticksMs(`/proc/${this.child.pid}/task/${this.child.pid}/stat`);
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    try {
      await Promise.race([this.connection.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
      await this.connection.sendNotification(ExitNotification.type);
    } catch {
      // already gone
    }
    // Give it time to exit by itself (a CPU profile is written on exit), then make sure it is gone.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    this.connection.dispose();
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill();
  }
}

/** user + system time of a /proc stat file (process or thread), in ms. */
function ticksMs(statFile: string): number {
  const fields = readFileSync(statFile, 'utf8').replace(/^.*\) /s, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function indexDetail(indexed: number[], afterReady: number[]): string {
  const parts = indexed.length ? [`server-reported indexing ${summarize(indexed).median.toFixed(0)} ms`] : [];
  parts.push(`ready → diagnostics answered ${summarize(afterReady).median.toFixed(0)} ms`);
  return parts.join('; ');
}

/** A model with 10 upstream refs in the generated project (refs = 1 + i % 10 past the 50 sources). */
const TEN_REF_MODEL = 59;
/** A model far downstream, to pull diagnostics for after indexing. */
export const lastModel = (models: number) => models - 1;

/** Cold starts of a new server process on a generated project: spawn until ready and a far model's diagnostics answered. */
export async function coldIndex(root: string, lastFile: string, runs: number) {
  const rss: number[] = [], cpu: number[] = [], mainCpu: number[] = [], afterReady: number[] = [], indexed: number[] = [];
  /** From the server's "cold index" log line: CPU before indexing (start, module load) and of the index itself. */
  const startCpu: number[] = [], indexCpu: number[] = [];
  const index = await sample(runs, async (run) => {
    const start = performance.now();
    const server = await Server.start(root);
    try {
      const diags = await server.diagnostics(pathToFileURL(lastFile).toString());
      const ms = performance.now() - start;
      if (diags.some((d) => d.severity === 1)) throw new Error(`the generated project has errors: ${diags.map((d) => d.message).join('; ')}`);
      if (run >= 0) {
        rss.push(server.rssMb()); cpu.push(server.cpuMs()); mainCpu.push(server.mainThreadCpuMs()); afterReady.push(performance.now() - server.readyAt);
        if (server.indexedMs !== undefined) indexed.push(server.indexedMs);
        const m = /cold index \d+ ms wall, (\d+) ms CPU.*to ready \d+ ms, (\d+) ms CPU/.exec(server.log.find((l) => l.includes('cold index')) ?? '');
        if (m) { indexCpu.push(Number(m[1])); startCpu.push(Number(m[2]) - Number(m[1])); }
      }
      return ms;
    } finally {
      await server.stop();
    }
  });
  return { index, rss, cpu, mainCpu, afterReady, indexed, startCpu, indexCpu };
}

/**
 * Issue #18's 100,000-model figure (full run only: the project is 394 MB, generated here and removed after). Three
 * runs after the warm-up: each takes seconds, and the figure is about scale, not spread.
 */
export async function lsp100kFigures(dir: string): Promise<Measured[]> {
  const models = 100_000;
  const root = path.join(dir, 'lsp-project-100k');
  const { modelFile } = generateProject(root, models);
  try {
    const { index, rss, cpu, afterReady, indexed } = await coldIndex(root, modelFile(lastModel(models)), 3);
    const peak = summarize(rss);
    return [
      { name: 'ls_index_100k_ms', summary: summarize(index), cpuMs: summarize(cpu), detail: `${indexDetail(indexed, afterReady)}; RSS ${peak.median.toFixed(0)} MB` },
      { name: 'ls_rss_100k_mb', summary: peak },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export async function lspFigures(dir: string, models: number, runs: number, edits: number): Promise<Measured[]> {
  const root = path.join(dir, 'lsp-project');
  const { modelFile } = generateProject(root, models);
  const size = models === 10_000 ? undefined : `${models.toLocaleString('en')} models`;

  const { index, rss, cpu, afterReady, indexed } = await coldIndex(root, modelFile(lastModel(models)), runs);

  const server = await Server.start(root);
  try {
    const file = modelFile(TEN_REF_MODEL);
    const uri = await server.open(file);
    const valid = readFileSync(file, 'utf8');
    const firstRef = /ref\('(m\d+)'\)/.exec(valid)![1];
    // Alternate a valid text and one with a misspelled ref, and check the diagnostics follow every edit.
    const broken = valid.replace(`ref('${firstRef}')`, `ref('${firstRef}x')`);
    let n = 0;
    const edit = async (): Promise<number> => {
      const bad = n++ % 2 === 0;
      const start = performance.now();
      await server.change(uri, bad ? broken : valid);
      const diags = await server.diagnostics(uri);
      const ms = performance.now() - start;
      const errors = diags.filter((d) => d.severity === 1).length;
      if (bad ? errors === 0 : errors > 0) throw new Error(`edit ${n}: expected ${bad ? 'an error' : 'no error'}, got ${JSON.stringify(diags.map((d) => d.message))}`);
      return ms;
    };
    for (let i = 0; i < 20; i++) await edit();
    const p95s: number[] = [];
    for (let r = 0; r < runs; r++) {
      const times: number[] = [];
      for (let i = 0; i < edits; i++) times.push(await edit());
      p95s.push(percentile(times, 0.95));
    }
    return [
      { name: 'ls_index_10k_ms', summary: summarize(index), cpuMs: summarize(cpu), size, detail: `${indexDetail(indexed, afterReady)}; RSS ${summarize(rss).median.toFixed(0)} MB` },
      { name: 'ls_edit_p95_ms', summary: summarize(p95s), size: [size, edits === 200 ? undefined : `${edits} edits`].filter(Boolean).join(', ') || undefined },
      { name: 'ls_rss_mb', summary: summarize(rss), size },
    ];
  } finally {
    await server.stop();
  }
}

/**
 * A large schema.yml: open it, then alternate a valid text and one with a YAML syntax error, checking each answer
 * (an error on the broken line, none otherwise). The project has the 2,000 models the YAML documents.
 */
export async function schemaYamlFigures(dir: string, runs: number, edits: number): Promise<Measured[]> {
  const root = path.join(dir, 'lsp-schema-yaml');
  generateProject(root, 2000);
  const file = path.join(root, 'models', 'schema.yml');
  const valid = generateSchemaYaml(2000, 10);
  writeFileSync(file, valid);
  const brokenAt = valid.indexOf('- name: m1000\n');
  const brokenLine = valid.slice(0, brokenAt).split('\n').length - 1;
  const broken = `${valid.slice(0, brokenAt)}- name: [m1000\n${valid.slice(brokenAt + '- name: m1000\n'.length)}`;
  const server = await Server.start(root);
  try {
    let start = performance.now();
    const uri = await server.open(file);
    const opened = await server.diagnostics(uri);
    const openMs = performance.now() - start;
    if (opened.some((d) => d.severity === 1)) throw new Error(`the generated schema.yml has errors: ${opened.map((d) => d.message).join('; ')}`);
    let n = 0;
    const byKind = { valid: [] as number[], broken: [] as number[] };
    const edit = async (): Promise<number> => {
      const bad = n++ % 2 === 0;
      start = performance.now();
      await server.change(uri, bad ? broken : valid);
      const diags = await server.diagnostics(uri);
      const ms = performance.now() - start;
      const errors = diags.filter((d) => d.severity === 1);
      const onLine = errors.some((d) => Math.abs(d.range.start.line - brokenLine) <= 1);
      if (bad ? !onLine : errors.length > 0) throw new Error(`schema.yml edit ${n}: expected ${bad ? `an error near line ${brokenLine + 1}` : 'no error'}, got ${JSON.stringify(errors.map((d) => [d.range.start.line, d.message]))}`);
      byKind[bad ? 'broken' : 'valid'].push(ms);
      return ms;
    };
    for (let i = 0; i < 4; i++) await edit();
    byKind.valid.length = byKind.broken.length = 0;
    const p95s: number[] = [];
    for (let r = 0; r < runs; r++) {
      const times: number[] = [];
      for (let i = 0; i < edits; i++) times.push(await edit());
      p95s.push(percentile(times, 0.95));
    }
    const kb = Math.round(Buffer.byteLength(valid) / 1024);
    const median = (xs: number[]) => summarize(xs).median.toFixed(0);
    const detail = `${kb} KB; median edit ${median(byKind.valid)} ms (valid), ${median(byKind.broken)} ms (YAML error); didOpen → diagnostics ${openMs.toFixed(0)} ms`;
    return [{ name: 'ls_schema_yaml_edit_p95_ms', summary: summarize(p95s), detail }];
  } finally {
    await server.stop();
  }
}
