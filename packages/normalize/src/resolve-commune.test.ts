import { describe, expect, it } from 'vitest';
import { resolveCommune } from './resolve-commune.ts';

function inseeCodeOf(postcode: string | null, city: string | null): string | null {
  const resolution = resolveCommune({ postcode, city });
  return resolution.status === 'matched' ? resolution.commune.inseeCode : null;
}

function reasonOf(postcode: string | null, city: string | null): string | null {
  const resolution = resolveCommune({ postcode, city });
  return resolution.status === 'unknown' ? resolution.reason : null;
}

describe('resolveCommune', () => {
  it('matches Saint-Étienne however it is written', () => {
    for (const city of [
      'ST ETIENNE',
      'SAINT-ÉTIENNE',
      'St-Etienne',
      'saint etienne',
      'ST-ÉTIENNE',
    ]) {
      expect(inseeCodeOf('42000', city)).toBe('42218');
      expect(inseeCodeOf('42100', city)).toBe('42218');
    }
  });

  it('returns the commune facts: name, département, région, EPCI, population', () => {
    const resolution = resolveCommune({ postcode: '42000', city: 'St Etienne' });
    expect(resolution).toEqual({
      status: 'matched',
      commune: {
        inseeCode: '42218',
        name: 'Saint-Étienne',
        departement: '42',
        region: '84',
        epci: expect.stringMatching(/^\d{9}$/),
        population: expect.any(Number),
      },
    });
  });

  it('restores the leading zero of an Excel postcode (01000 Bourg-en-Bresse)', () => {
    expect(inseeCodeOf('1000', 'Bourg-en-Bresse')).toBe('01053');
    expect(inseeCodeOf('01000', 'BOURG EN BRESSE')).toBe('01053');
  });

  it('handles the apostrophe and diaeresis of L’Haÿ-les-Roses', () => {
    for (const city of [
      "L'Haÿ-les-Roses",
      'LHAY LES ROSES',
      'L HAY LES ROSES',
      "HAY-LES-ROSES (L')",
    ]) {
      expect(inseeCodeOf('94240', city)).toBe('94038');
    }
  });

  it('accepts an article moved to the end or left out', () => {
    expect(inseeCodeOf('76600', 'HAVRE (LE)')).toBe('76351');
    expect(inseeCodeOf('76600', 'Havre')).toBe('76351');
  });

  it('strips CEDEX from the city when the postcode is a regular one', () => {
    expect(inseeCodeOf('42000', 'SAINT ETIENNE CEDEX 1')).toBe('42218');
  });

  describe('Paris, Lyon, Marseille', () => {
    it('returns the arrondissement municipal the postcode identifies', () => {
      for (const city of [
        'PARIS',
        'PARIS 15',
        'PARIS 15EME',
        'Paris 15e',
        'paris 15e arrondissement',
      ]) {
        expect(inseeCodeOf('75015', city)).toBe('75115');
      }
      expect(inseeCodeOf('75016', 'PARIS')).toBe('75116');
      expect(inseeCodeOf('75116', 'PARIS 16')).toBe('75116');
      expect(inseeCodeOf('69003', 'LYON 3E')).toBe('69383');
      expect(inseeCodeOf('69003', 'Lyon')).toBe('69383');
      expect(inseeCodeOf('13008', 'MARSEILLE 8')).toBe('13208');
      expect(inseeCodeOf('13001', 'MARSEILLE 1ER')).toBe('13201');
    });

    it('lets the postcode win over a contradicting arrondissement in the city', () => {
      expect(inseeCodeOf('75015', 'PARIS 16')).toBe('75115');
    });

    it('gives arrondissements their own population and their commune’s EPCI', () => {
      const arrondissement = resolveCommune({ postcode: '75015', city: 'PARIS' });
      const paris = resolveCommune({ postcode: '75743', city: 'PARIS CEDEX 15' });
      expect(arrondissement.status === 'matched' && arrondissement.commune.name).toBe(
        'Paris 15e Arrondissement',
      );
      expect(paris.status === 'matched' && paris.commune.inseeCode).toBe('75056');
      if (arrondissement.status !== 'matched' || paris.status !== 'matched') return;
      expect(arrondissement.commune.epci).toBe(paris.commune.epci);
      expect(arrondissement.commune.population).toBeLessThan(paris.commune.population ?? 0);
    });
  });

  describe('Corsica and overseas', () => {
    it('resolves Corsica to 2A and 2B', () => {
      expect(inseeCodeOf('20000', 'Ajaccio')).toBe('2A004');
      expect(inseeCodeOf('20200', 'Bastia')).toBe('2B033');
      const bastia = resolveCommune({ postcode: '20200', city: 'BASTIA' });
      expect(bastia.status === 'matched' && bastia.commune.departement).toBe('2B');
    });

    it('resolves the overseas départements with their 3-digit codes', () => {
      expect(inseeCodeOf('97400', 'Saint-Denis')).toBe('97411');
      expect(inseeCodeOf('97400', 'ST DENIS')).toBe('97411');
      expect(inseeCodeOf('97200', 'Fort-de-France')).toBe('97209');
      expect(inseeCodeOf('97300', 'Cayenne')).toBe('97302');
      expect(inseeCodeOf('97100', 'Basse-Terre')).toBe('97105');
      expect(inseeCodeOf('97600', 'Mamoudzou')).toBe('97611');
      const saintDenis = resolveCommune({ postcode: '97400', city: 'Saint-Denis' });
      expect(saintDenis.status === 'matched' && saintDenis.commune.departement).toBe('974');
    });

    it('resolves Saint-Barthélemy and Saint-Martin, which use 971 postcodes', () => {
      expect(inseeCodeOf('97133', 'Saint-Barthélemy')).toBe('97701');
      expect(inseeCodeOf('97150', 'ST MARTIN')).toBe('97801');
    });
  });

  describe('CEDEX postcodes (not in the postcode list)', () => {
    it('rescues a city that names one commune of the postcode’s département', () => {
      expect(inseeCodeOf('42029', 'SAINT ETIENNE CEDEX 1')).toBe('42218');
      expect(inseeCodeOf('75743', 'PARIS CEDEX 15')).toBe('75056');
      expect(inseeCodeOf('69441', 'LYON CEDEX 03')).toBe('69123');
    });

    it('searches both 2A and 2B for a 20xxx code, and 97x for overseas', () => {
      expect(inseeCodeOf('20701', 'AJACCIO CEDEX 9')).toBe('2A004');
      expect(inseeCodeOf('20289', 'BASTIA CEDEX')).toBe('2B033');
      expect(inseeCodeOf('97405', 'ST DENIS CEDEX')).toBe('97411');
      expect(inseeCodeOf('97262', 'FORT DE FRANCE CEDEX')).toBe('97209');
    });

    it('picks the arrondissement from the city when the CEDEX code cannot', () => {
      expect(inseeCodeOf('69441', 'LYON 3E')).toBe('69383');
    });

    it('does not rescue a city that is in another département', () => {
      expect(reasonOf('42029', 'LYON CEDEX')).toBe('unknown_postcode');
    });
  });

  it('matches a former commune’s name to the commune nouvelle it joined', () => {
    expect(inseeCodeOf('74940', 'ANNECY LE VIEUX')).toBe('74010');
  });

  it('never falls back on the postcode’s commune when the city is another one', () => {
    expect(reasonOf('75015', 'LYON')).toBe('city_not_in_postcode');
    expect(reasonOf('42000', 'SAINT CHAMOND')).toBe('city_not_in_postcode');
    expect(reasonOf('20000', 'BASTIA')).toBe('city_not_in_postcode');
  });

  it('tells an unknown postcode from a missing one', () => {
    expect(reasonOf('00000', 'PARIS')).toBe('unknown_postcode');
    expect(reasonOf('7501', 'PARIS')).toBe('unknown_postcode');
    expect(reasonOf('ABCDE', 'PARIS')).toBe('unknown_postcode');
    expect(reasonOf(null, 'PARIS')).toBe('missing');
    expect(reasonOf('  ', 'PARIS')).toBe('missing');
    expect(reasonOf('75015', null)).toBe('missing');
    expect(reasonOf('75015', ' - ')).toBe('missing');
  });
});
