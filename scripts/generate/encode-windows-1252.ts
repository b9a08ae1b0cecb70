// Windows-1252 bytes 0x80–0x9F that are printable, by the Unicode character they encode.
const HIGH_CONTROL_RANGE = new Map<number, number>([
  [0x20ac, 0x80], // €
  [0x201a, 0x82], // ‚
  [0x0192, 0x83], // ƒ
  [0x201e, 0x84], // „
  [0x2026, 0x85], // …
  [0x2020, 0x86], // †
  [0x2021, 0x87], // ‡
  [0x02c6, 0x88], // ˆ
  [0x2030, 0x89], // ‰
  [0x0160, 0x8a], // Š
  [0x2039, 0x8b], // ‹
  [0x0152, 0x8c], // Œ
  [0x017d, 0x8e], // Ž
  [0x2018, 0x91], // ‘
  [0x2019, 0x92], // ’
  [0x201c, 0x93], // “
  [0x201d, 0x94], // ”
  [0x2022, 0x95], // •
  [0x2013, 0x96], // –
  [0x2014, 0x97], // —
  [0x02dc, 0x98], // ˜
  [0x2122, 0x99], // ™
  [0x0161, 0x9a], // š
  [0x203a, 0x9b], // ›
  [0x0153, 0x9c], // œ
  [0x017e, 0x9e], // ž
  [0x0178, 0x9f], // Ÿ
]);

/** The byte written for a character Windows-1252 cannot represent. */
export const WINDOWS_1252_REPLACEMENT = 0x3f; // ?

/**
 * Encodes text as Windows-1252 (TextEncoder only speaks UTF-8): ASCII and Latin-1
 * pass through, the 0x80–0x9F printable characters (€ œ Œ ’ …) use the table, and
 * anything else becomes `?` — callers keep their text inside the code page.
 *
 * @example
 * encodeWindows1252('Cœur 5 €') // Uint8Array [0x43, 0x9c, 0x75, 0x72, 0x20, 0x35, 0x20, 0x80]
 */
export function encodeWindows1252(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) bytes[index] = code;
    else bytes[index] = HIGH_CONTROL_RANGE.get(code) ?? WINDOWS_1252_REPLACEMENT;
  }
  return bytes;
}

/**
 * Whether every character of the text has a Windows-1252 byte.
 *
 * @example
 * isWindows1252Text('Lebœuf') // true
 */
export function isWindows1252Text(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code < 0x80 || (code >= 0xa0 && code <= 0xff)) continue;
    if (!HIGH_CONTROL_RANGE.has(code)) return false;
  }
  return true;
}
