/**
 * Formats label/value pairs as a two-column text table with a title, for the
 * demo's closing summary.
 *
 * @example
 * formatSummaryTable('Summary', [['files accepted', '8 / 8'], ['persons', '2104']]);
 */
export function formatSummaryTable(
  title: string,
  rows: readonly (readonly [string, string | number])[],
): string {
  const labelWidth = Math.max(title.length, ...rows.map(([label]) => label.length));
  const valueWidth = Math.max(0, ...rows.map(([, value]) => String(value).length));
  const rule = `+${'-'.repeat(labelWidth + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  const line = (label: string, value: string) =>
    `| ${label.padEnd(labelWidth)} | ${value.padStart(valueWidth)} |`;
  return [
    rule,
    line(title, ''),
    rule,
    ...rows.map(([label, value]) => line(label, String(value))),
    rule,
  ].join('\n');
}
