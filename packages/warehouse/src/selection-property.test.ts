import {
  appetenceScore,
  frequencyScore,
  monetaryScore,
  recencyScore,
  retentionCutoff,
  rfmSegment,
  type TChannel,
  type TRepoussoirKind,
  wholeMonthsBetween,
  ZSelectionCriteria,
} from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSelection } from './count-selection.ts';
import { extractSelection } from './extract-selection.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshRecordActivity } from './refresh-record-activity.ts';
import type { TSelectionScope } from './selection-scope.ts';
import { syncRepoussoirHashes } from './sync-repoussoir-hashes.ts';
import {
  createTestWarehouse,
  fixedRepoussoirFeed,
  insertFixturePersons,
  insertFixtureRecords,
  seededRandom,
  type TFixtureRecord,
} from './testing/index.ts';

const TODAY = '2026-06-30';
const CHANNELS: TChannel[] = ['postal', 'email', 'sms', 'phone'];
const MEMBERS = ['M01', 'M02', 'M03', 'M04'];
const SCOPES = ['all', ...CHANNELS];
const CATEGORIES = ['mobilier', 'jardin', 'voyage'];
const MEMBER_SECTORS: Record<string, string> = {
  M01: 'equipement_maison',
  M02: 'equipement_maison',
  M03: 'loisirs_voyages',
  M04: 'presse_edition',
};

interface TGeneratedTransaction {
  date: string;
  amountEur: number;
  category: string;
}

interface TGeneratedRecord extends TFixtureRecord {
  lastTransaction: string | null;
  /** Ascending by date; the last one is on `lastTransaction`. */
  transactions: TGeneratedTransaction[];
}

interface TGeneratedPool {
  records: TGeneratedRecord[];
  permits: Record<TChannel, Map<string, string>>;
  repoussoir: { kind: TRepoussoirKind; hmac: string; scope: string }[];
}

