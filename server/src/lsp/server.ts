// Wires the language server: documents, the project model, features and the floe/ messages onto one
// connection. Every handler is guarded: an error is logged and answered with an empty result.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  CodeActionKind, TextDocuments, TextDocumentSyncKind, DocumentDiagnosticReportKind, FileChangeType, ResponseError, ErrorCodes,
  type Connection, type InitializeParams, type InitializeResult, type WorkspaceEdit, type TextEdit, type Diagnostic, type WorkspaceDocumentDiagnosticReport, type WorkspaceDiagnosticParams, type CancellationToken, type RenameParams, type CompletionItem,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace } from '../project/workspace';
import type { DbtProject } from '../project/project';
import type { ProjectDiagnostic } from '../project/types';
import { readAheadSettings } from '../project/readAhead';
import { dbtCompiledSql } from '../project/dbtCompile';
import { fileDiagnostics } from '../features/diagnostics';
import { contractDiagnostics } from '../features/contracts';
import { asDbtRunsIt } from '../features/unreadEphemerals';
import { modelsWithEnforcedContracts } from '../project/contract';
import { completionAnswer, completionDetail } from '../features/completion';
import type { Awaiting } from '../features/columns';
import { hover } from '../features/hover';
import { definition, references, renameModel, renameRange } from '../features/navigation';
import { documentSymbols } from '../features/symbols';
import { modelLenses } from '../features/codeLens';
import { quickFixes } from '../features/quickFixes';
import { missingColumnsEdit, modelYamlEntry } from '../features/modelYaml';
import { formatSettingsFrom } from '../features/formatSettings';
import { Binder, unboundRenderProblems } from '../features/binding';
import { DiskBindCache } from '../sql/bindCache';
import { DiskRenderCache, keepRendersOnDisk, renderCacheOf } from '../project/renderCache';
import { lineage, lineageOfPath } from '../features/lineage';
import { columnLineage, readsColumnLineage } from '../features/columnLineage';
import { registerPackageHandlers } from './packages';
import { hasLakehouse, refreshSourceSchemas as readSourceSchemas } from '../run/source-schemas';
import { StatusNotification, CompiledSqlRequest, LineageRequest, ColumnLineageRequest, type StatusParams } from '../protocol';
import { isLater, lineIndexOf, pathToUri, toCodeAction, toYamlEntryAction, toCompletionDetail, toCompletions, toDiagnostic, toDocumentSymbol, toLocation, toRange, uriToPath } from './convert';
import { SettingsCache } from './settings';
import { BackgroundBinding } from './background';
import { KeptDiagnostics } from './keptDiagnostics';
import { ProblemCounter } from './problemCount';
import type { RunServiceLoader } from './run';
import { registerExplorerHandlers } from './explorer';
import { registerRunHandlers } from './run';
import { registerDataTestHandlers } from './dataTests';
import { EDITOR_RENDER_SIZE, setRenderSizeLimit } from '../project/compile';

