// The results webview: decodes the Arrow IPC result, shows the grid, a filter, exports and a footer,
// or an error with the model's location. Every value reaches the DOM through textContent only.
import type { ExportFormat, FromWebviewMessage, PreviewResult, ResultLocation, ResultStats, ResultView, ToWebviewMessage } from '../../server/src/protocol/results';
import { modelFromIpc, type ResultModel } from './model';
import { TextIndex, viewRows, type ViewState } from './view';
import { toCsv, toJson } from './exporting';
import { VirtualGrid } from './grid';
import { base64ToBytes } from './base64';
import { isServerSide, resultSummary } from './summary';
import { STATS_HEADERS, statsRows } from './stats';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

/** Survives the webview being dropped while hidden: the same result reloads with its filter, sort and scroll. */
interface SavedState {
  key: string;
  view: ViewState;
  scrollTop: number;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: FromWebviewMessage): void => vscode.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = el('button', 'button', label);
  b.type = 'button';
  b.title = title;
  b.addEventListener('click', onClick);
  return b;
}

function resultKey(r: PreviewResult): string {
  return `${r.title}\n${r.sql}\n${r.rowCount}\n${r.elapsedMs}\n${r.arrow.length}`;
}

/** The grid's view state as the server's ResultView. */
function toResultView(state: ViewState): ResultView {
  return {
    ...(state.sort ? { sort: state.sort } : {}),
    ...(state.filter ? { filter: { text: state.filter, ...(state.filterColumn === undefined ? {} : { column: state.filterColumn }) } } : {}),
  };
}

/** The view state a server answer was made with. */
function fromResultView(view: ResultView | undefined): ViewState {
  return { filter: view?.filter?.text ?? '', filterColumn: view?.filter?.column, sort: view?.sort };
}

class ResultsView {
  private readonly app = document.getElementById('app') ?? document.body.appendChild(el('div', 'app'));
  private result?: PreviewResult;
  private model?: ResultModel;
  private index?: TextIndex;
  private state: ViewState = { filter: '' };
  private rows: Uint32Array = new Uint32Array();
  private grid?: VirtualGrid;
  private footer?: HTMLElement;
  private notice?: HTMLElement;
  private filterTimer: ReturnType<typeof setTimeout> | undefined;
  private filterInput?: HTMLInputElement;

