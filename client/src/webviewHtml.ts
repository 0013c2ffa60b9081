// The HTML every Floe webview starts from: a strict CSP with a fresh nonce, local assets only, and no data (data
// arrives later as a message and the page's script renders it as text).
import { randomBytes } from 'node:crypto';

export interface WebviewAssets {
  /** webview.cspSource */
  cspSource: string;
  /** asWebviewUri of the page's script in dist/media */
  scriptUri: string;
  /** asWebviewUri of its stylesheet in dist/media */
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

/** The page: `title`, an empty #app, the stylesheet and the nonce'd script; `images` also allows local and data: images. */
export function webviewHtml(title: string, assets: WebviewAssets, options: { images?: boolean } = {}): string {
  const nonce = assets.nonce ?? makeNonce();
  const src = attr(assets.cspSource);
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${src}`,
    ...(options.images ? [`img-src ${src} data:`] : []),
    `font-src ${src}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(assets.styleUri)}">
<title>${attr(title)}</title>
</head>
<body>
<div id="app"></div>
<script nonce="${nonce}" src="${attr(assets.scriptUri)}"></script>
</body>
</html>
`;
}
