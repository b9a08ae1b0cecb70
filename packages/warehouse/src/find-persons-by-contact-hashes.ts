import { AppError } from '@alliage/domain';
import type { TWarehouse } from './open-warehouse.ts';
import { sqlString } from './sql-literal.ts';

/** A keyed hash of one normalised contact point (as repoussoir entries store them). */
export interface TContactHash {
  kind: 'email' | 'phone' | 'postal';
  hmac: string;
}

/** A person of the pool and every member record of it (member code and that member's customer ID). */
export interface TMatchedPerson {
  personId: number;
  records: { memberCode: string; customerId: string }[];
}

const HASH = /^[0-9a-f]{64}$/;

/**
 * Finds the persons any of whose records matches any of `hashes` (email, mobile or
 * landline, postal identity — the columns the repoussoir matches), then answers every
 * record of those persons, at all members: the pool's own identity resolution decides
 * who "the person" is. Records still held for lack of activity (outside the pool, no
 * person) are matched too and answered with person ID 0 per member. Nothing is written.
 *
 * @example
 * const persons = await findPersonsByContactHashes(warehouse, [{ kind: 'email', hmac }]);
 */
export async function findPersonsByContactHashes(
  warehouse: TWarehouse,
  hashes: readonly TContactHash[],
): Promise<TMatchedPerson[]> {
  if (hashes.some((hash) => !HASH.test(hash.hmac))) {
    throw new AppError('validation_failed', 'a contact hash is not a hex HMAC-SHA-256');
  }
  const list = (kind: TContactHash['kind']) => {
    const values = hashes.filter((hash) => hash.kind === kind).map((hash) => sqlString(hash.hmac));
    // Hex hashes only (checked above), so inlining them is safe; NULL matches nothing.
    return values.length > 0 ? values.join(', ') : 'NULL';
  };
  const matches = (alias: string) => `(
      ${alias}.email_hmac IN (${list('email')})
      OR ${alias}.mobile_hmac IN (${list('phone')})
      OR ${alias}.landline_hmac IN (${list('phone')})
      OR ${alias}.postal_hmac IN (${list('postal')}))`;
  const connection = await warehouse.connect();
  try {
    const rows = (
      await connection.runAndReadAll(
        `WITH matched AS (SELECT DISTINCT person_id FROM member_records r WHERE ${matches('r')} AND person_id IS NOT NULL)
         SELECT person_id, member_code, customer_id FROM member_records
         WHERE person_id IN (SELECT person_id FROM matched)
         UNION
         -- Held records have no person yet: each stands for itself.
         SELECT 0 AS person_id, member_code, customer_id FROM held_records h WHERE ${matches('h')}
         ORDER BY person_id, member_code, customer_id`,
      )
    ).getRowsJS();
    const persons = new Map<number, TMatchedPerson>();
    for (const [personId, memberCode, customerId] of rows) {
      const id = Number(personId);
      const person = persons.get(id) ?? { personId: id, records: [] };
      person.records.push({ memberCode: String(memberCode), customerId: String(customerId) });
      persons.set(id, person);
    }
    return [...persons.values()];
  } finally {
    connection.closeSync();
  }
}
