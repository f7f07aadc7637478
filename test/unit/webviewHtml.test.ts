import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createNonce, editorCsp, renderEditorHtml } from '../../src/editor/webviewHtml';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const NONCE = 'AbCdEf0123456789_-xyz';
const OPTIONS = {
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview.js',
  styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/media/editor.css'],
  cspSource: CSP_SOURCE,
  nonce: NONCE,
};

function cspOf(html: string): string {
  const match = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(match, 'the page has a CSP meta tag');
  return match[1]!.replace(/&#39;|&apos;/g, "'");
}

test('the CSP is exactly the strict policy', () => {
  const csp = cspOf(renderEditorHtml(OPTIONS));
  assert.equal(csp,
    `default-src 'none'; img-src ${CSP_SOURCE} data: blob:; style-src ${CSP_SOURCE}; ` +
    `font-src ${CSP_SOURCE}; script-src 'nonce-${NONCE}'`);
  assert.equal(csp, editorCsp(CSP_SOURCE, NONCE));
});

test('the CSP allows nothing unsafe and nothing remote beyond the webview source', () => {
  const csp = cspOf(renderEditorHtml(OPTIONS));
  assert.doesNotMatch(csp, /unsafe-/);
  assert.doesNotMatch(csp, /(^|\s)\*(\s|;|$)/, 'no bare wildcard source');
  const withoutWebviewSource = csp.split(CSP_SOURCE).join('');
  assert.doesNotMatch(withoutWebviewSource, /https?:/);
  const directives = csp.split(';').map((d) => d.trim().split(/\s+/)[0]);
  assert.deepEqual(directives, ['default-src', 'img-src', 'style-src', 'font-src', 'script-src']);
});

test('every script tag carries the nonce and nothing is inline', () => {
  const html = renderEditorHtml(OPTIONS);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  for (const tag of scripts) {
    assert.match(tag, new RegExp(`nonce="${NONCE}"`));
    assert.match(tag, /src="/, 'scripts are external files');
  }
  assert.doesNotMatch(html, /<style\b/, 'no inline <style>');
  assert.doesNotMatch(html, /\sstyle="/, 'no style attributes');
  assert.doesNotMatch(html, /\son[a-z]+="/, 'no inline event handlers');
  assert.match(html, /<link rel="stylesheet" href="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/media\/editor\.css">/);
});

test('URIs are attribute-escaped and bad CSP sources or nonces are refused', () => {
  const html = renderEditorHtml({ ...OPTIONS, scriptUri: 'https://x/a.js?"><script>alert(1)</script>' });
  assert.doesNotMatch(html, /<script>alert/);
  assert.throws(() => renderEditorHtml({ ...OPTIONS, cspSource: "https://a; script-src 'unsafe-inline'" }), /single CSP source/);
  assert.throws(() => renderEditorHtml({ ...OPTIONS, nonce: "x' 'unsafe-eval" }), /nonce/);
});

test("VS Code server's source list (\"'self' https://*.vscode-cdn.net\") is used whole, and nothing that could inject is", () => {
  const server = "'self' https://*.vscode-cdn.net";
  const csp = cspOf(renderEditorHtml({ ...OPTIONS, cspSource: server }));
  assert.equal(csp,
    `default-src 'none'; img-src ${server} data: blob:; style-src ${server}; ` +
    `font-src ${server}; script-src 'nonce-${NONCE}'`);
  // Extra spaces are tidied, not refused.
  assert.equal(cspOf(renderEditorHtml({ ...OPTIONS, cspSource: `  'self'   https://*.vscode-cdn.net ` })), csp);
  for (const bad of [
    '', '   ', "'self'; script-src 'unsafe-inline'", "'self' https://a;", 'https://a,https://b', "'self'\nscript-src *",
    "'self'\thttps://a", "'unsafe-inline'", "'unsafe-eval' https://a", "'nonce-abc'", "'none'", '"self"', "https://a'", '*',
    "'self' 'strict-dynamic'", 'https://a\r\nX-Other: 1',
  ]) {
    assert.throws(() => renderEditorHtml({ ...OPTIONS, cspSource: bad }), /CSP source/, JSON.stringify(bad));
  }
});

test('createNonce returns distinct base64url values of 32 bytes', () => {
  const a = createNonce();
  const b = createNonce();
  assert.notEqual(a, b);
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
});
