import { SEGMENT_DEFINITIONS, SEGMENTS_VERSION } from '@alliage/domain';
import { listCommuneReference } from '@alliage/normalize';
import type { DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCommuneReference } from './ensure-commune-reference.ts';
import type { TWarehouse } from './open-warehouse.ts';
import {
  ALL_RECORDS_WITH_ACTIVITY,
  personMemberPostcodesSql,
  personMemberPurchasesSql,
  personMemberReachSql,
  personPurchaseFactsSql,
} from './person-member-reach-sql.ts';
import { refreshRecordActivity } from './refresh-record-activity.ts';
import { refreshSegments } from './refresh-segments.ts';
import { createTestWarehouse } from './testing/index.ts';

const TODAY = '2026-06-30';
const FIRST_BUILD = new Date('2026-06-30T01:00:00Z');
const MEMBER_SECTORS = new Map([
  ['M01', 'equipement_maison'],
  ['M02', 'equipement_maison'],
  ['M03', 'loisirs_voyages'],
]);
const MEMBERS = ['M01', 'M02', 'M03', 'M04'];

interface TRecordFixture {
  recordId: number;
  personId: number;
  memberCode: string;
  customerId: string;
  createdAt: string;
  civility?: string;
  lastName?: string;
  birthDate?: string;
  inseeCode?: string;
  communeStatus?: string;
  addressKey?: string;
  dwellingKey?: string;
  email?: string;
  phoneMobile?: string;
  phoneMobileType?: string;
  phoneLandline?: string;
  optinEmail?: boolean;
  optinSms?: boolean;
  optinPhone?: boolean;
}

// Synthetic records only: example.test emails, fictitious names and numbers.
async function insertRecord(connection: DuckDBConnection, record: TRecordFixture): Promise<void> {
  await connection.run(
    `INSERT INTO customer_records (record_id, member_code, customer_id, file_drop_id, loaded_at,
      civility, last_name, birth_date, insee_code, commune_status, address_key, dwelling_key, email,
      phone_mobile, phone_mobile_type, phone_landline, optin_email, optin_sms, optin_phone,
      created_at, identity_hash, person_id, postcode)
     VALUES ($1, $2, $3, 'drop-1', TIMESTAMP '2026-06-01 00:00:00', $4, $5, CAST($6 AS DATE), $7, $8,
      $9, $10, $11, $12, $13, $14, $15, $16, $17, CAST($18 AS DATE), 'hash', $19,
      CASE WHEN $8 = 'matched' THEN '42000' END)`,
    [
      record.recordId,
      record.memberCode,
      record.customerId,
      record.civility ?? null,
      record.lastName ?? null,
      record.birthDate ?? null,
      record.inseeCode ?? null,
      record.communeStatus ?? (record.inseeCode ? 'matched' : 'missing'),
      record.addressKey ?? null,
      record.dwellingKey ?? null,
      record.email ?? null,
      record.phoneMobile ?? null,
      record.phoneMobileType ?? null,
      record.phoneLandline ?? null,
      record.optinEmail ?? false,
      record.optinSms ?? false,
      record.optinPhone ?? false,
      record.createdAt,
      record.personId,
    ],
  );
}

async function insertTransaction(
  connection: DuckDBConnection,
  memberCode: string,
  customerId: string,
  transactionId: string,
  date: string,
  amountEur: string,
): Promise<void> {
  await connection.run(
    `INSERT INTO transactions VALUES ($1, $2, $3, CAST($4 AS DATE), CAST($5 AS DECIMAL(14, 2)), 'mobilier', 'web', 'drop-2')`,
    [memberCode, customerId, transactionId, date, amountEur],
  );
}

async function insertPerson(
  connection: DuckDBConnection,
  personId: number,
  householdId: number | null,
  dwellingKey: string | null,
): Promise<void> {
  await connection.run(
    `INSERT INTO persons VALUES ($1, $2, $3, TIMESTAMP '2026-06-01 00:00:00', TIMESTAMP '2026-06-01 00:00:00')`,
    [personId, householdId, dwellingKey],
  );
}

async function insertHousehold(
  connection: DuckDBConnection,
  householdId: number,
  dwellingKey: string,
  personCount: number,
): Promise<void> {
  await connection.run(
    `INSERT INTO households VALUES ($1, $2, $3, TIMESTAMP '2026-06-01 00:00:00', TIMESTAMP '2026-06-01 00:00:00')`,
    [householdId, dwellingKey, personCount],
  );
}

