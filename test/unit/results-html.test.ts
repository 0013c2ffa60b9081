// The results webview HTML: strict CSP with a fresh nonce, only nonce'd external scripts, no data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resultsHtml } from '../../client/src/results/resultsHtml';

const assets = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/results.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/media/results.css',
};

function csp(html: string): Map<string, string> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'CSP meta tag present');
  return new Map(m[1].split(';').map((d) => d.trim().split(/\s+(.*)/s).slice(0, 2) as [string, string]));
}

test('the CSP denies by default and allows only nonce scripts and local styles', () => {
  const html = resultsHtml({ ...assets, nonce: 'abc123' });
  const policy = csp(html);
  assert.equal(policy.get('default-src'), "'none'");
  assert.equal(policy.get('script-src'), "'nonce-abc123'");
  assert.equal(policy.get('style-src'), assets.cspSource);
  assert.equal(policy.get('img-src'), `${assets.cspSource} data:`);
  assert.equal(policy.get('font-src'), assets.cspSource);
  assert.ok(!/unsafe-inline|unsafe-eval|\*/.test([...policy.values()].join(' ')));
});

test('every script tag carries the nonce and loads a local file; there is no inline script or style', () => {
  const html = resultsHtml({ ...assets, nonce: 'n0nce' });
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  assert.equal(scripts.length, 1);
  for (const [, attrs, body] of scripts) {
    assert.match(attrs, /nonce="n0nce"/);
    assert.match(attrs, new RegExp(`src="${assets.scriptUri.replace(/[.+]/g, '\\$&')}"`));
    assert.equal(body.trim(), '');
  }
  assert.ok(!/<style|style="/i.test(html));
  assert.ok(!/https?:\/\/(?!file\+\.vscode-resource)/.test(html), 'no remote resources');
});

test('each load gets a fresh nonce', () => {
  const nonces = new Set(Array.from({ length: 20 }, () => /'nonce-([^']+)'/.exec(resultsHtml(assets))![1]));
  assert.equal(nonces.size, 20);
  for (const n of nonces) assert.ok(n.length >= 16);
});

test('hostile text in asset URIs cannot break out of attributes; the template takes no row data', () => {
  const hostile = '"><img src=x onerror=alert(1)></script><script>alert(2)</script>';
  const html = resultsHtml({ cspSource: assets.cspSource, scriptUri: hostile, styleUri: hostile, nonce: 'n' });
  assert.ok(!html.includes('<img'));
  assert.equal([...html.matchAll(/<script/g)].length, 1);
  assert.equal(resultsHtml.length, 1, 'assets only: rows travel as a message and are set with textContent');
});
