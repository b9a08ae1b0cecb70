import type { TWarehouse } from './open-warehouse.ts';

/** Values of one member to look for in the pool's bytes once it is gone, by kind. */
export interface TMemberCanaries {
  customerIds: string[];
  emails: string[];
  lastNames: string[];
}

/** Shorter values would match random bytes of a binary file. */
const MIN_CANARY_LENGTH = 6;

/**
 * Picks up to `perKind` customer IDs, emails and last names of a member's
 * records (held ones included), each at least 6 characters long and held by no
 * other member (that value stays in the pool legitimately), in a stable
 * pseudo-random order. Taken before the member's data is deleted; personal
 * data: callers keep them in memory and never log them.
 *
 * @example
 * const canaries = await sampleMemberCanaries(warehouse, 'M01', 100);
 */
export async function sampleMemberCanaries(
  warehouse: TWarehouse,
  memberCode: string,
  perKind: number,
): Promise<TMemberCanaries> {
  const connection = await warehouse.connect();
  try {
    const rows = (
      await connection.runAndReadAll(
        `WITH records AS (
           SELECT member_code, customer_id, email, last_name FROM member_records
           UNION ALL
           SELECT member_code, customer_id, email, last_name FROM held_records
         ), own AS (
           SELECT 'customer_id' AS kind, customer_id AS value FROM records WHERE member_code = $1
           UNION SELECT 'email', email FROM records WHERE member_code = $1
           UNION SELECT 'last_name', last_name FROM records WHERE member_code = $1
         ), others AS (
           SELECT customer_id AS value FROM records WHERE member_code <> $1
           UNION SELECT customer_id FROM transactions WHERE member_code <> $1
           UNION SELECT email FROM records WHERE member_code <> $1
           UNION SELECT last_name FROM records WHERE member_code <> $1
         )
         SELECT kind, value FROM own
         WHERE value IS NOT NULL AND length(value) >= ${MIN_CANARY_LENGTH}
           AND value NOT IN (SELECT value FROM others WHERE value IS NOT NULL)
         QUALIFY row_number() OVER (PARTITION BY kind ORDER BY hash(value), value) <= $2`,
        [memberCode, perKind],
      )
    ).getRowsJS() as [string, string][];
    const canaries: TMemberCanaries = { customerIds: [], emails: [], lastNames: [] };
    for (const [kind, value] of rows) {
      if (kind === 'customer_id') canaries.customerIds.push(value);
      else if (kind === 'email') canaries.emails.push(value);
      else canaries.lastNames.push(value);
    }
    return canaries;
  } finally {
    connection.closeSync();
  }
}
