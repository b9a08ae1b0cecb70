// Count disclosure against differencing, on a real pool (DuckDB file) and a real control
// plane (PGlite, and PostgreSQL when DATABASE_URL is set): a client that sets two
// selections side by side, one with and one without a lone person, must get the same
// answer whether that person matches or not — in the total, the flag and every breakdown.
import {
  type ControlContext,
  createOrganisation,
  createSelection,
  SYSTEM_ACTOR,
  setInstruction,
} from '@alliage/control';
import {
  createTestControlDb,
  holdTableLock,
  type TestControlDb,
  testControlDbKinds,
} from '@alliage/control/testing';
import type { TSelectionCriteriaInput } from '@alliage/domain';
import { refreshSegments, type TWarehouse } from '@alliage/warehouse';
import {
  createTestWarehouse,
  insertFixtureActivity,
  insertFixturePersons,
  insertFixtureRecords,
  reachableRecord,
  type TFixtureRecord,
} from '@alliage/warehouse/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSelectionAudience } from './count-selection-audience.ts';
import { TEST_HMAC_SECRET, TEST_SELECTION_SETTINGS, testActor } from './selection-test-fixtures.ts';

const SETTINGS = TEST_SELECTION_SETTINGS;
const TODAY = '2027-06-30';
const SENIOR = '1960-01-01';
const YOUNG = '1990-01-01';

const MARKETER = testActor('principal:marketer-test', 'client_marketer');

