// The results webview's HTML: a strict CSP with a fresh nonce, local assets only, and no data at all
// (rows arrive later as a message and are rendered as text by the script).
import { randomBytes } from 'node:crypto';

export interface ResultsHtmlAssets {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of dist/media/results.js */
  scriptUri: string;
  /** asWebviewUri of dist/media/results.css */
  styleUri: string;
  nonce?: string;
}

/** A fresh random CSP nonce. */
export function makeNonce(): string {
  return randomBytes(18).toString('base64');
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function resultsHtml(assets: ResultsHtmlAssets): string {
  const nonce = assets.nonce ?? makeNonce();
  const src = attr(assets.cspSource);
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${src}`,
    `img-src ${src} data:`,
    `font-src ${src}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(assets.styleUri)}">
<title>Floe Results</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${attr(assets.scriptUri)}"></script>
</body>
</html>
`;
}
