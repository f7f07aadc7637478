/**
 * Escaping text for the places it is shown. One definition each, used by the host, the reports
 * and the webviews.
 */

/** Text inside HTML elements and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A file name or message for a one-line terminal or log message: control characters (newlines,
 * ESC of an OSC/CSI sequence, DEL, C1) become visible escapes, so a crafted case name can neither
 * split an `error:` line nor drive the terminal.
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** Multi-line text for a terminal: each line's control characters escaped, the line breaks kept. */
export function terminalText(text: string): string {
  return text.split('\n').map(escapeControl).join('\n');
}
