// The project's dbt data tests in VS Code's Test Explorer: project (only with several) → subject → test, each test at
// its YAML line; an installed package's tests (dbt runs them too) under the package, after the project's own. The server owns the tests and runs them; this only shows them and maps results to test states.
import * as vscode from 'vscode';
import type { BaseLanguageClient } from 'vscode-languageclient';
import {
  DataTestsChangedNotification, DataTestsRequest, RunDataTestsRequest, RunProgressNotification,
  type DataTestInfo, type DataTestResult,
} from '../../../server/src/protocol';
import type { FloeServer } from '../languageClient';
import { failureText, unitFailureText, isInside, summarize, terminalText, testsForFile, warningText, type DataTestRunSummary } from './dataTestText';

export const DATA_TEST_CONTROLLER_ID = 'floe.dataTests';

interface TestEntry {
  project: string;
  info: DataTestInfo;
  item: vscode.TestItem;
}

const SEP = '\u001f';

export class DataTestController implements vscode.Disposable {
  readonly controller: vscode.TestController;
  /** Tests of each project root URI, as the server last listed them. */
  private readonly byProject = new Map<string, DataTestInfo[]>();
  /** Leaf test items by their item id (`project SEP test id`). */
  private readonly entries = new Map<string, TestEntry>();
  private readonly changedEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private listening: BaseLanguageClient | undefined;
  private listeningSub: vscode.Disposable | undefined;
  private loading: Promise<void> = Promise.resolve();
  private nextProgressId = 0;

  /** Fires after the tree was rebuilt from the server's lists. */
  readonly onDidChangeTests = this.changedEmitter.event;