export function startServer(connection: Connection): void {
  setRenderSizeLimit(EDITOR_RENDER_SIZE);
  const documents = new TextDocuments(TextDocument);
  const workspace = new Workspace();
  const uris = new Map<string, string>();
  let folders: string[] = [];
  let canRefresh = false;
  let hasConfiguration = false;
  /** The client takes a completion list's shared edit range from its itemDefaults. */
  const completionDefaults = { editRange: false, data: false };
  let hasWorkspaceFolders = false;
  /** Whether the client applies workspace edits that create files (a new schema YAML for a model). */
  let canCreateFiles = false;
  let binder: Binder | undefined;
  let runs: RunServiceLoader | undefined;
  let dataTests: ReturnType<typeof registerDataTestHandlers> | undefined;
  let packages: ReturnType<typeof registerPackageHandlers> | undefined;
  const renderOnly = process.env.FLOE_NO_BINDER === '1';
  let background: BackgroundBinding | undefined;
  /** Last session's diagnostics, published before the index while the project is unchanged (keptDiagnostics.ts). */
  let kept: KeptDiagnostics | undefined;
  let keptPulled: (() => void) | undefined;
  const settings = new SettingsCache(connection, () => hasConfiguration);

  const log = (message: string) => connection.console.log(message);
  const uriOf = (file: string) => uris.get(file) ?? pathToUri(file);
  const fileOf = (uri: string) => {
    const file = uriToPath(uri);
    if (file) uris.set(path.resolve(file), uri);
    return file ? path.resolve(file) : undefined;
  };
  const textOf = (file: string) => workspace.projectOf(file)?.entry(file)?.text ?? readText(file);

  /** Runs a handler; on error logs it and answers `fallback`, so one bad request never kills the server. */
  function guard<P, R, T = undefined>(name: string, fallback: R, fn: (params: P, token: T) => R | Promise<R>): (params: P, token?: T) => Promise<R> {
    return async (params: P, token?: T) => {
      try {
        return await fn(params, token as T);
      } catch (e) {
        log(`floe: ${name} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
        return fallback;
      }
    };
  }

  function at(uri: string): { project: DbtProject; file: string } | undefined {
    const file = fileOf(uri);
    const project = file ? workspace.projectOf(file) : undefined;
    return project && file ? { project, file } : undefined;
  }

  let refreshTimer: NodeJS.Timeout | undefined;
  /** Bumped whenever diagnostics may have changed beyond a project's version (background results, settings). */
  let diagnosticsGeneration = 0;
  function refreshDiagnostics(): void {
    diagnosticsGeneration++;
    if (!canRefresh || refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      connection.languages.diagnostics.refresh().catch(() => undefined);
    }, 50);
  }

  /** Said with every status once binding turned out impossible this session (DuckDB did not load). */
  let unbound: string | undefined;
  /** The last status sent, said again with the counts when a count finishes after it. */
  let lastStatus: { state: StatusParams['state']; message?: string } | undefined;
  const problems = new ProblemCounter(() => workspace.projects, () => {
    if (lastStatus) void sendStatus(lastStatus.state, lastStatus.message);
  }, (file, e) => log(`floe: counting the problems of ${file} failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`));
  /** `countAll`: count every file's problems before sending (the cold index's "ready"), not in slices after. */
  function sendStatus(state: StatusParams['state'], message = unbound, countAll = false): Promise<void> {
    lastStatus = { state, message };
    const counts = problems.current(countAll);
    let errors = counts?.errors ?? 0;
    let warnings = counts?.warnings ?? 0;
    for (const p of workspace.projects) {
      const bound = binder?.counts(p);
      if (bound) { errors += bound.errors; warnings += bound.warnings; }
    }
    const models = counts?.models ?? workspace.projects.reduce((n, p) => n + p.modelNames().length, 0);
    return connection.sendNotification(StatusNotification.type, {
      state, projects: workspace.projects.map((p) => pathToUri(p.root)), models, errors, warnings, message, ...(counts ? {} : { counting: true }),
    }).catch(() => undefined);
  }

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    folders = (params.workspaceFolders ?? []).map((f) => uriToPath(f.uri)).filter((f): f is string => !!f);
    if (folders.length === 0 && params.rootUri) {
      const root = uriToPath(params.rootUri);
      if (root) folders.push(root);
    }
    canRefresh = !!params.capabilities.workspace?.diagnostics?.refreshSupport;
    hasConfiguration = !!params.capabilities.workspace?.configuration;
    const itemDefaults = params.capabilities.textDocument?.completion?.completionList?.itemDefaults ?? [];
    completionDefaults.editRange = itemDefaults.includes('editRange');
    completionDefaults.data = itemDefaults.includes('data');
    hasWorkspaceFolders = !!params.capabilities.workspace?.workspaceFolders;
    const workspaceEdit = params.capabilities.workspace?.workspaceEdit;
    canCreateFiles = !!workspaceEdit?.documentChanges && !!workspaceEdit.resourceOperations?.includes('create');
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ["'", '"', '.', '(', ',', ' '], resolveProvider: true },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        renameProvider: { prepareProvider: true },
        documentFormattingProvider: true,
        codeLensProvider: { resolveProvider: false },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.Refactor] },
        diagnosticProvider: { interFileDependencies: true, workspaceDiagnostics: true },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'floe', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    void guard('index', undefined, async () => {
      try {
        await index();
      } catch (e) {
        // the error's own text goes to the log (guard), not to the status bar
        void sendStatus('error', 'Indexing failed: an internal error, described in the Floe output');
        throw e;
      }
    })(undefined);
    if (hasWorkspaceFolders) connection.workspace.onDidChangeWorkspaceFolders(guard('workspaceFolders', undefined, (e) => {
      keptChanged('the workspace folders changed');
      for (const f of e.removed) { const p = uriToPath(f.uri); if (p) workspace.removeFolder(p); }
      for (const f of e.added) { const p = uriToPath(f.uri); if (p) workspace.addFolder(p); }
      void sendStatus('ready');
      refreshDiagnostics();
      // the added projects' kept renders first, so their binds reuse them
      void keepRenders(workspace.projects).then(() => {
        if (!renderOnly) background?.enqueueAll(workspace.projects);
      });
    }));
  });

  async function index(): Promise<void> {
    // Let the notification go out before the synchronous indexing starts.
    await sendStatus('indexing', 'Indexing dbt projects');
    await publishKept();
    const started = Date.now();
    const cpu = process.cpuUsage();
    const ahead = { ...readAheadSettings };
    for (const folder of folders) workspace.addFolder(folder);
    // Open documents may have unsaved text.
    for (const doc of documents.all()) {
      const file = fileOf(doc.uri);
      if (file) workspace.projectOf(file)?.updateFile(file, doc.getText());
    }
    await sendStatus('ready', `Indexed ${workspace.projects.length} project(s) with all diagnostics in ${Date.now() - started} ms`, true);
    const used = process.cpuUsage(cpu);
    const sinceStart = process.cpuUsage();
    log(`floe: cold index ${Date.now() - started} ms wall, ${Math.round((used.user + used.system) / 1000)} ms CPU, ${Math.round(process.memoryUsage().rss / 1e6)} MB RSS; process start to ready ${Math.round(process.uptime() * 1000)} ms, ${Math.round((sinceStart.user + sinceStart.system) / 1000)} ms CPU; from the read-ahead thread ${readAheadSettings.fromWorker - ahead.fromWorker} files, ${readAheadSettings.parsedByWorker - ahead.parsedByWorker} YAML parses`);
    refreshDiagnostics();
    startBindingAfterFirstPull();
    for (const project of workspace.projects) void refreshSourceSchemas(project);
    for (const project of workspace.projects) packages?.check(project);
  }

  /** An unchanged workspace's diagnostics as last published, at once; then the trace of this session's first full pass starts. */
  async function publishKept(): Promise<void> {
    if (renderOnly || !folders.length) return;
    kept = new KeptDiagnostics(folders, await keptSettings(folders));
    const models = kept.load();
    if (models !== undefined) {
      refreshDiagnostics();
      await sendStatus('indexing', `Published the last session's diagnostics of ${models} models (project unchanged); indexing`);
      // the client's pull is answered before the index holds the thread (or the index starts after 200 ms); the
      // answer is written a few ticks after the handler returns
      await new Promise<void>((resolve) => {
        keptPulled = () => setTimeout(resolve, 10);
        setTimeout(resolve, 200);
      });
      keptPulled = undefined;
    }
    kept.startTrace();
  }

  /** The settings that change diagnostics, per folder (they are part of the kept diagnostics' key). */
  async function keptSettings(roots: string[]): Promise<unknown> {
    return Promise.all(roots.map(async (root) => [root, (await settings.get(pathToUri(root))).binderEnabled]));
  }

  /** Every model bound: the real diagnostics replace the kept ones, and are kept for the next start if traced whole. */
  async function settleKept(): Promise<void> {
    const k = kept;
    if (!k || (!k.serving && !k.tracing)) return;
    const files = await workspaceProblems();
    const served = k.serving;
    if (!files) return;
    if (served) {
      const now = new Set(files.map(([uri]) => uri));
      const differ = files.filter(([uri, d]) => JSON.stringify(served.get(uri) ?? []) !== JSON.stringify(d)).length + [...served.keys()].filter((uri) => !now.has(uri)).length;
      if (differ) log(`floe: ${differ} file(s)' diagnostics differed from the last session's; replaced`);
      k.drop();
      refreshDiagnostics();
    }
    if (!k.tracing) return;
    // every project's settings must be its folder's, and every open document as on disk, or the key would not say it all
    const byProject = JSON.stringify(await keptSettings(workspace.projects.map((p) => folders.find((f) => p.root === f || p.root.startsWith(f + path.sep)) ?? p.root)));
    if (byProject !== JSON.stringify(await keptSettings(workspace.projects.map((p) => p.root)))) k.abandon('a project has its own settings');
    if (documents.all().some((d) => { const f = fileOf(d.uri); return !f || readText(f) !== d.getText(); })) k.abandon('an open document differs from its file');
    if (engine === undefined) k.abandon('DuckDB did not load');
    k.keep({ models: workspace.projects.reduce((n, p) => n + p.modelNames().length, 0), files }, log);
  }

  /** Anything that may change diagnostics: the kept ones go, and this session's are not kept. */
  function keptChanged(reason: string): void {
    if (!kept?.serving && !kept?.tracing) return;
    if (kept.serving) refreshDiagnostics();
    kept.drop();
    kept.abandon(reason);
  }

  /** Reads source schemas from the project's lakehouse (Polaris or local) into the on-disk cache; offline, the cache serves. */
  async function refreshSourceSchemas(project: DbtProject): Promise<void> {
    if (process.env.FLOE_NO_CATALOG === '1' || !runs || !hasLakehouse(project)) return;
    kept?.abandon('source schemas come from a catalog');
    let where = project.target.catalog?.catalogUri ?? 'the local lakehouse';
    schemasReading.add(project);
    try {
      const lakehouse = await (await runs()).lakehouse(project);
      where = lakehouse.uri;
      const fetched = await readSourceSchemas(project, lakehouse);
      log(`floe: read ${fetched} source schemas from ${where}`);
      if (fetched > 0) {
        refreshDiagnostics();
        if (!renderOnly) background?.enqueueAll([project]);
      }
    } catch (e) {
      log(`floe: source schemas from ${where} unavailable (using the cache): ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      schemasReading.delete(project);
    }
  }
  /** Projects whose source schemas are being read from their catalog. */
  const schemasReading = new Set<DbtProject>();
  /** Binding starts after the first diagnostics pull (startBindingAfterFirstPull): every unbound model is still to come. */
  let bindingToStart = false;
  /** What completion lists still wait for: models to bind, source schemas being read (a list read from them is partial). */
  const awaiting: Awaiting = {
    bind: (node) => !renderOnly && unbound === undefined && (bindingToStart || !!background?.willBind(node.file)),
    sourceSchema: (project, table) => schemasReading.has(project) && !project.schemaCache.get(project.sourceIcebergTable(table)),
  };

  /** Set while the background waits for the first diagnostics pull after ready (see startBindingAfterFirstPull). */
  let onPulled: (() => void) | undefined;
  /**
   * The background (DuckDB's load, the render cache, the bind order) starts once the client's first diagnostics pull
   * after ready (a file's or the workspace's) is answered from the index, or after 250 ms: started at once, it held that
   * answer back by ~0.1 s at 10k models (issue #18).
   */
  function startBindingAfterFirstPull(): void {
    // the binder itself now: the first answer has its contract diagnostics, as with the background started
    binder = newBinder();
    bindingToStart = !renderOnly;
    const start = () => {
      if (onPulled !== start) return;
      onPulled = undefined;
      clearTimeout(timer);
      void guard('binding', undefined, startBinding)(undefined).finally(() => { bindingToStart = false; });
    };
    const timer = setTimeout(start, 250);
    onPulled = start;
  }

  // background binds publish diagnostics first and make the column lineage after (features that read it wait for it)
  /** DuckDB in the server's own thread (binds without workers, the column lineage background binds owe): logged when it opens. */
  const connectHere = () => {
    if (!duck) log('floe: DuckDB opens in the server thread');
    return connectDuckDb();
  };
  const newBinder = () => new Binder(renderOnly ? undefined : connectHere, bindCacheOf, { lineageLater: true });
  /** What features reading the column lineage wait for: the lineage background binds left out, made now. */
  const lineageSettled = async (project: DbtProject) => {
    await binder?.settleLineage(project).catch((e: unknown) => log(`floe: column lineage: ${e instanceof Error ? e.message : String(e)}`));
  };

  async function startBinding(): Promise<void> {
    log('floe: background binding starts');
    // the kept bind results are per engine: known before the first bind, which may run in a worker (the in-process
    // connection, which also tells it, is then never opened)
    if (!renderOnly) engine ??= await import('../sql/connection.js').then((m) => m.bindEngine(), () => undefined);
    binder ??= newBinder();
    background = new BackgroundBinding(binder, {
      onProgress: (done, total) => {
        void sendStatus('ready', done < total ? `Binding models in DuckDB ${done}/${total}` : `All ${total} models bound`);
        if (done < total) return;
        void guard('keptDiagnostics', undefined, settleKept)(undefined);
        // the column lineage the binds left out, made now that every model's diagnostics are out
        for (const project of workspace.projects) void lineageSettled(project);
      },
      onChanged: refreshDiagnostics,
      onError: (message) => {
        kept?.abandon(`a model did not bind: ${message}`);
        log(`floe: binder: ${message}`);
      },
      onUnavailable: () => {
        unbound = UNBOUND_MESSAGE;
        void sendStatus('ready');
        void connection.window.showWarningMessage(`Floe: ${UNBOUND_MESSAGE}`);
      },
      isOpen: (file) => documents.all().some((d) => fileOf(d.uri) === file),
    });
    await keepRenders(workspace.projects);
    if (!renderOnly) background.enqueueAll(workspace.projects);
    bindingToStart = false;
    for (const doc of documents.all()) {
      const where = at(doc.uri);
      if (where) background.prioritize(where.project, where.file);
    }
  }

  documents.onDidChangeContent(guard('change', undefined, (e) => {
    const changed = kept?.serving || kept?.tracing ? fileOf(e.document.uri) : undefined;
    if (changed !== undefined && e.document.getText() !== readText(changed)) keptChanged(`${e.document.uri} was edited`);
    const where = at(e.document.uri);
    if (!where) return;
    // VS Code keeps a tab open on a file deleted on disk (and re-opens it after a restart): that file is no node.
    if (!existsSync(where.file)) {
      if (where.project.updateFile(where.file, undefined)) refreshDiagnostics();
      return;
    }
    const structural = where.project.updateFile(where.file, e.document.getText());
    if (structural) refreshDiagnostics();
    dataTests?.fileChanged(where.project, where.file);
    if (/^(dbt_project|profiles)\.yml$/.test(path.basename(where.file))) {
      // The project was re-read from disk: put the other open documents' unsaved text back.
      for (const doc of documents.all()) {
        const other = at(doc.uri);
        if (other?.project === where.project && other.file !== where.file) where.project.updateFile(other.file, doc.getText());
      }
      // every model binds after the on-run-start hooks' definitions: changed ones bind them all again
      background?.hooksMayHaveChanged(where.project);
    }
    background?.prioritize(where.project, where.file);
  }));

  documents.onDidClose(guard('close', undefined, (e) => {
    const where = at(e.document.uri);
    if (!where) return;
    // Back to what is on disk.
    if (where.project.updateFile(where.file, readText(where.file))) refreshDiagnostics();
    dataTests?.fileChanged(where.project, where.file);
  }));

  connection.onDidChangeWatchedFiles(guard('watchedFiles', undefined, (params) => {
    if (params.changes.length) keptChanged(`${params.changes[0].uri} changed on disk`);
    let changed = false;
    for (const c of params.changes) {
      const file = uriToPath(c.uri);
      if (!file) continue;
      // An open document's text wins over the disk; its file's deletion and re-creation still count (dbt sees the disk).
      const open = documents.get(c.uri);
      if (open && c.type === FileChangeType.Changed) continue;
      const abs = path.resolve(file);
      if (path.basename(abs) === 'dbt_project.yml' && c.type === FileChangeType.Created) {
        for (const folder of folders) workspace.addFolder(folder);
        changed = true;
        continue;
      }
      const project = workspace.projectOf(abs);
      if (!project) continue;
      // packages.yml / dependencies.yml / package-lock.yml changed, or a package landed in dbt_packages/.
      if (/^(packages|dependencies|package-lock)\.yml$/.test(path.basename(abs)) || abs.includes(`${path.sep}dbt_packages${path.sep}`)) {
        if (abs.includes(`${path.sep}dbt_packages${path.sep}`) && path.basename(abs) === 'dbt_project.yml') { project.reload(); changed = true; }
        packages?.check(project);
      }
      changed = project.updateFile(abs, c.type === FileChangeType.Deleted ? undefined : open?.getText() ?? readText(abs)) || changed;
      if (path.basename(abs) === 'dbt_project.yml') background?.hooksMayHaveChanged(project);
      dataTests?.fileChanged(project, abs);
    }
    if (changed) {
      refreshDiagnostics();
      void sendStatus('ready');
    }
  }));

  connection.onDidChangeConfiguration(() => {
    settings.clear();
    keptChanged('the settings changed');
  });

  /** A file's diagnostics as the Problems panel shows them: the project model's, then the background's render and binder results. */
  /** `settingsUri`: the resource whose floe.* settings apply (the file, or its project's root for a whole-project pass). */
  async function diagnosticsOf(project: DbtProject, file: string, settingsUri: string): Promise<Diagnostic[]> {
    const found = await problemsOf(project, file, settingsUri);
    // The first pull after ready (a file's or the workspace's) starts the background once this answer is on its way:
    // after its settings came back from the client, and after vscode-jsonrpc's write (an immediate, queued after this
    // first one). Started when the pull began, DuckDB's load and the bind order ran before the answer was written
    // (0.15–0.3 s at 10k models, seconds at 100k; issue #18).
    const start = onPulled;
    if (start) setImmediate(() => setImmediate(start));
    return found;
  }

  /** diagnosticsOf's answer. */
  async function problemsOf(project: DbtProject, file: string, settingsUri: string): Promise<Diagnostic[]> {
    const diagnostics = await projectProblemsOf(project, file, settingsUri);
    if (!diagnostics.length) return [];
    const index = lineIndexOf(file, project.entry(file)!.text);
    return diagnostics.map((d) => toDiagnostic(index, d));
  }

  /** A file's problems as its diagnostics show them: static, and the background's render and bind of the same text. */
  async function projectProblemsOf(project: DbtProject, file: string, settingsUri: string): Promise<ProjectDiagnostic[]> {
    const entry = project.entry(file);
    if (!entry) return [];
    const diagnostics = fileDiagnostics(project, file);
    if (entry.analysis) {
      // Render and binder results come from the background (same text only), keeping this request fast.
      const bound = binder?.current(project, file);
      const enabled = bound && (await settings.get(settingsUri)).binderEnabled;
      if (bound && enabled && !diagnostics.some((d) => d.severity === 'error' && d.code.startsWith('jinja'))) diagnostics.push(...asDbtRunsIt(project, file, bound.diagnostics));
      // snapshots, singular tests and analyses are never bound: their render's problem, as `floe check` reports it
      if (entry.kind !== 'model') diagnostics.push(...unboundRenderProblems(project, file, diagnostics));
    }
    // The on-run-start hooks' definitions DuckDB refuses, at their lines in dbt_project.yml.
    if (entry.kind === 'dbt_project' && file === path.join(project.root, 'dbt_project.yml') && binder && (await settings.get(settingsUri)).binderEnabled) {
      diagnostics.push(...(await binder.hookProblems(project)));
    }
    // Contracts compare a model's freshly bound columns with its schema YAML: in the YAML file and the model's SQL.
    if ((entry.analysis || entry.schema) && binder && (await settings.get(settingsUri)).binderEnabled) {
      diagnostics.push(...contractDiagnostics(project, file, (f) => binder?.current(project, f)?.columns));
    }
    return diagnostics;
  }

  // Quick fixes of the problems under the cursor, from the file's problems as they are now (not the client's copies,
  // which may be a keystroke old).
  connection.onCodeAction(guard('codeAction', [], async (params) => {
    const where = at(params.textDocument.uri);
    const entry = where?.project.entry(where.file);
    if (!where || !entry) return [];
    const index = lineIndexOf(where.file, entry.text);
    const problems = await projectProblemsOf(where.project, where.file, params.textDocument.uri);
    const fixes = quickFixes(entry.text, problems, index.offsetAt(params.range.start), index.offsetAt(params.range.end));
    const actions = fixes.map((f) => toCodeAction(params.textDocument.uri, index, f));
    // an undocumented model: its schema YAML entry, with the columns of its bind of this text (bound now if the
    // background has not reached it, for at most 2 s: the entry is then offered without columns); a documented one:
    // the bound columns its entry lacks
    const node = entry.analysis ? where.project.nodeOfFile(where.file) : undefined;
    let add = node ? modelYamlEntry(where.project, where.file, undefined) : undefined;
    const documented = node?.kind === 'model' && !add && where.project.doc(node.name) !== undefined;
    if ((add || documented) && binder && (await settings.get(params.textDocument.uri)).binderEnabled) {
      const bound = binder.current(where.project, where.file) ?? await Promise.race([binder.bind(where.project, where.file, { urgent: true }).catch(() => undefined), new Promise<undefined>((r) => setTimeout(r, 2000))]);
      add = add ? modelYamlEntry(where.project, where.file, bound?.columns) : missingColumnsEdit(where.project, where.file, bound?.columns);
    }
    if (add && (canCreateFiles || !add.create)) {
      const target = where.project.entry(add.file);
      actions.push(toYamlEntryAction(pathToUri(add.file), target ? lineIndexOf(add.file, target.text) : undefined, add));
    }
    return actions;
  }));

  connection.languages.diagnostics.on(guard('diagnostics', { kind: DocumentDiagnosticReportKind.Full, items: [] }, async (params) => {
    const served = kept?.serving;
    if (served) return { kind: DocumentDiagnosticReportKind.Full, items: served.get(params.textDocument.uri) ?? served.get(pathToUri(fileOf(params.textDocument.uri) ?? '')) ?? [] };
    const where = at(params.textDocument.uri);
    if (!where) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    return { kind: DocumentDiagnosticReportKind.Full, items: await diagnosticsOf(where.project, where.file, params.textDocument.uri) };
  }));

  // Every file's problems, open or not, so the Problems panel and the status bar's counts agree. The client pulls
  // every 2 s: an unchanged workspace answers "unchanged" per file, and a recount yields to edits between files.
  let lastReport: { key: string; uris: Set<string> } = { key: '', uris: new Set() };
  connection.languages.diagnostics.onWorkspace(guard('workspaceDiagnostics', { items: [] }, async (_params: WorkspaceDiagnosticParams, token: CancellationToken) => {
    const served = kept?.serving;
    const key = served ? `kept#${diagnosticsGeneration}` : `${workspace.projects.map((p) => `${p.root}@${p.version}`).join('|')}#${diagnosticsGeneration}`;
    const versionOf = (uri: string) => documents.get(uri)?.version ?? null;
    if (key === lastReport.key) {
      return { items: [...lastReport.uris].map((uri) => ({ kind: DocumentDiagnosticReportKind.Unchanged, uri, resultId: key, version: versionOf(uri) })) };
    }
    const files = served ? [...served] : await workspaceProblems(token);
    keptPulled?.();
    if (!files) return { items: [] };
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    const reported = new Set<string>();
    for (const [uri, found] of files) {
      reported.add(uri);
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri, resultId: key, version: versionOf(uri), items: found });
    }
    // A file that had problems and has none now is reported empty, so its old problems go away.
    for (const uri of lastReport.uris) if (!reported.has(uri)) items.push({ kind: DocumentDiagnosticReportKind.Full, uri, resultId: key, version: versionOf(uri), items: [] });
    lastReport = { key, uris: reported };
    return { items };
  }));

  /** Every file with problems, open or not; undefined when cancelled. */
  async function workspaceProblems(token?: CancellationToken): Promise<Array<[string, Diagnostic[]]> | undefined> {
    const out: Array<[string, Diagnostic[]]> = [];
    let counted = 0;
    for (const project of workspace.projects) {
      // One settings lookup per project: per file, a first pull would ask the client once for every model.
      const projectUri = pathToUri(project.root);
      // every file's contract check reads the project-wide set: made once here, not from each file's models
      if (binder) modelsWithEnforcedContracts(project);
      for (const file of [...project.files.keys()]) {
        if (++counted % 200 === 0) {
          await new Promise((resolve) => setImmediate(resolve));
          if (token?.isCancellationRequested) return undefined;
        }
        const found = await diagnosticsOf(project, file, projectUri);
        if (found.length) out.push([uriOf(file), found]);
      }
    }
    return out;
  }

  const positionIn = (uri: string, position: { line: number; character: number }) => {
    const where = at(uri);
    const entry = where?.project.entry(where.file);
    if (!where || !entry) return undefined;
    const index = lineIndexOf(where.file, entry.text);
    return { ...where, text: entry.text, index, offset: index.offsetAt(position) };
  };

  /** The document of the last completion list: the items the client resolves are that list's. */
  let completedUri: string | undefined;

  connection.onCompletion(guard('completion', [], (params) => {
    const p = positionIn(params.textDocument.uri, params.position);
    if (!p) return [];
    completedUri = params.textDocument.uri;
    const answer = completionAnswer(p.project, p.file, p.offset, awaiting);
    return toCompletions(p.index, answer.items, completionDefaults, answer.incomplete);
  }));

  const resolveItem = guard('completionResolve', undefined, (item: CompletionItem) => {
    const project = completedUri && isLater(item) ? at(completedUri)?.project : undefined;
    const more = project ? completionDetail(project, item.label) : undefined;
    return more ? { ...item, ...toCompletionDetail(more) } : undefined;
  });
  connection.onCompletionResolve(async (item) => (await resolveItem(item)) ?? item);

  connection.onHover(guard('hover', null, async (params) => {
    const before = positionIn(params.textDocument.uri, params.position);
    if (before && readsColumnLineage(before.project, before.file, before.offset)) await lineageSettled(before.project);
    const p = positionIn(params.textDocument.uri, params.position);
    const h = p && hover(p.project, p.file, p.offset);
    return h ? { contents: { kind: 'markdown' as const, value: h.markdown }, range: toRange(p.index, h.start, h.end) } : null;
  }));

  connection.onDefinition(guard('definition', [], (params) => {
    const p = positionIn(params.textDocument.uri, params.position);
    return p ? definition(p.project, p.file, p.offset).map((l) => toLocation(l, textOf, uriOf)) : [];
  }));

  connection.onReferences(guard('references', [], async (params) => {
    const before = positionIn(params.textDocument.uri, params.position);
    if (before && readsColumnLineage(before.project, before.file, before.offset)) await lineageSettled(before.project);
    const p = positionIn(params.textDocument.uri, params.position);
    return p ? references(p.project, p.file, p.offset, params.context.includeDeclaration).map((l) => toLocation(l, textOf, uriOf)) : [];
  }));

  connection.onDocumentSymbol(guard('documentSymbol', [], (params) => {
    const where = at(params.textDocument.uri);
    const entry = where?.project.entry(where.file);
    if (!where || !entry) return [];
    const index = lineIndexOf(where.file, entry.text);
    return documentSymbols(where.project, where.file).map((s) => toDocumentSymbol(index, s));
  }));

  // Format Document: the whole model re-laid out, or a message saying why it was left as written.
  connection.onDocumentFormatting(guard('formatting', null, async (params) => {
    const where = at(params.textDocument.uri);
    const entry = where?.project.entry(where.file);
    if (!where || !entry?.analysis || where.file.toLowerCase().endsWith('.py')) return null;
    // Loaded on first use: sql-formatter's grammar is costly to set up and no cold start needs it.
    const { formatModelSql } = await import('../features/format.js');
    const settings = formatSettingsFrom(readText(path.join(where.project.root, '.sqlfluff')), params.options);
    const result = formatModelSql(entry.text, { ...settings, adapter: where.project.target.adapter });
    if ('error' in result) {
      void connection.window.showWarningMessage(`Floe: ${path.basename(where.file)} was not formatted: ${result.error}.`);
      return null;
    }
    if (result.text === entry.text) return [];
    const index = lineIndexOf(where.file, entry.text);
    return [{ range: toRange(index, 0, entry.text.length), newText: result.text }];
  }));

  connection.onPrepareRename(guard('prepareRename', null, (params) => {
    const p = positionIn(params.textDocument.uri, params.position);
    const r = p && renameRange(p.project, p.file, p.offset);
    return r ? { range: toRange(p.index, r.start, r.end), placeholder: r.placeholder } : null;
  }));

  connection.onRenameRequest(guard<RenameParams, WorkspaceEdit | ResponseError | null, CancellationToken>('rename', null, (params) => {
    const p = positionIn(params.textDocument.uri, params.position);
    if (!p) return null;
    const result = renameModel(p.project, p.file, p.offset, params.newName);
    // Answered as an error, so the editor shows why (a name taken, not a name, nothing to rename there).
    if ('error' in result) return new ResponseError(ErrorCodes.InvalidRequest, result.error);
    const byFile = new Map<string, TextEdit[]>();
    // A rename that reaches into other models is shown for review before it is applied.
    // Docs prose it rewrites is confirmed apart: a word in a sentence is a judgement, not a reference.
    const annotation = (prose?: boolean) => (result.review ? { annotationId: prose ? 'floe.rename.docs' : 'floe.rename' } : {});
    for (const e of result.edits) {
      const index = lineIndexOf(e.file, textOf(e.file) ?? '');
      const list = byFile.get(e.file) ?? [];
      list.push({ range: toRange(index, e.start, e.end), newText: e.newText, ...annotation(e.prose) });
      byFile.set(e.file, list);
    }
    const edit: WorkspaceEdit = {
      ...(result.review ? { changeAnnotations: {
        'floe.rename': { label: result.review, needsConfirmation: true },
        'floe.rename.docs': { label: 'Mentions in docs text', description: 'the column named in its docs blocks', needsConfirmation: true },
      } } : {}),
      documentChanges: [
        ...[...byFile].map(([file, edits]) => ({ textDocument: { uri: uriOf(file), version: documents.get(uriOf(file))?.version ?? null }, edits })),
        ...(result.renameFile ? [{ kind: 'rename' as const, oldUri: uriOf(result.renameFile.from), newUri: pathToUri(result.renameFile.to) }] : []),
      ],
    };
    return edit;
  }));

  connection.onCodeLens(guard('codeLens', [], (params) => {
    const where = at(params.textDocument.uri);
    const entry = where?.project.entry(where.file);
    if (!where || !entry) return [];
    const index = lineIndexOf(where.file, entry.text);
    return modelLenses(where.project, where.file).map((l) => ({
      range: toRange(index, l.offset, l.offset),
      command: { title: l.title, command: l.command, arguments: [params.textDocument.uri, ...(l.args ?? [])] },
    }));
  }));

  connection.onRequest(CompiledSqlRequest.type, guard('compiledSql', { error: 'Internal error while compiling; see the Floe output.' }, (params) => {
    const where = at(params.uri);
    if (!where) return { error: `${params.uri} is not inside a dbt project Floe knows.` };
    if (!where.project.entry(where.file)?.analysis) return { error: `${path.basename(where.file)} is not a model file.` };
    // dbt's compiled SQL (dbt's relation names, ephemeral models inlined), as `floe compile` writes it: the view is what
    // a dbt user copies into their warehouse; previews run Floe's own names.
    const compiled = dbtCompiledSql(where.project, where.file);
    if ('problem' in compiled) {
      const index = lineIndexOf(compiled.file, where.project.entry(compiled.file)?.text ?? '');
      const pos = index.positionAt(compiled.problem.start);
      return { error: `${path.basename(compiled.file)}:${pos.line + 1}:${pos.character + 1}: ${compiled.problem.message}` };
    }
    return { sql: compiled.sql };
  }));

  /** The project of a file, or of a workspace folder above exactly one project (the usual single-project repo). */
  const lineageProject = (uri: string): { project: DbtProject; file?: string } | { error: string } => {
    const where = at(uri);
    const folder = fileOf(uri);
    const inside = where || !folder ? [] : workspace.projects.filter((p) => p.root.startsWith(folder + path.sep));
    const project = where?.project ?? (inside.length === 1 ? inside[0] : undefined);
    if (!project) return { error: inside.length ? `${uri} holds ${inside.length} dbt projects; ask for one of them` : `${uri} is not in a dbt project` };
    return { project, file: where?.file };
  };

  connection.onRequest(LineageRequest.type, guard('lineage', { error: 'Internal error while reading the lineage; see the Floe output.' }, (params) => {
    const options = { upstream: params.upstream, downstream: params.downstream, uriOf, lineIndexOf };
    const found = lineageProject(params.uri);
    if ('error' in found) return found;
    if (params.focus) return lineage(found.project, params.focus, options);
    return lineageOfPath(found.project, found.file ?? found.project.root, options);
  }));

  connection.onRequest(ColumnLineageRequest.type, guard('columnLineage', { error: 'Internal error while reading the column lineage; see the Floe output.' }, async (params) => {
    const found = lineageProject(params.uri);
    if ('error' in found) return found;
    await lineageSettled(found.project);
    return columnLineage(found.project, params.node, params.column);
  }));

  const explorer = registerExplorerHandlers(connection, workspace, log);
  runs = registerRunHandlers(connection, workspace, log, {
    catalogOf: explorer.catalogOf,
    rowLimit: async (uri) => (await settings.get(uri)).previewRowLimit,
    localLakehouse: async (uri) => (await settings.get(uri)).localLakehouse,
  });
  dataTests = registerDataTestHandlers(connection, workspace, runs, log, {
    localLakehouse: async (uri) => (await settings.get(uri)).localLakehouse,
    // Unit tests type their fixtures with the columns the background binder learns; an unbound upstream is bound now.
    bind: (project, file) => binder ? binder.bind(project, file) : Promise.resolve(),
  });
  packages = registerPackageHandlers(connection, workspace, (project) => {
    refreshDiagnostics();
    void sendStatus('ready');
    if (!renderOnly) background?.enqueueAll([project]);
  });

  // The client's shutdown is answered once the binding workers have closed DuckDB, so its exit ends no DuckDB call
  // (BindPool also stops them on any other process.exit: stdin closing, the parent gone).
  connection.onShutdown(async () => {
    await background?.stop();
  });

  documents.listen(connection);
  connection.listen();
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

const UNBOUND_MESSAGE = "Models are not bound: DuckDB's native library did not load, so column and type errors are not checked. Reinstall the Floe extension for this platform.";

let duck: Promise<import('@duckdb/node-api').DuckDBConnection> | undefined;
let engine: string | undefined;
/** The binder's own DuckDB instance: stand-ins never show in previews, and binding never reaches the network. */
function connectDuckDb(): Promise<import('@duckdb/node-api').DuckDBConnection> {
  duck ??= import('../sql/connection.js').then(async (m) => {
    const c = await m.createBindConnection();
    engine = c.engine;
    return c.connection;
  });
  return duck;
}

const bindCaches = new Map<string, DiskBindCache>();
/** Each project's kept renders, by root, opening or open. */
const renderCaches = new Map<string, Promise<DiskRenderCache>>();
const openRenderCaches: DiskRenderCache[] = [];
// the last results of a session are kept too (appending is synchronous, so it works while exiting)
process.on('exit', () => {
  for (const cache of [...bindCaches.values(), ...openRenderCaches]) cache.flush();
});

/** Keeps the projects' renders on disk: a reopen renders only what changed. Their files are read off the main thread. */
async function keepRenders(projects: readonly DbtProject[]): Promise<void> {
  await Promise.all(projects.map(async (project) => {
    if (renderCacheOf(project)) return;
    let cache = renderCaches.get(project.root);
    if (!cache) {
      cache = DiskRenderCache.open(project.root).then((c) => {
        openRenderCaches.push(c);
        return c;
      });
      renderCaches.set(project.root, cache);
    }
    keepRendersOnDisk(project, await cache);
  }));
}
/** A project's bind results kept on disk (per DuckDB version, known once connected): a reopen binds only what changed. */
function bindCacheOf(project: DbtProject): DiskBindCache | undefined {
  if (!engine) return undefined;
  let cache = bindCaches.get(project.root);
  if (!cache) bindCaches.set(project.root, (cache = new DiskBindCache(project.root, engine)));
  return cache;
}
