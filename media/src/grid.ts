// A virtualized grid: only the visible rows exist in the DOM, at a fixed row height.
// Hand-written because the grid libraries we looked at render cells through innerHTML or inject
// inline styles, which our CSP and text-only rule forbid; what we need here is small.
import type { ResultModel } from './model';
import { toTsv } from './exporting';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;
const MIN_WIDTH = 60;
const MAX_WIDTH = 420;
const CHAR_WIDTH = 7.5;

export interface GridCallbacks {
  /** The user asked to sort by a column (cycles ascending, descending, none). */
  onSort(column: number): void;
  onCopy(text: string): void;
}

interface Cell {
  row: number; // position in the view, not the model row
  col: number;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export class VirtualGrid {
  readonly root: HTMLDivElement;
  private readonly header: HTMLDivElement;
  private readonly spacer: HTMLDivElement;
  private readonly body: HTMLDivElement;
  private readonly pool: HTMLDivElement[] = [];
  private model: ResultModel = { columns: [], rowCount: 0 };
  private rows: Uint32Array = new Uint32Array();
  private widths: number[] = [];
  private anchor: Cell = { row: 0, col: 0 };
  private focus: Cell = { row: 0, col: 0 };
  private sort?: { column: number; descending: boolean };
  private frame = 0;

  constructor(private readonly callbacks: GridCallbacks) {
    this.root = el('div', 'grid');
    this.root.tabIndex = 0;
    this.root.setAttribute('role', 'grid');
    this.header = el('div', 'grid-header');
    this.header.setAttribute('role', 'row');
    this.spacer = el('div', 'grid-spacer');
    this.body = el('div', 'grid-body');
    this.spacer.append(this.body);
    this.root.append(this.header, this.spacer);
    this.root.addEventListener('scroll', () => this.schedule());
    this.root.addEventListener('keydown', (e) => this.onKey(e));
    this.body.addEventListener('mousedown', (e) => this.onMouse(e));
    new ResizeObserver(() => this.schedule()).observe(this.root);
  }

  /** Shows a model's rows in the given order; keeps the scroll position when only the order changed. */
  setModel(model: ResultModel, rows: Uint32Array, sort?: { column: number; descending: boolean }): void {
    const fresh = model !== this.model;
    this.model = model;
    this.rows = rows;
    this.sort = sort;
    if (fresh) {
      this.widths = model.columns.map((_, c) => this.measure(c));
      this.anchor = this.focus = { row: 0, col: 0 };
      this.root.scrollTop = 0;
      for (const r of this.pool) r.remove();
      this.pool.length = 0;
    }
    this.clampSelection();
    this.renderHeader();
    this.root.setAttribute('aria-rowcount', String(rows.length + 1));
    this.root.setAttribute('aria-colcount', String(model.columns.length));
    this.spacer.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.spacer.style.width = `${this.totalWidth()}px`;
    this.render();
  }

  /** The selected cells as TSV; several rows get a header line. */
  selectionText(): string {
    const [r0, r1, c0, c1] = this.range();
    const rows = Array.from(this.rows.subarray(r0, r1 + 1));
    const cols = Array.from({ length: c1 - c0 + 1 }, (_, i) => c0 + i);
    return toTsv(this.model, rows, cols, rows.length > 1 && cols.length > 1);
  }

  private range(): [number, number, number, number] {
    return [
      Math.min(this.anchor.row, this.focus.row), Math.max(this.anchor.row, this.focus.row),
      Math.min(this.anchor.col, this.focus.col), Math.max(this.anchor.col, this.focus.col),
    ];
  }

  /** Column width from the header and a sample of rows, measured in the grid's own font. */
  private measure(c: number): number {
    const col = this.model.columns[c];
    const ctx = this.measureContext();
    const width = (s: string): number => (ctx ? ctx.measureText(s).width : s.length * CHAR_WIDTH);
    let widest = Math.max(width(col.name + ' ▼') + 4, width(col.type) * 0.9);
    const n = this.model.rowCount;
    const step = Math.max(1, Math.floor(n / 200));
    for (let r = 0; r < Math.min(n, 100); r++) widest = Math.max(widest, width(col.text(r) ?? 'NULL'));
    for (let r = 0; r < n; r += step) widest = Math.max(widest, width(col.text(r) ?? 'NULL'));
    return Math.ceil(Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widest + 14)));
  }

  private context?: CanvasRenderingContext2D | null;
  private measureContext(): CanvasRenderingContext2D | null {
    if (this.context === undefined) {
      this.context = document.createElement('canvas').getContext('2d');
      if (this.context) {
        const probe = el('div', 'cell');
        this.body.append(probe);
        this.context.font = getComputedStyle(probe).font;
        probe.remove();
      }
    }
    return this.context;
  }

  private rowNumberWidth(): number {
    return Math.max(40, String(this.rows.length).length * CHAR_WIDTH + 16);
  }

  private totalWidth(): number {
    return this.widths.reduce((a, b) => a + b, this.rowNumberWidth());
  }

  private renderHeader(): void {
    const cells: HTMLElement[] = [];
    const corner = el('div', 'cell rownum');
    corner.style.width = `${this.rowNumberWidth()}px`;
    cells.push(corner);
    this.model.columns.forEach((col, c) => {
      const cell = el('div', 'cell head' + (col.numeric ? ' num' : ''));
      cell.style.width = `${this.widths[c]}px`;
      cell.setAttribute('role', 'columnheader');
      cell.title = `${col.name} ${col.type} — click to sort`;
      const sorted = this.sort?.column === c;
      cell.setAttribute('aria-sort', sorted ? (this.sort!.descending ? 'descending' : 'ascending') : 'none');
      const name = el('span', 'name', col.name);
      const arrow = el('span', 'sort', sorted ? (this.sort!.descending ? ' ▼' : ' ▲') : '');
      const type = el('span', 'type', col.type);
      cell.append(name, arrow, type);
      cell.addEventListener('click', () => this.callbacks.onSort(c));
      cells.push(cell);
    });
    this.header.replaceChildren(...cells);
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Fills the pooled row elements for the rows in view. */
  private render(): void {
    const height = this.root.clientHeight || 600;
    const first = Math.max(0, Math.floor(this.root.scrollTop / ROW_HEIGHT) - OVERSCAN);
    const count = Math.min(this.rows.length - first, Math.ceil(height / ROW_HEIGHT) + 2 * OVERSCAN);
    while (this.pool.length < Math.max(0, count)) this.pool.push(this.makeRow());
    const [r0, r1, c0, c1] = this.range();
    const numWidth = `${this.rowNumberWidth()}px`;
    for (let i = 0; i < this.pool.length; i++) {
      const rowEl = this.pool[i];
      if (i >= count) {
        rowEl.hidden = true;
        continue;
      }
      const pos = first + i;
      const modelRow = this.rows[pos];
      rowEl.hidden = false;
      rowEl.style.top = `${pos * ROW_HEIGHT}px`;
      rowEl.dataset.row = String(pos);
      rowEl.setAttribute('aria-rowindex', String(pos + 2));
      const cells = rowEl.children as HTMLCollectionOf<HTMLElement>;
      cells[0].textContent = String(pos + 1);
      cells[0].style.width = numWidth;
      for (let c = 0; c < this.model.columns.length; c++) {
        const cell = cells[c + 1];
        const col = this.model.columns[c];
        const text = col.text(modelRow);
        cell.textContent = text ?? 'NULL';
        cell.style.width = `${this.widths[c]}px`;
        const selected = pos >= r0 && pos <= r1 && c >= c0 && c <= c1;
        const focused = pos === this.focus.row && c === this.focus.col;
        cell.className = 'cell' + (col.numeric ? ' num' : '') + (text === null ? ' null' : '') + (selected ? ' selected' : '') + (focused ? ' focused' : '');
      }
    }
  }

  private makeRow(): HTMLDivElement {
    const row = el('div', 'row');
    row.setAttribute('role', 'row');
    row.append(el('div', 'cell rownum'));
    for (let c = 0; c < this.model.columns.length; c++) {
      const cell = el('div', 'cell');
      cell.setAttribute('role', 'gridcell');
      cell.dataset.col = String(c);
      row.append(cell);
    }
    this.body.append(row);
    return row;
  }

  private onMouse(e: MouseEvent): void {
    const target = e.target as HTMLElement;
    const rowEl = target.closest('.row') as HTMLElement | null;
    if (!rowEl) return;
    const row = Number(rowEl.dataset.row);
    const wholeRow = target.classList.contains('rownum');
    const col = wholeRow ? 0 : Number(target.dataset.col ?? 0);
    if (e.shiftKey) this.focus = { row, col: wholeRow ? this.model.columns.length - 1 : col };
    else {
      this.anchor = { row, col };
      this.focus = { row, col: wholeRow ? this.model.columns.length - 1 : col };
    }
    this.root.focus();
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === 'c') {
      e.preventDefault();
      this.callbacks.onCopy(this.selectionText());
      return;
    }
    if (mod && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      this.anchor = { row: 0, col: 0 };
      this.focus = { row: this.rows.length - 1, col: this.model.columns.length - 1 };
      this.render();
      return;
    }
    const page = Math.max(1, Math.floor(this.root.clientHeight / ROW_HEIGHT) - 2);
    const moves: Record<string, [number, number]> = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      PageUp: [-page, 0], PageDown: [page, 0],
      Home: mod ? [-Infinity, -Infinity] : [0, -Infinity], End: mod ? [Infinity, Infinity] : [0, Infinity],
    };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    const next = {
      row: clamp(this.focus.row + move[0], 0, this.rows.length - 1),
      col: clamp(this.focus.col + move[1], 0, this.model.columns.length - 1),
    };
    this.focus = next;
    if (!e.shiftKey) this.anchor = next;
    this.scrollIntoView(next);
    this.render();
  }

  private scrollIntoView(cell: Cell): void {
    const top = cell.row * ROW_HEIGHT;
    const headerHeight = this.header.offsetHeight;
    if (top < this.root.scrollTop) this.root.scrollTop = top;
    else if (top + ROW_HEIGHT > this.root.scrollTop + this.root.clientHeight - headerHeight) {
      this.root.scrollTop = top + ROW_HEIGHT - this.root.clientHeight + headerHeight;
    }
    let left = this.rowNumberWidth();
    for (let c = 0; c < cell.col; c++) left += this.widths[c];
    const right = left + (this.widths[cell.col] ?? 0);
    if (left - this.rowNumberWidth() < this.root.scrollLeft) this.root.scrollLeft = left - this.rowNumberWidth();
    else if (right > this.root.scrollLeft + this.root.clientWidth) this.root.scrollLeft = right - this.root.clientWidth;
  }

  private clampSelection(): void {
    const maxRow = Math.max(0, this.rows.length - 1);
    const maxCol = Math.max(0, this.model.columns.length - 1);
    const fix = (c: Cell): Cell => ({ row: clamp(c.row, 0, maxRow), col: clamp(c.col, 0, maxCol) });
    this.anchor = fix(this.anchor);
    this.focus = fix(this.focus);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