  constructor(
    private readonly server: FloeServer,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.controller = vscode.tests.createTestController(DATA_TEST_CONTROLLER_ID, 'Floe Data and Unit Tests');
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token).then(() => undefined), true);
    this.controller.refreshHandler = () => this.refresh();
    let lastReady: string | undefined;
    this.disposables.push(
      this.controller,
      this.changedEmitter,
      server.onDidChangeStatus((s) => {
        this.listen();
        // A new server run (or the first) knows its projects once ready: list their tests then, and again when a
        // project comes or goes (a folder added to the workspace).
        const ready = s.state === 'ready' ? s.projects.join('\n') : undefined;
        if (ready !== undefined && ready !== lastReady) void this.refresh();
        lastReady = ready;
      }),
    );
  }

  dispose(): void {
    this.listeningSub?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  /** Every test the tree shows, with its project. */
  tests(): Array<{ project: string; info: DataTestInfo; item: vscode.TestItem }> {
    return [...this.entries.values()];
  }

  /** Re-lists the tests of one project (or all); resolves once the tree shows them. Calls run one after another. */
  refresh(project?: string): Promise<void> {
    this.loading = this.loading.then(() => this.load(project)).catch((e) => this.output.error(`Data tests: listing failed: ${messageOf(e)}`));
    return this.loading;
  }

  /** Runs the requested items (a parent runs its children; no include runs all) and reports to the Test Explorer. */
  async run(request: vscode.TestRunRequest, token?: vscode.CancellationToken): Promise<DataTestRunSummary> {
    const selected = this.collect(request);
    const run = this.controller.createTestRun(request);
    const cancel = new vscode.CancellationTokenSource();
    const subs = [run.token.onCancellationRequested(() => cancel.cancel())];
    if (token) subs.push(token.onCancellationRequested(() => cancel.cancel()));
    const results: DataTestResult[] = [];
    /** Items that got a final state; the rest end as skipped. */
    const done = new Set<string>();
    try {
      for (const e of selected) run.enqueued(e.item);
      const client = await this.readyClient();
      if (!client) {
        const message = 'The Floe language server is not running. Run "Floe: Restart Language Server".';
        for (const e of selected) run.errored(e.item, new vscode.TestMessage(message));
        results.push(...selected.map((e) => errorResult(e, message)));
        for (const e of selected) done.add(e.item.id);
        return summarize(results, selected.length);
      }
      const label = selected.length === 1 ? selected[0].info.label : `${selected.length} data tests`;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Floe: testing ${label}` }, async (progress) => {
        for (const [project, group] of groupBy(selected, (e) => e.project)) {
          if (cancel.token.isCancellationRequested) break;
          const got = await this.runProject(client, run, project, group, cancel.token, (m) => progress.report({ message: m }));
          const ids = new Set(got.map((r) => r.id));
          for (const e of group) if (ids.has(e.info.id)) done.add(e.item.id);
          results.push(...got);
        }
      });
      return summarize(results, selected.length);
    } finally {
      for (const e of selected) if (!done.has(e.item.id)) run.skipped(e.item);
      subs.forEach((s) => s.dispose());
      cancel.dispose();
      run.end();
    }
  }

  /** floe.testAll: every test of every project. */
  async runAll(): Promise<DataTestRunSummary> {
    await this.refresh();
    return this.run(new vscode.TestRunRequest());
  }

  /** floe.testModel: the tests of the model in `file` (a model .sql), or the tests declared in it (schema.yml, tests/*.sql). */
  async runForFile(file: vscode.Uri): Promise<DataTestRunSummary | undefined> {
    const project = this.projectOf(file.toString());
    await this.refresh(project);
    const picked = this.tests().filter((e) => (!project || e.project === project));
    const infos = new Set(testsForFile(picked.map((e) => e.info), file.toString()));
    const items = picked.filter((e) => infos.has(e.info)).map((e) => e.item);
    if (items.length === 0) return undefined;
    return this.run(new vscode.TestRunRequest(items));
  }

  private async runProject(
    client: BaseLanguageClient, run: vscode.TestRun, project: string, group: TestEntry[],
    token: vscode.CancellationToken, report: (message: string) => void,
  ): Promise<DataTestResult[]> {
    const progressId = `data-tests-${++this.nextProgressId}`;
    const progressSub = client.onNotification(RunProgressNotification.type, (p) => {
      if (p.progressId !== progressId) return;
      run.appendOutput(terminalText(`${p.message}\n`));
      report(p.message);
    });
    for (const e of group) run.started(e.item);
    try {
      const response = await client.sendRequest(RunDataTestsRequest.type, { uri: project, ids: group.map((e) => e.info.id), progressId }, token);
      if ('error' in response) {
        const where = response.location && new vscode.Location(vscode.Uri.parse(response.location.file), new vscode.Position(Math.max(0, response.location.line - 1), Math.max(0, (response.location.column ?? 1) - 1)));
        for (const e of group) run.errored(e.item, located(response.error, where ?? locationOf(e)));
        return group.map((e) => errorResult(e, response.error));
      }
      const byId = new Map(group.map((e) => [e.info.id, e]));
      // Tests the server stopped because of the cancel come back as errors: they end as skipped instead.
      const cancelled = token.isCancellationRequested;
      const kept = cancelled ? response.results.filter((r) => r.status !== 'error') : response.results;
      for (const r of kept) {
        const e = byId.get(r.id);
        if (e) this.report(run, e, r);
      }
      if (cancelled) run.appendOutput(terminalText('Cancelled.\n'));
      return kept;
    } catch (err) {
      if (token.isCancellationRequested) {
        run.appendOutput(terminalText('Cancelled.\n'));
        return [];
      }
      const message = `The data tests could not run: ${messageOf(err)}`;
      this.output.error(`Data tests: ${message}`);
      for (const e of group) run.errored(e.item, located(message, locationOf(e)));
      return group.map((e) => errorResult(e, message));
    } finally {
      progressSub.dispose();
    }
  }

  private report(run: vscode.TestRun, e: TestEntry, r: DataTestResult): void {
    const at = locationOf(e);
    switch (r.status) {
      case 'pass':
        run.passed(e.item, r.ms);
        break;
      case 'warn':
        run.passed(e.item, r.ms);
        run.appendOutput(terminalText(`${warningText(r, e.info)}\n`), at, e.item);
        break;
      case 'fail':
        if (r.diff) {
          // A unit test: VS Code's diff of the expected against the actual rows, peeked at the test's YAML line.
          const message = vscode.TestMessage.diff(unitFailureText(r), r.diff.expected, r.diff.actual);
          message.location = at;
          run.failed(e.item, message, r.ms);
          break;
        }
        run.failed(e.item, located(failureText(r, e.info), at), r.ms);
        run.appendOutput(terminalText(`FAIL ${e.info.label} on ${e.info.subject}: compiled SQL\n${r.sql.trim()}\n\n`), at, e.item);
        break;
      case 'error':
        run.errored(e.item, located(r.message ?? `${e.info.label} on ${e.info.subject} could not run`, at), r.ms);
        break;
    }
  }

  /** The leaf entries a request names: included items and their descendants, minus excluded ones. */
  private collect(request: vscode.TestRunRequest): TestEntry[] {
    const excluded = new Set((request.exclude ?? []).map((i) => i.id));
    const out = new Map<string, TestEntry>();
    const walk = (item: vscode.TestItem) => {
      if (excluded.has(item.id)) return;
      const entry = this.entries.get(item.id);
      if (entry) out.set(item.id, entry);
      item.children.forEach(walk);
    };
    if (request.include) request.include.forEach(walk);
    else this.controller.items.forEach(walk);
    return [...out.values()];
  }

  private async load(only?: string): Promise<void> {
    const client = this.server.languageClient;
    if (!client?.isRunning()) return;
    const projects = this.server.status && 'projects' in this.server.status ? this.server.status.projects : [];
    for (const known of [...this.byProject.keys()]) if (!projects.includes(known)) this.byProject.delete(known);
    for (const project of projects) {
      if (only && project !== only) continue;
      try {
        const { tests } = await client.sendRequest(DataTestsRequest.type, { uri: project });
        this.byProject.set(project, tests);
      } catch (e) {
        this.output.error(`Data tests: listing the tests of ${project} failed: ${messageOf(e)}`);
      }
    }
    this.rebuild(projects);
  }

  /** Rebuilds the tree from the lists, keeping items whose id and URI stay (so results and gutter icons stay). */
  private rebuild(projects: string[]): void {
    const old = new Map([...this.entries].map(([id, e]) => [id, e.item]));
    this.entries.clear();
    const several = projects.length > 1;
    const top: vscode.TestItem[] = [];
    for (const project of projects) {
      const subjects = new Map<string, vscode.TestItem[]>();
      const subjectUris = new Map<string, string>();
      const subjectOf = new Map<string, string>();
      const packageOf = new Map<string, string>();
      for (const [i, info] of (this.byProject.get(project) ?? []).entries()) {
        const id = `${project}${SEP}${info.id}`;
        const uri = vscode.Uri.parse(info.uri);
        const prior = old.get(id);
        const item = prior && prior.uri?.toString() === uri.toString() ? prior : this.controller.createTestItem(id, info.label, uri);
        item.label = info.label;
        item.description = info.kind === 'unit' ? 'unit test' : info.severity === 'warn' ? 'warn' : undefined;
        item.range = new vscode.Range(info.range.start.line, info.range.start.character, info.range.end.line, info.range.end.character);
        item.sortText = String(i).padStart(6, '0');
        this.entries.set(id, { project, info, item });
        // an installed package's tests under the package (dbt runs them too), after the project's own
        const key = info.packageName === undefined ? info.subject : `${info.packageName}${SEP}${info.subject}`;
        if (info.subjectUri) subjectUris.set(key, info.subjectUri);
        const list = subjects.get(key) ?? [];
        list.push(item);
        subjects.set(key, list);
        subjectOf.set(key, info.subject);
        if (info.packageName !== undefined) packageOf.set(key, info.packageName);
      }
      const subjectItems: vscode.TestItem[] = [];
      const packages = new Map<string, vscode.TestItem[]>();
      for (const [key, items] of subjects) {
        const subject = subjectOf.get(key)!;
        const at = subjectUris.get(key);
        const item = this.controller.createTestItem(`${project}${SEP}subject${SEP}${key}`, subjectLabel(subject), at ? vscode.Uri.parse(at) : undefined);
        if (subject.startsWith('source:')) item.description = 'source';
        item.children.replace(items);
        const pkg = packageOf.get(key);
        if (pkg === undefined) subjectItems.push(item);
        else packages.set(pkg, [...(packages.get(pkg) ?? []), item]);
      }
      for (const [pkg, items] of packages) {
        const item = this.controller.createTestItem(`${project}${SEP}package${SEP}${pkg}`, pkg);
        item.description = 'package';
        item.sortText = `~${pkg}`;
        item.children.replace(items);
        subjectItems.push(item);
      }
      if (!several) {
        top.push(...subjectItems);
        continue;
      }
      const folder = this.controller.createTestItem(project, projectLabel(project), vscode.Uri.parse(project));
      folder.children.replace(subjectItems);
      top.push(folder);
    }
    this.controller.items.replace(top);
    this.changedEmitter.fire();
  }

  /** Subscribes to floe/dataTestsChanged on the current client (a restart makes a new one). */
  private listen(): void {
    const client = this.server.languageClient;
    if (!client || client === this.listening) return;
    this.listeningSub?.dispose();
    this.listening = client;
    this.listeningSub = client.onNotification(DataTestsChangedNotification.type, ({ uri }) => void this.refresh(this.projectOf(uri)));
  }

  /** The project root containing `uri` (the deepest one), if the server knows it. */
  private projectOf(uri: string): string | undefined {
    const projects = this.server.status && 'projects' in this.server.status ? this.server.status.projects : [];
    return projects.filter((p) => isInside(uri, p)).sort((a, b) => b.length - a.length)[0];
  }

  /** The running client once the server is ready; waits while it starts (up to a minute). */
  private async readyClient(): Promise<BaseLanguageClient | undefined> {
    const running = () => (this.server.languageClient?.isRunning() ? this.server.languageClient : undefined);
    if (this.server.status?.state === 'ready' || this.server.status?.state === 'stopped') return running();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sub.dispose();
        resolve(running());
      };
      const timer = setTimeout(done, 60_000);
      const sub = this.server.onDidChangeStatus((s) => {
        if (s.state === 'ready' || s.state === 'stopped') done();
      });
    });
  }
}

function subjectLabel(subject: string): string {
  return subject.startsWith('source:') ? subject.slice('source:'.length) : subject;
}

function projectLabel(project: string): string {
  const uri = vscode.Uri.parse(project);
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (folder && folder.uri.toString() === uri.toString()) return folder.name;
  return vscode.workspace.asRelativePath(uri, true);
}

function locationOf(e: TestEntry): vscode.Location | undefined {
  return e.item.uri && e.item.range ? new vscode.Location(e.item.uri, e.item.range) : undefined;
}

function located(text: string, at: vscode.Location | undefined): vscode.TestMessage {
  const message = new vscode.TestMessage(text);
  message.location = at;
  return message;
}

function errorResult(e: TestEntry, message: string): DataTestResult {
  return { id: e.info.id, status: 'error', failures: '0', message, sql: '', ms: 0 };
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) out.set(key(t), [...(out.get(key(t)) ?? []), t]);
  return out;
}

function messageOf(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
