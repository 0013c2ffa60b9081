// The lineage webview HTML: a strict CSP with a nonce, its two local assets, and no data or inline code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineageHtml } from '../../client/src/lineage/lineageHtml';

const base = 'https://file+.vscode-resource.vscode-cdn.net';
const assets = { cspSource: base, scriptUri: `${base}/ext/dist/media/lineage.js`, styleUri: `${base}/ext/dist/media/lineage.css` };

test('the CSP denies by default and allows only the nonce script and local styles', () => {
  const html = lineageHtml({ ...assets, nonce: 'n0nce' });
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
  assert.equal(csp, `default-src 'none'; script-src 'nonce-n0nce'; style-src ${base}; font-src ${base}`);
  assert.deepEqual([...html.matchAll(/<script([^>]*)>/g)].map((m) => m[1]), [` nonce="n0nce" src="${assets.scriptUri}"`]);
  assert.ok(html.includes(`<link rel="stylesheet" href="${assets.styleUri}">`));
  assert.ok(!/<style|\sstyle=|\son\w+=/i.test(html), 'no inline style or handler');
});

test('each page gets a fresh nonce, and asset URIs are escaped', () => {
  const a = /nonce-([^']+)'/.exec(lineageHtml(assets))?.[1];
  const b = /nonce-([^']+)'/.exec(lineageHtml(assets))?.[1];
  assert.ok(a && b && a !== b);
  const html = lineageHtml({ ...assets, scriptUri: `${base}/x.js?a="><script>` });
  assert.ok(html.includes('x.js?a=&quot;&gt;&lt;script&gt;'));
});
