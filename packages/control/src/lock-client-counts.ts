import type { Transaction } from 'kysely';
import type { ControlSchema } from './schema.ts';

/**
 * Locks the client's organisation row until `trx` ends, so that one client's counts are
 * disclosed one at a time: a count reads the client's recent counts and records itself
 * while holding it, and the next one, waiting, then reads it (READ COMMITTED: its next
 * statement sees what the previous holder committed). Without it two near counts run side
 * by side would each be compared with neither and both answered afresh.
 *
 * @example
 * await lockClientCounts(trx, selection.client_org_id); // then read recent counts, record
 */
export async function lockClientCounts(
  trx: Transaction<ControlSchema>,
  clientOrgId: string,
): Promise<void> {
  // NO KEY: the rows that reference the organisation (its file drops, selections,
  // counts…) take KEY SHARE locks on it when written, and must not wait for counts.
  await trx
    .selectFrom('organisations')
    .select('id')
    .where('id', '=', clientOrgId)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
}
