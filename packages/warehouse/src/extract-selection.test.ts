import { type TRepoussoirFeed, type TSelectionCriteria, ZSelectionCriteria } from '@alliage/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSelection } from './count-selection.ts';
import { extractSelection } from './extract-selection.ts';
import { forgetDeliveredPersons } from './forget-delivered-persons.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { refreshSegments } from './refresh-segments.ts';
import type { TSelectionScope } from './selection-scope.ts';
import { syncRepoussoirHashes } from './sync-repoussoir-hashes.ts';
import {
  createTestWarehouse,
  fixedRepoussoirFeed,
  insertFixtureActivity,
  insertFixturePersons,
  insertFixtureRecords,
  reachableRecord,
  scopeFor,
} from './testing/index.ts';

const TODAY = '2026-06-30';
const criteria = (input: object = {}): TSelectionCriteria => ZSelectionCriteria.parse(input);
// M01 permits every channel (36 months), M02 only postal (12 months), M03 nothing; M04 is the client.
const scope = (channel: TSelectionScope['channel'], clientCode = 'C99'): TSelectionScope =>
  scopeFor({
    today: TODAY,
    clientCode,
    channel,
    retentionByMember: { M01: 36, M02: 12, M04: 36 },
    channels: { email: ['M01', 'M04'], sms: ['M01', 'M04'], phone: ['M01', 'M04'] },
  });

