// The lineage webview: a toolbar (title, upstream/downstream depth, fit) over the graph, or a sentence when there is no
// graph (no model open, loading, the server's error). Talks to the extension only through typed messages.
import type {
  Depth, FromLineageWebview, LineageDepth, LineageView, ToLineageWebview,
} from '../../../server/src/protocol/lineage';
import { DEPTH_CHOICES } from '../../../client/src/lineage/lineageMessages';
import { GraphView } from './graphView';

interface VsCodeApi {
  postMessage(message: FromLineageWebview): void;
  /** Kept by VS Code across a window reload and handed to the extension's panel serializer. */
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: FromLineageWebview): void => vscode.postMessage(m);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function depthSelect(label: string, value: Depth, onChange: (d: Depth) => void): HTMLLabelElement {
  const wrap = el('label', 'depth', `${label} `);
  const select = el('select', 'depth-select');
  select.setAttribute('aria-label', `${label} depth`);
  for (const d of DEPTH_CHOICES) select.append(new Option(d === null ? 'all' : String(d), d === null ? 'all' : String(d)));
  select.value = value === null ? 'all' : String(value);
  // A depth the extension sent that the list lacks still shows.
  if (select.value === '' && value !== null) {
    select.append(new Option(String(value), String(value)));
    select.value = String(value);
  }
  select.addEventListener('change', () => onChange(select.value === 'all' ? null : Number(select.value)));
  wrap.append(select);
  return wrap;
}

class LineageApp {
  private readonly app = document.getElementById('app') ?? document.body.appendChild(el('div', 'app'));
  private graph?: GraphView;
  /** The view on screen, as JSON: a project change that leaves the graph as it was keeps the user's pan and zoom. */
  private shown?: string;

  constructor() {
    new ResizeObserver(() => this.graph?.fit()).observe(this.app);
  }

  show(view: LineageView): void {
    const key = JSON.stringify(view);
    if (key === this.shown && this.graph) return;
    this.shown = key;
    const toolbar = this.toolbar(view);
    if (view.state === 'graph' && view.nodes.length > 0) {
      const graph = new GraphView({
        open: (node) => post({ type: 'open', id: node.id }),
        focus: (node) => post({ type: 'focus', id: node.id }),
        columns: (node) => post({ type: 'columns', id: node.id }),
        column: (node, column) => post({ type: 'column', id: node.id, column }),
      });
      const stage = el('div', 'stage');
      stage.append(graph.root);
      this.app.replaceChildren(toolbar, stage);
      this.graph = graph;
      graph.show(view.nodes, view.edges);
      return;
    }
    this.graph = undefined;
    const text = view.state === 'loading' ? `Loading the lineage of ${view.title}…`
      : view.state === 'message' ? view.message
      : `${view.title} has no lineage.`;
    const box = el('div', `state ${view.state}`, text);
    box.setAttribute('role', view.state === 'message' ? 'alert' : 'status');
    this.app.replaceChildren(toolbar, box);
  }

  /** The answers to the column view's requests go to the graph on screen. */
  columns(m: Exclude<ToLineageWebview, { type: 'show' }>): void {
    if (!this.graph) return;
    if (m.type === 'columns') this.graph.setColumns(m.id, m.columns, m.problem && `lineage unknown: ${m.problem}`);
    else if (m.type === 'columnPaths') this.graph.setPaths(m.focus, m.edges, m.nodeColumns);
    else this.graph.setColumns(m.id, [], m.message);
  }

  private toolbar(view: LineageView): HTMLElement {
    const bar = el('div', 'toolbar');
    const depth: LineageDepth = { ...view.depth };
    const change = (): void => post({ type: 'depth', depth: { ...depth } });
    bar.append(
      el('span', 'title', view.title),
      depthSelect('Upstream', depth.upstream, (d) => { depth.upstream = d; change(); }),
      depthSelect('Downstream', depth.downstream, (d) => { depth.downstream = d; change(); }),
    );
    if (view.state === 'graph') {
      const fit = el('button', 'button', 'Fit');
      fit.type = 'button';
      fit.title = 'Show the whole graph';
      fit.addEventListener('click', () => this.graph?.fit());
      bar.append(fit, legend());
    }
    return bar;
  }
}

function legend(): HTMLElement {
  const box = el('span', 'legend');
  for (const layer of ['bronze', 'silver', 'gold']) {
    const item = el('span', `legend-item layer-${layer}`);
    item.append(el('span', 'swatch'), document.createTextNode(layer));
    box.append(item);
  }
  return box;
}

const app = new LineageApp();
window.addEventListener('message', (event: MessageEvent<ToLineageWebview>) => {
  const m = event.data;
  if (m?.type === 'columns' || m?.type === 'columnPaths' || m?.type === 'columnsError') return app.columns(m);
  if (m?.type !== 'show') return;
  if (m.restore) vscode.setState(m.restore);
  app.show(m.view);
});
post({ type: 'ready' });
