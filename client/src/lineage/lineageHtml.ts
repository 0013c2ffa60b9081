// The lineage webview's HTML: a strict CSP with a fresh nonce, local assets only, and no data (the graph arrives as a
// message and is drawn as SVG with text nodes by the script).
import { makeNonce } from '../results/resultsHtml';

export interface LineageHtmlAssets {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/media/lineage.js */
  scriptUri: string;
  /** asWebviewUri of dist/media/lineage.css */
  styleUri: string;
  nonce?: string;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function lineageHtml(assets: LineageHtmlAssets): string {
  const nonce = assets.nonce ?? makeNonce();
  const src = attr(assets.cspSource);
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src ${src}`, `font-src ${src}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(assets.styleUri)}">
<title>Floe Lineage</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${attr(assets.scriptUri)}"></script>
</body>
</html>
`;
}
