/**
 * The compare editor's HTML page. Pure: the host passes webview URIs and the CSP source, so
 * this module needs no `vscode` import and can be unit-tested (test/unit/webviewHtml.test.ts)
 * and served to a real browser in the e2e tests.
 */
import { randomBytes } from 'node:crypto';

export interface EditorHtmlOptions {
  /** webview.asWebviewUri of dist/webview.js. */
  readonly scriptUri: string;
  /** webview.asWebviewUri of each stylesheet (media/editor.css). */
  readonly styleUris: readonly string[];
  /**
   * webview.cspSource: the only sources styles, fonts and images may come from. One source
   * expression or a space-separated list of them, as VS Code gives it (desktop:
   * "https://*.vscode-cdn.net"; its server and web builds: "'self' https://*.vscode-cdn.net").
   */
  readonly cspSource: string;
  /** A fresh value per page load, from createNonce(). */
  readonly nonce: string;
}

/** 32 random bytes as base64url: unguessable, and valid both in an attribute and in a CSP source. */
export function createNonce(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The policy. No 'unsafe-inline' for styles: lit and @vscode-elements inject theirs through
 * constructable stylesheets (adoptedStyleSheets) and set element styles through the CSSOM,
 * neither of which style-src restricts. No connect-src: the page talks to the host only by
 * postMessage.
 */
export function editorCsp(cspSource: string, nonce: string): string {
  return [
    `default-src 'none'`,
    `img-src ${cspSource} data: blob:`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function renderEditorHtml(opts: EditorHtmlOptions): string {
  assertCspSourceList(opts.cspSource, 'cspSource');
  const cspSources = opts.cspSource.trim().split(/ +/).join(' ');
  if (!/^[A-Za-z0-9_-]+$/.test(opts.nonce)) {
    throw new Error('renderEditorHtml: the nonce must be base64url characters only (use createNonce())');
  }
  const styles = opts.styleUris
    .map((uri) => `    <link rel="stylesheet" href="${escapeAttribute(uri)}">`)
    .join('\n');
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(editorCsp(cspSources, opts.nonce))}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>Mask Inspector</title>
  </head>
  <body>
    <main id="app" aria-busy="true">
      <p class="mi-placeholder">Loading Mask Inspector…</p>
    </main>
    <script nonce="${opts.nonce}" src="${escapeAttribute(opts.scriptUri)}"></script>
  </body>
</html>
`;
}

/** Quoted keywords a webview's source list may hold; anything else quoted ('unsafe-…', nonces) is refused. */
const QUOTED_KEYWORDS = new Set(["'self'"]);

/**
 * Source expressions separated by single spaces, each a single CSP source expression: no ';' or
 * ',' (another directive or policy), no quote except the keyword 'self', no other whitespace or
 * control character (a newline would end the header value), nothing the page would not need.
 */
function assertCspSourceList(value: string, name: string): void {
  const refuse = (why: string): never => {
    throw new Error(`renderEditorHtml: ${name} must be a single CSP source expression or a space-separated list of them (${why}), got ${JSON.stringify(value)}`);
  };
  if (value.trim().length === 0) refuse('it is empty');
  if (/[\u0000-\u001f\u007f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]/.test(value)) {
    refuse('only plain spaces may separate sources');
  }
  for (const token of value.trim().split(/ +/)) {
    if (/[;,]/.test(token)) refuse(`"${token}" would start another directive`);
    if (/['"]/.test(token) && !QUOTED_KEYWORDS.has(token)) refuse(`"${token}" is not a source this page allows`);
    if (token === '*' || /^'?(unsafe-|nonce-|sha\d+-|strict-dynamic)/i.test(token)) refuse(`"${token}" would weaken the policy`);
  }
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
