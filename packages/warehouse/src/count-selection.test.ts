import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AppError, type TSelectionCriteriaInput, ZSelectionCriteria } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSelectionCount } from './compile-selection.ts';
import { countSelection } from './count-selection.ts';
import { extractSelection } from './extract-selection.ts';
import { importReferenceTable } from './import-reference-table.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshRecordActivity } from './refresh-record-activity.ts';
import { refreshSegments } from './refresh-segments.ts';
import {
  createTestWarehouse,
  insertFixturePersons,
  insertFixtureRecords,
  reachableRecord,
  scopeFor,
} from './testing/index.ts';

const TODAY = '2026-06-30';
const MEMBER_SECTORS = { M01: 'equipement_maison', M02: 'loisirs_voyages' };
const scope = scopeFor({
  today: TODAY,
  clientCode: 'C99',
  channel: 'postal',
  retentionByMember: { M01: 36, M02: 36 },
  memberSectors: MEMBER_SECTORS,
});

describe('countSelection: criteria', () => {
  let warehouse: TWarehouse;
  let directory: string;
  let cleanup: () => Promise<void>;
  let deliveries = 0;

  async function select(input: TSelectionCriteriaInput, quantity = 100): Promise<number[]> {
    const criteria = ZSelectionCriteria.parse(input);
    const { persons } = await extractSelection(warehouse, {
      criteria,
      scope,
      quantity,
      randomSeed: 5,
      deliveryId: `D-${++deliveries}`,
    });
    const counts = await countSelection(warehouse, criteria, scope);
    // The count and the extraction agree on who is in the selection.
    expect(persons).toHaveLength(Math.min(quantity, counts.total));
    return input.sampling === 'best_score'
      ? persons.map((person) => person.personId)
      : persons.map((person) => person.personId).sort((a, b) => a - b);
  }

  beforeAll(async () => {
    ({ warehouse, directory, cleanup } = await createTestWarehouse());
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, [
        reachableRecord(
          { recordId: 1, personId: 1, memberCode: 'M01' },
          { birthDate: '1980-03-15', civility: 'MME' },
        ),
        reachableRecord(
          { recordId: 2, personId: 2, memberCode: 'M01' },
          { birthDate: '2000-07-01', civility: 'M', postcode: '42000', inseeCode: '42218' },
        ),
        reachableRecord(
          { recordId: 3, personId: 3, memberCode: 'M02' },
          { civility: 'MME', postcode: '20000', inseeCode: '2A004' },
        ),
        reachableRecord(
          { recordId: 31, personId: 3, memberCode: 'M01' },
          { civility: 'MME', postcode: '20000', inseeCode: '2A004' },
        ),
        reachableRecord(
          { recordId: 4, personId: 4, memberCode: 'M01' },
          { birthDate: '1990-07-01', civility: 'MME', optinSms: false },
        ),
      ]);
      await insertFixturePersons(
        connection,
        [1, 2, 3, 4].map((personId) => ({ personId })),
      );
      const transactions: [string, string, string, string, string, string][] = [
        ['M01', 'C1', 'T1', '2026-01-10', '100.00', 'mobilier'],
        ['M01', 'C1', 'T2', '2026-03-10', '100.00', 'mobilier'],
        ['M01', 'C1', 'T3', '2026-05-10', '100.00', 'mobilier'],
        ['M01', 'C2', 'T4', '2024-01-10', '50.00', 'jardin'],
        ['M01', 'C31', 'T5', '2026-05-01', '20.00', 'mobilier'],
        ['M02', 'C3', 'T6', '2026-02-01', '80.00', 'voyage'],
      ];
      for (const [member, customer, id, date, amount, category] of transactions) {
        await connection.run(
          `INSERT INTO transactions VALUES ($1, $2, $3, CAST($4 AS DATE), CAST($5 AS DECIMAL(14, 2)), $6, 'web', 'drop-t')`,
          [member, customer, id, date, amount, category],
        );
      }
      await refreshRecordActivity(connection, ['M01', 'M02']);
      await connection.run('CREATE OR REPLACE TEMP TABLE ir_touched_persons (person_id BIGINT)');
      await refreshSegments({
        connection,
        full: true,
        memberSectors: new Map(Object.entries(MEMBER_SECTORS)),
        memberCodes: [],
        today: TODAY,
        now: new Date('2026-06-30T01:00:00Z'),
      });
    });
    const filePath = path.join(directory, 'income.csv');
    await writeFile(filePath, 'CODGEO;MED;LABEL\n69381;10;A\n42218;20;B\n2A004;30;C\n');
    await warehouse.withWriter((connection) =>
      importReferenceTable({
        connection,
        warehouse,
        name: 'income',
        filePath,
        keyColumn: 'CODGEO',
        now: new Date(),
      }),
    );
  });
  afterAll(async () => cleanup());

  it('filters by geography (profile) and postcode prefix (usable records)', async () => {
    expect(await select({})).toEqual([1, 2, 3, 4]);
    expect(await select({ geography: { departements: ['42'] } })).toEqual([2]);
    expect(await select({ geography: { communes: ['2A004'] } })).toEqual([3]);
    expect(await select({ geography: { regions: ['84'] } })).toEqual([1, 2, 4]);
    expect(await select({ geography: { postcodePrefixes: ['69', '2'] } })).toEqual([1, 3, 4]);
    const byDepartement = await countSelection(warehouse, ZSelectionCriteria.parse({}), scope);
    expect(byDepartement.byDepartement).toEqual({ '2A': 1, '42': 1, '69': 2 });
  });

  it('filters by age in whole years at today, leaving out persons without a birth date', async () => {
    expect(await select({ age: { min: 18 } })).toEqual([1, 2, 4]);
    expect(await select({ age: { min: 36 } })).toEqual([1]);
    expect(await select({ age: { min: 35, max: 35 } })).toEqual([4]);
    expect(await select({ age: { max: 25 } })).toEqual([2]);
  });

  it('filters by civility, reachable channels and distinct members bought from', async () => {
    expect(await select({ civility: ['M'] })).toEqual([2]);
    expect(await select({ reachableChannels: ['sms'] })).toEqual([1, 2, 3]);
    expect(await select({ minDistinctMembers: 2 })).toEqual([3]);
  });

  it('filters by purchases: category, sector, window, count and spend, ANDed', async () => {
    expect(await select({ purchases: [{ category: 'mobilier' }] })).toEqual([1, 3]);
    expect(await select({ purchases: [{ category: 'mobilier', minPurchases: 2 }] })).toEqual([1]);
    expect(await select({ purchases: [{ sector: 'loisirs_voyages' }] })).toEqual([3]);
    expect(await select({ purchases: [{ withinMonths: 12 }] })).toEqual([1, 3]);
    expect(await select({ purchases: [{ withinMonths: 3, minPurchases: 2 }] })).toEqual([]);
    // Counted across the person's records: person 3 bought once at M01 and once at M02.
    expect(await select({ purchases: [{ withinMonths: 6, minPurchases: 2 }] })).toEqual([1, 3]);
    expect(await select({ purchases: [{ withinMonths: 6, minPurchases: 3 }] })).toEqual([1]);
    expect(await select({ purchases: [{ minSpendEur: 250 }] })).toEqual([1]);
    expect(
      await select({ purchases: [{ category: 'mobilier' }, { sector: 'loisirs_voyages' }] }),
    ).toEqual([3]);
  });

  it('filters by segments and imported reference data', async () => {
    expect(await select({ segments: [{ name: 'civility', values: ['MME'] }] })).toEqual([1, 3, 4]);
    expect(
      await select({
        segments: [{ name: 'rfm_segment', values: ['active'], sector: 'equipement_maison' }],
      }),
    ).toEqual([1, 3]);
    expect(await select({ reference: [{ table: 'income', column: 'MED', min: 15 }] })).toEqual([
      2, 3,
    ]);
    expect(
      await select({ reference: [{ table: 'income', column: 'LABEL', values: ['A', 'C'] }] }),
    ).toEqual([1, 3, 4]);
  });

  it('refuses unknown reference tables and columns, and ranges on text', async () => {
    for (const reference of [
      { table: 'missing', column: 'MED', min: 1 },
      { table: 'income', column: 'NOPE', min: 1 },
      { table: 'income', column: 'LABEL', min: 1 },
      { table: 'communes', column: 'population', min: 1 },
    ]) {
      const error = await countSelection(
        warehouse,
        ZSelectionCriteria.parse({ reference: [reference] }),
        scope,
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation_failed');
    }
  });

  it('ranks by appetence for best_score sampling', async () => {
    expect(await select({ sampling: 'best_score', scoreSector: 'equipement_maison' }, 2)).toEqual([
      1, 3,
    ]);
  });

  it('binds criteria values, never splices them', async () => {
    const hostile = "'; DROP TABLE member_records; --";
    const criteria = ZSelectionCriteria.parse({
      purchases: [{ category: hostile }],
      reference: [{ table: 'income', column: 'LABEL', values: [hostile] }],
    });
    const compiled = compileSelectionCount(criteria, {
      ...scope,
      referenceTables: [{ name: 'income', columns: [{ name: 'LABEL', type: 'VARCHAR' }] }],
    });
    expect(compiled.sql).not.toContain('DROP TABLE');
    expect((await countSelection(warehouse, criteria, scope)).total).toBe(0);
    expect(await select({ purchases: [{ category: hostile }] })).toEqual([]);
    expect(await select({ segments: [{ name: 'departement', values: [hostile] }] })).toEqual([]);
    expect(await select({})).toEqual([1, 2, 3, 4]);
  });

  it('gives each count its cell key: the sum of its persons keys mod 2^32, seeded', async () => {
    const everyone = ZSelectionCriteria.parse({});
    const cellKeySeed = 0x5eed_c0de_1234;
    const keyed = await countSelection(warehouse, everyone, scope, { cellKeySeed });
    // The keys come with the counts, which they leave unchanged.
    const { cellKeys, ...counts } = keyed;
    expect(counts).toEqual(await countSelection(warehouse, everyone, scope));
    const keys = [
      cellKeys.total,
      ...Object.values(cellKeys.byChannel),
      ...Object.values(cellKeys.byDepartement),
    ];
    for (const key of keys) {
      expect(Number.isSafeInteger(key) && key >= 0 && key < 2 ** 32).toBe(true);
    }
    expect(Object.keys(cellKeys.byDepartement).sort()).toEqual(['2A', '42', '69']);
    // Same persons, same seed: same keys (a repeated count gets the same perturbation).
    expect((await countSelection(warehouse, everyone, scope, { cellKeySeed })).cellKeys).toEqual(
      cellKeys,
    );
    // A cell's key is the sum of its persons' keys: the départements add up to the total,
    // and the lone person of 42 has the key of the count of 42 alone.
    const { '2A': key2A = 0, '42': key42 = 0, '69': key69 = 0 } = cellKeys.byDepartement;
    expect((key2A + key42 + key69) % 2 ** 32).toBe(cellKeys.total);
    const only42 = ZSelectionCriteria.parse({ geography: { departements: ['42'] } });
    expect((await countSelection(warehouse, only42, scope, { cellKeySeed })).cellKeys.total).toBe(
      key42,
    );
    // Another seed (another platform secret) gives other keys.
    const other = await countSelection(warehouse, everyone, scope, { cellKeySeed: 7 });
    expect(other.cellKeys.total).not.toBe(cellKeys.total);
    // An empty count has key 0 (and nothing to perturb), by household too.
    const nobody = ZSelectionCriteria.parse({ geography: { departements: ['75'] } });
    const empty = await countSelection(warehouse, nobody, scope, { cellKeySeed });
    expect(empty).toMatchObject({ total: 0, byDepartement: {}, cellKeys: { total: 0 } });
    const households = ZSelectionCriteria.parse({ onePerHousehold: true });
    const byHousehold = await countSelection(warehouse, households, scope, { cellKeySeed });
    expect(byHousehold.total).toBe((await countSelection(warehouse, households, scope)).total);
    expect(byHousehold.cellKeys.total).toBeGreaterThan(0);
  });

  it('binds the cell-key seed, never splices it', () => {
    const compiled = compileSelectionCount(ZSelectionCriteria.parse({}), scope, {
      cellKeySeed: 123_456_789_012,
    });
    expect(compiled.sql).not.toContain('123456789012');
    expect(Object.values(compiled.params)).toContain(123_456_789_012n);
  });
});

