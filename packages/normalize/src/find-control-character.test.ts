import { describe, expect, it } from 'vitest';
import { controlCharacterReason, findControlCharacter } from './find-control-character.ts';

describe('findControlCharacter', () => {
  it('finds NUL, the other C0 controls, DEL and the C1 controls', () => {
    expect(findControlCharacter('DUP\u0000ONT')).toBe(0);
    expect(findControlCharacter('a\u0007b\u0000')).toBe(7);
    for (const code of [1, 8, 0x0b, 0x0c, 0x0e, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f]) {
      expect(findControlCharacter(`x${String.fromCharCode(code)}y`), `U+${code}`).toBe(code);
    }
  });

  it('lets tab, line breaks and ordinary text through', () => {
    for (const text of ['a\tb', 'a\nb', 'a\r\nb', 'Hélène Œ €', '12\u00a0rue', 'N° 3', '']) {
      expect(findControlCharacter(text), JSON.stringify(text)).toBeNull();
    }
  });

  it('words the reason with the code point only', () => {
    expect(controlCharacterReason(0)).toBe('control character U+0000 in the field');
    expect(controlCharacterReason(0x9f)).toBe('control character U+009F in the field');
  });
});
