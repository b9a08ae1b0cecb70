import { describe, expect, it } from 'vitest';
import { birthDatesCompatible, firstNamesCompatible, identityConflict } from './identity-guard.ts';

describe('identityConflict', () => {
  const base = { civility: 'M' as const, firstNameKey: 'PAUL', birthDate: '1960-02-01' };

  it('separates father and son with the same name (different birth dates)', () => {
    expect(identityConflict(base, { ...base, birthDate: '1988-02-01' })).toBe(true);
    expect(identityConflict(base, { ...base, birthDate: '1980-02-01' })).toBe(true);
  });

  it('separates twins and couples (different first names or civilities)', () => {
    expect(identityConflict(base, { ...base, firstNameKey: 'PIERRE' })).toBe(true);
    expect(identityConflict(base, { ...base, civility: 'MME', firstNameKey: 'PAULE' })).toBe(true);
  });

  it('separates a couple or twins whose first names are a name and its feminine form, with no civility', () => {
    const couple = { civility: null, birthDate: null };
    expect(
      identityConflict(
        { ...couple, firstNameKey: 'MICHEL' },
        { ...couple, firstNameKey: 'MICHELE' },
      ),
    ).toBe(true);
    expect(
      identityConflict(
        { civility: 'M', firstNameKey: 'LOUIS', birthDate: '2001-05-05' },
        { civility: null, firstNameKey: 'LOUISE', birthDate: '2001-05-05' },
      ),
    ).toBe(true);
  });

  it('tolerates typos, initials and missing values, not shortened compound names', () => {
    expect(identityConflict(base, { ...base, firstNameKey: 'PAOL' })).toBe(false);
    expect(identityConflict(base, { ...base, firstNameKey: 'P' })).toBe(false);
    expect(identityConflict(base, { civility: null, firstNameKey: null, birthDate: null })).toBe(
      false,
    );
    expect(
      identityConflict({ ...base, firstNameKey: 'JEAN' }, { ...base, firstNameKey: 'JEANPIERRE' }),
    ).toBe(true);
    expect(identityConflict(base, { ...base, birthDate: '1960-01-02' })).toBe(false);
  });
});

describe('firstNamesCompatible', () => {
  it.each([
    ['MARIE', 'MARIA', true],
    ['NATHALIE', 'NATAHLIE', true],
    ['CHRISTOPHE', 'CRISTOPHE', true],
    ['LUC', 'LUCAS', false],
    ['JEAN', 'JEANFRANCOIS', false],
    ['EMMA', 'LEA', false],
    ['THOMAS', 'THEO', false],
    // A name and its other-gender form one letter away are two people (couples, twins).
    ['MICHEL', 'MICHELE', false],
    ['DANIELE', 'DANIEL', false],
    ['LOUIS', 'LOUISE', false],
    ['DENIS', 'DENISE', false],
    ['ANDRE', 'ANDREE', false],
    ['RENEE', 'RENE', false],
    ['PASCAL', 'PASCALE', false],
    ['CHRISTIAN', 'CHRISTIANE', false],
    ['FRANCOIS', 'FRANCOISE', false],
    ['MARIO', 'MARIA', false],
    ['ANTONIA', 'ANTONIO', false],
    // Typos elsewhere in the name still match.
    ['MICHEL', 'MICHAL', true],
    ['LOUISE', 'LOUSE', true],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(firstNamesCompatible(a, b)).toBe(expected);
  });
});

describe('birthDatesCompatible', () => {
  it.each([
    ['1980-03-12', '1980-03-12', true],
    ['1980-03-12', '1980-12-03', true],
    ['1980-03-12', '1980-03-13', true],
    ['1980-03-12', '1981-03-12', true],
    ['1980-03-12', '1990-03-12', false],
    ['1980-03-12', '1980-04-22', false],
  ])('%s / %s → %s', (a, b, expected) => {
    expect(birthDatesCompatible(a, b)).toBe(expected);
  });
});
