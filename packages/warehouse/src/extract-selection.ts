import { AppError, type TChannel, type TSelectionCriteria } from '@alliage/domain';
import { BIGINT, LIST, listValue, VARCHAR } from '@duckdb/node-api';
import { deleteDeliveryRows } from './forget-delivered-persons.ts';
import type { TWarehouse } from './open-warehouse.ts';
import { readReferenceTables } from './read-reference-tables.ts';
import { runPoolTransaction } from './run-pool-transaction.ts';
import { sectorProfileSql } from './sector-profile-sql.ts';
import { sectorMembersOf } from './selection-criteria-sql.ts';
import type { TCompiledSelection, TSelectionScope } from './selection-scope.ts';
import { buildSelectionSql } from './selection-sql.ts';

/** One person to deliver; every field comes from one usable record of the person. */
export interface TExtractedPerson {
  /** Internal only (delivered_persons); never written to a file. */
  personId: number;
  householdId: number | null;
  /** Member of the record the delivered fields came from. */
  sourceMemberCode: string;
  civility: 'M' | 'MME' | null;
  firstName: string | null;
  lastName: string | null;
  /** Postal only (null otherwise). */
  complement: string | null;
  building: string | null;
  street: {
    houseNumber: string | null;
    numberSuffix: string | null;
    streetType: string | null;
    streetName: string;
    matchKey: string;
  } | null;
  locality: string | null;
  postcode: string | null;
  city: string | null;
  /** Email channel only. */
  email: string | null;
  /** SMS and phone channels only, E.164. */
  phone: string | null;
}

export interface TExtractSelectionInput {
  criteria: TSelectionCriteria;
  scope: TSelectionScope;
  quantity: number;
  randomSeed: number;
  deliveryId: string;
}

/** What an extraction delivered, and how much of each member it used. */
export interface TExtraction {
  persons: TExtractedPerson[];
  memberUsage: { memberCode: string; personCount: number }[];
}

// Only the ordered channel's contact fields are ever selected (DESIGN.md rule 2).
const CHANNEL_FIELDS: Record<TChannel, string> = {
  postal: `m.address_complement, m.address_building, m.house_number, m.number_suffix,
    m.street_type, m.street_name, m.street_key, m.address_locality, m.postcode, m.city`,
  email: 'm.email',
  sms: 'm.phone_mobile AS phone',
  phone: 'coalesce(m.phone_mobile, m.phone_landline) AS phone',
};

/**
 * Compiles the extraction: the persons eligible on the scope channel matching
 * the criteria (one per household if asked), ordered by `hash(person_id XOR seed)`
 * for `random` or by appetence in `scoreSector`, then last transaction in it
 * (both from the permitting members' records only), then person_id for `best_score`; at most `quantity`. Each comes with the
 * fields of ONE record usable for the channel: the one with the latest last
 * activity (ties: the highest record_id).
 *
 * @example
 * const { sql, params, types } = compileSelectionExtract(criteria, scope, { quantity: 1000, randomSeed: 7 });
 */
export function compileSelectionExtract(
  criteria: TSelectionCriteria,
  scope: TSelectionScope,
  options: { quantity: number; randomSeed: number },
): TCompiledSelection {
  const { withClause, parameters, today } = buildSelectionSql(criteria, scope);
  const channel = scope.channel;
  let sortColumns: string;
  let scoreCte = '';
  let scoreJoin = '';
  let order: string;
  if (criteria.sampling === 'best_score') {
    if (!criteria.scoreSector) {
      throw new AppError('validation_failed', 'best_score sampling needs a scoreSector');
    }
    // The appetence of the permitting members' activity in the sector only, never
    // `person_sector_profile` (every member's): a member that forbids this client does
    // not decide whom it gets first (DESIGN.md rule 1).
    scoreCte = `
  sel_score AS (${sectorProfileSql({
    sectorMembers: parameters.add('varchar_list', sectorMembersOf(scope, criteria.scoreSector)),
    today: today(),
    precomputed: false,
  })}),`;
    scoreJoin = 'LEFT JOIN sel_score sp ON sp.person_id = c.person_id';
    sortColumns =
      'coalesce(sp.appetence_score, -1) AS sort_score, sp.last_transaction AS sort_recency';
    order = 'sort_score DESC, sort_recency DESC NULLS LAST';
  } else {
    // The seed goes INTO the hash: `hash(person_id, seed)` only combines the two hashes,
    // which barely reorders the persons (one 20-of-42 sample came out for half the seeds).
    sortColumns = `hash(xor(c.person_id, ${parameters.add('bigint', options.randomSeed)})) AS sort_hash`;
    order = 'sort_hash';
  }
  const sql = `${withClause},${scoreCte}
  sel_picked AS (
    SELECT c.person_id, c.household_id, ${sortColumns}
    FROM sel_ranked c ${scoreJoin}
    WHERE c.eligible_${channel} AND c.household_first
    ORDER BY ${order}, c.person_id
    LIMIT ${parameters.add('bigint', options.quantity)}
  ),
  -- The one record the person's delivered fields come from: usable for the channel,
  -- latest activity first. In the same pass over the person's criteria records, the
  -- members they are at (its suppliers: the recipients a member's access answer lists).
  sel_source AS (
    SELECT r.person_id, r.record_id,
      list_sort(list_distinct(list(r.member_code) OVER (PARTITION BY r.person_id))) AS supplier_codes
    FROM sel_records r
    WHERE r.person_id IN (SELECT person_id FROM sel_picked)
    QUALIFY r.usable_${channel} AND row_number() OVER (PARTITION BY r.person_id
      ORDER BY r.usable_${channel} DESC, r.last_activity DESC, r.record_id DESC) = 1
  )
  SELECT p.person_id, p.household_id, m.member_code, m.civility, m.first_name, m.last_name,
    ${CHANNEL_FIELDS[channel]}, s.supplier_codes
  FROM sel_picked p
  JOIN sel_source s ON s.person_id = p.person_id
  JOIN member_records m ON m.record_id = s.record_id
  ORDER BY ${order}, p.person_id`;
  return { sql, params: parameters.values, types: parameters.types };
}

