// The results webview's HTML (see webviewHtml.ts): rows arrive later as a message and are rendered as text.
import { webviewHtml, type WebviewAssets } from '../webviewHtml';

export type ResultsHtmlAssets = WebviewAssets;

export function resultsHtml(assets: ResultsHtmlAssets): string {
  return webviewHtml('Floe Results', assets, { images: true });
}
