// real-project.ts <dbt project dir> [label]: the editor on a real dbt project, over LSP as a user meets it.
// Starts dist/server.js (FLOE_BENCH_SERVER for another build), and measures: spawn → floe/status ready, the first
// diagnostics pull of the deepest model (longest ref chain), ready → every model bound ("All N models bound"),
// didChange → diagnostics of an edit in the model with the most downstream models (after binding, typed with pauses),
// hover / definition / references / completion on the deep model's refs and identifiers (p50/p95/max), RSS and the
// server's CPU. Prints one JSON line. Run with `node --import tsx test/bench/real-project.ts <dir>`.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { CompletionRequest, DefinitionRequest, HoverRequest, ReferencesRequest } from 'vscode-languageserver-protocol';
import { Server } from './lsp-bench';
import { percentile } from './measure';

const root = path.resolve(process.argv[2]);
const label = process.argv[3] ?? '';
const BOUND_TIMEOUT_MS = 900_000;

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.') || ['dbt_packages', 'target', 'node_modules', 'dbt_modules'].includes(e.name)) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out); else if (p.endsWith('.sql')) out.push(p);
  }
  return out;
}

// The ref graph read here from the files (regex), to choose the deep and the much-depended-on model.
// FLOE_BENCH_MODELS=<dir>: choose the models from there (a package's, e.g. tuva's integration_tests' parent)
const files = walk(process.env.FLOE_BENCH_MODELS ?? path.join(root, 'models'));
const byName = new Map(files.map((f) => [path.basename(f, '.sql'), f]));
const parents = new Map<string, string[]>();
for (const f of files) {
  const refs = [...readFileSync(f, 'utf8').matchAll(/\bref\(\s*['"](\w+)['"]\s*\)/g)].map((m) => m[1]).filter((r) => byName.has(r));
  parents.set(path.basename(f, '.sql'), [...new Set(refs)]);
}
const depth = new Map<string, number>();
const depthOf = (m: string, seen = new Set<string>()): number => {
  const known = depth.get(m);
  if (known !== undefined) return known;
  if (seen.has(m)) return 0;
  seen.add(m);
  const d = 1 + Math.max(0, ...(parents.get(m) ?? []).map((p) => depthOf(p, seen)));
  depth.set(m, d);
  return d;
};
const children = new Map<string, string[]>();
for (const [m, ps] of parents) for (const p of ps) children.set(p, [...(children.get(p) ?? []), m]);
const downstream = (m: string): number => {
  const seen = new Set<string>();
  const todo = [m];
  while (todo.length) for (const c of children.get(todo.pop()!) ?? []) if (!seen.has(c)) { seen.add(c); todo.push(c); }
  return seen.size;
};
const names = [...byName.keys()].sort();
const deep = names.reduce((a, b) => (depthOf(b) > depthOf(a) ? b : a));
const hub = names.reduce((a, b) => (downstream(b) > downstream(a) ? b : a));

const ms = (t: number) => Math.round(performance.now() - t);
const stats = (xs: number[]) => ({ p50: Math.round(percentile(xs, 0.5)), p95: Math.round(percentile(xs, 0.95)), max: Math.round(Math.max(...xs)) });

async function main(): Promise<void> {
  const t0 = performance.now();
  const server = await Server.start(root, process.env);
  const out: Record<string, unknown> = { project: root, label, models: files.length, deep: `${deep} (depth ${depthOf(deep)})`, hub: `${hub} (${downstream(hub)} downstream)` };
  try {
    out.readyMs = Math.round(server.readyAt - t0);
    out.readyCpuMs = server.cpuMs();
    const deepFile = byName.get(deep)!;
    const deepUri = await server.open(deepFile);
    let t = performance.now();
    const first = await server.diagnostics(deepUri);
    out.firstPullMs = ms(t);
    out.firstPullDiags = first.length;
    const bound = await server.status((s) => /All \d+ models bound/.test(s.message ?? ''), BOUND_TIMEOUT_MS);
    out.boundMs = Math.round(server.statusTimes.get(bound)! - server.readyAt);
    out.boundCpuMs = server.cpuMs();
    out.boundStatus = `${bound.errors} errors, ${bound.warnings} warnings`;
    out.rssBoundMb = Math.round(server.rssMb());

    // Edits in the hub model: a space typed at the end of its first line and taken back; both open files pulled.
    const hubFile = byName.get(hub)!;
    const hubUri = await server.open(hubFile);
    await server.diagnostics(hubUri);
    const text = readFileSync(hubFile, 'utf8');
    const nl = text.indexOf('\n') < 0 ? text.length : text.indexOf('\n');
    const edited = `${text.slice(0, nl)} ${text.slice(nl)}`;
    const edits: number[] = [];
    const cpuEdit = server.cpuMs();
    // typed with pauses (150 ms), so the background's work after an edit (binds, the problem recount) runs between them
    for (let i = 0; i < 30; i++) {
      await new Promise((r) => setTimeout(r, 150));
      t = performance.now();
      await server.change(hubUri, i % 2 === 0 ? edited : text);
      await server.diagnostics(hubUri);
      await server.diagnostics(deepUri);
      edits.push(performance.now() - t);
    }
    out.editMs = stats(edits);
    // the edit's own work and the background's after it, per edit
    out.editCpuMs = Math.round((server.cpuMs() - cpuEdit) / edits.length);
    await server.change(hubUri, text);

    // Navigation on the deep model: every ref's name (definition, hover, references), completion inside the ref's
    // quotes, and hover / completion on the first identifiers of its SQL lines.
    const deepText = readFileSync(deepFile, 'utf8');
    const pos = (offset: number) => {
      const before = deepText.slice(0, offset);
      return { line: before.split('\n').length - 1, character: offset - before.lastIndexOf('\n') - 1 };
    };
    const refs = [...deepText.matchAll(/\bref\(\s*['"](\w+)['"]/g)].slice(0, 8).map((m) => m.index! + m[0].length - m[1].length + 1);
    const idents = [...deepText.matchAll(/^\s+,?\s*([a-z_]\w*)/gim)].slice(0, 8).map((m) => m.index! + m[0].length - 1);
    const time = new Map<string, number[]>();
    const cpuNav = server.cpuMs();
    let calls = 0;
    const ask = async (name: string, type: any, params: object) => {
      const start = performance.now();
      await server.connection.sendRequest(type, params);
      time.set(name, [...(time.get(name) ?? []), performance.now() - start]);
      calls++;
    };
    const td = { uri: deepUri };
    for (let round = 0; round < 3; round++) {
      for (const o of refs) {
        await ask('definition', DefinitionRequest.type, { textDocument: td, position: pos(o) });
        await ask('hover', HoverRequest.type, { textDocument: td, position: pos(o) });
        await ask('references', ReferencesRequest.type, { textDocument: td, position: pos(o), context: { includeDeclaration: true } });
        await ask('completion', CompletionRequest.type, { textDocument: td, position: pos(o - 1) });
      }
      for (const o of idents) {
        await ask('hover', HoverRequest.type, { textDocument: td, position: pos(o) });
        await ask('completion', CompletionRequest.type, { textDocument: td, position: pos(o + 1) });
        await ask('definition', DefinitionRequest.type, { textDocument: td, position: pos(o) });
      }
    }
    for (const [name, xs] of time) out[name] = stats(xs);
    out.navCpuMsPerCall = calls ? Math.round((server.cpuMs() - cpuNav) / calls) : 0;
    out.rssEndMb = Math.round(server.rssMb());
    out.totalCpuMs = server.cpuMs();
  } finally {
    await server.stop();
  }
  console.log(JSON.stringify(out));
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
