/**
 * Control characters a member file's field may not hold: the C0 controls but TAB, LF
 * and CR (NUL, BEL, ESC, vertical tab, form feed…), DEL and the C1 controls
 * (U+0080–U+009F, which Windows-1252 text shows only as undefined bytes and UTF-8 text
 * only after a wrong decoding). None is text: stored, they would travel unseen into
 * deliveries and exports, and NUL cuts C strings short in the tools that read them.
 * (LF and CR are data only inside quotes; the CSV scanner rules on them.)
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is its purpose.
export const CONTROL_CHARACTER = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]/;

/**
 * The code point of the first control character in `value` a field may not hold
 * (`CONTROL_CHARACTER`), or null when there is none.
 *
 * @example
 * findControlCharacter('DUP\u0000ONT') // 0
 */
export function findControlCharacter(value: string): number | null {
  const found = CONTROL_CHARACTER.exec(value);
  return found ? (found[0].codePointAt(0) ?? null) : null;
}

/**
 * Why a field holding a control character is refused, naming the character by its
 * code point only (never the field's text).
 *
 * @example
 * controlCharacterReason(0) // 'control character U+0000 in the field'
 */
export function controlCharacterReason(codePoint: number): string {
  return `control character U+${codePoint.toString(16).toUpperCase().padStart(4, '0')} in the field`;
}

/**
 * One issue per field of `row` holding a control character (`CONTROL_CHARACTER`):
 * the column and the reason, never the value.
 *
 * @example
 * controlCharacterIssues({ last_name: 'A\u0000' }) // [{ column: 'last_name', reason: 'control character U+0000 in the field' }]
 */
export function controlCharacterIssues(
  row: Readonly<Record<string, string | undefined>>,
): { column: string; reason: string }[] {
  const issues: { column: string; reason: string }[] = [];
  for (const [column, value] of Object.entries(row)) {
    const codePoint = value === undefined ? null : findControlCharacter(value);
    if (codePoint !== null) issues.push({ column, reason: controlCharacterReason(codePoint) });
  }
  return issues;
}
