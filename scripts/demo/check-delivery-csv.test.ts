import { describe, expect, it } from 'vitest';
import { checkDeliveryCsv } from './check-delivery-csv.ts';

const HEADER = 'row_id,civility,first_name,last_name,email';
const csv = (...lines: string[]) => `${[HEADER, ...lines].join('\r\n')}\r\n`;
const base = {
  channel: 'email' as const,
  expectedPersons: 2,
  seedCount: 1,
  seedEmailDomain: 'alliage-temoins.fr',
  opposedEmails: ['opposed@exemple.fr'],
};

describe('checkDeliveryCsv', () => {
  it('accepts the channel columns, persons plus seeds, unique row IDs', () => {
    const check = checkDeliveryCsv({
      ...base,
      csvText: csv(
        'R1,M,Jean,Dupont,jean@exemple.fr',
        'R2,MME,Anne,Roux,anne@exemple.fr',
        'R3,MME,Lea,Blanc,lea.blanc.123456@alliage-temoins.fr',
      ),
    });
    expect(check).toEqual({ columns: HEADER.split(','), rows: 3, seedsFound: 1 });
  });

  it('names every problem: extra column, row count, seeds, repoussoir, row IDs', () => {
    const text = `${HEADER},phone\r\nR1,M,Jean,Dupont,OPPOSED@exemple.fr,0600000000\r\nR1,M,Luc,Roux,luc@exemple.fr,\r\n`;
    expect(() => checkDeliveryCsv({ ...base, csvText: text })).toThrow(
      /columns are .*phone.*; 2 rows, expected 3.*; row IDs.*; 0 seed emails found, the delivery records 1; 1 rows carry a repoussoir email/,
    );
  });

  it('never quotes a cell value in its message', () => {
    const text = csv('R1,M,Jean,Dupont,opposed@exemple.fr');
    expect(() => checkDeliveryCsv({ ...base, csvText: text })).toThrow();
    try {
      checkDeliveryCsv({ ...base, csvText: text });
    } catch (error) {
      expect(String(error)).not.toMatch(/opposed@|Jean|Dupont/);
    }
  });

  it('checks the postal layout without looking for seed emails', () => {
    const postal = [
      'row_id,civility,first_name,last_name',
      ...[1, 2, 3, 4, 5, 6].map((line) => `address_line_${line}`),
      'postcode,city',
    ].join(',');
    const row = 'R1,M,Jean,Dupont,M JEAN DUPONT,,,12 RUE DE LA PAIX,,75002 PARIS,75002,PARIS';
    const check = checkDeliveryCsv({
      ...base,
      channel: 'postal',
      expectedPersons: 1,
      seedCount: 0,
      csvText: `${postal}\r\n${row}\r\n`,
    });
    expect(check.seedsFound).toBeNull();
    expect(check.rows).toBe(1);
  });
});
