import { describe, expect, it } from 'vitest';
import { encodeWindows1252, isWindows1252Text } from './encode-windows-1252.ts';
import { STREET_NAMES } from './french-addresses.ts';
import { FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, SURNAMES } from './french-names.ts';

describe('encodeWindows1252', () => {
  it('round-trips every character of the code page through TextDecoder', () => {
    const decoder = new TextDecoder('windows-1252');
    // 0x81, 0x8D, 0x8F, 0x90, 0x9D have no character in Windows-1252.
    const bytes = Uint8Array.from({ length: 256 }, (_, byte) => byte).filter(
      (byte) => ![0x81, 0x8d, 0x8f, 0x90, 0x9d].includes(byte),
    );
    const text = decoder.decode(bytes);
    expect([...encodeWindows1252(text)]).toEqual([...bytes]);
    expect(isWindows1252Text(text)).toBe(true);
  });

  it('writes French names as single bytes and replaces what the code page lacks', () => {
    expect([...encodeWindows1252('Lebœuf é €')]).toEqual([
      0x4c, 0x65, 0x62, 0x9c, 0x75, 0x66, 0x20, 0xe9, 0x20, 0x80,
    ]);
    expect([...encodeWindows1252('Ł')]).toEqual([0x3f]);
    expect(isWindows1252Text('Łódź')).toBe(false);
  });

  it('can write every name and street of the vocabularies', () => {
    for (const text of [...FEMALE_FIRST_NAMES, ...MALE_FIRST_NAMES, ...SURNAMES, ...STREET_NAMES])
      expect(isWindows1252Text(text)).toBe(true);
  });
});