  constructor() {
    document.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && this.filterInput?.isConnected) {
        e.preventDefault();
        this.filterInput.focus();
      }
    });
  }

  showLoading(title: string): void {
    const box = el('div', 'state loading');
    box.append(el('div', 'spinner'), el('span', 'message', `Running ${title}…`), button('Cancel', 'Cancel the query', () => post({ type: 'cancel' })));
    this.app.replaceChildren(box);
    this.grid = undefined;
  }

  showError(message: string, location?: ResultLocation, title?: string): void {
    const box = el('div', 'state error');
    box.setAttribute('role', 'alert');
    if (title) box.append(el('div', 'error-title', title));
    if (location) {
      const where = `${location.file}:${location.line}${location.column ? ':' + location.column : ''}`;
      const link = button(where, 'Open the model at this line', () => post({ type: 'reveal', location }));
      link.classList.add('location');
      box.append(link);
    }
    box.append(el('pre', 'error-message', message));
    this.app.replaceChildren(box);
    this.grid = undefined;
  }

  load(result: PreviewResult): void {
    // The server's answer to a sort or filter of the same preview: keep the toolbar (and the filter's focus).
    const requery = result.view !== undefined && this.grid?.root.isConnected === true && this.result?.sql === result.sql;
    this.result = result;
    try {
      this.model = modelFromIpc(base64ToBytes(result.arrow));
    } catch (e) {
      return this.showError(`Could not read the result: ${e instanceof Error ? e.message : String(e)}`, undefined, result.title);
    }
    this.index = new TextIndex(this.model);
    if (requery) {
      this.state = { ...fromResultView(result.view), filter: this.filterInput?.value ?? '' };
      this.refresh();
      this.showNotice('');
      return;
    }
    const saved = vscode.getState() as SavedState | undefined;
    const restore = saved?.key === resultKey(result) ? saved : undefined;
    this.state = restore?.view ?? (isServerSide(result) ? fromResultView(result.view) : { filter: '' });
    this.buildLayout(result);
    this.refresh();
    if (restore) this.grid!.root.scrollTop = restore.scrollTop;
    this.warmFilterIndex(this.index, this.model.columns.length);
  }

  /** Builds the filter's text index one column per idle slot, so the first keystroke is fast. */
  private warmFilterIndex(index: TextIndex, columns: number, next = 0): void {
    if (next >= columns || index !== this.index) return;
    const idle = (window as { requestIdleCallback?: (cb: () => void) => void }).requestIdleCallback ?? ((cb: () => void) => setTimeout(cb, 50));
    idle(() => {
      if (index !== this.index) return;
      index.column(next);
      this.warmFilterIndex(index, columns, next + 1);
    });
  }

  private saveState(): void {
    if (!this.result || !this.grid) return;
    const saved: SavedState = { key: resultKey(this.result), view: this.state, scrollTop: this.grid.root.scrollTop };
    vscode.setState(saved);
  }

  private buildLayout(result: PreviewResult): void {
    const model = this.model!;
    const toolbar = el('div', 'toolbar');
    const title = el('span', 'title', result.title);
    title.title = result.sql;
    const filter = el('input', 'filter');
    filter.type = 'search';
    filter.placeholder = 'Filter rows';
    filter.setAttribute('aria-label', 'Filter rows');
    filter.value = this.state.filter;
    const scope = el('select', 'filter-scope');
    scope.setAttribute('aria-label', 'Filter column');
    scope.append(new Option('All columns', ''));
    model.columns.forEach((c, i) => scope.append(new Option(c.name, String(i))));
    scope.value = this.state.filterColumn === undefined ? '' : String(this.state.filterColumn);
    const applyFilter = (): void => {
      this.state = { ...this.state, filter: filter.value, filterColumn: scope.value === '' ? undefined : Number(scope.value) };
      this.apply('Filtering');
    };
    filter.addEventListener('input', () => {
      clearTimeout(this.filterTimer);
      // The server re-runs the query per filter: wait for a pause in typing.
      this.filterTimer = setTimeout(applyFilter, isServerSide(result) ? 350 : 120);
    });
    scope.addEventListener('change', applyFilter);
    const actions = el('span', 'actions');
    // A limited result is exported by the server (every row, sorted and filtered as shown); a whole one from the grid.
    const full = isServerSide(result);
    const save = (format: ExportFormat, text: () => string): void =>
      post(full || format === 'parquet' ? { type: 'export', format, view: toResultView(this.state) } : { type: 'export', format, text: text() });
    const scopeText = full ? 'the full result (every row, sorted and filtered as shown)' : 'the shown rows';
    actions.append(
      button('Column stats', 'Null share, distinct count, min and max of each column, over the full result', () => {
        this.showNotice('Computing column statistics over the full result…');
        post({ type: 'stats' });
      }),
      button('Copy CSV', full ? 'Copy the rows shown in the grid as CSV' : 'Copy all shown rows as CSV', () => post({ type: 'copy', text: toCsv(this.model!, this.rows) })),
      button('CSV', `Export ${scopeText} to a CSV file`, () => save('csv', () => toCsv(this.model!, this.rows))),
      button('JSON', `Export ${scopeText} to a JSON file`, () => save('json', () => toJson(this.model!, this.rows))),
      button('Parquet', 'Export the full query result (sorted and filtered as shown) to a Parquet file', () => save('parquet', () => '')),
    );
    toolbar.append(title, filter, scope, actions);

    this.grid = new VirtualGrid({
      onSort: (column) => {
        const s = this.state.sort;
        const sort = s?.column !== column ? { column, descending: false } : s.descending ? undefined : { column, descending: true };
        this.state = { ...this.state, sort };
        this.apply('Sorting');
      },
      onCopy: (text) => post({ type: 'copy', text }),
    });
    let saveTimer: ReturnType<typeof setTimeout> | undefined;
    this.grid.root.addEventListener('scroll', () => {
      clearTimeout(saveTimer);
      saveTimer = setTimeout(() => this.saveState(), 200);
    });
    this.footer = el('div', 'footer');
    this.footer.setAttribute('role', 'status');
    this.notice = el('span', 'notice');
    this.filterInput = filter;
    this.app.replaceChildren(toolbar, this.grid.root, this.footer);
  }

  /** A new sort or filter: in the grid when it holds the whole result, else asked of the server over the full result. */
  private apply(what: string): void {
    if (!this.result || !isServerSide(this.result)) return this.refresh();
    this.showNotice(`${what} the full result…`);
    post({ type: 'query', view: toResultView(this.state) });
  }

  private refresh(): void {
    if (!this.model || !this.grid || !this.result) return;
    // Rows from the server come sorted and filtered already.
    this.rows = isServerSide(this.result) ? Uint32Array.from({ length: this.model.rowCount }, (_, i) => i) : viewRows(this.model, this.state, this.index);
    this.grid.setModel(this.model, this.rows, this.state.sort);
    const summary = resultSummary(this.result, this.rows.length);
    const text = el('span', 'summary' + (summary.limited ? ' truncated' : ''), summary.text);
    this.footer!.replaceChildren(text, this.notice!);
    this.saveState();
  }

  /** The statistics table above the grid (replacing an earlier one), for the result still shown. */
  showStats(sql: string, stats: ResultStats): void {
    if (!this.grid || this.result?.sql !== sql) return;
    this.app.querySelector('.stats')?.remove();
    const box = el('div', 'stats');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', 'Column statistics');
    const head = el('div', 'stats-head');
    head.append(el('span', 'stats-title', `Column statistics over all ${stats.rows.toLocaleString('en-US')} rows`), button('Close', 'Hide the column statistics', () => box.remove()));
    const table = el('table', 'stats-table');
    const header = table.createTHead().insertRow();
    for (const h of STATS_HEADERS) header.append(el('th', '', h));
    const body = table.createTBody();
    for (const row of statsRows(stats)) {
      const tr = body.insertRow();
      for (const cell of row) tr.append(el('td', '', cell));
    }
    box.append(head, table);
    this.grid.root.before(box);
    this.showNotice('');
  }

  showNotice(message: string): void {
    if (this.notice) this.notice.textContent = message;
  }
}

const view = new ResultsView();
window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const m = event.data;
  switch (m?.type) {
    case 'load': return view.load(m.result);
    case 'loading': return view.showLoading(m.title);
    case 'error': return view.showError(m.message, m.location, m.title);
    case 'notice': return view.showNotice(m.message);
    case 'stats': return view.showStats(m.sql, m.stats);
  }
});
post({ type: 'ready' });