describe.each(testControlDbKinds())('countSelectionAudience: differencing (%s)', (kind) => {
  let control: TestControlDb;
  let ctx: ControlContext;
  let pool: Awaited<ReturnType<typeof createTestWarehouse>>;
  let warehouse: TWarehouse;
  const now = new Date(`${TODAY}T10:00:00Z`);

  const create = async (client: string, criteria: TSelectionCriteriaInput) =>
    (
      await createSelection(ctx, MARKETER, {
        clientOrgCode: client,
        request: {
          name: 'differencing test',
          channel: 'postal',
          purpose: 'targeting',
          campaignStart: '2027-07-01',
          campaignEnd: '2027-07-31',
          criteria,
        },
      })
    ).id;
  const countOf = async (selectionId: string, hmacSecret = TEST_HMAC_SECRET) => {
    const {
      selectionId: _id,
      countedAt: _at,
      ...answer
    } = await countSelectionAudience({
      ctx,
      warehouse,
      settings: SETTINGS,
      actor: MARKETER,
      hmacSecret,
      selectionId,
    });
    return answer;
  };
  const count = async (
    client: string,
    criteria: TSelectionCriteriaInput,
    hmacSecret = TEST_HMAC_SECRET,
  ) => countOf(await create(client, criteria), hmacSecret);
  const createClient = (code: string) =>
    createOrganisation(ctx, SYSTEM_ACTOR, {
      code,
      name: `Client ${code}`,
      kind: 'client',
      sector: 'energie',
    });

  beforeAll(async () => {
    control = await createTestControlDb(kind);
    ctx = { db: control.db, clock: () => now };
    pool = await createTestWarehouse();
    warehouse = pool.warehouse;
    await createOrganisation(ctx, SYSTEM_ACTOR, {
      code: 'M01',
      name: 'Member M01',
      kind: 'member',
      sector: 'equipement_maison',
    });
    await setInstruction(ctx, SYSTEM_ACTOR, 'M01', {
      purposes: ['targeting'],
      channels: ['postal', 'email'],
      thirdPartyAllowed: true,
      clientSectorsAllow: null,
      clientSectorsDeny: [],
      signedBy: 'Test DPO (test only)',
      effectiveFrom: '2026-01-01',
    });
    for (const code of ['C01', 'C02', 'C03', 'C04', 'C05', 'C06', 'C07', 'C08']) {
      await createClient(code);
    }
    // 69381: 24 seniors (a rounding boundary: 24 → 20, 25 → 30) and 16 younger persons;
    // 13055: 33 seniors (padding). Lone residents: a senior in 69382 and in 2A004, a
    // younger person in 69383 and in 42218.
    const records: TFixtureRecord[] = [];
    const add = (personId: number, birthDate: string, place: object = {}) =>
      records.push(
        reachableRecord(
          { recordId: personId, personId, memberCode: 'M01' },
          { birthDate, ...place },
        ),
      );
    for (let n = 1; n <= 40; n += 1) add(n, n <= 24 ? SENIOR : YOUNG);
    for (let n = 51; n <= 83; n += 1) {
      add(n, SENIOR, { postcode: '13001', city: 'MARSEILLE', inseeCode: '13055' });
    }
    add(91, SENIOR, { postcode: '69002', inseeCode: '69382' });
    add(92, YOUNG, { postcode: '69003', inseeCode: '69383' });
    add(93, SENIOR, { postcode: '20000', inseeCode: '2A004' });
    add(94, YOUNG, { postcode: '42000', inseeCode: '42218' });
    await warehouse.withWriter(async (connection) => {
      await insertFixtureRecords(connection, records);
      for (const record of records) {
        await insertFixtureActivity(connection, {
          memberCode: record.memberCode,
          customerId: record.customerId,
          lastTransaction: '2027-05-01',
        });
      }
      await insertFixturePersons(
        connection,
        records.map((record) => ({ personId: record.personId })),
      );
      // The profiles (commune, age) and reach facts counts read.
      await connection.run('CREATE OR REPLACE TEMP TABLE ir_touched_persons (person_id BIGINT)');
      await refreshSegments({
        connection,
        full: true,
        memberSectors: new Map([['M01', 'equipement_maison']]),
        memberCodes: [],
        today: TODAY,
        now,
      });
    });
  });

  afterAll(async () => {
    await pool?.cleanup();
    await control?.close();
  });

  it('answers a repeat and a count one person away alike (total, flag, breakdowns)', async () => {
    const seniors = { age: { min: 60 } };
    // C01: is the lone resident of 2A004 a senior? (yes: 25 against 24)
    await count('C01', { geography: { communes: ['69381'] }, ...seniors });
    const withSenior = await count('C01', {
      geography: { communes: ['69381', '2A004'] },
      ...seniors,
    });
    // C02: is the lone resident of 42218 a senior? (no: 24 against 24)
    await count('C02', { geography: { communes: ['69381'] }, ...seniors });
    const withYounger = await count('C02', {
      geography: { communes: ['69381', '42218'] },
      ...seniors,
    });
    expect(withSenior.blurred).toBe(true);
    expect(withSenior).toEqual(withYounger);
  });

  it('compares every breakdown value with the same value of recent counts', async () => {
    const seniors = { age: { min: 60 } };
    // The total is padded far from the base (33 seniors in 13055), so only the
    // département of the probed person could tell: 25 against 24 is a rounding boundary.
    const probe = async (client: string, commune: string) => {
      const base = await count(client, { geography: { communes: ['69381'] }, ...seniors });
      const answer = await count(client, {
        geography: { communes: ['69381', commune, '13055'] },
        ...seniors,
      });
      return { base, answer };
    };
    const withSenior = await probe('C03', '69382');
    const withYounger = await probe('C04', '69383');
    expect(withSenior.answer.blurred).toBe(false);
    // 69 is shown as the base count showed it (whatever its perturbation), 13 afresh.
    expect(withSenior.answer.byDepartement?.['69']).toBe(withSenior.base.byDepartement?.['69']);
    expect(Object.keys(withSenior.answer.byDepartement ?? {}).sort()).toEqual(['13', '69']);
    expect(withSenior).toEqual(withYounger);
  });

  it('leaves out the départements below the threshold', async () => {
    // A lone senior in 2A: listing "2A": "<20" would tell that this person matches.
    const answer = await count('C05', {
      geography: { communes: ['69381', '2A004'] },
      age: { min: 60 },
    });
    expect(answer).toMatchObject({ blurred: false });
    expect(typeof answer.total).toBe('number');
    expect(Object.keys(answer.byDepartement ?? {})).toEqual(['69']);
  });

  it('answers the same selection alike every time (cell keys are fixed per persons)', async () => {
    // Two clients, each counting afresh: nothing but the perturbation decides the answer.
    const criteria = { geography: { communes: ['69381', '13055', '2A004'] } };
    const first = await count('C07', criteria);
    const second = await count('C08', criteria);
    expect(first.blurred).toBe(false);
    expect(second).toEqual(first);
  });

  it('perturbs counts one person apart independently, so a rounding boundary reads nobody', async () => {
    const seniors = { age: { min: 60 } };
    // 24 seniors in 69381 against 25 with the lone senior of 2A004: unperturbed, always 20
    // against 30. Each platform secret is a different draw of the persons' keys; each pair
    // is counted by two fresh clients, so anti-differencing plays no part.
    const pairs: [unknown, unknown][] = [];
    for (let draw = 0; draw < 12; draw += 1) {
      const hmacSecret = `test-only-cell-key-secret-${draw}`;
      await createClient(`K${draw}A`);
      await createClient(`K${draw}B`);
      const without = await count(
        `K${draw}A`,
        { geography: { communes: ['69381'] }, ...seniors },
        hmacSecret,
      );
      const withOne = await count(
        `K${draw}B`,
        { geography: { communes: ['69381', '2A004'] }, ...seniors },
        hmacSecret,
      );
      expect([without.blurred, withOne.blurred]).toEqual([false, false]);
      pairs.push([without.total, withOne.total]);
    }
    // Perturbed by at most 2, 24 and 25 still read 20 or 30.
    expect(new Set(pairs.flat())).toEqual(new Set([20, 30]));
    // The two counts read alike for some draws: 30 against 20 no longer tells that the
    // person is in (P = 30/64 per draw with the table -2, -1, -1, 0, 0, 1, 1, 2).
    expect(pairs.some(([without, withOne]) => without === withOne)).toBe(true);
    expect(pairs.some(([without, withOne]) => without !== withOne)).toBe(true);
  });

  // PGlite has one session: concurrent counts run one after the other there anyway.
  it.runIf(kind === 'postgres')(
    'never answers two concurrent near counts of one client both afresh',
    async () => {
      const seniors = { age: { min: 60 } };
      const base = await create('C06', { geography: { communes: ['69381'] }, ...seniors });
      const probe = await create('C06', {
        geography: { communes: ['69381', '2A004'] },
        ...seniors,
      });
      // Recording is held up, so both counts are under way together: without a lock per
      // client, both read the recent counts before either is recorded.
      const lock = await holdTableLock(control.db, 'selection_counts', 'SHARE');
      const answers = Promise.all([countOf(base), countOf(probe)]);
      try {
        while ((await lock.waiters()) < 2) await new Promise((resolve) => setTimeout(resolve, 20));
      } finally {
        await lock.release();
      }
      const flags = (await answers).map((answer) => answer.blurred);
      // Whichever is recorded first is answered afresh; the other is compared with it.
      expect(flags.sort()).toEqual([false, true]);
    },
  );
});
