import type { TDropReport } from './drop-report.ts';

// Control characters but tab and line feed. A jsonb column refuses U+0000 (and lone
// surrogates); the others only garble the text report.
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B-\u001F\u007F]/g;

/**
 * The report with every string made storable and printable: control characters become
 * U+FFFD and lone surrogates too. A report the control database refuses would leave its
 * drop `processing` forever, every retry failing the same way.
 *
 * @example
 * toStorableDropReport(report).rejection?.detail // 'bad \uFFFD byte', never 'bad \u0000 byte'
 */
export function toStorableDropReport(report: TDropReport): TDropReport {
  return toStorable(report) as TDropReport;
}

function toStorable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(CONTROL_CHARACTERS, '\uFFFD').toWellFormed();
  if (Array.isArray(value)) return value.map(toStorable);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toStorable(item)]));
  }
  return value;
}
