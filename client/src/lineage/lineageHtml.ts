// The lineage webview's HTML (see webviewHtml.ts): the graph arrives as a message and is drawn as SVG with text nodes.
import { webviewHtml, type WebviewAssets } from '../webviewHtml';

export type LineageHtmlAssets = WebviewAssets;

export function lineageHtml(assets: LineageHtmlAssets): string {
  return webviewHtml('Floe Lineage', assets);
}
