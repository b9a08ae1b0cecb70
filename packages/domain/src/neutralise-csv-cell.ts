// OWASP "CSV Injection": a spreadsheet reads a cell starting with one of these as a
// formula (or, for TAB and CR, a cell a formula can hide behind). A leading
// apostrophe makes Excel, LibreOffice and Google Sheets show the text as typed.
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r']);

/**
 * Makes a CSV cell safe to open in a spreadsheet: a value starting with `=`, `+`,
 * `-`, `@`, TAB or CR gets a leading `'`; any other value is returned unchanged.
 *
 * @example
 * neutraliseCsvCell('=HYPERLINK("http://x")') // `'=HYPERLINK("http://x")`
 * neutraliseCsvCell('DUPONT') // 'DUPONT'
 */
export function neutraliseCsvCell(value: string): string {
  return FORMULA_TRIGGERS.has(value.charAt(0)) ? `'${value}` : value;
}

/**
 * One RFC 4180 CSV cell, neutralised first: quoted (inner quotes doubled) when it
 * holds a quote, a comma or a line break. The one cell writer of every CSV the
 * platform hands out (deliveries, audit exports, the register).
 *
 * @example
 * formatCsvCell('=1+1') // "'=1+1"
 * formatCsvCell('a,b') // '"a,b"'
 */
export function formatCsvCell(value: string): string {
  const safe = neutraliseCsvCell(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