function generatePool(seed: number): TGeneratedPool {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const chance = (p: number) => random() < p;
  const date = (fromYear: number) => {
    const year = fromYear + Math.floor(random() * (2026 - fromYear + 1));
    const month = year === 2026 ? 1 + Math.floor(random() * 6) : 1 + Math.floor(random() * 12);
    return `${year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
  };
  const records: TGeneratedRecord[] = [];
  let recordId = 0;
  for (let personId = 1; personId <= 200; personId++) {
    const count = 1 + Math.floor(random() * 3);
    // One birth date per person and member (so every definition of a member's birth date
    // agrees), some members giving another date or none, and ages near the bounds tested.
    const birthDate = `${1956 + Math.floor(random() * 40)}-${pick(['06', '07'])}-${pick(['29', '30', '01'])}`;
    const memberBirthDates = new Map(
      MEMBERS.map((member) => [
        member,
        chance(0.15) ? null : chance(0.2) ? `${1950 + Math.floor(random() * 50)}-06-30` : birthDate,
      ]),
    );
    for (let index = 0; index < count; index++) {
      recordId++;
      const n = recordId;
      const mobile = chance(0.6);
      const landline = chance(0.4);
      const lastTransaction = chance(0.5) ? date(2021) : null;
      const transactions: TGeneratedTransaction[] = [];
      if (lastTransaction) {
        const count = 1 + Math.floor(random() * 4);
        for (let index = 0; index < count; index++) {
          const day = index === 0 ? lastTransaction : date(2021);
          transactions.push({
            // Earlier purchases only: the last one is the record's last activity.
            date: day.localeCompare(lastTransaction) > 0 ? lastTransaction : day,
            amountEur: 5 + Math.floor(random() * 100),
            category: pick(CATEGORIES),
          });
        }
        transactions.sort((left, right) => left.date.localeCompare(right.date));
      }
      const memberCode = pick(MEMBERS);
      records.push({
        recordId: n,
        personId,
        memberCode,
        birthDate: memberBirthDates.get(memberCode) ?? null,
        customerId: `C${n}`,
        createdAt: date(2021),
        lastTransaction,
        transactions,
        civility: pick(['M', 'MME', null]),
        firstName: `Prenom${n}`,
        lastName: chance(0.9) ? `NOM${n}` : null,
        streetName: `RUE TEST ${n}`,
        streetKey: `TEST ${n}`,
        postcode: pick(['42000', '69001', '69300', '75011', '13001']),
        city: 'SAINT ETIENNE',
        inseeCode: '42218',
        communeStatus: chance(0.85) ? 'matched' : 'unknown_postcode',
        addressKey: chance(0.85) ? `A${n}` : null,
        email: chance(0.7) ? `r${n}@example.test` : null,
        phoneMobile: mobile ? `+336${String(n).padStart(8, '0')}` : null,
        phoneMobileType: mobile ? pick(['mobile', 'mobile', 'landline']) : null,
        phoneLandline: landline ? `+334${String(n).padStart(8, '0')}` : null,
        optinEmail: chance(0.5),
        optinSms: chance(0.5),
        optinPhone: chance(0.5),
        // Small hash spaces, so repoussoir entries and shared contact points collide.
        emailHmac: `e${Math.floor(random() * 150)}`,
        mobileHmac: mobile ? `p${Math.floor(random() * 150)}` : null,
        landlineHmac: landline ? `p${Math.floor(random() * 150)}` : null,
        postalHmac: `a${Math.floor(random() * 150)}`,
      });
    }
  }
  const retention = new Map(MEMBERS.map((member) => [member, pick([6, 12, 24, 36])]));
  const permits = Object.fromEntries(
    CHANNELS.map((channel) => [
      channel,
      new Map(
        MEMBERS.filter(() => chance(0.6)).map((member) => [
          member,
          retentionCutoff(TODAY, retention.get(member) as number),
        ]),
      ),
    ]),
  ) as Record<TChannel, Map<string, string>>;
  const repoussoir: TGeneratedPool['repoussoir'] = [];
  for (let index = 0; index < 60; index++) {
    const kind = pick(['email', 'phone', 'postal'] as const);
    const prefix = { email: 'e', phone: 'p', postal: 'a' }[kind];
    repoussoir.push({ kind, hmac: `${prefix}${Math.floor(random() * 150)}`, scope: pick(SCOPES) });
  }
  return { records, permits, repoussoir };
}

// The rules of docs/selections.md, written independently of the SQL.
function usable(pool: TGeneratedPool, record: TGeneratedRecord, channel: TChannel): boolean {
  const cutoff = pool.permits[channel].get(record.memberCode);
  if (cutoff === undefined) return false;
  if ((record.lastTransaction ?? record.createdAt) < cutoff) return false;
  switch (channel) {
    case 'postal':
      return (
        record.addressKey != null && record.communeStatus === 'matched' && record.lastName != null
      );
    case 'email':
      return record.email != null && record.optinEmail === true;
    case 'sms':
      return (
        record.phoneMobile != null &&
        record.phoneMobileType === 'mobile' &&
        record.optinSms === true
      );
    case 'phone':
      return (
        (record.phoneMobile != null || record.phoneLandline != null) && record.optinPhone === true
      );
  }
}

function opposed(pool: TGeneratedPool, records: TGeneratedRecord[], channel: TChannel): boolean {
  return pool.repoussoir.some(
    (entry) =>
      (entry.scope === 'all' || entry.scope === channel) &&
      records.some((record) =>
        entry.kind === 'email'
          ? record.emailHmac === entry.hmac
          : entry.kind === 'phone'
            ? record.mobileHmac === entry.hmac || record.landlineHmac === entry.hmac
            : record.postalHmac === entry.hmac,
      ),
  );
}

// A criteria record: its member permits at least one channel, and the record is
// within that member's retention on one of them (contact or not).
function criteriaRecord(pool: TGeneratedPool, record: TGeneratedRecord): boolean {
  return CHANNELS.some((channel) => {
    const cutoff = pool.permits[channel].get(record.memberCode);
    return cutoff !== undefined && (record.lastTransaction ?? record.createdAt) >= cutoff;
  });
}

// A person's profile in a sector from the given (criteria) records only: none when
// no record is at a member of the sector (docs/selections.md, per-sector segments).
function sectorProfile(records: TGeneratedRecord[], sector: string) {
  const atSector = records.filter((record) => MEMBER_SECTORS[record.memberCode] === sector);
  if (atSector.length === 0) return null;
  const transactions = atSector.flatMap((record) => record.transactions);
  const last = transactions.reduce<string | null>(
    (latest, t) => (latest === null || t.date > latest ? t.date : latest),
    null,
  );
  const amount = transactions.reduce((sum, t) => sum + t.amountEur, 0);
  return {
    last,
    rfm: rfmSegment(
      recencyScore(last, TODAY),
      frequencyScore(transactions.length),
      monetaryScore(amount),
    ),
    appetence: appetenceScore(
      transactions.map((t) => ({
        ageMonths: wholeMonthsBetween(t.date, TODAY),
        amountEur: t.amountEur,
      })),
    ),
  };
}

interface TOracleCriterion {
  label: string;
  input: Record<string, unknown>;
  matches: (records: TGeneratedRecord[]) => boolean;
}

// Criteria that read the records (purchases, postcode prefixes, distinct members)
// with what they mean over a person's criteria records, written independently of the SQL.
function recordCriteria(pool: TGeneratedPool): TOracleCriterion[] {
  const purchasesOf = (
    records: TGeneratedRecord[],
    filter: (record: TGeneratedRecord, transaction: TGeneratedTransaction) => boolean,
  ) =>
    records.flatMap((record) =>
      record.transactions.filter((transaction) => filter(record, transaction)),
    );
  const since = (months: number) => retentionCutoff(TODAY, months);
  return [
    {
      label: 'bought in the last 6 months',
      input: { purchases: [{ withinMonths: 6 }] },
      matches: (records) => purchasesOf(records, (_, t) => t.date >= since(6)).length >= 1,
    },
    {
      label: 'at least 2 purchases of furniture, all time',
      input: { purchases: [{ category: 'mobilier', minPurchases: 2 }] },
      matches: (records) => purchasesOf(records, (_, t) => t.category === 'mobilier').length >= 2,
    },
    {
      label: 'spent 80 € in home equipment in 12 months',
      input: { purchases: [{ sector: 'equipement_maison', withinMonths: 12, minSpendEur: 80 }] },
      matches: (records) =>
        purchasesOf(
          records,
          (r, t) => MEMBER_SECTORS[r.memberCode] === 'equipement_maison' && t.date >= since(12),
        ).reduce((sum, t) => sum + t.amountEur, 0) >= 80,
    },
    {
      label: 'bought travel in 24 months and furniture ever',
      input: {
        purchases: [{ category: 'voyage', withinMonths: 24 }, { category: 'mobilier' }],
      },
      matches: (records) =>
        purchasesOf(records, (_, t) => t.category === 'voyage' && t.date >= since(24)).length >=
          1 && purchasesOf(records, (_, t) => t.category === 'mobilier').length >= 1,
    },
    {
      label: 'postcode prefixes 69 and 750',
      input: { geography: { postcodePrefixes: ['69', '750'] } },
      matches: (records) =>
        records.some(
          (record) =>
            ['69', '750'].some((prefix) => record.postcode?.startsWith(prefix)) &&
            CHANNELS.some((channel) => usable(pool, record, channel)),
        ),
    },
    {
      label: 'aged 35 to 49',
      input: { age: { min: 35, max: 49 } },
      matches: (records) => {
        // Per member its birth date (latest record's, all alike here), then the date most
        // members give, ties to the most recently active member, then the earliest date.
        const byMember = new Map<string, { date: string; activity: string }>();
        for (const record of records) {
          if (!record.birthDate) continue;
          const activity = record.lastTransaction ?? record.createdAt;
          const known = byMember.get(record.memberCode);
          if (!known || activity > known.activity) {
            byMember.set(record.memberCode, { date: record.birthDate, activity });
          }
        }
        const votes = new Map<string, { members: number; activity: string }>();
        for (const { date, activity } of byMember.values()) {
          const vote = votes.get(date) ?? { members: 0, activity: '' };
          votes.set(date, {
            members: vote.members + 1,
            // biome-ignore lint/complexity/useMathMinMax: ISO date strings, not numbers.
            activity: activity > vote.activity ? activity : vote.activity,
          });
        }
        const chosen = [...votes].sort(
          ([leftDate, left], [rightDate, right]) =>
            right.members - left.members ||
            right.activity.localeCompare(left.activity) ||
            leftDate.localeCompare(rightDate),
        )[0]?.[0];
        if (!chosen) return false;
        const age = Math.floor(wholeMonthsBetween(chosen, TODAY) / 12);
        return age >= 35 && age <= 49;
      },
    },
    {
      label: 'active in home equipment (RFM)',
      input: {
        segments: [
          {
            name: 'rfm_segment',
            sector: 'equipement_maison',
            values: ['active', 'active_high_value'],
          },
        ],
      },
      matches: (records) =>
        ['active', 'active_high_value'].includes(
          sectorProfile(records, 'equipement_maison')?.rfm ?? '',
        ),
    },
    {
      label: 'prospect or lapsed in home equipment (RFM)',
      input: {
        segments: [
          { name: 'rfm_segment', sector: 'equipement_maison', values: ['prospect', 'lapsed'] },
        ],
      },
      matches: (records) =>
        ['prospect', 'lapsed'].includes(sectorProfile(records, 'equipement_maison')?.rfm ?? ''),
    },
    {
      label: 'appetence 20 or more in home equipment',
      input: {
        segments: [
          {
            name: 'appetence_score',
            sector: 'equipement_maison',
            values: ['20-39', '40-59', '60-79', '80-100'],
          },
        ],
      },
      matches: (records) => (sectorProfile(records, 'equipement_maison')?.appetence ?? 0) >= 20,
    },
    {
      label: 'bought from a member',
      input: { minDistinctMembers: 1 },
      matches: (records) => records.some((record) => record.transactions.length > 0),
    },
    {
      label: 'bought from 2 distinct members',
      input: { minDistinctMembers: 2 },
      matches: (records) =>
        new Set(records.filter((record) => record.transactions.length > 0).map((r) => r.memberCode))
          .size >= 2,
    },
  ];
}

function oracle(pool: TGeneratedPool, channel: TChannel): Map<number, TGeneratedRecord[]> {
  const byPerson = new Map<number, TGeneratedRecord[]>();
  for (const record of pool.records) {
    byPerson.set(record.personId, [...(byPerson.get(record.personId) ?? []), record]);
  }
  const eligible = new Map<number, TGeneratedRecord[]>();
  for (const [personId, records] of byPerson) {
    const usableRecords = records.filter((record) => usable(pool, record, channel));
    if (usableRecords.length > 0 && !opposed(pool, records, channel)) {
      eligible.set(personId, usableRecords);
    }
  }
  return eligible;
}

describe('selections on generated pools (property)', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
  });
  afterAll(async () => cleanup());

  for (const seed of [1, 2, 3, 4, 5, 6]) {
    it(`delivers only eligible persons and fields of usable records (seed ${seed})`, async () => {
      const pool = generatePool(seed);
      await warehouse.withWriter(async (connection) => {
        await connection.run('BEGIN TRANSACTION');
        for (const table of [
          'customer_records',
          'transactions',
          'record_activity',
          'record_category_activity',
          'persons',
          'delivered_persons',
          'delivered_person_suppliers',
        ]) {
          await connection.run(`DELETE FROM ${table}`);
        }
        await insertFixtureRecords(connection, pool.records);
        let transactionId = 0;
        for (const record of pool.records) {
          for (const transaction of record.transactions) {
            await connection.run(
              `INSERT INTO transactions VALUES ($1, $2, $3, CAST($4 AS DATE),
                CAST($5 AS DECIMAL(14, 2)), $6, 'web', 'drop-fixture')`,
              [
                record.memberCode,
                record.customerId,
                `T${++transactionId}`,
                transaction.date,
                transaction.amountEur,
                transaction.category,
              ],
            );
          }
        }
        await refreshRecordActivity(connection, MEMBERS);
        await insertFixturePersons(
          connection,
          [...new Set(pool.records.map((record) => record.personId))].map((personId) => ({
            personId,
          })),
        );
        await connection.run('COMMIT');
      });
      await syncRepoussoirHashes(warehouse, fixedRepoussoirFeed(pool.repoussoir, `seed-${seed}`));
      const permitsOf = (channel: TChannel) =>
        [...pool.permits[channel]].map(([memberCode, cutoff]) => ({
          memberCode,
          retentionCutoff: cutoff,
        }));
      const permittingMembers: TSelectionScope['permittingMembers'] = {
        postal: permitsOf('postal'),
        email: permitsOf('email'),
        sms: permitsOf('sms'),
        phone: permitsOf('phone'),
      };
      const criteria = ZSelectionCriteria.parse({});
      const expectedByChannel = Object.fromEntries(
        CHANNELS.map((channel) => [channel, oracle(pool, channel).size]),
      );
      for (const channel of CHANNELS) {
        const scope: TSelectionScope = {
          today: TODAY,
          clientCode: 'C99',
          channel,
          permittingMembers,
        };
        const expected = oracle(pool, channel);
        // The query the API runs, cell keys included: the keys leave the counts unchanged.
        const counts = await countSelection(warehouse, criteria, scope, { cellKeySeed: seed });
        expect(counts.total).toBe(expected.size);
        expect(counts.byChannel).toEqual(expectedByChannel);

        const { persons } = await extractSelection(warehouse, {
          criteria,
          scope,
          quantity: 1000,
          randomSeed: seed,
          deliveryId: `D-${seed}-${channel}`,
        });
        expect(persons.map((person) => person.personId).sort((a, b) => a - b)).toEqual(
          [...expected.keys()].sort((a, b) => a - b),
        );
        for (const person of persons) {
          const usableRecords = expected.get(person.personId) as TGeneratedRecord[];
          // Every delivered field comes from one usable record of the person for this channel.
          const source = usableRecords.find(
            (record) =>
              record.memberCode === person.sourceMemberCode &&
              (record.lastName ?? null) === person.lastName &&
              (record.firstName ?? null) === person.firstName &&
              (record.civility ?? null) === person.civility &&
              (channel !== 'postal' || record.postcode === person.postcode) &&
              (channel !== 'postal' || record.streetName === person.street?.streetName) &&
              (channel === 'email' ? record.email === person.email : person.email === null) &&
              (channel === 'sms'
                ? record.phoneMobile === person.phone
                : channel === 'phone'
                  ? (record.phoneMobile ?? record.phoneLandline) === person.phone
                  : person.phone === null),
          );
          expect(source, `person ${person.personId} on ${channel}`).toBeDefined();
          if (channel !== 'postal') expect(person.street).toBeNull();
          expect(
            opposed(
              pool,
              pool.records.filter((r) => r.personId === person.personId),
              channel,
            ),
          ).toBe(false);
        }
        // Each delivered person's suppliers: the members of its criteria records, no other.
        const supplied = await warehouse.withWriter(async (connection) =>
          (
            await connection.runAndReadAll(
              `SELECT person_id::INTEGER, list_sort(list(member_code))
               FROM delivered_person_suppliers WHERE delivery_id = $delivery
               GROUP BY ALL ORDER BY 1`,
              { delivery: `D-${seed}-${channel}` },
            )
          ).getRowsJS(),
        );
        expect(supplied).toEqual(
          persons
            .map((person) => person.personId)
            .sort((a, b) => a - b)
            .map((personId) => [
              personId,
              [
                ...new Set(
                  pool.records
                    .filter(
                      (record) => record.personId === personId && criteriaRecord(pool, record),
                    )
                    .map((record) => record.memberCode),
                ),
              ].sort(),
            ]),
        );
      }

      // Record-level criteria: the count (precomputed facts) and the extraction (the
      // records themselves) both select exactly the oracle's persons.
      for (const channel of ['postal', 'email'] as const) {
        const scope: TSelectionScope = {
          today: TODAY,
          clientCode: 'C99',
          channel,
          permittingMembers,
          memberSectors: MEMBER_SECTORS,
        };
        const eligible = oracle(pool, channel);
        for (const criterion of recordCriteria(pool)) {
          const expected = [...eligible.keys()]
            .filter((personId) =>
              criterion.matches(
                pool.records.filter(
                  (record) => record.personId === personId && criteriaRecord(pool, record),
                ),
              ),
            )
            .sort((a, b) => a - b);
          const criteria = ZSelectionCriteria.parse(criterion.input);
          const counts = await countSelection(warehouse, criteria, scope, { cellKeySeed: seed });
          expect(counts.total, `${criterion.label} on ${channel}: count`).toBe(expected.length);
          const { persons } = await extractSelection(warehouse, {
            criteria,
            scope,
            quantity: 1000,
            randomSeed: seed,
            deliveryId: `D-${seed}-${channel}-${criterion.label}`,
          });
          expect(
            persons.map((person) => person.personId).sort((a, b) => a - b),
            `${criterion.label} on ${channel}: extraction`,
          ).toEqual(expected);
        }

        // best_score: by appetence in the sector, then its last purchase, then person ID,
        // from the criteria records only (a person without one there ranks last).
        const ranked = [...eligible.keys()]
          .map((personId) => ({
            personId,
            profile: sectorProfile(
              pool.records.filter(
                (record) => record.personId === personId && criteriaRecord(pool, record),
              ),
              'equipement_maison',
            ),
          }))
          .sort(
            (left, right) =>
              (right.profile?.appetence ?? -1) - (left.profile?.appetence ?? -1) ||
              (right.profile?.last ?? '').localeCompare(left.profile?.last ?? '') ||
              left.personId - right.personId,
          )
          .map((entry) => entry.personId);
        const { persons: best } = await extractSelection(warehouse, {
          criteria: ZSelectionCriteria.parse({
            sampling: 'best_score',
            scoreSector: 'equipement_maison',
          }),
          scope,
          quantity: 1000,
          randomSeed: seed,
          deliveryId: `D-${seed}-${channel}-best-score`,
        });
        expect(
          best.map((person) => person.personId),
          `best_score on ${channel}`,
        ).toEqual(ranked);
      }
    });
  }
});
