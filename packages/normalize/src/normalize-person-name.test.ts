import { describe, expect, it } from 'vitest';
import { normalizePersonName } from './normalize-person-name.ts';
import { phoneticKey } from './phonetic-key.ts';

function display(raw: string): string | undefined {
  return normalizePersonName(raw)?.display;
}

function match(raw: string): string | undefined {
  return normalizePersonName(raw)?.match;
}

describe('normalizePersonName', () => {
  it('returns null for a blank name or one without letters or digits', () => {
    expect(normalizePersonName('')).toBeNull();
    expect(normalizePersonName(' \t\u00a0 ')).toBeNull();
    expect(normalizePersonName(' - ')).toBeNull();
  });

  it('title-cases names typed all upper or all lower case, the French way', () => {
    expect(display('JEAN-PIERRE')).toBe('Jean-Pierre');
    expect(display("N'DIAYE")).toBe("N'Diaye");
    expect(display('DE LA FONTAINE')).toBe('de La Fontaine');
    expect(display('LE GALL')).toBe('Le Gall');
    expect(display("D'ARTAGNAN")).toBe("d'Artagnan");
    expect(display('d’estaing')).toBe('d’Estaing');
    expect(display('DU BELLAY')).toBe('du Bellay');
    expect(display('des roches')).toBe('des Roches');
    expect(display('ÉLODIE')).toBe('Élodie');
    expect(display('MARIE-ÈVE')).toBe('Marie-Ève');
    expect(display("O'BRIEN")).toBe("O'Brien");
    expect(display('SAINT-EXUPÉRY')).toBe('Saint-Exupéry');
    expect(display('jean de la fontaine')).toBe('Jean de La Fontaine');
  });

  it('keeps a particle that is the whole name capitalised', () => {
    expect(display('DE')).toBe('De');
    expect(display('DU')).toBe('Du');
  });

  it('keeps mixed-case names as typed, only trimmed and collapsed', () => {
    expect(display('  McDonald ')).toBe('McDonald');
    expect(display('de  La\u00a0Fontaine')).toBe('de La Fontaine');
    expect(display('DiCaprio')).toBe('DiCaprio');
    expect(display('Le Gall')).toBe('Le Gall');
  });

  it('lets particle, apostrophe and hyphen variants meet on the match key', () => {
    for (const raw of ['de la Fontaine', 'DELAFONTAINE', 'De Lafontaine', 'de La Fontaine']) {
      expect(match(raw)).toBe('DELAFONTAINE');
    }
    for (const raw of ["N'Diaye", 'NDIAYE', 'N DIAYE', 'N’Diaye', 'n-diaye']) {
      expect(match(raw)).toBe('NDIAYE');
    }
    expect(match('Le Gall')).toBe('LEGALL');
    expect(match('LEGALL')).toBe('LEGALL');
    expect(match('Jean-Pierre')).toBe('JEANPIERRE');
    expect(match('JEAN PIERRE')).toBe('JEANPIERRE');
    expect(match('Hélène')).toBe('HELENE');
    expect(match('Lætitia')).toBe('LAETITIA');
  });

  it('carries the phonetic key of the match key', () => {
    const name = normalizePersonName('Dupond');
    expect(name?.phonetic).toBe(phoneticKey('DUPOND'));
    expect(name?.phonetic).toBe(normalizePersonName('DUPONT')?.phonetic);
    expect(normalizePersonName('Gauthier')?.phonetic).toBe(
      normalizePersonName('GAUTIER')?.phonetic,
    );
  });

  it('returns the same result for a name already normalised', () => {
    const first = normalizePersonName('JEAN-BAPTISTE DE LA SALLE');
    expect(first?.display).toBe('Jean-Baptiste de La Salle');
    expect(normalizePersonName(first?.display ?? '')).toEqual(first);
  });
});
