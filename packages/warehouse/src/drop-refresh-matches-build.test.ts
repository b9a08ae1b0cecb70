import { seededRandom } from '@alliage/domain/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildPool } from './build-pool.ts';
import { deleteMemberData } from './delete-member-data.ts';
import { eraseMemberCustomers } from './erase-member-customers.ts';
import type { TWarehouse } from './open-warehouse.ts';
import {
  createTestWarehouse,
  fixedRepoussoirFeed,
  loadTestDrop,
  TEST_DROP_HMAC_SECRET,
  TEST_DROP_SECTORS,
  testDropHmac,
} from './testing/index.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const hmac = testDropHmac;
// Entries in force: the marks are part of what a drop must leave as a build would.
// C4 is held, then brought into the pool by a transactions file, which must mark it.
const REPOUSSOIR = ['luc.bernard@exemple.fr', 'anne.petit@exemple.fr', 'julie.roux@exemple.fr'].map(
  (email) => ({
    kind: 'email' as const,
    hmac: hmac(email),
    scope: 'all',
  }),
);

/**
 * What a drop derives from the records and transactions, as a build derives it: activity,
 * persons' households, segments (profiles, reach, purchases, postcodes) and repoussoir
 * marks. Timestamps of the rows' last update are left out.
 */
const DERIVED: [table: string, leftOut?: string][] = [
  ['record_activity'],
  ['record_category_activity'],
  ['persons', 'created_at, updated_at'],
  ['households', 'created_at, updated_at'],
  ['person_profile', 'updated_at'],
  ['person_sector_profile'],
  ['household_profile'],
  ['person_member_reach'],
  ['person_purchase_facts'],
  ['person_member_purchases'],
  ['person_member_postcodes'],
  ['person_oppositions'],
];

async function derived(warehouse: TWarehouse): Promise<Record<string, unknown[][]>> {
  const connection = await warehouse.connect();
  try {
    const tables: Record<string, unknown[][]> = {};
    for (const [table, leftOut] of DERIVED) {
      const columns = leftOut ? `* EXCLUDE (${leftOut})` : '*';
      tables[table] = (
        await connection.runAndReadAll(`SELECT ${columns} FROM ${table} ORDER BY ALL`)
      ).getRowsJS();
    }
    return tables;
  } finally {
    connection.closeSync();
  }
}

