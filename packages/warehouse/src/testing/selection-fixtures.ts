import { retentionCutoff, type TChannel } from '@alliage/domain';
import type { DuckDBConnection } from '@duckdb/node-api';
import { refreshSelectionFacts } from '../person-member-reach-sql.ts';
import type { TSelectionScope } from '../selection-scope.ts';
import type { TFixtureRecord } from './insert-pool-fixtures.ts';

/**
 * A synthetic record reachable on every channel with consent (Lyon 1er), to be
 * narrowed with `overrides`; names and contacts are fictitious and derived from the record ID.
 *
 * @example
 * reachableRecord({ recordId: 1, personId: 1, memberCode: 'M01' }, { optinEmail: false })
 */
export function reachableRecord(
  ids: { recordId: number; personId: number; memberCode: string; customerId?: string },
  overrides: Partial<TFixtureRecord> = {},
): TFixtureRecord {
  const n = ids.recordId;
  return {
    customerId: ids.customerId ?? `C${n}`,
    createdAt: '2026-01-01',
    civility: 'MME',
    firstName: `Prenom${n}`,
    lastName: `NOM${n}`,
    houseNumber: String(n),
    streetType: 'RUE',
    streetName: `DES TESTS ${n}`,
    streetKey: `TESTS ${n}`,
    postcode: '69001',
    city: 'LYON',
    inseeCode: '69381',
    addressKey: `A${n}`,
    dwellingKey: `D${n}`,
    email: `r${n}@example.test`,
    phoneMobile: `+336000${String(n).padStart(5, '0')}`,
    phoneMobileType: 'mobile',
    phoneLandline: `+334000${String(n).padStart(5, '0')}`,
    optinEmail: true,
    optinSms: true,
    optinPhone: true,
    emailHmac: `email-${n}`,
    mobileHmac: `mobile-${n}`,
    landlineHmac: `landline-${n}`,
    postalHmac: `postal-${n}`,
    ...ids,
    ...overrides,
  };
}

/**
 * A selection scope where the same members permit every channel with a
 * retention in months each.
 *
 * @example
 * scopeFor({ today: '2026-06-30', clientCode: 'C01', channel: 'postal', retentionByMember: { M01: 36 } })
 */
export function scopeFor(options: {
  today: string;
  clientCode: string;
  channel: TChannel;
  retentionByMember: Record<string, number>;
  /** Per channel, the members permitting it (default: all of retentionByMember). */
  channels?: Partial<Record<TChannel, string[]>>;
  memberSectors?: Record<string, string>;
}): TSelectionScope {
  const permitted = (channel: TChannel) =>
    (options.channels?.[channel] ?? Object.keys(options.retentionByMember)).map((memberCode) => ({
      memberCode,
      retentionCutoff: retentionCutoff(options.today, options.retentionByMember[memberCode] ?? 36),
    }));
  return {
    today: options.today,
    clientCode: options.clientCode,
    channel: options.channel,
    permittingMembers: {
      postal: permitted('postal'),
      email: permitted('email'),
      sms: permitted('sms'),
      phone: permitted('phone'),
    },
    memberSectors: options.memberSectors,
  };
}

/**
 * Inserts the `persons` rows (and households) for the person IDs of the records,
 * then recomputes what counts read from them (`refreshSelectionFacts`): insert
 * records and activity first.
 *
 * @example
 * await insertFixturePersons(connection, [{ personId: 1, householdId: 10 }]);
 */
export async function insertFixturePersons(
  connection: DuckDBConnection,
  persons: readonly { personId: number; householdId?: number | null }[],
): Promise<void> {
  const households = new Map<number, number>();
  for (const person of persons) {
    if (person.householdId != null) {
      households.set(person.householdId, (households.get(person.householdId) ?? 0) + 1);
    }
    await connection.run(
      `INSERT INTO persons VALUES ($1, $2, $3, TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:00:00')`,
      [
        person.personId,
        person.householdId ?? null,
        person.householdId == null ? null : `H${person.householdId}`,
      ],
    );
  }
  for (const [householdId, count] of households) {
    await connection.run(
      `INSERT INTO households VALUES ($1, $2, $3, TIMESTAMP '2026-01-01 00:00:00', TIMESTAMP '2026-01-01 00:00:00')`,
      [householdId, `H${householdId}`, count],
    );
  }
  await refreshSelectionFacts(connection);
}