/**
 * Extracts a selection for delivery on the writer, in one transaction that also
 * records the delivered persons in `delivered_persons` (client, delivery, today) and
 * each one's suppliers in `delivered_person_suppliers` (the members whose criteria
 * records qualified it), replacing what an earlier attempt of the same delivery recorded.
 * Field provenance (DESIGN.md rule 2): names, civility and the channel's contact
 * come from one record usable for the channel; nothing else is read.
 *
 * @example
 * const { persons, memberUsage } = await extractSelection(warehouse, { criteria, scope, quantity: 5000, randomSeed: 42, deliveryId });
 */
export async function extractSelection(
  warehouse: TWarehouse,
  input: TExtractSelectionInput,
): Promise<TExtraction> {
  if (!Number.isInteger(input.quantity) || input.quantity < 0) {
    throw new AppError('validation_failed', 'quantity must be a non-negative integer');
  }
  if (!Number.isSafeInteger(input.randomSeed)) {
    throw new AppError('validation_failed', 'randomSeed must be an integer');
  }
  return warehouse.withWriter(async (connection) => {
    const scope = { ...input.scope };
    if (input.criteria.reference && !scope.referenceTables) {
      scope.referenceTables = await readReferenceTables(connection);
    }
    const { sql, params, types } = compileSelectionExtract(input.criteria, scope, input);
    return runPoolTransaction(warehouse, connection, async () => {
      // A retried attempt of this delivery starts clean: the persons a failed attempt
      // recorded were never delivered, and must neither be excluded from this draw
      // (excludeDeliveredWithinDays) nor stay recorded as delivered.
      await deleteDeliveryRows(connection, input.deliveryId);
      const rows = (await connection.runAndReadAll(sql, params, types)).getRowObjectsJS();
      const persons = rows.map((row) => toExtractedPerson(row, scope.channel));
      // One (person, member) pair per supplier, as two parallel lists: one insert.
      const supplierPersons: bigint[] = [];
      const supplierMembers: string[] = [];
      for (const row of rows) {
        for (const memberCode of row.supplier_codes as string[]) {
          supplierPersons.push(BigInt(row.person_id as number | bigint));
          supplierMembers.push(memberCode);
        }
      }
      await connection.run(
        `INSERT INTO delivered_persons
         SELECT $client, $delivery, unnest($persons), CAST($today AS DATE)`,
        {
          client: scope.clientCode,
          delivery: input.deliveryId,
          persons: listValue(persons.map((person) => BigInt(person.personId))),
          today: scope.today,
        },
        { persons: LIST(BIGINT) },
      );
      await connection.run(
        `INSERT INTO delivered_person_suppliers
         SELECT $delivery, unnest($persons), unnest($members)`,
        {
          delivery: input.deliveryId,
          persons: listValue(supplierPersons),
          members: listValue(supplierMembers),
        },
        { persons: LIST(BIGINT), members: LIST(VARCHAR) },
      );
      return { persons, memberUsage: usageOf(persons) };
    });
  });
}

function toExtractedPerson(row: Record<string, unknown>, channel: TChannel): TExtractedPerson {
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  const civility = text(row.civility);
  const streetName = text(row.street_name);
  return {
    personId: Number(row.person_id),
    householdId: row.household_id === null ? null : Number(row.household_id),
    sourceMemberCode: String(row.member_code),
    civility: civility === 'M' || civility === 'MME' ? civility : null,
    firstName: text(row.first_name),
    lastName: text(row.last_name),
    complement: channel === 'postal' ? text(row.address_complement) : null,
    building: channel === 'postal' ? text(row.address_building) : null,
    street:
      channel === 'postal' && streetName
        ? {
            houseNumber: text(row.house_number),
            numberSuffix: text(row.number_suffix),
            streetType: text(row.street_type),
            streetName,
            matchKey: text(row.street_key) ?? '',
          }
        : null,
    locality: channel === 'postal' ? text(row.address_locality) : null,
    postcode: channel === 'postal' ? text(row.postcode) : null,
    city: channel === 'postal' ? text(row.city) : null,
    email: channel === 'email' ? text(row.email) : null,
    phone: channel === 'sms' || channel === 'phone' ? text(row.phone) : null,
  };
}

function usageOf(persons: readonly TExtractedPerson[]): TExtraction['memberUsage'] {
  const counts = new Map<string, number>();
  for (const person of persons) {
    counts.set(person.sourceMemberCode, (counts.get(person.sourceMemberCode) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([memberCode, personCount]) => ({ memberCode, personCount }));
}