describe('a drop refreshes the pool as a full build would', () => {
  let warehouse: TWarehouse;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ warehouse, cleanup } = await createTestWarehouse());
  });
  afterEach(async () => cleanup());

  const repoussoir = fixedRepoussoirFeed(REPOUSSOIR);
  const build = (full: boolean, now: Date) =>
    buildPool({
      warehouse,
      retentionMonthsByMember: new Map([
        ['M01', 36],
        ['M02', 36],
      ]),
      memberSectors: TEST_DROP_SECTORS,
      repoussoir,
      suppressions: { hmacSecret: TEST_DROP_HMAC_SECRET, members: [] },
      full,
      now,
    });

  /** Makes a change, then checks that a full build of the pool it left changes nothing derived. */
  async function changeThenCompare(change: () => Promise<unknown>, label?: string) {
    await change();
    const afterChange = await derived(warehouse);
    await build(true, NOW);
    expect(afterChange, label).toEqual(await derived(warehouse));
  }

  const dropThenCompare = (
    memberCode: string,
    kind: 'customers' | 'transactions',
    lines: string[],
    extra: { delta?: boolean } = {},
  ) => {
    // Which drop failed, with its rows (synthetic), in the assertion's message.
    const label = `${memberCode} ${kind}${extra.delta ? ' delta' : ''}:\n${lines.join('\n')}`;
    return changeThenCompare(async () => {
      const loaded = await loadTestDrop(warehouse, memberCode, kind, lines, {
        ...extra,
        now: NOW,
        repoussoir: REPOUSSOIR,
      });
      expect(loaded.outcome, label).toBe('loaded');
    }, label);
  };

  it('after every kind of customers and transactions drop', async () => {
    // Five distinct people (synthetic), each given by a customer ID of M01; M02's C1 is the
    // same person as M01's C1 (same email), who moved: M01 has the newer address.
    const people: Record<string, string> = {
      C1: 'M,Jean,DUPONT,1970-03-12,jean.dupont@exemple.fr',
      C2: 'MME,Marie,MARTIN,1985-05-20,marie.martin@exemple.fr',
      C3: 'M,Luc,BERNARD,1990-07-01,luc.bernard@exemple.fr',
      C4: 'MME,Anne,PETIT,1960-01-15,anne.petit@exemple.fr',
      C5: 'M,Paul,ROUX,1975-09-09,paul.roux@exemple.fr',
    };
    const customer = (
      id: string,
      extra: { address?: string; email?: string; createdAt?: string; optinEmail?: 0 | 1 } = {},
    ) => {
      const [civility, first, last, birth, email] = (people[id] as string).split(',');
      const address = extra.address ?? `${id.slice(1)} rue de la Paix,,69003,LYON`;
      return `${id},${civility},${first},${last},,,${address},FR,${extra.email ?? email},,,${birth},${extra.optinEmail ?? 1},1,0,${extra.createdAt ?? '2025-01-10'}`;
    };
    const foch = '10 avenue Foch,,69006,LYON';
    const nationale = '8 rue Nationale,,69003,LYON';
    await dropThenCompare('M02', 'customers', [customer('C1')]);
    await dropThenCompare('M02', 'transactions', ['C1,T1,2026-10-01,99,voyages,web']);
    // A full base with a prospect collected before the cutoff (held until its transactions).
    await dropThenCompare('M01', 'customers', [
      customer('C1', { address: foch }),
      customer('C2'),
      customer('C3'),
      customer('C4', { address: nationale, createdAt: '2020-01-01' }),
    ]);
    // C1's newest activity is now M01's: the person's dwelling is avenue Foch. C4 released,
    // C9 unknown to the pool.
    await dropThenCompare('M01', 'transactions', [
      'C1,T1,2026-11-01,10,maison,web',
      'C2,T2,2026-09-01,20,maison,magasin',
      'C4,T4,2026-08-01,40,jardin,web',
      'C9,T9,2026-07-01,50,maison,web',
    ]);
    // The same base again, C2's email changed and C3's email opt-in withdrawn (not an
    // identity field): the other records are re-sent unchanged.
    await dropThenCompare('M01', 'customers', [
      customer('C1', { address: foch }),
      customer('C2', { email: 'marie.martin.2@exemple.fr' }),
      customer('C3', { optinEmail: 0 }),
      customer('C4', { address: nationale, createdAt: '2020-01-01' }),
    ]);
    // A delta moving C3 to C4's dwelling (one household), and a new customer.
    await dropThenCompare(
      'M01',
      'customers',
      [customer('C3', { address: nationale, optinEmail: 0 }), customer('C5')],
      { delta: true },
    );
    // Re-sent transactions: T1 moves from C1 to C2 (C1's person is back at M02's address),
    // T2's amount changes, T9 is unchanged.
    await dropThenCompare('M01', 'transactions', [
      'C2,T1,2026-11-01,10,maison,web',
      'C2,T2,2026-09-01,25,maison,magasin',
      'C9,T9,2026-07-01,50,maison,web',
    ]);
    // A full base omitting C2 and C5.
    await dropThenCompare('M01', 'customers', [
      customer('C1', { address: foch }),
      customer('C3', { address: nationale, optinEmail: 0 }),
      customer('C4', { address: nationale, createdAt: '2020-01-01' }),
    ]);
    // T4 re-sent past retention: C4 goes.
    await dropThenCompare('M01', 'transactions', ['C4,T4,2022-01-01,40,jardin,web']);
    // A pool loaded before intake checked dates holds a transaction of M01's C1 dated next
    // year, and built with it: C1's person lives avenue Foch. The daily build deletes it,
    // and the person is back at M02's address.
    const common = { warehouse, repoussoir, hmacSecret: TEST_DROP_HMAC_SECRET, now: NOW };
    await changeThenCompare(async () => {
      await warehouse.withWriter((connection) =>
        connection.run(
          `INSERT INTO transactions (member_code, customer_id, transaction_id, transaction_date,
             amount_eur, category, channel, file_drop_id)
           VALUES ('M01', 'C1', 'T7', DATE '2027-06-01', 70, 'maison', 'web', 'earlier-load')`,
        ),
      );
      await build(true, new Date('2027-07-01T04:00:00Z'));
      await build(false, NOW);
    });
    // A rights request erases M01's C3, then M02 leaves the platform (C1's person keeps
    // M01's record only).
    await changeThenCompare(() =>
      eraseMemberCustomers({
        ...common,
        memberCode: 'M01',
        customerIds: ['C3'],
        memberSectors: TEST_DROP_SECTORS,
      }),
    );
    await changeThenCompare(() =>
      deleteMemberData({
        ...common,
        memberCode: 'M02',
        memberSectors: new Map([['M01', 'equipement_maison']]),
      }),
    );
  });

  // Random drops over a few people, addresses and transaction IDs, so customers merge
  // across members, move, share dwellings and swap transactions. Two seeds here (~15 s
  // each; seed 2 fails when a customers file leaves out the records whose values changed,
  // seed 5 without the households' activity scope); DROP_SEEDS=1,2,…,20 ran green.
  for (const seed of (process.env.DROP_SEEDS ?? '2,5').split(',').map(Number)) {
    it(`after a random sequence of drops (seed ${seed})`, async () => {
      const random = seededRandom(seed);
      const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)] as T;
      // Each member's customer keeps its values from file to file, one at a time changed:
      // the person (another identity: a renumbered customer), the address (a move), the
      // email opt-in, or the collection date (before the cutoff: a prospect held until its
      // transactions).
      const state = new Map<
        string,
        { person: string; address: string; optin: number; created: string }
      >();
      const customer = (member: string) => (id: string) => {
        const key = `${member}/${id}`;
        const values = state.get(key) ?? {
          person: pick(RANDOM_PEOPLE),
          address: pick(RANDOM_ADDRESSES),
          optin: 1,
          created: '2025-01-10',
        };
        const change = random();
        if (change < 0.1) values.person = pick(RANDOM_PEOPLE);
        else if (change < 0.25) values.address = pick(RANDOM_ADDRESSES);
        else if (change < 0.4) values.optin = 1 - values.optin;
        else if (change < 0.5)
          values.created = values.created === '2025-01-10' ? '2020-01-01' : '2025-01-10';
        state.set(key, values);
        const [civility, first, last, birth, email] = values.person.split(',');
        return `${id},${civility},${first},${last},,,${values.address},FR,${email},,,${birth},${values.optin},1,0,${values.created}`;
      };
      // One in seven past retention.
      const date = () =>
        random() < 0.15
          ? '2022-01-01'
          : `202${4 + Math.floor(random() * 3)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`;
      const ids = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6'];
      for (let step = 0; step < 14; step++) {
        const member = pick(['M01', 'M02']);
        const kind = random();
        if (kind < 0.55) {
          const delta = kind >= 0.35;
          const listed = delta
            ? [...new Set([pick(ids), pick(ids)])]
            : ids.filter(() => random() < 0.7);
          if (listed.length > 0) {
            await dropThenCompare(member, 'customers', listed.map(customer(member)), { delta });
          }
        } else {
          const count = 1 + Math.floor(random() * 4);
          const transactionIds = new Set(
            Array.from({ length: count }, () => `T${1 + Math.floor(random() * 10)}`),
          );
          await dropThenCompare(
            member,
            'transactions',
            [...transactionIds].map(
              (id) =>
                `${pick(ids)},${id},${date()},${1 + Math.floor(random() * 200)},${pick(['maison', 'jardin'])},${pick(['web', 'magasin'])}`,
            ),
          );
        }
      }
    }, 120_000);
  }

  it('when a full base drops the record that kept two persons apart', async () => {
    // Jean DUPONT born 1960 (M01 C1) and M02's C1 (no birth date) are one person; his son
    // (M02 C2, born 1995) is kept apart by the conflict with M01's C1 only.
    const address = '12 avenue Victor Hugo,,75016,PARIS,FR';
    const anne =
      'C9,MME,Anne,PETIT,,,3 rue de la Paix,,69003,LYON,FR,ap@exemple.fr,,,1980-01-01,1,0,0,2025-01-10';
    await dropThenCompare('M01', 'customers', [
      `C1,M,Jean,DUPONT,,,${address},jd@exemple.fr,,,1960-03-12,1,0,0,2025-01-10`,
      anne,
    ]);
    await dropThenCompare('M02', 'customers', [
      `C1,M,Jean,DUPONT,,,${address},jd@exemple.fr,,,,1,0,0,2025-01-10`,
      `C2,M,Jean,DUPONT,,,${address},jd.fils@exemple.fr,,,1995-06-01,1,0,0,2025-01-10`,
    ]);
    await dropThenCompare('M01', 'customers', [anne]);
  });

  it('when a drop links records of a block too large to compare in the whole pool', async () => {
    // Two namesakes in different towns sharing a filler email with 200 other customers:
    // a build never compares that block; a drop must not either.
    const filler = 'aucun@aucun.fr';
    const lines = [
      `P,M,Jean,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,${filler},06 11 11 11 11,,,0,0,0,2025-01-10`,
      `Q,M,Jean,MARTIN,,,5 avenue Jean Medecin,,06000,NICE,FR,${filler},06 22 22 22 22,,,0,0,0,2025-01-10`,
    ];
    for (let index = 0; index < 200; index++) {
      const last = `NOM${String.fromCharCode(65 + (index % 26))}${String.fromCharCode(65 + Math.floor(index / 26))}`;
      lines.push(
        `F${index},M,Paul,${last},,,${index + 1} rue de la Paix,,69003,LYON,FR,${filler},,,,0,0,0,2025-01-10`,
      );
    }
    await dropThenCompare('M01', 'customers', lines);
    await dropThenCompare('M02', 'customers', [
      'X1,M,Jean,MARTIN,,,8 rue Nationale,,59000,LILLE,FR,,06 11 11 11 11,,,0,0,0,2025-01-10',
      'X2,M,Jean,MARTIN,,,5 avenue Jean Medecin,,06000,NICE,FR,,06 22 22 22 22,,,0,0,0,2025-01-10',
    ]);
  });
});

// Synthetic people and addresses of the random sequences (two ROUX share a surname).
const RANDOM_PEOPLE = [
  'M,Jean,DUPONT,1970-03-12,jean.dupont@exemple.fr',
  'MME,Marie,MARTIN,1985-05-20,marie.martin@exemple.fr',
  'M,Luc,BERNARD,1990-07-01,luc.bernard@exemple.fr',
  'MME,Anne,PETIT,1960-01-15,anne.petit@exemple.fr',
  'M,Paul,ROUX,1975-09-09,paul.roux@exemple.fr',
  'MME,Julie,ROUX,1977-02-02,julie.roux@exemple.fr',
];
const RANDOM_ADDRESSES = [
  '3 rue de la Paix,,69003,LYON',
  '10 avenue Foch,,69006,LYON',
  '8 rue Nationale,,69003,LYON',
  '5 place Bellecour,,69002,LYON',
];