describe('extractSelection and countSelection: eligibility', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  let deliveries = 0;

  async function extractIds(
    channel: TSelectionScope['channel'],
    input: object = {},
    clientCode = 'C99',
  ): Promise<number[]> {
    const { persons } = await extractSelection(warehouse, {
      criteria: criteria(input),
      scope: scope(channel, clientCode),
      quantity: 1000,
      randomSeed: 1,
      deliveryId: `D-${++deliveries}`,
    });
    return persons.map((person) => person.personId).sort((a, b) => a - b);
  }

  beforeAll(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, [
        // 1: reachable everywhere through M01.
        reachableRecord({ recordId: 1, personId: 1, memberCode: 'M01' }),
        // 2: only at M03, which permits nothing.
        reachableRecord({ recordId: 2, personId: 2, memberCode: 'M03' }),
        // 3: collected 2022, no transaction: past M01's 36 months.
        reachableRecord(
          { recordId: 3, personId: 3, memberCode: 'M01' },
          { createdAt: '2022-01-01' },
        ),
        // 4: collected 2022 but bought in 2025: within retention.
        reachableRecord(
          { recordId: 4, personId: 4, memberCode: 'M01' },
          { createdAt: '2022-01-01' },
        ),
        // 5: no email consent, no SMS consent, no phone consent; postal only.
        reachableRecord(
          { recordId: 5, personId: 5, memberCode: 'M01' },
          { optinEmail: false, optinSms: false, optinPhone: false },
        ),
        // 6: email on the repoussoir for email (through its M03 record).
        reachableRecord({ recordId: 6, personId: 6, memberCode: 'M01' }),
        reachableRecord(
          { recordId: 61, personId: 6, memberCode: 'M03' },
          { emailHmac: 'rp-email-6' },
        ),
        // 7: landline on the repoussoir for all channels.
        reachableRecord(
          { recordId: 7, personId: 7, memberCode: 'M01' },
          { landlineHmac: 'rp-phone-7' },
        ),
        // 8: postal identity on the repoussoir for SMS only.
        reachableRecord(
          { recordId: 8, personId: 8, memberCode: 'M01' },
          { postalHmac: 'rp-postal-8' },
        ),
        // 9: a customer of the client M04 too.
        reachableRecord({ recordId: 9, personId: 9, memberCode: 'M01' }),
        reachableRecord({ recordId: 91, personId: 9, memberCode: 'M04' }, { optinEmail: false }),
        // 10: postal-only record at M01, email with consent only at M03 (rule 2).
        reachableRecord(
          { recordId: 10, personId: 10, memberCode: 'M01' },
          { email: null, emailHmac: null, optinEmail: false, optinSms: false, optinPhone: false },
        ),
        reachableRecord(
          { recordId: 101, personId: 10, memberCode: 'M03' },
          { email: 'only-at-m03@example.test', addressKey: 'OTHER', lastName: 'AUTRE' },
        ),
        // 11: only at M02 (postal, 12 months), collected 2025-01-01: past its retention.
        reachableRecord(
          { recordId: 11, personId: 11, memberCode: 'M02' },
          { createdAt: '2025-01-01' },
        ),
        // 12: only at M02, recent: postal yes; email consent but M02 does not permit email.
        reachableRecord({ recordId: 12, personId: 12, memberCode: 'M02' }),
        // 13 and 14: one household; 14 also has a later M02 record (the source for postal).
        reachableRecord({ recordId: 13, personId: 13, memberCode: 'M01' }),
        reachableRecord({ recordId: 14, personId: 14, memberCode: 'M01' }),
        reachableRecord(
          { recordId: 141, personId: 14, memberCode: 'M02' },
          { createdAt: '2026-05-01' },
        ),
        // 15: postal contact incomplete (commune not matched), landline only for phone.
        reachableRecord(
          { recordId: 15, personId: 15, memberCode: 'M01' },
          { communeStatus: 'unknown_postcode', phoneMobile: null, mobileHmac: null },
        ),
        // 16: mobile number of landline type: no SMS.
        reachableRecord(
          { recordId: 16, personId: 16, memberCode: 'M01' },
          { phoneMobileType: 'landline' },
        ),
      ]);
      await insertFixtureActivity(connection, {
        memberCode: 'M01',
        customerId: 'C4',
        lastTransaction: '2025-03-01',
      });
      await insertFixturePersons(connection, [
        ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16].map((personId) => ({ personId })),
        { personId: 13, householdId: 100 },
        { personId: 14, householdId: 100 },
      ]);
      await connection.run('CREATE OR REPLACE TEMP TABLE ir_touched_persons (person_id BIGINT)');
      await refreshSegments({
        connection,
        full: true,
        memberSectors: new Map([['M01', 'equipement_maison']]),
        memberCodes: [],
        today: TODAY,
        now: new Date('2026-06-30T01:00:00Z'),
      });
    });
    await syncRepoussoirHashes(
      warehouse,
      fixedRepoussoirFeed(
        [
          { kind: 'email', hmac: 'rp-email-6', scope: 'email' },
          { kind: 'phone', hmac: 'rp-phone-7', scope: 'all' },
          { kind: 'postal', hmac: 'rp-postal-8', scope: 'sms' },
        ],
        'v1',
      ),
    );
  });
  afterAll(async () => cleanup());

  it('applies members, retention, consent and the repoussoir per channel', async () => {
    expect(await extractIds('postal')).toEqual([1, 4, 5, 6, 8, 9, 10, 12, 13, 14, 16]);
    expect(await extractIds('email')).toEqual([1, 4, 8, 9, 13, 14, 15, 16]);
    expect(await extractIds('sms')).toEqual([1, 4, 6, 9, 13, 14]);
    expect(await extractIds('phone')).toEqual([1, 4, 6, 8, 9, 13, 14, 15, 16]);
  });

  it('counts the same persons, by channel and by département', async () => {
    const counts = await countSelection(warehouse, criteria(), scope('postal'));
    expect(counts).toEqual({
      total: 11,
      byChannel: { postal: 11, email: 8, sms: 6, phone: 9 },
      byDepartement: { '69': 11 },
    });
    const households = await countSelection(
      warehouse,
      criteria({ onePerHousehold: true }),
      scope('email'),
    );
    expect(households.byChannel).toEqual({ postal: 10, email: 7, sms: 5, phone: 8 });
    expect(households.total).toBe(7);
  });

  it('leaves out the client’s own customers and persons delivered to it recently', async () => {
    expect(await extractIds('postal', { excludeOwnCustomers: true }, 'M04')).not.toContain(9);
    expect(await extractIds('postal', {}, 'M04')).toContain(9);
    await warehouse.withWriter((connection) =>
      connection.run(`INSERT INTO delivered_persons VALUES ('C50', 'D-old', 1, DATE '2026-06-20'),
        ('C50', 'D-older', 4, DATE '2026-01-01'), ('C51', 'D-other', 5, DATE '2026-06-29')`),
    );
    const recent = await countSelection(
      warehouse,
      criteria({ excludeDeliveredWithinDays: 30 }),
      scope('postal', 'C50'),
    );
    expect(recent.total).toBe(10);
    const lastWeek = await countSelection(
      warehouse,
      criteria({ excludeDeliveredWithinDays: 5 }),
      scope('postal', 'C50'),
    );
    expect(lastWeek.total).toBe(11);
  });

  it('delivers fields from one usable record only (DESIGN.md rule 2)', async () => {
    const postal = await extractSelection(warehouse, {
      criteria: criteria(),
      scope: scope('postal'),
      quantity: 1000,
      randomSeed: 3,
      deliveryId: 'D-postal',
    });
    const person10 = postal.persons.find((person) => person.personId === 10);
    expect(person10).toMatchObject({
      sourceMemberCode: 'M01',
      lastName: 'NOM10',
      firstName: 'Prenom10',
      civility: 'MME',
      street: {
        houseNumber: '10',
        numberSuffix: null,
        streetType: 'RUE',
        streetName: 'DES TESTS 10',
        matchKey: 'TESTS 10',
      },
      postcode: '69001',
      city: 'LYON',
      email: null,
      phone: null,
    });
    // The M02 record of person 14 is the most recently active usable one.
    expect(postal.persons.find((person) => person.personId === 14)).toMatchObject({
      sourceMemberCode: 'M02',
      lastName: 'NOM141',
    });
    const all = JSON.stringify(postal.persons);
    expect(all).not.toContain('only-at-m03');
    expect(all).not.toContain('AUTRE');

    const email = await extractSelection(warehouse, {
      criteria: criteria(),
      scope: scope('email'),
      quantity: 1000,
      randomSeed: 3,
      deliveryId: 'D-email',
    });
    expect(email.persons.map((person) => person.personId)).not.toContain(10);
    expect(JSON.stringify(email.persons)).not.toContain('only-at-m03');
    for (const person of email.persons) {
      expect(person.email).toBe(`r${person.personId}@example.test`);
      expect(person.street).toBeNull();
      expect(person.postcode).toBeNull();
      expect(person.phone).toBeNull();
    }
    const phone = await extractSelection(warehouse, {
      criteria: criteria(),
      scope: scope('phone'),
      quantity: 1000,
      randomSeed: 3,
      deliveryId: 'D-phone',
    });
    expect(phone.persons.find((person) => person.personId === 15)?.phone).toBe('+33400000015');
    expect(phone.persons.find((person) => person.personId === 1)?.phone).toBe('+33600000001');
    // Person 9's M04 record ties with its M01 one on activity: the higher record ID wins.
    expect(phone.memberUsage).toEqual([
      { memberCode: 'M01', personCount: 8 },
      { memberCode: 'M04', personCount: 1 },
    ]);
  });

  it('records who was delivered, in the same call', async () => {
    const { persons } = await extractSelection(warehouse, {
      criteria: criteria(),
      scope: scope('sms', 'C77'),
      quantity: 2,
      randomSeed: 9,
      deliveryId: 'D-sms',
    });
    expect(persons).toHaveLength(2);
    const rows = await warehouse.withWriter(async (connection) =>
      (
        await connection.runAndReadAll(
          `SELECT client_code, delivery_id, person_id, CAST(delivered_on AS VARCHAR) AS delivered_on
           FROM delivered_persons WHERE delivery_id = 'D-sms' ORDER BY person_id`,
        )
      ).getRowObjectsJS(),
    );
    expect(rows).toEqual(
      persons
        .map((person) => person.personId)
        .sort((a, b) => a - b)
        .map((personId) => ({
          client_code: 'C77',
          delivery_id: 'D-sms',
          person_id: BigInt(personId),
          delivered_on: TODAY,
        })),
    );
  });

  it('records who supplied each delivered person: the permitting members holding it', async () => {
    const suppliersOf = async (deliveryId: string) =>
      warehouse.withWriter(async (connection) =>
        (
          await connection.runAndReadAll(
            `SELECT person_id, list_sort(list(member_code)) AS members
             FROM delivered_person_suppliers WHERE delivery_id = $delivery
             GROUP BY person_id ORDER BY person_id`,
            { delivery: deliveryId },
          )
        )
          .getRowObjectsJS()
          .map((row) => [Number(row.person_id), row.members]),
      );
    const { persons } = await extractSelection(warehouse, {
      criteria: criteria(),
      scope: scope('postal'),
      quantity: 1000,
      randomSeed: 5,
      deliveryId: 'D-suppliers',
    });
    const suppliers = await suppliersOf('D-suppliers');
    expect(suppliers.map(([personId]) => personId)).toEqual(
      persons.map((person) => person.personId).sort((a, b) => a - b),
    );
    const supplied = new Map(suppliers as [number, string[]][]);
    // Both holders permit: both supplied, whichever record the fields came from.
    expect(supplied.get(14)).toEqual(['M01', 'M02']);
    expect(supplied.get(9)).toEqual(['M01', 'M04']);
    // M03 permits nothing: its records never supply, even of a person it holds.
    expect(supplied.get(10)).toEqual(['M01']);
    expect(supplied.get(6)).toEqual(['M01']);
    expect(supplied.get(12)).toEqual(['M02']);

    // A retried attempt replaces them; a failed delivery forgets them.
    await extractSelection(warehouse, {
      criteria: criteria(),
      scope: scope('postal'),
      quantity: 2,
      randomSeed: 5,
      deliveryId: 'D-suppliers',
    });
    expect(await suppliersOf('D-suppliers')).toHaveLength(2);
    expect(await forgetDeliveredPersons(warehouse, 'D-suppliers')).toBe(2);
    expect(await suppliersOf('D-suppliers')).toEqual([]);
  });

  it('samples deterministically by seed and honours the quantity', async () => {
    const draw = async (seed: number, quantity: number) =>
      (
        await extractSelection(warehouse, {
          criteria: criteria(),
          scope: scope('postal', 'C88'),
          quantity,
          randomSeed: seed,
          deliveryId: `D-seed-${seed}-${quantity}`,
        })
      ).persons.map((person) => person.personId);
    const first = await draw(11, 5);
    expect(first).toHaveLength(5);
    expect(await draw(11, 5)).toEqual(first);
    expect(await draw(11, 3)).toEqual(first.slice(0, 3));
    const orders = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5]) orders.add(JSON.stringify(await draw(seed, 11)));
    expect(orders.size).toBeGreaterThan(1);
    expect(await draw(11, 0)).toEqual([]);
  });

  it('draws a different sample for each seed, none favoured', async () => {
    const draw = async (seed: number, quantity: number) =>
      (
        await extractSelection(warehouse, {
          criteria: criteria(),
          scope: scope('postal', 'C87'),
          quantity,
          randomSeed: seed,
          deliveryId: `D-mix-${seed}-${quantity}`,
        })
      ).persons
        .map((person) => person.personId)
        .sort((a, b) => a - b)
        .join(',');
    const eligible = (await draw(1, 1000)).split(',').length;
    expect(eligible).toBeGreaterThanOrEqual(11);
    const samples = new Map<string, number>();
    for (let seed = 1; seed <= 40; seed += 1) {
      const sample = await draw(seed * 7_919_000_003, Math.floor(eligible / 2));
      samples.set(sample, (samples.get(sample) ?? 0) + 1);
    }
    // Half of 11 or more persons: at least 462 samples, so 40 seeds draw few twice.
    // (A seed that only shuffled the bits of a fixed hash drew the same one half the time.)
    expect(samples.size).toBeGreaterThanOrEqual(30);
    expect(Math.max(...samples.values())).toBeLessThanOrEqual(4);
  });

  it('keeps one person per household, the smallest ID', async () => {
    const ids = await extractIds('postal', { onePerHousehold: true });
    expect(ids).toContain(13);
    expect(ids).not.toContain(14);
  });

  it('re-mirrors the repoussoir only when its head changes', async () => {
    let pages = 0;
    const counted = (feed: TRepoussoirFeed): TRepoussoirFeed => ({
      head: feed.head,
      changes: (request) => {
        pages++;
        return feed.changes(request);
      },
    });
    const entries = [{ kind: 'email' as const, hmac: 'email-1', scope: 'all' }];
    const v1 = [
      { kind: 'email' as const, hmac: 'rp-email-6', scope: 'email' },
      { kind: 'phone' as const, hmac: 'rp-phone-7', scope: 'all' },
      { kind: 'postal' as const, hmac: 'rp-postal-8', scope: 'sms' },
    ];
    expect(await syncRepoussoirHashes(warehouse, counted(fixedRepoussoirFeed(v1, 'v1')))).toBe(
      false,
    );
    expect(pages).toBe(0);
    expect(await syncRepoussoirHashes(warehouse, counted(fixedRepoussoirFeed(entries, 'v2')))).toBe(
      true,
    );
    expect(pages).toBe(1);
    // Person 1's email is now on the repoussoir for all channels; the old entries are gone.
    const ids = await extractIds('sms');
    expect(ids).not.toContain(1);
    expect(ids).toContain(8);
    expect(await extractIds('postal')).toContain(7);
  });
});
