/**
 * A written report.html made ready for a VS Code webview: a strict Content-Security-Policy (no
 * remote anything: images only as data: URIs, the page's one style and one script by nonce)
 * and a fresh nonce on its <style> and <script> tags. The file itself carries no nonce (or an old
 * one, replaced here), so each panel load gets its own. Pure.
 *
 * Only the tags reportHtml.ts writes are touched: every text it writes is HTML-escaped, so no
 * case or file name can contain a `<script>` or `<style>` tag; the triage JSON block
 * (`<script type="application/json">`) is data, not run, and keeps no nonce.
 */

export function reportCsp(nonce: string): string {
  return `default-src 'none'; img-src data:; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none';`;
}

/** Throws when `html` is not a page reportHtml.ts wrote (no <head>). */
export function reportHtmlForWebview(html: string, nonce: string): string {
  if (!/^[A-Za-z0-9+/_=-]+$/.test(nonce)) throw new Error('the nonce must be base64 or base64url');
  const head = html.indexOf('<head>');
  if (head < 0 || !html.startsWith('<!DOCTYPE html>')) throw new Error('this is not a Mask Inspector report.html (no <head>)');
  const meta = `<meta http-equiv="Content-Security-Policy" content="${reportCsp(nonce)}">`;
  const withMeta = `${html.slice(0, head + 6)}${meta}${html.slice(head + 6)}`;
  return withMeta
    .replace(/<style(?: nonce="[^"]*")?>/g, `<style nonce="${nonce}">`)
    .replace(/<script(?: nonce="[^"]*")?>/g, `<script nonce="${nonce}">`);
}
