import { describe, expect, it } from 'vitest';
import { assignHouseholds } from './assign-households.ts';
import { createTestWarehouse } from './testing/create-test-warehouse.ts';
import {
  insertFixtureActivity,
  insertFixtureRecords,
  type TFixtureRecord,
} from './testing/insert-pool-fixtures.ts';
import { insertFixturePersons } from './testing/selection-fixtures.ts';

const A = '75056|10 RUE DES LILAS';
const B = '69123|3 AVENUE FOCH';
const C = '13055|7 BOULEVARD NATIONAL';
const D = '33063|1 PLACE GAMBETTA';

/** A record at `address`, with the building and apartment parts of its dwelling. */
function at(
  recordId: number,
  personId: number,
  address: string,
  parts: { building?: string; complement?: string; createdAt?: string } = {},
): TFixtureRecord {
  return {
    recordId,
    personId,
    memberCode: 'M01',
    customerId: `C${recordId}`,
    createdAt: parts.createdAt ?? '2025-01-01',
    addressKey: address,
    dwellingKey: `${address}|${parts.building ?? ''}|${parts.complement ?? ''}`,
    buildingKey: parts.building ?? null,
    complementKey: parts.complement ?? null,
  };
}

describe('assignHouseholds', () => {
  it('places each person at the most detailed dwelling of their most recently active address', async () => {
    const pool = await createTestWarehouse();
    try {
      const dwellings = await pool.warehouse.withWriter(async (connection) => {
        await insertFixtureRecords(connection, [
          // 1 moved from A to B: the later activity decides, not the later record.
          at(1, 1, B, { building: 'BAT 1' }),
          at(2, 1, A),
          // 2 lives at B; its more recent record leaves the building out, an older one says it.
          at(3, 2, B),
          at(4, 2, B, { building: 'BAT 2' }),
          // 3 has two records collected the same day, no transaction: the later record wins.
          at(5, 3, C, { createdAt: '2026-01-01' }),
          at(6, 3, D, { createdAt: '2026-01-01' }),
          // 4 and 5 share a flat at A.
          at(7, 4, A, { complement: 'APT 12' }),
          at(8, 5, A, { complement: 'APT 12' }),
        ]);
        for (const [customerId, lastTransaction] of [
          ['C1', '2026-03-01'],
          ['C2', '2025-02-01'],
          ['C3', '2026-06-01'],
          ['C4', '2024-01-01'],
        ] as const) {
          await insertFixtureActivity(connection, {
            memberCode: 'M01',
            customerId,
            lastTransaction,
          });
        }
        await insertFixturePersons(
          connection,
          [1, 2, 3, 4, 5].map((personId) => ({ personId })),
        );
        const changes = await assignHouseholds({
          connection,
          full: true,
          now: new Date('2026-11-23T12:00:00Z'),
        });
        expect(changes).toMatchObject({ personsPlaced: 5, householdsCreated: 4 });
        return (
          await connection.runAndReadAll(
            'SELECT person_id, dwelling_key, household_id FROM persons ORDER BY person_id',
          )
        ).getRowsJS();
      });
      expect(dwellings.map(([person, dwelling]) => [Number(person), dwelling])).toEqual([
        [1, `${B}|BAT 1|`],
        [2, `${B}|BAT 2|`],
        [3, `${D}||`],
        [4, `${A}||APT 12`],
        [5, `${A}||APT 12`],
      ]);
      const households = dwellings.map(([, , household]) => household);
      expect(households[3]).toBe(households[4]);
      expect(new Set(households).size).toBe(4);
    } finally {
      await pool.cleanup();
    }
  }, 60_000);
});
