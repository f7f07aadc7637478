/**
 * The one CSV writer (compare --format csv, cases.csv, slices.csv, the triage export): RFC 4180
 * quoting, and OWASP's CSV-injection defence for text. A cell a spreadsheet would run as a
 * formula — text starting with `=`, `+`, `-`, `@`, tab or carriage return (a case name, a path,
 * a triage note) — gets a leading `'` and is quoted, so it is shown as text, never evaluated.
 * Numbers are written as numbers (a loss of -0.5 stays a number); non-finite ones as empty.
 */
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return text !== value || /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly CsvValue[]): string {
  return cells.map(csvField).join(',') + '\n';
}