describe('refreshSegments', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;

  async function query(sql: string): Promise<Record<string, unknown>[]> {
    return warehouse.withWriter(async (connection) =>
      (await connection.runAndReadAll(sql)).getRowObjectsJS(),
    );
  }

  // Like the pool build: one transaction, ir_touched_persons left by identity resolution.
  async function refresh(options: {
    full: boolean;
    touched?: number[];
    memberCodes?: string[];
    now: Date;
  }) {
    return warehouse.withWriter(async (connection) => {
      await connection.run('BEGIN TRANSACTION');
      try {
        await connection.run('CREATE OR REPLACE TEMP TABLE ir_touched_persons (person_id BIGINT)');
        for (const personId of options.touched ?? []) {
          await connection.run('INSERT INTO ir_touched_persons VALUES ($1)', [personId]);
        }
        const changes = await refreshSegments({
          connection,
          full: options.full,
          memberSectors: MEMBER_SECTORS,
          memberCodes: options.memberCodes ?? [],
          today: TODAY,
          now: options.now,
        });
        await connection.run('COMMIT');
        return changes;
      } catch (error) {
        await connection.run('ROLLBACK');
        throw error;
      }
    });
  }

  async function personProfile(personId: number): Promise<Record<string, unknown> | undefined> {
    const [row] =
      await query(`SELECT * EXCLUDE (updated_at), CAST(updated_at AS VARCHAR) AS updated_at
      FROM person_profile WHERE person_id = ${personId}`);
    return row;
  }

  async function sectorProfiles(personId: number): Promise<Record<string, unknown>[]> {
    return query(`SELECT sector, CAST(first_transaction AS VARCHAR) AS first_transaction,
        CAST(last_transaction AS VARCHAR) AS last_transaction, transaction_count,
        CAST(amount_eur AS VARCHAR) AS amount_eur, recency_score, frequency_score, monetary_score,
        rfm_segment, appetence_score
      FROM person_sector_profile WHERE person_id = ${personId} ORDER BY sector`);
  }

  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    await warehouse.withWriter(async (connection) => {
      await ensureCommuneReference(connection);
      // Person 1 and person 2 share household 10 (dwelling D1, Saint-Étienne).
      await insertPerson(connection, 1, 10, 'D1');
      await insertPerson(connection, 2, 10, 'D1');
      await insertPerson(connection, 3, null, null);
      await insertHousehold(connection, 10, 'D1', 2);
      await insertRecord(connection, {
        recordId: 1,
        personId: 1,
        memberCode: 'M01',
        customerId: 'C1',
        createdAt: '2025-01-01',
        civility: 'MME',
        lastName: 'TESTNOM',
        birthDate: '1980-03-15',
        inseeCode: '42218',
        addressKey: 'A1',
        dwellingKey: 'D1',
        email: 'person1@example.test',
        optinEmail: true,
        phoneMobile: '+33600000001',
        phoneMobileType: 'mobile',
        optinSms: false,
      });
      await insertRecord(connection, {
        recordId: 2,
        personId: 1,
        memberCode: 'M03',
        customerId: 'C9',
        createdAt: '2024-01-01',
        civility: 'MME',
        birthDate: '1980-03-15',
        inseeCode: '69123',
        addressKey: 'A0',
        dwellingKey: 'D0',
        phoneMobile: '+33600000001',
        phoneMobileType: 'mobile',
        optinSms: true,
      });
      await insertRecord(connection, {
        recordId: 3,
        personId: 1,
        memberCode: 'M04',
        customerId: 'C5',
        createdAt: '2026-06-01',
        civility: 'M',
        // More recent than record 1, but not the person's dwelling.
        inseeCode: '69123',
        dwellingKey: 'D0',
      });
      await insertRecord(connection, {
        recordId: 4,
        personId: 2,
        memberCode: 'M02',
        customerId: 'C2',
        createdAt: '2026-02-01',
        civility: 'M',
        lastName: 'TESTNOM',
        inseeCode: '42218',
        dwellingKey: 'D1',
        phoneLandline: '+33400000002',
        optinPhone: true,
      });
      // Person 3: a prospect without commune at M01, an older record in Ajaccio at M04.
      await insertRecord(connection, {
        recordId: 5,
        personId: 3,
        memberCode: 'M01',
        customerId: 'C3',
        createdAt: '2026-05-01',
        birthDate: '2010-01-01',
        communeStatus: 'unknown_postcode',
        email: 'person3@example.test',
        optinEmail: false,
      });
      await insertRecord(connection, {
        recordId: 6,
        personId: 3,
        memberCode: 'M04',
        customerId: 'C4',
        createdAt: '2023-09-01',
        inseeCode: '2A004',
        addressKey: 'A3',
        lastName: 'TESTAUTRE',
      });
      await insertTransaction(connection, 'M01', 'C1', 'T1', '2026-05-10', '300.00');
      await insertTransaction(connection, 'M01', 'C1', 'T2', '2026-01-15', '250.00');
      await insertTransaction(connection, 'M01', 'C1', 'T3', '2025-07-01', '500.00');
      await insertTransaction(connection, 'M03', 'C9', 'T4', '2024-01-01', '40.00');
      await refreshRecordActivity(connection, MEMBERS);
    });
  });
  afterAll(async () => cleanup());

  // The selection facts a refresh maintains are exactly what a recomputation from
  // every record gives (rows compared as multisets, both ways).
  async function expectSelectionFactsCurrent(): Promise<void> {
    const facts = {
      person_member_reach: personMemberReachSql(ALL_RECORDS_WITH_ACTIVITY),
      person_member_postcodes: personMemberPostcodesSql(ALL_RECORDS_WITH_ACTIVITY),
      person_purchase_facts: personPurchaseFactsSql(ALL_RECORDS_WITH_ACTIVITY),
      // Summed from the recomputed facts, not the kept ones, so a stale table shows.
      person_member_purchases: personMemberPurchasesSql(
        `(${personPurchaseFactsSql(ALL_RECORDS_WITH_ACTIVITY)})`,
      ),
    };
    for (const [table, recomputed] of Object.entries(facts)) {
      const rows = await query(`SELECT
          (SELECT count(*) FROM ${table}) AS kept,
          (SELECT count(*) FROM (SELECT * FROM ${table} EXCEPT ALL SELECT * FROM (${recomputed}))) AS stale,
          (SELECT count(*) FROM (SELECT * FROM (${recomputed}) EXCEPT ALL SELECT * FROM ${table})) AS missing`);
      expect(rows, table).toEqual([{ kept: expect.any(BigInt), stale: 0n, missing: 0n }]);
      expect(Number(rows[0]?.kept), table).toBeGreaterThan(0);
    }
  }

  it('builds person, person-sector and household profiles in full', async () => {
    const changes = await refresh({ full: true, now: FIRST_BUILD });
    await expectSelectionFactsCurrent();
    expect(changes).toEqual({ persons: 3, households: 1 });
    const saintEtienne = listCommuneReference().find((row) => row.inseeCode === '42218');
    const ajaccio = listCommuneReference().find((row) => row.inseeCode === '2A004');

    expect(await personProfile(1)).toEqual({
      person_id: 1n,
      household_id: 10n,
      civility: 'MME',
      age_band: '45-54',
      insee_code: '42218',
      departement: '42',
      region: saintEtienne?.region,
      epci: saintEtienne?.epci,
      population_class: saintEtienne?.populationClass,
      household_size: 2,
      member_count: 3,
      multi_member_buyer: true,
      reach_postal: true,
      reach_email: true,
      reach_sms: true,
      reach_phone: false,
      segments_version: SEGMENTS_VERSION,
      updated_at: '2026-06-30 01:00:00',
    });
    expect(await sectorProfiles(1)).toEqual([
      {
        sector: 'equipement_maison',
        first_transaction: '2025-07-01',
        last_transaction: '2026-05-10',
        transaction_count: 3,
        amount_eur: '1050.00',
        recency_score: 5,
        frequency_score: 3,
        monetary_score: 5,
        rfm_segment: 'active_high_value',
        // 300 × 0.5^(1/12) + 250 × 0.5^(5/12) + 500 × 0.5^(11/12) ≈ 735.3 € → 1 − e^(−3.68)
        appetence_score: 97,
      },
      {
        sector: 'loisirs_voyages',
        first_transaction: '2024-01-01',
        last_transaction: '2024-01-01',
        transaction_count: 1,
        amount_eur: '40.00',
        recency_score: 1,
        frequency_score: 1,
        monetary_score: 1,
        rfm_segment: 'lapsed',
        // 40 × 0.5^(29/12) ≈ 7.5 → 1 − e^(−0.0376)
        appetence_score: 4,
      },
    ]);

    expect(await personProfile(2)).toMatchObject({
      civility: 'M',
      age_band: 'unknown',
      insee_code: '42218',
      household_size: 2,
      member_count: 1,
      multi_member_buyer: false,
      reach_postal: false,
      reach_phone: true,
      reach_sms: false,
    });
    expect(await sectorProfiles(2)).toEqual([
      {
        sector: 'equipement_maison',
        first_transaction: null,
        last_transaction: null,
        transaction_count: 0,
        amount_eur: '0.00',
        recency_score: 0,
        frequency_score: 0,
        monetary_score: 0,
        rfm_segment: 'prospect',
        appetence_score: 0,
      },
    ]);

    expect(await personProfile(3)).toMatchObject({
      household_id: null,
      civility: null,
      age_band: 'under_18',
      insee_code: '2A004',
      departement: '2A',
      population_class: ajaccio?.populationClass,
      household_size: null,
      reach_postal: true,
      reach_email: false,
    });
    // Only M01 has a sector among person 3's members.
    expect((await sectorProfiles(3)).map((row) => row.sector)).toEqual(['equipement_maison']);

    expect(
      await query(
        'SELECT household_id, person_count, insee_code, departement, reach_postal FROM household_profile',
      ),
    ).toEqual([
      {
        household_id: 10n,
        person_count: 2,
        insee_code: '42218',
        departement: '42',
        reach_postal: true,
      },
    ]);
    expect(await query('SELECT count(*) AS definitions FROM segment_definitions')).toEqual([
      { definitions: BigInt(SEGMENT_DEFINITIONS.length) },
    ]);
  });

  it('refreshes only the persons of changed members and their households', async () => {
    await warehouse.withWriter(async (connection) => {
      await insertTransaction(connection, 'M02', 'C2', 'T5', '2026-06-01', '100.00');
      await refreshRecordActivity(connection, ['M02']);
    });
    const secondBuild = new Date('2026-06-30T02:00:00Z');
    const changes = await refresh({ full: false, memberCodes: ['M02'], now: secondBuild });
    await expectSelectionFactsCurrent();
    // Person 2, and person 1 who shares its household; person 3 is left alone.
    expect(changes).toEqual({ persons: 2, households: 1 });
    expect((await personProfile(1))?.updated_at).toBe('2026-06-30 02:00:00');
    expect((await personProfile(2))?.updated_at).toBe('2026-06-30 02:00:00');
    expect((await personProfile(3))?.updated_at).toBe('2026-06-30 01:00:00');
    expect(await sectorProfiles(2)).toMatchObject([
      {
        sector: 'equipement_maison',
        transaction_count: 1,
        recency_score: 5,
        frequency_score: 1,
        monetary_score: 2,
        rfm_segment: 'active',
        appetence_score: 39,
      },
    ]);
    expect(await query('SELECT count(*) AS rows FROM person_profile')).toEqual([{ rows: 3n }]);
    expect(await query('SELECT count(*) AS rows FROM segment_definitions')).toEqual([
      { rows: BigInt(SEGMENT_DEFINITIONS.length) },
    ]);
  });

  it('follows a household change the household pass made and drops persons who are gone', async () => {
    await warehouse.withWriter(async (connection) => {
      // Person 2 moved to household 11; person 3 disappeared (its records went with it).
      await connection.run(
        'UPDATE persons SET household_id = 11, dwelling_key = $1 WHERE person_id = 2',
        ['D2'],
      );
      await insertHousehold(connection, 11, 'D2', 1);
      await connection.run('UPDATE households SET person_count = 1 WHERE household_id = 10');
      await connection.run('DELETE FROM customer_records WHERE person_id = 3');
      await connection.run('DELETE FROM persons WHERE person_id = 3');
    });
    const changes = await refresh({
      full: false,
      touched: [3],
      now: new Date('2026-06-30T03:00:00Z'),
    });
    await expectSelectionFactsCurrent();
    expect(changes).toEqual({ persons: 2, households: 2 });
    expect(await personProfile(3)).toBeUndefined();
    expect(await sectorProfiles(3)).toEqual([]);
    expect(await personProfile(1)).toMatchObject({ household_id: 10n, household_size: 1 });
    expect(await personProfile(2)).toMatchObject({ household_id: 11n, household_size: 1 });
    expect(
      await query(
        'SELECT household_id, person_count, insee_code, reach_postal FROM household_profile ORDER BY household_id',
      ),
    ).toEqual([
      { household_id: 10n, person_count: 1, insee_code: '42218', reach_postal: true },
      { household_id: 11n, person_count: 1, insee_code: '42218', reach_postal: false },
    ]);
  });

  it('leaves everything alone when nothing changed', async () => {
    const changes = await refresh({ full: false, now: new Date('2026-06-30T04:00:00Z') });
    expect(changes).toEqual({ persons: 0, households: 0 });
    expect(await query('SELECT count(*) AS rows FROM person_profile')).toEqual([{ rows: 2n }]);
  });
});
