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
  /** webview.cspSource: the only origin scripts' resources, styles, fonts and images may come from. */
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
  assertCspToken(opts.cspSource, 'cspSource');
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
    <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(editorCsp(opts.cspSource, opts.nonce))}">
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

/** A CSP source must be one token: a space or ';' would let a caller smuggle in another directive. */
function assertCspToken(value: string, name: string): void {
  if (value.length === 0 || /[\s;,'"]/.test(value)) {
    throw new Error(`renderEditorHtml: ${name} must be a single CSP source expression, got ${JSON.stringify(value)}`);
  }
}

function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/"/g, '&quot;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