// DESIGN.md rule 1: a member whose instruction forbids the client (the "no competitor in
// my sector" deny-list) must not be used to find its customers for that client — by a
// purchase criterion, a per-sector segment or a best_score ranking alike.
describe('countSelection and extractSelection: a member that forbids the client', () => {
  const sectors = {
    M01: 'equipement_maison',
    M02: 'loisirs_voyages',
    M03: 'equipement_maison',
  };
  // M01 denies C99's sector: only M02 and M03 permit.
  const competitorScope = scopeFor({
    today: TODAY,
    clientCode: 'C99',
    channel: 'postal',
    retentionByMember: { M02: 36, M03: 36 },
    memberSectors: sectors,
  });
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  let deliveries = 0;

  async function select(input: TSelectionCriteriaInput, quantity = 100) {
    const criteria = ZSelectionCriteria.parse(input);
    const counts = await countSelection(warehouse, criteria, competitorScope);
    const { persons } = await extractSelection(warehouse, {
      criteria,
      scope: competitorScope,
      quantity,
      randomSeed: 3,
      deliveryId: `D-refusal-${++deliveries}`,
    });
    expect(persons).toHaveLength(Math.min(quantity, counts.total));
    const ids = persons.map((person) => person.personId);
    return {
      total: counts.total,
      persons: input.sampling === 'best_score' ? ids : ids.sort((a, b) => a - b),
      sources: persons.map((person) => person.sourceMemberCode),
    };
  }

  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, [
        // Person 1: a big recent buyer at M01 only, also known (no purchase) to M02.
        reachableRecord({ recordId: 1, personId: 1, memberCode: 'M01' }),
        reachableRecord({ recordId: 11, personId: 1, memberCode: 'M02' }),
        // Person 2: one small, old purchase at M03.
        reachableRecord({ recordId: 2, personId: 2, memberCode: 'M03' }),
        // Person 3: one recent purchase at M03, and big ones at M01.
        reachableRecord({ recordId: 3, personId: 3, memberCode: 'M03' }),
        reachableRecord({ recordId: 31, personId: 3, memberCode: 'M01' }),
        // Person 4: a customer of M03 with no purchase (a prospect there).
        reachableRecord({ recordId: 4, personId: 4, memberCode: 'M03' }),
      ]);
      const transactions: [string, string, string, string, string][] = [
        ['M01', 'C1', 'T1', '2026-05-01', '500.00'],
        ['M01', 'C1', 'T2', '2026-06-01', '500.00'],
        ['M01', 'C1', 'T3', '2026-06-15', '500.00'],
        ['M03', 'C2', 'T4', '2024-03-01', '10.00'],
        ['M03', 'C3', 'T5', '2026-06-01', '60.00'],
        ['M01', 'C31', 'T6', '2026-05-01', '900.00'],
        ['M01', 'C31', 'T7', '2026-06-01', '900.00'],
      ];
      for (const [member, customer, id, date, amount] of transactions) {
        await connection.run(
          `INSERT INTO transactions VALUES ($1, $2, $3, CAST($4 AS DATE), CAST($5 AS DECIMAL(14, 2)), 'mobilier', 'web', 'drop-t')`,
          [member, customer, id, date, amount],
        );
      }
      await refreshRecordActivity(connection, ['M01', 'M02', 'M03']);
      await insertFixturePersons(
        connection,
        [1, 2, 3, 4].map((personId) => ({ personId })),
      );
      await connection.run('CREATE OR REPLACE TEMP TABLE ir_touched_persons (person_id BIGINT)');
      await refreshSegments({
        connection,
        full: true,
        memberSectors: new Map(Object.entries(sectors)),
        memberCodes: [],
        today: TODAY,
        now: new Date('2026-06-30T01:00:00Z'),
      });
    });
  });
  afterAll(async () => cleanup());

  it('finds no customer through the forbidding member purchases', async () => {
    expect(await select({ purchases: [{ sector: 'equipement_maison' }] })).toMatchObject({
      total: 2,
      persons: [2, 3],
    });
  });

  it('computes a sector segment from the permitting members activity only', async () => {
    const rfm = (values: string[]) =>
      select({ segments: [{ name: 'rfm_segment', sector: 'equipement_maison', values }] });
    expect(await rfm(['active', 'active_high_value', 'lapsing'])).toMatchObject({
      total: 1,
      persons: [3],
    });
    // Person 3 is a high-value buyer only through M01's purchases.
    expect(await rfm(['active_high_value'])).toMatchObject({ total: 0, persons: [] });
    expect(await rfm(['lapsed'])).toMatchObject({ total: 1, persons: [2] });
    // Person 1 holds no permitting record in the sector: no segment there at all.
    expect(await rfm(['prospect'])).toMatchObject({ total: 1, persons: [4] });
    expect(
      await select({
        segments: [{ name: 'appetence_score', sector: 'equipement_maison', values: ['80-100'] }],
      }),
    ).toMatchObject({ total: 0, persons: [] });
    expect(
      await select({
        segments: [{ name: 'monetary_score', sector: 'equipement_maison', values: ['2'] }],
      }),
    ).toMatchObject({ total: 1, persons: [3] });
  });

  it('ranks best_score by the permitting members purchases only', async () => {
    const ranked = await select({ sampling: 'best_score', scoreSector: 'equipement_maison' }, 2);
    expect(ranked.persons).toEqual([3, 2]);
    expect(ranked.sources).toEqual(['M03', 'M03']);
  });
});
